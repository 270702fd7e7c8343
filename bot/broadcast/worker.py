"""The delivery worker: sends the outbox, at the channel's pace, exactly once.

It runs inside ``essbot run``, one loop per running channel. For each due row it waits
for room in the channel's budget (:mod:`bot.broadcast.pacing`) and for the chat's
spacing, commits the row as ``sending``, calls ``channel.deliver``, and commits the
outcome. A few sends are in flight at once (``concurrency``), so that a distant server
does not cap the rate at one message per round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import random
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.broadcast.model import Update
from bot.broadcast.pacing import Budgets, ChatSpacing, SlidingWindow
from bot.broadcast.render import update_message
from bot.broadcast.storage import Outbox, Row, Subscriptions, Updates
from bot.channels.base import Channel, DeliveryError, RateLimited, RecipientGone, TransientError
from bot.engine.messages import Outgoing
from bot.i18n import translator

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WorkerSettings:
    rate: float = 30.0  # messages per second per channel, interactive replies included
    chat_interval: float = 1.0  # seconds between two broadcast messages to one chat
    concurrency: int = 8  # sends in flight at once, per channel
    max_attempts: int = 6  # network errors and 5xx, the first try included
    base_delay: float = 2.0  # first retry delay after a transient error, then doubled...
    max_delay: float = 600.0  # ...up to this
    poll_interval: float = 1.0  # seconds between two looks at an empty outbox
    batch: int = 200  # rows read at once


@dataclass(frozen=True, slots=True)
class Hold:
    """A test hook (``ESSBOT_BROADCAST_TEST_HOLD=point:count:file``): stop at a known point.

    ``after_sent``: after the count-th ``sent`` commit, claim nothing more, let the sends
    in flight finish, write ``file`` and wait (for a kill -9 between two sends).
    ``before_sent``: the count-th delivered message is not committed ``sent``; the other
    sends finish, ``file`` is written, and the worker waits (a kill -9 in the window).
    """

    point: str
    count: int
    file: Path

    @classmethod
    def parse(cls, value: str | None) -> Hold | None:
        if not value:
            return None
        point, count, file = value.split(":", 2)
        if point not in ("after_sent", "before_sent"):
            raise ValueError(f"unknown hold point {point!r}")
        return cls(point, int(count), Path(file))


@dataclass(frozen=True, slots=True)
class _Job:
    row: Row
    address: str
    message: Outgoing


class DeliveryWorker:
    def __init__(self, outbox: Outbox, subscriptions: Subscriptions, updates: Updates,
                 channels: Sequence[Channel], budgets: Budgets,
                 settings: WorkerSettings | None = None, hold: Hold | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.outbox = outbox
        self.subscriptions = subscriptions
        self.updates = updates
        self.channels = list(channels)
        self.budgets = budgets
        self.settings = settings or WorkerSettings()
        self.hold = hold
        self.clock = clock
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="essbot-outbox")
        self._stop = asyncio.Event()  # a fresh one for each run()
        self._held = False
        self._inflight: set[asyncio.Task[None]] = set()
        self._updates: dict[int, Update] = {}
        self.sent = 0  # messages delivered by this worker (for logs and the benchmark)
        self.committed = 0  # ...and recorded as sent

    # -- life cycle -------------------------------------------------------------------------

    async def run(self) -> None:
        """Recover what a crash left, then serve every channel until :meth:`stop`."""
        self._stop = asyncio.Event()
        unknown = await self._db(self.outbox.recover)
        if unknown:
            log.warning("broadcast: %d message(s) were being sent when the bot stopped; their "
                        "delivery is unknown and they are not sent again (see 'essbot "
                        "broadcast status')", unknown)
        await asyncio.gather(*(self._serve(channel) for channel in self.channels))

    async def stop(self, timeout: float = 10.0) -> None:
        """Claim nothing more; let the sends in flight finish and record their outcome."""
        self._stop.set()
        if self._inflight:
            await asyncio.wait(list(self._inflight), timeout=timeout)
        self._executor.shutdown(wait=True)

    async def _db(self, function: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, function, *args)

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), max(0.0, seconds))

    @property
    def _stopping(self) -> bool:
        return self._stop.is_set() or self._held

    # -- one channel ------------------------------------------------------------------------

    async def _serve(self, channel: Channel) -> None:
        window = self.budgets.window(channel.name)
        spacing = ChatSpacing(self.settings.chat_interval, self.clock)
        slots = asyncio.Semaphore(self.settings.concurrency)
        while not self._stopping:
            try:
                rows = await self._db(self.outbox.due, channel.name, self.settings.batch)
            except Exception:
                log.exception("broadcast: cannot read the outbox")
                await self._sleep(self.settings.poll_interval)
                continue
            if not rows:
                await self._sleep(self.settings.poll_interval)
                continue
            started, waits = 0, []
            for row in rows:
                if self._stopping:
                    break
                wait = spacing.wait(row.recipient)
                if wait > 0:
                    waits.append(wait)
                    continue
                await slots.acquire()  # then the budget: a 429 may have come meanwhile
                await self._room(window)
                if self._stopping:
                    slots.release()
                    break
                try:
                    job = await self._db(self._prepare, row)
                except Exception:
                    slots.release()
                    log.exception("broadcast: cannot prepare a message")
                    continue
                if job is None:
                    slots.release()
                    continue
                token = window.reserve()
                spacing.record(row.recipient)
                started += 1
                task = asyncio.create_task(self._send(channel, window, token, job))
                self._inflight.add(task)
                task.add_done_callback(functools.partial(self._sent_one, slots))
            if not started and waits:
                await self._sleep(min(waits))
        if self._held:
            await self._finish_hold()

    def _sent_one(self, slots: asyncio.Semaphore, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        slots.release()

    async def _room(self, window: SlidingWindow) -> None:
        while not self._stopping:
            delay = window.delay()
            if delay <= 0:
                return
            await self._sleep(delay)

    def _prepare(self, row: Row) -> _Job | None:
        """In the database thread: find the address, render, and claim the row."""
        found = self.subscriptions.address(row.recipient)
        subscription = self.subscriptions.get(row.recipient) if found else None
        if found is None or subscription is None:
            self.outbox.cancel(row.id, "unsubscribed")  # left since the update was queued
            return None
        update = self._updates.get(row.update_id)
        if update is None:
            update = self.updates.get(row.update_id)
            if update is None:  # the outbox row's foreign key makes this unreachable
                raise LookupError(f"update {row.update_id} is missing")
            if len(self._updates) > 64:
                self._updates.clear()
            self._updates[row.update_id] = update
        message = update_message(update, translator(subscription.language))
        if not self.outbox.claim(row.id):
            return None
        return _Job(row, found[1], message)

    async def _send(self, channel: Channel, window: SlidingWindow, token: list[float],
                    job: _Job) -> None:
        row = job.row
        try:
            try:
                await channel.deliver(job.address, job.message)
            finally:
                window.complete(token)
        except RateLimited as exc:
            window.pause(exc.retry_after)
            log.warning("broadcast: %s asked to wait %.1f s", channel.name, exc.retry_after)
            await self._db(self.outbox.retry, row.id, exc.retry_after, "rate_limited", True)
        except RecipientGone:
            await self._db(self.outbox.gone, row.id, row.recipient)
        except TransientError:
            attempts = row.attempts + 1
            if attempts >= self.settings.max_attempts:
                await self._db(self.outbox.fail, row.id, "transient_error")
            else:
                delay = min(self.settings.max_delay,
                            self.settings.base_delay * 2 ** (attempts - 1))
                await self._db(self.outbox.retry, row.id, delay * random.uniform(0.8, 1.2),
                               "transient_error")
        except DeliveryError as exc:  # refused for another reason: trying again will not help
            log.warning("broadcast: a message was refused by %s: %s", channel.name,
                        type(exc).__name__)
            await self._db(self.outbox.fail, row.id, "refused")
        except Exception as exc:  # a bug of the channel: recorded, the others go on
            log.exception("broadcast: delivery failed on %s", channel.name)
            await self._db(self.outbox.fail, row.id, f"error:{type(exc).__name__}")
        else:
            self.sent += 1
            if self._hold_reached("before_sent", self.sent):
                self._held = True
                await asyncio.Event().wait()  # never commits: the test kills us here
            await self._db(self.outbox.sent, row.id)
            self.committed += 1
            if self._hold_reached("after_sent", self.committed):
                self._held = True

    # -- test hook --------------------------------------------------------------------------

    def _hold_reached(self, point: str, count: int) -> bool:
        return self.hold is not None and self.hold.point == point and count == self.hold.count

    async def _finish_hold(self) -> None:
        hold = self.hold
        if hold is None:  # only a hold sets _held
            return
        waiting = 1 if hold.point == "before_sent" else 0
        while len(self._inflight) > waiting:
            await asyncio.sleep(0.01)
        hold.file.write_text(f"{hold.point} {self.sent}\n")
        await asyncio.Event().wait()
