"""The delivery worker against an in-memory channel: pace, retries, 429, 403, precedence of
interactive replies, and recovery after a crash."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from bot.broadcast.model import Draft, Targeting
from bot.broadcast.pacing import Budgets, SlidingWindow
from bot.broadcast.worker import DeliveryWorker, WorkerSettings
from tests.broadcast_support import (
    RateLimited,
    RecipientGone,
    ScriptedChannel,
    TransientError,
    run_async,
    service_of,
    wait_until,
)
from tests.conftest import raw_db

FAST = WorkerSettings(rate=1000, chat_interval=0.0, concurrency=4, base_delay=0.02,
                      max_delay=0.1, poll_interval=0.02)


@pytest.fixture
def service(engine):
    return service_of(engine)


def add_subscribers(service, ids, channel: str = "telegram") -> None:
    for user_id in ids:
        key = service.pseudonymize(channel, user_id)
        service.subscriptions.subscribe(key, channel, user_id, "fr", [], [], None)


def publish(service, title: str = "Mois de l'ESS") -> int:
    draft = Draft(title, "Le programme du Mois de l'ESS est en ligne.", targeting=Targeting())
    return service.publish(draft, author=None, origin="cli").id


async def run_worker(service, channel, settings=FAST, budgets=None, until=None,
                     timeout: float = 20.0) -> DeliveryWorker:
    worker = DeliveryWorker(service.outbox, service.subscriptions, service.updates, [channel],
                            budgets or Budgets(settings.rate), settings)
    task = asyncio.create_task(worker.run())
    try:
        await wait_until(until or (lambda: service.outbox.pending_count() == 0), timeout,
                         "the outbox to drain")
    finally:
        await worker.stop()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    return worker


def statuses(service, update_id: int) -> dict[str, int]:
    return service.updates.progress(update_id).counts


@run_async
async def test_every_recipient_gets_the_update_once(service):
    ids = [str(1000 + i) for i in range(50)]
    add_subscribers(service, ids)
    update_id = publish(service)
    channel = ScriptedChannel(latency=0.001)
    await run_worker(service, channel)
    assert sorted(user for user, _, _ in channel.delivered) == sorted(ids)
    assert statuses(service, update_id) == {"sent": 50}
    text = channel.delivered[0][1]
    assert text.startswith("📣 Mois de l'ESS") and "/desabonner" in text


@run_async
async def test_429_is_honoured_on_the_whole_channel(service):
    add_subscribers(service, ["1", "2", "3"])
    update_id = publish(service)
    channel = ScriptedChannel(faults={"1": [RateLimited(0.3)]})
    await run_worker(service, channel, WorkerSettings(rate=1000, chat_interval=0.0,
                                                      concurrency=1, poll_interval=0.02))
    assert statuses(service, update_id) == {"sent": 3}
    limited = next(i for i, (user, _) in enumerate(channel.attempts) if user == "1")
    later = [at for _, at in channel.attempts[limited + 1:]]
    assert min(later) - channel.attempts[limited][1] >= 0.29  # nobody written to meanwhile
    assert sum(1 for user, _ in channel.attempts if user == "1") == 2
    row = raw_db(service.store).execute("SELECT attempts FROM outbox WHERE recipient = ?",
                                   (service.pseudonymize("telegram", "1"),)).fetchone()
    assert row[0] == 1  # a 429 is not counted as a failed try


@run_async
async def test_transient_errors_are_retried_with_backoff_then_given_up(service):
    add_subscribers(service, ["1", "2"])
    update_id = publish(service)
    channel = ScriptedChannel(faults={"1": [TransientError("502")] * 2,
                                      "2": [TransientError("500")] * 10})
    await run_worker(service, channel)
    assert channel.count("1") == 1 and channel.count("2") == 0
    assert statuses(service, update_id) == {"sent": 1, "failed": 1}
    times = [at for user, at in channel.attempts if user == "2"]
    assert len(times) == FAST.max_attempts
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert gaps[-1] > gaps[0] * 1.5  # backing off: 0.02 s, doubled, up to 0.1 s
    assert times[-1] - times[0] >= 0.8 * (0.02 + 0.04 + 0.08 + 0.1 + 0.1)


@run_async
async def test_a_recipient_who_blocked_the_bot_is_unsubscribed(service):
    add_subscribers(service, ["1", "2"])
    publish(service, "Premier")
    publish(service, "Second")
    channel = ScriptedChannel(gone={"2"})
    await run_worker(service, channel)
    key = service.pseudonymize("telegram", "2")
    assert service.subscriptions.get(key) is None
    assert service.subscriptions.address(key) is None
    rows = raw_db(service.store).execute(
        "SELECT status FROM outbox WHERE recipient = ? ORDER BY id", (key,)).fetchall()
    assert [r[0] for r in rows] == ["gone", "cancelled"]  # the second is never attempted
    assert channel.count("1") == 2


@run_async
async def test_global_rate_and_one_message_per_second_per_chat(service):
    ids = [str(i) for i in range(1, 31)]
    add_subscribers(service, ids)
    publish(service, "Premier")
    publish(service, "Second")
    channel = ScriptedChannel()
    settings = WorkerSettings(rate=20, chat_interval=1.0, concurrency=4, poll_interval=0.02)
    await run_worker(service, channel, settings)
    times = sorted(at for _, _, at in channel.delivered)
    assert len(times) == 60
    for i, start in enumerate(times):  # never more than 20 in any second
        assert sum(1 for at in times[i:i + 25] if at < start + 1.0) <= 20
    elapsed = times[-1] - times[0]
    assert elapsed >= 2.0 and elapsed < 4.0  # 60 messages at 20/s: about 3 s, not much more
    for user in ids:
        first, second = [at for u, _, at in channel.delivered if u == user]
        assert second - first >= 0.99


@run_async
async def test_interactive_replies_take_precedence(service):
    add_subscribers(service, [str(i) for i in range(10)])
    publish(service)
    budgets = Budgets(10)
    budgets.interactive("telegram", 10)  # the replies of a busy second used the whole budget
    channel = ScriptedChannel()
    started = time.monotonic()
    await run_worker(service, channel, WorkerSettings(rate=10, chat_interval=0,
                                                      poll_interval=0.02), budgets)
    assert min(at for _, _, at in channel.delivered) - started >= 0.95


def test_sliding_window_arithmetic():
    now = [100.0]
    window = SlidingWindow(3, margin=0.0, clock=lambda: now[0])
    for _ in range(3):
        assert window.delay() == 0
        window.record()
        now[0] += 0.1
    assert window.delay() == pytest.approx(0.7)
    window.pause(5)
    assert window.delay() == pytest.approx(5)
    slow = SlidingWindow(0.5, margin=0.0, clock=lambda: now[0])  # one message every 2 s
    assert (slow.limit, slow.period) == (1, 2.0)


@run_async
async def test_rows_left_sending_by_a_crash_are_never_sent_twice(service):
    add_subscribers(service, ["1", "2"])
    update_id = publish(service)
    row = service.outbox.due("telegram")[0]
    assert service.outbox.claim(row.id)  # a process claimed it, then died
    channel = ScriptedChannel()
    await run_worker(service, channel)
    assert statuses(service, update_id) == {"sent": 1, "unknown": 1}
    assert len(channel.delivered) == 1
    assert service.updates.requeue_unknown(update_id) == 1  # the operator's choice
    await run_worker(service, channel)
    assert statuses(service, update_id) == {"sent": 2}


@run_async
async def test_unsubscribing_after_publication_cancels_the_message(service):
    add_subscribers(service, ["1", "2"])
    update_id = publish(service)
    service.subscriptions.unsubscribe(service.pseudonymize("telegram", "2"))
    channel = ScriptedChannel()
    await run_worker(service, channel)
    assert statuses(service, update_id) == {"sent": 1, "cancelled": 1}
    assert channel.count("2") == 0


@run_async
async def test_the_refused_message_is_failed_not_retried(service):
    from bot.channels.base import DeliveryError

    add_subscribers(service, ["1"])
    update_id = publish(service)
    channel = ScriptedChannel(faults={"1": [DeliveryError("400 can't parse")]})
    await run_worker(service, channel)
    assert statuses(service, update_id) == {"failed": 1}
    assert len(channel.attempts) == 1


@run_async
async def test_messages_follow_the_subscribers_language(service):
    key = service.pseudonymize("telegram", "9")
    service.subscriptions.subscribe(key, "telegram", "9", "en", [], [], None)
    publish(service)
    channel = ScriptedChannel()
    await run_worker(service, channel)
    assert "/unsubscribe to stop" in channel.delivered[0][1]


assert RecipientGone  # re-exported for the end-to-end tests
