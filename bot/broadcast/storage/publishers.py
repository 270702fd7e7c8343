"""Who may publish: ``ESSBOT_PUBLISHERS``, administrators, and grants made in chat.

The configured lists are compared in memory with the (channel, user id) of a message
and never stored. A grant made by an administrator with ``/publieur telegram:12345`` is
stored as the pseudonym of that account only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from bot.admin.access import Admins, parse_admin
from bot.store import Store, utc_now


class Publishers:
    def __init__(self, store: Store, pseudonymize: Callable[[str, str], str],
                 configured: Iterable[str] = (), admins: Iterable[str] = ()):
        self.store = store
        self.pseudonymize = pseudonymize
        self.configured = Admins(configured)  # same "channel:user_id" format as the admins
        self.admins = Admins(admins)

    def may_publish(self, channel: str, user_id: str) -> bool:
        if (channel, user_id) in self.configured or (channel, user_id) in self.admins:
            return True
        return self.is_granted(self.pseudonymize(channel, user_id))

    def is_granted(self, key: str) -> bool:
        with self.store.transaction() as db:
            return db.execute("SELECT 1 FROM publishers WHERE key = ?",
                                         (key,)).fetchone() is not None

    def target_key(self, account: str) -> str | None:
        """The pseudonym of ``channel:user_id``, or None when the text is not of that form."""
        parsed = parse_admin(account)
        if parsed is None:
            return None
        return self.pseudonymize(parsed.channel, parsed.user_id)

    def grant(self, key: str, granted_by: str | None) -> bool:
        """Make ``key`` a publisher; False if it already was."""
        with self.store.transaction() as db:
            return db.execute(
                "INSERT INTO publishers (key, granted_by, granted_at) VALUES (?, ?, ?)"
                " ON CONFLICT(key) DO NOTHING", (key, granted_by, utc_now())).rowcount > 0

    def revoke(self, key: str) -> bool:
        with self.store.transaction() as db:
            return db.execute("DELETE FROM publishers WHERE key = ?",
                                         (key,)).rowcount > 0

    def granted_count(self) -> int:
        with self.store.transaction() as db:
            return db.execute("SELECT count(*) FROM publishers").fetchone()[0]
