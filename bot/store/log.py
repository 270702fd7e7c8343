"""Read-only access to the anonymised log, safe beside the running bot (WAL).

``essbot stats`` and ``essbot export events`` read through it; they never write, and a
reader never takes the bot's lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

EVENT_COLUMNS = ("id", "ts", "conversation", "channel", "kind", "flow", "state", "target",
                 "slot", "value", "items", "detail")


class LogReader:
    def __init__(self, path: str | Path):
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        self._db = sqlite_utils.Database(self._conn)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> LogReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def reading(self) -> Iterator[sqlite_utils.Database]:
        """The database, read-only (for the features' storage functions)."""
        yield self._db

    def events(self, since: str | None = None, with_users_only: bool = False
               ) -> Iterator[dict[str, Any]]:
        """The events in order, as dicts of :data:`EVENT_COLUMNS`; ``since``: ISO time."""
        sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM events"
        where, params = [], []
        if with_users_only:
            where.append("conversation IS NOT NULL")
        if since:
            where.append("ts >= ?")
            params.append(since)
        if where:
            sql += " WHERE " + " AND ".join(where)
        for row in self._conn.execute(sql + " ORDER BY id", params):
            yield dict(zip(EVENT_COLUMNS, row, strict=True))
