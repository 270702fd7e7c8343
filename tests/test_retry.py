"""The one retry policy of the channels: what is retried, how long it waits, when it stops."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.base import DeliveryError, RateLimited, RecipientGone, TransientError
from bot.channels.retry import NO_RETRY, RetryPolicy

FAST = RetryPolicy(attempts=4, base_delay=0.001, max_delay=0.01, max_retry_after=1.0)


def run(policy: RetryPolicy, failures: list[Exception]) -> tuple[object, int]:
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        if failures:
            raise failures.pop(0)
        return "ok"

    return asyncio.run(policy.run("test", lambda: call())), calls


def test_transient_errors_and_rate_limits_are_retried():
    assert run(FAST, [TransientError("502"), RateLimited(0.01), TransientError("x")]) == ("ok", 4)


def test_it_gives_up_after_the_attempts_with_the_last_error():
    with pytest.raises(TransientError, match="4"):
        run(FAST, [TransientError(str(n)) for n in range(1, 6)])


def test_other_errors_and_long_rate_limits_are_final():
    for error in (RecipientGone("blocked"), DeliveryError("bad request"), RateLimited(30)):
        with pytest.raises(type(error)):
            run(FAST, [error])
    with pytest.raises(TransientError):
        run(NO_RETRY, [TransientError("once")])


def test_a_rate_limit_waits_what_the_server_asked():
    assert RetryPolicy().delay(RateLimited(7.5), 3) == 7.5
    delays = [RetryPolicy(base_delay=0.5, max_delay=30).delay(TransientError(""), n)
              for n in (1, 2, 10)]
    assert 0.4 <= delays[0] <= 0.6 and 0.8 <= delays[1] <= 1.2 and delays[2] <= 36
