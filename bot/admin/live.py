"""What ``essbot run`` does for administrators in the background.

* reload flows and content when their files change (polling), or on SIGHUP;
* tell the administrators (``ESSBOT_ADMINS``) in chat how it went, with the
  ``file:line`` of each error when the new version is refused;
* purge the log at start, then daily (``ESSBOT_RETENTION_DAYS``).

The runner owns the channels; this module only uses their ``deliver``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Sequence
from concurrent.futures import Executor

from bot.admin.access import Admins
from bot.admin.purge import purge
from bot.admin.reload import FileWatcher, Reloader, ReloadResult, source_files
from bot.admin.service import AdminService
from bot.channels.base import Channel, DeliveryError
from bot.config import Settings
from bot.engine import Engine, Outgoing
from bot.i18n import translator

log = logging.getLogger(__name__)

PURGE_EVERY = 24 * 3600.0  # seconds


class LiveAdmin:
    def __init__(self, engine: Engine, settings: Settings, channels: Sequence[Channel],
                 executor: Executor | None = None):
        self.engine = engine
        self.settings = settings
        self.channels = list(channels)
        self.executor = executor
        service = engine.admin if isinstance(engine.admin, AdminService) else None
        self.reloader = service.reloader if service else Reloader(settings, engine)
        self.admins = service.admins if service else Admins(settings.admins)
        self.watcher = (FileWatcher(lambda: source_files(settings))
                        if settings.reload_interval > 0 else None)
        self._tasks: set[asyncio.Task] = set()
        self._signal = False

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Start the background tasks, and listen to SIGHUP; call from the event loop."""
        loop = asyncio.get_running_loop()
        if self.settings.retention_days > 0:
            self._spawn(self._purge_daily())
        if self.watcher is not None:
            self._spawn(self._watch())
        sighup = getattr(signal, "SIGHUP", None)
        if sighup is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sighup, self.request_reload, "signal")
                self._signal = True

    async def stop(self) -> None:
        if self._signal:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, coroutine) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- reload -----------------------------------------------------------------------------

    def request_reload(self, trigger: str = "signal") -> None:
        """Reload soon (from a signal handler: must not block)."""
        log.warning("reload requested (%s)", trigger)
        self._spawn(self.reload(trigger))

    async def reload(self, trigger: str) -> ReloadResult:
        loop = asyncio.get_running_loop()
        result = await loop.run_in_executor(self.executor, self.reloader.reload, trigger)
        await self.notify(result.message(translator(self.settings.default_language)))
        return result

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(self.settings.reload_interval)
            try:
                changed = self.watcher.poll()
            except Exception:  # never let the watcher die silently
                log.exception("cannot check the flow and content files")
                continue
            if changed:
                await self.reload("files")

    # -- retention --------------------------------------------------------------------------

    async def _purge_daily(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                await loop.run_in_executor(self.executor, purge, self.engine.store,
                                           self.settings.retention_days)
            except Exception:
                log.exception("retention purge failed")
            await asyncio.sleep(PURGE_EVERY)

    # -- telling the administrators ---------------------------------------------------------

    async def notify(self, text: str) -> int:
        """Send ``text`` to every administrator reachable on a running channel."""
        sent = 0
        for channel in self.channels:
            for user_id in self.admins.on(channel.name):
                try:
                    await channel.deliver(user_id, Outgoing(text))
                    sent += 1
                except DeliveryError as exc:  # the ids are not logged: they are personal
                    log.warning("could not notify an administrator on %s: %s", channel.name,
                                type(exc).__name__)
                except Exception:
                    log.exception("notifying an administrator on %s failed", channel.name)
        return sent
