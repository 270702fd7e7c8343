"""Subscriptions and their sealed addresses, keyed by pseudonym.

Everything here runs on the bot's :class:`~bot.store.Store` connection; writes join
the caller's transaction when there is one (a chat turn commits its writes together
with the conversation).
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.broadcast.model import Subscription, dumps
from bot.store import Store, Transaction, utc_now
from bot.store.crypto import AddressCipher, AddressUnreadable


class Subscriptions:
    def __init__(self, store: Store, cipher: AddressCipher):
        self.store = store
        self.cipher = cipher

    def subscribe(self, key: str, channel: str, address: str, language: str,
                  regions: Iterable[str], themes: Iterable[str],
                  collectivite: str | None) -> None:
        """Record (or replace) a subscription; ``address`` is sealed before it is written."""
        now = utc_now()
        sealed = self.cipher.seal(key, address)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO subscriptions (key, channel, language, regions, themes,"
                " collectivite, consent_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET channel = excluded.channel,"
                " language = excluded.language, regions = excluded.regions,"
                " themes = excluded.themes, collectivite = excluded.collectivite,"
                " consent_at = excluded.consent_at, updated_at = excluded.updated_at",
                (key, channel, language, dumps(regions), dumps(themes), collectivite, now, now))
            db.execute(
                "INSERT INTO address_book (key, channel, address, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET channel = excluded.channel,"
                " address = excluded.address, created_at = excluded.created_at",
                (key, channel, sealed, now))

    def set_language(self, key: str, language: str) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE subscriptions SET language = ? WHERE key = ?",
                                  (language, key))

    def get(self, key: str) -> Subscription | None:
        with self.store.transaction() as db:
            rows = list(db.query("SELECT * FROM subscriptions WHERE key = ?", (key,)))
        return Subscription.from_row(rows[0]) if rows else None

    def all(self) -> list[Subscription]:
        with self.store.transaction() as db:
            rows = list(db.query("SELECT * FROM subscriptions ORDER BY key"))
        return [Subscription.from_row(row) for row in rows]

    def count(self) -> int:
        with self.store.transaction() as db:
            return db.execute("SELECT count(*) FROM subscriptions").fetchone()[0]

    def unsubscribe(self, key: str) -> bool:
        """Erase the subscription and the address; cancel what was queued. True if any."""
        with self.store.transaction() as db:
            return erase_subscription(db, key) > 0

    def address(self, key: str) -> tuple[str, str] | None:
        """(channel, address) of a subscriber, opened in memory; None if there is none."""
        with self.store.transaction() as db:
            row = db.execute("SELECT channel, address FROM address_book WHERE key = ?",
                                        (key,)).fetchone()
        if row is None:
            return None
        try:
            return row[0], self.cipher.open(key, row[1])
        except AddressUnreadable:
            return None


def erase_subscription(db: Transaction, key: str) -> int:
    """Delete a subscription and its address, and cancel its queued messages."""
    removed = 0
    for table in ("subscriptions", "address_book"):
        removed += db.execute(f"DELETE FROM {table} WHERE key = ?", (key,)).rowcount
    db.execute("UPDATE outbox SET status = 'cancelled', updated_at = ? "
               "WHERE recipient = ? AND status = 'pending'", (utc_now(), key))
    return removed


def forget_broadcast_rows(db: Transaction, key: str) -> int:
    """The /oublier hook: erase every broadcast row of a pseudonym.

    Subscription, address and publisher grant are deleted; queued messages are deleted;
    messages already sent stay counted in their broadcast, but under a meaningless
    recipient, so that nothing links the pseudonym to what it received. Updates the
    user published lose their author.
    """
    removed = erase_subscription(db, key)
    removed += db.execute("DELETE FROM publishers WHERE key = ?", (key,)).rowcount
    removed += db.execute("DELETE FROM outbox WHERE recipient = ? AND status IN "
                          "('pending', 'cancelled')", (key,)).rowcount
    removed += db.execute("UPDATE outbox SET recipient = 'forgotten-' || id "
                          "WHERE recipient = ?", (key,)).rowcount
    db.execute("UPDATE publishers SET granted_by = NULL WHERE granted_by = ?", (key,))
    removed += db.execute("UPDATE updates SET author = NULL WHERE author = ?", (key,)).rowcount
    return removed
