"""Bridge from async channels to the synchronous engine.

Messages of one conversation are handled strictly in arrival order (an
``asyncio.Lock`` wakes its waiters first come, first served); messages of
different conversations run concurrently in a thread pool, so a slow database
write for one user does not hold the event loop for everybody else.

Observers see the replies of every turn as they leave (the broadcast worker counts
them against each channel's message budget).

A channel whose updates carry the network's id calls :meth:`Dispatcher.handle_event`,
sends the replies, then gives the receipt back (:meth:`Dispatcher.delivered`); at start
it sends what a crash left undelivered (:meth:`Dispatcher.pending_replies`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Executor

from bot.engine.engine import Engine
from bot.engine.messages import Incoming, Outgoing
from bot.engine.outbox import Handled, PendingReplies

log = logging.getLogger(__name__)

ReplyObserver = Callable[[str, list[Outgoing]], None]  # (channel, replies)


class Dispatcher:
    def __init__(self, engine: Engine, executor: Executor | None = None):
        self.engine = engine
        self.executor = executor
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}
        self._observers: list[ReplyObserver] = []
        self._fatal: list[Callable[[BaseException], None]] = []
        self._acks: list[int] = []  # receipts delivered, not yet written
        self._ack_task: asyncio.Task | None = None

    def observe(self, observer: ReplyObserver) -> None:
        """Call ``observer(channel, replies)`` after every turn handled here."""
        self._observers.append(observer)

    def on_fatal(self, handler: Callable[[BaseException], None]) -> None:
        """Call ``handler(error)`` when a channel reports that it cannot go on."""
        self._fatal.append(handler)

    def report_fatal(self, error: BaseException) -> None:
        """A channel cannot go on (a revoked token...): the process should stop, non-zero."""
        for handler in self._fatal:
            handler(error)

    async def handle(self, incoming: Incoming) -> list[Outgoing]:
        """The replies to ``incoming``, taken as delivered once returned."""
        handled = await self.handle_event(incoming)
        if handled.receipt is not None:
            await self.delivered(handled.receipt)
        return handled.replies

    async def handle_event(self, incoming: Incoming) -> Handled:
        """Handle ``incoming`` (once, if it has an ``event_id``); acknowledge the receipt
        with :meth:`delivered` once the replies are sent."""
        key = (incoming.channel, incoming.user_id)
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                loop = asyncio.get_running_loop()
                handled = await loop.run_in_executor(self.executor, self.engine.handle_event,
                                                     incoming)
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)
        for observer in self._observers:
            observer(incoming.channel, handled.replies)
        return handled

    async def delivered(self, receipt: int) -> None:
        """The replies of ``receipt`` were sent (or given up): they are not kept any more.

        Returns at once: acknowledgements are written together, in one transaction per
        batch, off the engine's pool (until one commits, a crash sends those replies
        again: the at-least-once window, kept short). :meth:`flush` waits for them.
        """
        self._acks.append(receipt)
        if self._ack_task is None or self._ack_task.done():
            self._ack_task = asyncio.get_running_loop().create_task(self._write_acks(),
                                                                    name="essbot-acks")

    async def _write_acks(self) -> None:
        while self._acks:
            batch, self._acks = self._acks, []
            try:
                await asyncio.to_thread(self.engine.delivered, *batch)
            except Exception:  # they are sent again at the next start: at least once
                log.exception("could not record %d delivered reply set(s)", len(batch))

    async def flush(self) -> None:
        """Wait until every acknowledgement so far is written (a channel's clean stop)."""
        while self._ack_task is not None and not self._ack_task.done():
            await asyncio.wait([self._ack_task])

    async def pending_replies(self, channel: str) -> list[PendingReplies]:
        """What ``channel`` handled but never confirmed delivering (a crash), oldest first."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self.engine.pending_replies, channel)

    @property
    def active_conversations(self) -> int:
        return len(self._locks)
