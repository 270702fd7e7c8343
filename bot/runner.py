"""``essbot run``: every channel configured in the environment, one engine, one database.

Channels plug in one way: a :class:`ChannelEntry` names the channel, the variables that
turn it on, and its factory ``from_env(env, dispatcher) -> Channel | None`` (``None``
when its variables are not set), so that adding a channel to a deployment is only a
matter of setting its variables. The features' background work (live reload, retention,
broadcast delivery) starts once the channels run, and stops before them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.channels.base import Channel
from bot.engine.dispatch import Dispatcher
from bot.feature import Runtime

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)

ChannelFactory = Callable[[Mapping[str, str], Dispatcher], "Channel | None"]


@dataclass(frozen=True, slots=True)
class ChannelEntry:
    name: str
    variables: str  # what to set to turn it on, shown when no channel is configured
    factory: ChannelFactory


def default_channels() -> list[ChannelEntry]:
    """The channels this installation knows."""
    from bot.channels import matrix, telegram

    return [
        ChannelEntry("telegram", "TELEGRAM_BOT_TOKEN", telegram.from_env),
        ChannelEntry("matrix", "MATRIX_HOMESERVER, MATRIX_USER_ID and MATRIX_PASSWORD (or "
                               "MATRIX_ACCESS_TOKEN)", matrix.from_env),
    ]


class NoChannelConfigured(Exception):
    """``essbot run`` found no channel to start."""

    def __init__(self, entries: Sequence[ChannelEntry]):
        self.entries = list(entries)
        super().__init__("no channel is configured")


class Runner:
    """Starts the channels and the features' background work, keeps them running until
    asked to stop, then stops them."""

    def __init__(self, app: App, env: Mapping[str, str],
                 channels: Sequence[ChannelEntry] | None = None, workers: int = 8):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="essbot")
        self.dispatcher = Dispatcher(app.engine, self.executor)
        entries = list(channels) if channels is not None else default_channels()
        self.channels: list[Channel] = []
        for entry in entries:
            channel = entry.factory(env, self.dispatcher)
            if channel is not None:
                self.channels.append(channel)
        if not self.channels:
            self.executor.shutdown(wait=False)
            raise NoChannelConfigured(entries)
        self.runtime = Runtime(app.engine, app.store, self.channels, self.dispatcher,
                               self.executor, app.reload)
        self.failure: BaseException | None = None  # why a channel could not go on
        self.dispatcher.on_fatal(self.fail)
        self._stopping = asyncio.Event()

    def request_stop(self) -> None:
        self._stopping.set()

    async def _start(self, channel: Channel) -> bool:
        """Start a channel, unless a stop is asked meanwhile (SIGTERM during a slow start)."""
        starting = asyncio.ensure_future(channel.start())
        stopping = asyncio.ensure_future(self._stopping.wait())
        try:
            await asyncio.wait({starting, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not starting.done():
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            log.warning("channel %s: start interrupted by a stop", channel.name)
            return False
        starting.result()  # its error, if it failed
        return True

    def fail(self, error: BaseException) -> None:
        """A channel cannot go on: stop everything; ``essbot run`` then exits non-zero."""
        if self.failure is None:
            self.failure = error
        self.request_stop()

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, self.request_stop)
        started: list[Channel] = []
        features = self.app.features
        try:
            for channel in self.channels:
                if not await self._start(channel):
                    return  # asked to stop while a channel was starting
                started.append(channel)
                log.warning("channel %s started", channel.name)
            self.runtime.channels = started
            for feature in features:
                feature.start(self.runtime)
            await self._stopping.wait()
        finally:
            for feature in reversed(features):
                try:
                    await feature.stop()
                except Exception:
                    log.exception("feature %s did not stop cleanly", feature.name)
            await self.runtime.cancel_tasks()
            for channel in reversed(started):
                try:
                    await channel.stop()
                except Exception:
                    log.exception("channel %s did not stop cleanly", channel.name)
            self.executor.shutdown(wait=True)
            self.app.close()
