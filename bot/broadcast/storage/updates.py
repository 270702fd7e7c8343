"""Updates: publishing one (the update and one outbox row per recipient, atomically),
finding the recipients of a targeting, and reading updates back."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from bot.broadcast.model import Draft, Subscription, Targeting, Update, dumps
from bot.broadcast.storage.subscriptions import Subscriptions
from bot.store import Store, utc_now

# Outbox statuses, and how `essbot broadcast status` groups them.
PENDING, SENDING, SENT = "pending", "sending", "sent"
FAILED, GONE, CANCELLED, UNKNOWN = "failed", "gone", "cancelled", "unknown"
STATUSES = (PENDING, SENDING, SENT, FAILED, GONE, CANCELLED, UNKNOWN)


@dataclass(frozen=True, slots=True)
class Progress:
    """Where the delivery of one update stands."""

    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def sent(self) -> int:
        return self.counts.get(SENT, 0)

    @property
    def pending(self) -> int:
        return self.counts.get(PENDING, 0) + self.counts.get(SENDING, 0)

    @property
    def failed(self) -> int:
        return self.counts.get(FAILED, 0) + self.counts.get(GONE, 0)

    @property
    def unknown(self) -> int:
        return self.counts.get(UNKNOWN, 0)

    @property
    def cancelled(self) -> int:
        return self.counts.get(CANCELLED, 0)

    @property
    def done(self) -> bool:
        return self.pending == 0

    def as_dict(self) -> dict[str, int | bool]:
        return {"total": self.total, "sent": self.sent, "pending": self.pending,
                "failed": self.failed, "unknown": self.unknown, "cancelled": self.cancelled,
                "done": self.done, **{f"status_{k}": v for k, v in sorted(self.counts.items())}}


class Updates:
    def __init__(self, store: Store, subscriptions: Subscriptions):
        self.store = store
        self.subscriptions = subscriptions

    def recipients(self, targeting: Targeting) -> list[Subscription]:
        return [s for s in self.subscriptions.all()
                if targeting.matches(s.regions, s.themes, s.collectivite)]

    def publish(self, draft: Draft, author: str | None, origin: str) -> Update:
        """Store the update and queue it for every matching subscriber, in one transaction."""
        now = utc_now()
        with self.store.transaction() as db:
            recipients = self.recipients(draft.targeting)
            cursor = db.execute(
                "INSERT INTO updates (created_at, author, origin, language, title, text, link,"
                " deadline, regions, themes, collectivites, recipients)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now, author, origin, draft.language, draft.title, draft.text, draft.link,
                 draft.deadline.isoformat() if draft.deadline else None,
                 dumps(draft.targeting.regions), dumps(draft.targeting.themes),
                 dumps(draft.targeting.collectivites), len(recipients)))
            update_id = cursor.lastrowid
            db.conn.executemany(
                "INSERT INTO outbox (update_id, recipient, channel, status, attempts, not_before,"
                " updated_at) VALUES (?, ?, ?, 'pending', 0, 0, ?)",
                [(update_id, s.key, s.channel, now) for s in recipients])
        update = self.get(update_id) if update_id is not None else None
        if update is None:  # sqlite3 gives the rowid of every successful INSERT
            raise RuntimeError("the update was not stored")
        return update

    def get(self, update_id: int) -> Update | None:
        with self.store.transaction() as db:
            rows = list(db.query("SELECT * FROM updates WHERE id = ?", (update_id,)))
        return Update.from_row(rows[0]) if rows else None

    def recent(self, limit: int = 50) -> list[Update]:
        with self.store.transaction() as db:
            rows = list(db.query("SELECT * FROM updates ORDER BY id DESC LIMIT ?",
                                            (limit,)))
        return [Update.from_row(row) for row in rows]

    def latest_for(self, regions: Iterable[str], themes: Iterable[str],
                   collectivite: str | None, limit: int = 5,
                   today: dt.date | None = None) -> list[Update]:
        """The latest updates a reader with this profile would get, deadlines not past."""
        today = today or dt.date.today()
        regions, themes = list(regions), list(themes)
        found = []
        for update in self.recent(200):
            if update.deadline is not None and update.deadline < today:
                continue
            if update.targeting.matches(regions, themes, collectivite):
                found.append(update)
                if len(found) >= limit:
                    break
        return found

    def progress(self, update_id: int) -> Progress:
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT status, count(*) FROM outbox WHERE update_id = ? GROUP BY status",
                (update_id,)).fetchall()
        return Progress({status: count for status, count in rows})

    def progress_all(self, update_ids: Iterable[int]) -> dict[int, Progress]:
        ids = list(update_ids)
        result: dict[int, Progress] = {i: Progress({}) for i in ids}
        if not ids:
            return result
        marks = ",".join("?" * len(ids))
        with self.store.transaction() as db:
            rows = db.execute(
                f"SELECT update_id, status, count(*) FROM outbox WHERE update_id IN ({marks})"
                " GROUP BY update_id, status", ids).fetchall()
        for update_id, status, count in rows:
            result[update_id].counts[status] = count
        return result

    def requeue_unknown(self, update_id: int) -> int:
        """Send again the messages whose fate a crash left unknown (may duplicate them)."""
        with self.store.transaction() as db:
            return db.execute(
                "UPDATE outbox SET status = 'pending', not_before = 0, updated_at = ? "
                "WHERE update_id = ? AND status = 'unknown'", (utc_now(), update_id)).rowcount
