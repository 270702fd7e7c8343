"""``essbot run``: every channel configured in the environment, one engine, one database.

Each channel module exposes ``from_env(env, dispatcher) -> Channel | None``:
it returns ``None`` when its variables are not set, so that adding a channel
to a deployment is only a matter of setting its variables.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

from bot.admin.live import LiveAdmin
from bot.broadcast.runtime import BroadcastRuntime
from bot.channels.base import Channel
from bot.config import Settings
from bot.engine.dispatch import Dispatcher
from bot.engine.engine import Engine

log = logging.getLogger(__name__)

ChannelFactory = Callable[[Mapping[str, str], Dispatcher], "Channel | None"]

# What to set for each channel, shown when none is configured.
CHANNEL_VARIABLES = {
    "telegram": "TELEGRAM_BOT_TOKEN",
    "matrix": "MATRIX_HOMESERVER, MATRIX_USER_ID and MATRIX_PASSWORD (or MATRIX_ACCESS_TOKEN)",
}


def channel_factories() -> list[ChannelFactory]:
    """The factories of every channel this installation knows."""
    factories: list[ChannelFactory] = []
    try:
        from bot.channels import telegram
        factories.append(telegram.from_env)
    except ImportError:  # pragma: no cover - only while a channel is being written
        log.debug("telegram channel unavailable", exc_info=True)
    try:
        from bot.channels import matrix
        factories.append(matrix.from_env)
    except ImportError:  # pragma: no cover
        log.debug("matrix channel unavailable", exc_info=True)
    return factories


class NoChannelConfigured(Exception):
    """``essbot run`` found no channel to start."""


class Runner:
    """Starts the channels, keeps them running until asked to stop, then stops them."""

    def __init__(self, engine: Engine, env: Mapping[str, str],
                 factories: list[ChannelFactory] | None = None, workers: int = 8,
                 settings: Settings | None = None):
        self.engine = engine
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="essbot")
        # Broadcasts (bot.broadcast) share each channel's message budget with the replies.
        self.broadcast = BroadcastRuntime.create(engine, settings)
        self.dispatcher = (self.broadcast.dispatcher(engine, self.executor)
                           if self.broadcast is not None else Dispatcher(engine, self.executor))
        self.channels: list[Channel] = []
        for factory in factories if factories is not None else channel_factories():
            channel = factory(env, self.dispatcher)
            if channel is not None:
                self.channels.append(channel)
        if not self.channels:
            raise NoChannelConfigured()
        self._stopping = asyncio.Event()
        # Live reload (files, SIGHUP), admin notices and the retention purge; needs settings.
        self.live = (LiveAdmin(engine, settings, self.channels, self.executor)
                     if settings is not None else None)

    def request_stop(self) -> None:
        self._stopping.set()

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)
        started: list[Channel] = []
        try:
            for channel in self.channels:
                await channel.start()
                started.append(channel)
                log.warning("channel %s started", channel.name)
            if self.live is not None:
                self.live.start()
            if self.broadcast is not None:
                self.broadcast.start(started)
            await self._stopping.wait()
        finally:
            if self.broadcast is not None:
                await self.broadcast.stop()
            if self.live is not None:
                await self.live.stop()
            for channel in reversed(started):
                try:
                    await channel.stop()
                except Exception:
                    log.exception("channel %s did not stop cleanly", channel.name)
            self.executor.shutdown(wait=True)
            self.engine.store.close()
