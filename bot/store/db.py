"""The SQLite store: conversations (state), events (the anonymised session log), and the
transactions in which features keep their own tables.

Schema creation and migrations use sqlite-utils; the per-message path uses plain
prepared statements, since it runs for every message. One connection is shared by the
threads of a process and guarded by a lock; WAL mode lets other processes (``essbot
stats``, Datasette) read while the bot writes.

Outside ``bot/store``, SQL lives only in the ``storage`` module of the feature that owns
the tables; it reaches the database through :meth:`Store.transaction` and
:meth:`Store.reading`, never through the connection itself.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlite_utils

from bot.store.files import private_file, tighten
from bot.store.migrations import Migration, migrate, migrate_feature

if TYPE_CHECKING:
    from bot.engine.conversation import Conversation

# What a feature's storage code gets inside a transaction (or a read): the database, to
# run its statements; the transaction commits when the ``with`` block ends.
Transaction = sqlite_utils.Database
MEMORY = ":memory:"


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


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says what to do."""


def _explain(path: str, exc: Exception) -> StoreError:
    text = str(exc)
    if isinstance(exc, sqlite3.DatabaseError) and ("not a database" in text
                                                   or "malformed" in text):
        return StoreError(f"the database {path} is corrupt or not an SQLite database: restore "
                          "it from a backup (docs/reliability.md), or move it away to start "
                          "afresh")
    if isinstance(exc, OSError) or "readonly" in text or "unable to open" in text:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else text
        return StoreError(f"cannot open the database {path} for writing ({reason}): the "
                          "user running essbot must be able to write it and its folder")
    return StoreError(f"cannot use the database {path}: {text}")


