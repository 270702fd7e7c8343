"""One retry policy for every network call of the channels (tenacity underneath).

A call is retried when it failed with :class:`~bot.channels.base.TransientError` (network
errors, timeouts, 5xx) or :class:`~bot.channels.base.RateLimited` (Telegram's 429
``retry_after``, Matrix's ``M_LIMIT_EXCEEDED`` ``retry_after_ms``): a rate limit waits
exactly what the server asked, other failures back off exponentially with jitter. Any
other :class:`~bot.channels.base.DeliveryError` is final. A channel maps its library's
exceptions to those classes; this module knows no network.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
)

from bot.channels.base import RateLimited, TransientError

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How network calls are retried."""

    attempts: int = 6  # in all, the first try included
    base_delay: float = 0.5  # doubled at each network/5xx failure...
    max_delay: float = 30.0  # ...up to this
    max_retry_after: float = 300.0  # a longer rate limit is given up (reported), not slept

    def delay(self, error: BaseException | None, attempt: int) -> float:
        """Seconds to wait after the ``attempt``-th failure (1 for the first)."""
        if isinstance(error, RateLimited):
            return error.retry_after
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return backoff * random.uniform(0.8, 1.2)

    def _stop(self, state: RetryCallState) -> bool:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, RateLimited) and error.retry_after > self.max_retry_after:
            return True
        return stop_after_attempt(self.attempts)(state)

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        return self.delay(error, state.attempt_number)

    async def run(self, what: str, call: Callable[[], Awaitable[T]],
                  logger: logging.Logger = log) -> T:
        """``await call()``, retried as the policy says; the last error is raised as is."""

        def before_sleep(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            wait = state.next_action.sleep if state.next_action else 0.0
            logger.warning("%s failed (%s); retry %d in %.2f s", what,
                           type(error).__name__, state.attempt_number, wait)

        async def attempt() -> T:  # a coroutine function, whatever ``call`` is
            return await call()

        retrying = AsyncRetrying(
            stop=self._stop, wait=self._wait, reraise=True, before_sleep=before_sleep,
            retry=retry_if_exception_type((RateLimited, TransientError)))
        return await retrying(attempt)


NO_RETRY = RetryPolicy(attempts=1)
