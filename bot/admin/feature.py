"""Administrators as a feature: ``/stats``, ``/recharger`` (``/reload``), ``/version`` in
chat, and what ``essbot run`` does for them in the background:

* reload flows and content when their files change (polling), or on SIGHUP;
* tell the administrators (``ESSBOT_ADMINS``) in chat how it went, with the
  ``file:line`` of each error when the new version is refused;
* apply the retention at start, then daily (``ESSBOT_RETENTION_DAYS``).

Who is an administrator is decided by :class:`bot.admin.access.Admins`, with the raw
(channel, user id) of a message, in memory; anyone else gets the answer to an unknown
command. The feature reaches the rest of the application only through the callables
it is given (reload, statistics, retention), never by looking it up.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Sequence
from typing import Any

from bot import __version__
from bot.admin import stats
from bot.admin.access import Admins
from bot.channels.base import Channel, DeliveryError
from bot.config import Settings
from bot.engine.extension import Audience, Command
from bot.engine.messages import Outgoing
from bot.engine.turn import Turn
from bot.feature import Feature, Runtime
from bot.i18n import N_, translator
from bot.reload import FileWatcher, ReloadResult, source_files

log = logging.getLogger(__name__)

PURGE_EVERY = 24 * 3600.0  # seconds


class AdminFeature(Feature):
    name = "admin"
    commands = (
        Command("stats", "stats", "stats", N_("statistiques d'usage anonymisées"),
                audience=Audience.ADMIN),
        Command("reload", "recharger", "reload", N_("recharger les parcours et le contenu"),
                audience=Audience.ADMIN),
        Command("version", "version", "version",
                N_("version du bot, des parcours et du contenu"), audience=Audience.ADMIN),
    )

    def __init__(self, settings: Settings, admins: Admins,
                 reload: Callable[[str], ReloadResult],
                 report: Callable[[], dict[str, Any]],
                 apply_retention: Callable[[], object]):
        self.settings = settings
        self.admins = admins
        self.reload = reload
        self.report = report
        self.apply_retention = apply_retention
        self.channels: Sequence[Channel] = ()
        self.watcher: FileWatcher | None = None
        self._runtime: Runtime | None = None
        self._signal = False

    # -- in chat ----------------------------------------------------------------------------

    def on_command(self, turn: Turn, command: Command, args: str) -> None:
        t = turn.t
        match command.id:
            case "stats":
                turn.reply(Outgoing(stats.render_chat(self.report(), t)))
            case "reload":
                turn.reply(Outgoing(self.reload("chat").message(t)))
            case "version":
                snapshot = turn.snapshot
                flows = ", ".join(f"{flow.id} ({flow.version})" for flow in
                                  sorted(snapshot.flows.values(), key=lambda f: f.id))
                turn.say("\n".join([
                    t._("essbot {version}").format(version=__version__),
                    t._("Parcours : {flows}").format(flows=flows),
                    t._("Contenu : {version}").format(version=snapshot.content_version),
                    t._("Chargés le {date} (UTC)").format(
                        date=snapshot.loaded_at.strftime("%Y-%m-%d %H:%M:%S")),
                ]))

    # -- in the background ------------------------------------------------------------------

    def start(self, runtime: Runtime) -> None:
        """Start the background tasks, and listen to SIGHUP; call from the event loop."""
        self._runtime = runtime
        self.channels = runtime.channels
        settings = self.settings
        # Daily, even with ESSBOT_RETENTION_DAYS=0: features keep their own retention.
        runtime.spawn(self._purge_daily(), "retention")
        if settings.reload_interval > 0:
            self.watcher = FileWatcher(lambda: source_files(settings))
            runtime.spawn(self._watch(), "live-reload")
        sighup = getattr(signal, "SIGHUP", None)
        if sighup is not None:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().add_signal_handler(sighup, self.request_reload,
                                                              "signal")
                self._signal = True

    async def stop(self) -> None:
        if self._signal:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)

    def request_reload(self, trigger: str = "signal") -> None:
        """Reload soon (from a signal handler: must not block)."""
        log.warning("reload requested (%s)", trigger)
        if self._runtime is not None:
            self._runtime.spawn(self.reload_and_tell(trigger), "reload")

    async def reload_and_tell(self, trigger: str) -> ReloadResult:
        loop = asyncio.get_running_loop()
        executor = self._runtime.executor if self._runtime else None
        result = await loop.run_in_executor(executor, self.reload, trigger)
        await self.notify(result.message(translator(self.settings.default_language)))
        return result

    async def _watch(self) -> None:
        assert self.watcher is not None
        while True:
            await asyncio.sleep(self.settings.reload_interval)
            try:
                changed = self.watcher.poll()
            except Exception:  # never let the watcher die silently
                log.exception("cannot check the flow and content files")
                continue
            if changed:
                await self.reload_and_tell("files")

    async def _purge_daily(self) -> None:
        loop = asyncio.get_running_loop()
        executor = self._runtime.executor if self._runtime else None
        while True:
            try:
                await loop.run_in_executor(executor, self.apply_retention)
            except Exception:
                log.exception("retention purge failed")
            await asyncio.sleep(PURGE_EVERY)

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
