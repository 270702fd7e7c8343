"""The outbox: one row per (update, recipient), moved through its statuses by the worker.

::

    pending ──claim──► sending ──deliver ok──► sent
       ▲                  │ 429 / transient ──► pending (later)
       │                  │ 403, blocked    ──► gone (and the user is unsubscribed)
       │                  │ refused, 6 fails──► failed
       │                  └ crash (found at start) ──► unknown
       └──── essbot broadcast retry --unknown ───────┘

Each step is its own committed transaction: ``sending`` is durable before the
network call, ``sent`` right after it. See docs/broadcast.md, "Exactly once".
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from bot.broadcast.storage.subscriptions import erase_subscription
from bot.broadcast.storage.updates import CANCELLED, FAILED, GONE, PENDING, SENDING, SENT, UNKNOWN
from bot.store import Store, utc_now


@dataclass(frozen=True, slots=True)
class Row:
    id: int
    update_id: int
    recipient: str  # pseudonym
    attempts: int


class Outbox:
    def __init__(self, store: Store):
        self.store = store

    def recover(self) -> int:
        """At start: rows a dead process left ``sending`` become ``unknown``.

        Their message may or may not have reached the network (the process died between
        the two commits around the send): they are not sent again automatically, so that
        nobody gets a message twice. ``essbot broadcast retry ID --unknown`` sends them.
        """
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE outbox SET status = ?, error = 'interrupted', updated_at = ? "
                "WHERE status = ?", (UNKNOWN, utc_now(), SENDING)).rowcount

    def due(self, channel: str, limit: int = 200, now: float | None = None) -> list[Row]:
        now = time.time() if now is None else now
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT id, update_id, recipient, attempts FROM outbox "
                "WHERE status = 'pending' AND channel = ? AND not_before <= ? "
                "ORDER BY id LIMIT ?", (channel, now, limit)).fetchall()
        return [Row(*row) for row in rows]

    def next_due_at(self, channel: str) -> float | None:
        """When the earliest delayed row of a channel becomes due (epoch seconds)."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT min(not_before) FROM outbox WHERE status = 'pending' AND channel = ?",
                (channel,)).fetchone()
        return row[0] if row and row[0] is not None else None

    def claim(self, row_id: int) -> bool:
        """Mark a row ``sending``, durably, before its message goes out; False if taken."""
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, updated_at = ? "
                "WHERE id = ? AND status = ?", (SENDING, utc_now(), row_id, PENDING)
            ).rowcount == 1

    def sent(self, row_id: int) -> None:
        now = utc_now()
        self._set(row_id, SENT, None, sent_at=now)

    def retry(self, row_id: int, delay: float, error: str, refund: bool = False) -> None:
        """Back to ``pending``, due in ``delay`` seconds; ``refund``: not counted as a try."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET status = ?, not_before = ?, error = ?, updated_at = ?,"
                " attempts = attempts - ? WHERE id = ? AND status = ?",
                (PENDING, time.time() + delay, error, utc_now(), int(refund), row_id, SENDING))

    def fail(self, row_id: int, error: str) -> None:
        self._set(row_id, FAILED, error)

    def cancel(self, row_id: int, error: str) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET status = ?, error = ?, updated_at = ? "
                "WHERE id = ? AND status IN (?, ?)",
                (CANCELLED, error, utc_now(), row_id, PENDING, SENDING))

    def gone(self, row_id: int, recipient: str) -> None:
        """The recipient blocked the bot or left: unsubscribe them, and stop writing."""
        with self.store.transaction() as db:
            self._set(row_id, GONE, "recipient_gone")
            erase_subscription(db, recipient)

    def _set(self, row_id: int, status: str, error: str | None, sent_at: str | None = None
             ) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE outbox SET status = ?, error = ?, sent_at = coalesce(?, sent_at),"
                " updated_at = ? WHERE id = ?", (status, error, sent_at, utc_now(), row_id))

    def pending_count(self, channel: str | None = None) -> int:
        sql = "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')"
        params: tuple = ()
        if channel is not None:
            sql += " AND channel = ?"
            params = (channel,)
        with self.store.transaction() as db:
            return db.execute(sql, params).fetchone()[0]


__all__ = ["CANCELLED", "FAILED", "GONE", "PENDING", "SENDING", "SENT", "UNKNOWN", "Outbox",
           "Row"]
