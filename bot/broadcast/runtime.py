"""The broadcast worker's place in ``essbot run``: started after the channels, stopped
before them, with a dispatcher that counts replies against the shared budget."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from concurrent.futures import Executor

from bot.broadcast import service_of
from bot.broadcast.pacing import Budgets, MeteredDispatcher
from bot.broadcast.service import BroadcastService, hold_from_env, worker_settings
from bot.broadcast.worker import DeliveryWorker, WorkerSettings
from bot.channels.base import Channel
from bot.config import Settings
from bot.engine.engine import Engine

log = logging.getLogger(__name__)


class BroadcastRuntime:
    def __init__(self, service: BroadcastService, settings: WorkerSettings):
        self.service = service
        self.settings = settings
        self.budgets = Budgets(settings.rate)
        self.worker: DeliveryWorker | None = None
        self._task: asyncio.Task | None = None

    @classmethod
    def create(cls, engine: Engine, settings: Settings | None) -> BroadcastRuntime | None:
        service = service_of(engine)
        if service is None or settings is None:
            return None
        return cls(service, worker_settings(settings))

    def dispatcher(self, engine: Engine, executor: Executor | None) -> MeteredDispatcher:
        return MeteredDispatcher(engine, executor, self.budgets)

    def start(self, channels: Sequence[Channel]) -> None:
        service = self.service
        self.worker = DeliveryWorker(service.outbox, service.subscriptions, service.updates,
                                     channels, self.budgets, self.settings, hold_from_env())
        self._task = asyncio.create_task(self.worker.run(), name="broadcast-worker")
        self._task.add_done_callback(_report)

    async def stop(self) -> None:
        if self.worker is None or self._task is None:
            return
        await self.worker.stop()
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)


def _report(task: asyncio.Task) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the broadcast worker stopped", exc_info=task.exception())
