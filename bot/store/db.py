"""The SQLite store: conversations (state) and events (the anonymised session log).

Schema creation and migrations use sqlite-utils; the per-message path uses
plain prepared statements, since it runs for every message. One connection is
shared by the threads of a process and guarded by a lock; WAL mode lets other
processes (``essbot stats``, Datasette) read while the bot writes.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from bot.store.migrations import migrate

if TYPE_CHECKING:
    from bot.engine.conversation import Conversation


@dataclass(frozen=True, slots=True)
class Event:
    """One line of the session log. Only categorical values: never free text or raw ids."""

    kind: str
    flow: str | None = None
    state: str | None = None
    target: str | None = None
    slot: str | None = None
    value: str | None = None
    items: tuple[str, ...] | None = None
    detail: str | None = None


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class Store:
    def __init__(self, path: str | Path):
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        self.db = sqlite_utils.Database(conn)
        self.path = str(path)
        self._lock = threading.RLock()
        # Features with tables of their own keyed by pseudonym (bot.broadcast) add a
        # function (db, key) -> rows removed here, so that forget() erases those rows too.
        self.forget_hooks: list[Callable[[sqlite_utils.Database, str], int]] = []
        if str(path) != ":memory:":
            self.db.enable_wal()
        self.db.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: no corruption on crash
        self.db.execute("PRAGMA busy_timeout=30000")
        migrate(self.db)

    def close(self) -> None:
        with self._lock:
            self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit: a message's state change and its events land together or not."""
        with self._lock, self.db.atomic():
            yield

    # -- conversations ----------------------------------------------------------------

    def load_conversation(self, key: str) -> Conversation | None:
        with self._lock:
            row = self.db.execute(
                "SELECT key, channel, flow_id, state, flow_version, language, slots, back, "
                "pending, created_at, updated_at FROM conversations WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        from bot.engine.conversation import Conversation  # engine imports the store

        return Conversation(
            key=row[0], channel=row[1], flow_id=row[2], state=row[3], flow_version=row[4],
            language=row[5], slots=json.loads(row[6]),
            back=[(state, slots) for state, slots in json.loads(row[7])],
            pending=row[8], created_at=row[9], updated_at=row[10],
        )

    def save_conversation(self, conversation: Conversation) -> None:
        now = utc_now()
        conversation.created_at = conversation.created_at or now
        conversation.updated_at = now
        with self._lock:
            self.db.execute(
                "INSERT INTO conversations (key, channel, flow_id, state, flow_version, language,"
                " slots, back, pending, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET channel=excluded.channel,"
                " flow_id=excluded.flow_id, state=excluded.state,"
                " flow_version=excluded.flow_version, language=excluded.language,"
                " slots=excluded.slots, back=excluded.back, pending=excluded.pending,"
                " updated_at=excluded.updated_at",
                (
                    conversation.key, conversation.channel, conversation.flow_id,
                    conversation.state, conversation.flow_version, conversation.language,
                    json.dumps(conversation.slots, ensure_ascii=False),
                    json.dumps(conversation.back, ensure_ascii=False),
                    conversation.pending, conversation.created_at, conversation.updated_at,
                ),
            )

    def forget(self, key: str) -> int:
        """Delete everything stored about one pseudonym; returns the number of rows removed."""
        removed = 0
        with self.transaction():
            for table in ("conversations", "events"):
                column = "key" if table == "conversations" else "conversation"
                removed += self.db.execute(
                    f"DELETE FROM {table} WHERE {column} = ?", (key,)
                ).rowcount
            for hook in self.forget_hooks:
                removed += hook(self.db, key)
        return removed

    # -- channel bookkeeping ------------------------------------------------------------

    def channel_state(self, channel: str, key: str) -> str | None:
        """A value a channel saved with :meth:`set_channel_state`, or None."""
        with self._lock:
            row = self.db.execute("SELECT value FROM channel_state WHERE channel = ? AND key = ?",
                                  (channel, key)).fetchone()
        return row[0] if row else None

    def set_channel_state(self, channel: str, key: str, value: str) -> None:
        """Save a channel's bookkeeping value (a sync token...); durable when this returns."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO channel_state (channel, key, value, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(channel, key) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at", (channel, key, value, utc_now()))

    # -- events -----------------------------------------------------------------------

    def log(self, conversation: str | None, channel: str | None, events: Iterable[Event]) -> None:
        now = utc_now()
        rows = [
            (now, conversation, channel, e.kind, e.flow, e.state, e.target, e.slot, e.value,
             json.dumps(list(e.items)) if e.items is not None else None, e.detail)
            for e in events
        ]
        if not rows:
            return
        # Inside a message's transaction, join it; alone, make one (no savepoint per call).
        with self._lock, nullcontext() if self.db.conn.in_transaction else self.transaction():
            self.db.conn.executemany(
                "INSERT INTO events (ts, conversation, channel, kind, flow, state, target,"
                " slot, value, items, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    # -- unanswered questions (bot/qa) ----------------------------------------------------

    def record_unanswered(self, question: str, normalized: str, language: str) -> None:
        """Count one more asking of a question nothing answered; ``question`` is redacted."""
        now = utc_now()
        with self.transaction():
            self.db.execute(
                "INSERT INTO unanswered_questions (question, normalized, language, count,"
                " created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)"
                " ON CONFLICT(normalized) DO UPDATE SET count = count + 1,"
                " updated_at = excluded.updated_at", (question, normalized, language, now, now))

    def unanswered_questions(self, limit: int | None = None) -> list[dict[str, Any]]:
        """The unanswered questions, most often asked first."""
        sql = ("SELECT question, count, language, created_at AS first_asked,"
               " updated_at AS last_asked FROM unanswered_questions"
               " ORDER BY count DESC, updated_at DESC")
        params: tuple = ()
        if limit:
            sql += " LIMIT ?"
            params = (limit,)
        with self._lock:
            return list(self.db.query(sql, params))

    def events(self, conversation: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM events"
        params: tuple = ()
        if conversation is not None:
            sql += " WHERE conversation = ?"
            params = (conversation,)
        with self._lock:
            return list(self.db.query(sql + " ORDER BY id", params))
