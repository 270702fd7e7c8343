"""The administrators' chat commands: ``/stats``, ``/recharger`` (``/reload``), ``/version``.

The engine asks :meth:`AdminService.is_admin` with the raw (channel, user_id) of
the message, in memory; anyone else gets the answer to an unknown command.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing

from bot import __version__
from bot.admin import stats
from bot.admin.access import Admins
from bot.admin.reload import Reloader
from bot.config import Settings
from bot.engine import Engine, Outgoing
from bot.i18n import Translator

log = logging.getLogger(__name__)


class AdminService:
    def __init__(self, settings: Settings, engine: Engine, reloader: Reloader | None = None):
        self.settings = settings
        self.engine = engine
        self.admins = Admins(settings.admins)
        for entry in self.admins.invalid:
            log.warning("ESSBOT_ADMINS: ignored %r, expected channel:user_id "
                        "(e.g. telegram:12345)", entry)
        self.reloader = reloader or Reloader(settings, engine)

    def is_admin(self, channel: str, user_id: str) -> bool:
        return (channel, user_id) in self.admins

    def run(self, command: str, args: str, t: Translator) -> list[Outgoing]:
        match command:
            case "stats":
                return [Outgoing(stats.render_chat(self.report(), t))]
            case "reload":
                result = self.reloader.reload("chat")
                return [Outgoing(result.message(t))]
            case "version":
                return [Outgoing(self.version_text(t))]
        raise ValueError(f"unknown admin command {command!r}")

    def report(self, since: str | None = None) -> dict:
        store = self.engine.store
        flows, main = self.engine.flows, self.engine.main_flow
        if store.path == ":memory:":
            with store.transaction():
                return stats.compute(store.db.conn, since, flows, main)
        with closing(stats.open_readonly(store.path)) as conn:
            try:
                return stats.compute(conn, since, flows, main)
            except sqlite3.Error:  # e.g. the file is not created yet
                log.exception("statistics unavailable")
                raise

    def version_text(self, t: Translator) -> str:
        reloader = self.reloader
        flows = ", ".join(f"{flow.id} ({flow.version})"
                          for flow in sorted(self.engine.flows.values(), key=lambda f: f.id))
        return "\n".join([
            t._("essbot {version}").format(version=__version__),
            t._("Parcours : {flows}").format(flows=flows),
            t._("Contenu : {version}").format(version=reloader.content),
            t._("Chargés le {date} (UTC)").format(
                date=reloader.loaded_at.strftime("%Y-%m-%d %H:%M:%S")),
        ])