class Store:
    def __init__(self, path: str | Path):
        self.path = str(path)
        self._lock = threading.RLock()
        self._erased = False  # rows were forgotten: checkpoint the WAL after the commit
        try:
            if self.path != MEMORY:
                private_file(Path(path))  # 0600 before SQLite opens it (and so the WAL)
                for suffix in ("-wal", "-shm"):
                    tighten(Path(self.path + suffix))
            conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._db = sqlite_utils.Database(conn)
            if self.path != MEMORY:
                self._db.enable_wal()
            self._db.execute("PRAGMA synchronous=NORMAL")  # safe with WAL: no corruption
            self._db.execute("PRAGMA busy_timeout=30000")
            # Deleted rows are overwritten with zeros, not left in free pages (/oublier).
            self._db.execute("PRAGMA secure_delete=ON")
            migrate(self._db)
        except (sqlite3.Error, OSError) as exc:
            raise _explain(self.path, exc) from exc
        except RuntimeError as exc:  # a database newer than this essbot
            raise StoreError(str(exc)) from exc

    @property
    def in_memory(self) -> bool:
        return self.path == MEMORY

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def migrate_feature(self, name: str, migrations: Sequence[Migration]) -> int:
        """Create or update the tables a feature declares; returns the migrations run."""
        with self._lock:
            return migrate_feature(self._db, name, migrations)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One atomic unit: a message's state change and its events land together or not.

        Nested calls join the outer transaction (as a savepoint).
        """
        with self._lock:
            with self._db.atomic() as db:
                yield db
            if self._erased and not self._db.conn.in_transaction:
                self._erased = False
                self.checkpoint()

    def checkpoint(self) -> bool:
        """Copy the WAL into the database and empty it, so that no old copy of erased rows
        stays in it; False when readers kept it from completing (it completes later)."""
        if self.in_memory:
            return True
        with self._lock:
            busy = self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        return not busy

    @contextmanager
    def reading(self) -> Iterator[Transaction]:
        """The database for reads, under the lock that the writers take."""
        with self._lock:
            yield self._db

    # -- conversations ----------------------------------------------------------------

    def load_conversation(self, key: str) -> Conversation | None:
        with self._lock:
            row = self._db.execute(
                "SELECT key, channel, flow_id, state, flow_version, language, slots, back, "
                "pending, offered, created_at, updated_at FROM conversations WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        from bot.engine.choices import Offered  # the engine imports the store
        from bot.engine.conversation import Conversation, Dialog

        return Conversation(
            key=row[0], channel=row[1], flow_id=row[2], state=row[3], flow_version=row[4],
            language=row[5], slots=json.loads(row[6]),
            back=[(state, slots) for state, slots in json.loads(row[7])],
            dialog=Dialog.loads(row[8]),
            offered=Offered.from_json(json.loads(row[9]) if row[9] else None),
            created_at=row[10], updated_at=row[11],
        )

    def save_conversation(self, conversation: Conversation) -> None:
        now = utc_now()
        conversation.created_at = conversation.created_at or now
        conversation.updated_at = now
        dialog = conversation.dialog.dumps() if conversation.dialog else None
        offered = (json.dumps(conversation.offered.to_json(), ensure_ascii=False)
                   if conversation.offered.choices else None)
        with self._lock:
            self._db.execute(
                "INSERT INTO conversations (key, channel, flow_id, state, flow_version, language,"
                " slots, back, pending, offered, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(key) DO UPDATE SET channel=excluded.channel,"
                " flow_id=excluded.flow_id, state=excluded.state,"
                " flow_version=excluded.flow_version, language=excluded.language,"
                " slots=excluded.slots, back=excluded.back, pending=excluded.pending,"
                " offered=excluded.offered, updated_at=excluded.updated_at",
                (
                    conversation.key, conversation.channel, conversation.flow_id,
                    conversation.state, conversation.flow_version, conversation.language,
                    json.dumps(conversation.slots, ensure_ascii=False),
                    json.dumps(conversation.back, ensure_ascii=False),
                    dialog, offered, conversation.created_at, conversation.updated_at,
                ),
            )

    def forget(self, key: str,
               others: Iterable[Callable[[Transaction, str], int]] = ()) -> int:
        """Delete everything stored about one pseudonym; returns the number of rows removed.

        ``others`` erase the rows of the features' own tables, in the same transaction.
        The rows are overwritten (``secure_delete``), and the WAL is checkpointed once the
        transaction commits, so that no copy of them is left in the files.
        """
        removed = 0
        self._erased = True
        with self.transaction() as db:
            removed += db.execute("DELETE FROM conversations WHERE key = ?", (key,)).rowcount
            removed += db.execute("DELETE FROM events WHERE conversation = ?",
                                  (key,)).rowcount
            # Replies not yet delivered (a crash): their text may repeat the user's answers.
            removed += db.execute("DELETE FROM reply_outbox WHERE conversation = ?",
                                  (key,)).rowcount
            for erase in others:
                removed += erase(db, key)
        return removed

    def purge_before(self, cutoff: str, dry_run: bool = False) -> tuple[int, int]:
        """Events older than ``cutoff`` (ISO time) and conversations idle since then:
        (events, conversations) deleted, or that would be with ``dry_run``."""
        counts = []
        with self.transaction() as db:
            for table, column in (("events", "ts"), ("conversations", "updated_at")):
                where = f"FROM {table} WHERE {column} < ?"
                if dry_run:
                    counts.append(db.execute(f"SELECT COUNT(*) {where}", (cutoff,)).fetchone()[0])
                else:
                    counts.append(db.execute(f"DELETE {where}", (cutoff,)).rowcount)
        return counts[0], counts[1]

    # -- channel bookkeeping ------------------------------------------------------------

    def channel_state(self, channel: str, key: str) -> str | None:
        """A value a channel saved with :meth:`set_channel_state`, or None."""
        with self._lock:
            row = self._db.execute("SELECT value FROM channel_state WHERE channel = ? AND "
                                   "key = ?", (channel, key)).fetchone()
        return row[0] if row else None

    def set_channel_state(self, channel: str, key: str, value: str) -> None:
        """Save a channel's bookkeeping value (a sync token...); durable when this returns."""
        with self.transaction() as db:
            db.execute(
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
        with self._lock:
            if self._db.conn.in_transaction:
                self._insert_events(rows)
            else:
                with self.transaction():
                    self._insert_events(rows)

    def _insert_events(self, rows: list[tuple]) -> None:
        self._db.conn.executemany(
            "INSERT INTO events (ts, conversation, channel, kind, flow, state, target,"
            " slot, value, items, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def events(self, conversation: str | None = None) -> list[dict[str, Any]]:
        sql = "SELECT * FROM events"
        params: tuple = ()
        if conversation is not None:
            sql += " WHERE conversation = ?"
            params = (conversation,)
        with self._lock:
            return list(self._db.query(sql + " ORDER BY id", params))
