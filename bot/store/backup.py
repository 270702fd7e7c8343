"""``essbot backup FILE``: a consistent copy of the database, taken while the bot runs.

SQLite's online backup API copies the database page by page from a read transaction,
so the copy is a snapshot of one instant even while the bot writes (WAL mode). The copy
is written to a temporary file beside the destination, checked (``integrity_check``),
made 0600, then renamed into place: an interrupted backup never leaves a half-written
file under the destination's name. Restoring is a file copy while the bot is stopped
(docs/reliability.md).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from bot.store.db import StoreError
from bot.store.files import FILE_MODE, private_parent


@dataclass(frozen=True, slots=True)
class BackupResult:
    size: int
    conversations: int
    events: int


def backup_database(source: str | Path, destination: str | Path,
                    replace: bool = False) -> BackupResult:
    source, destination = Path(source), Path(destination)
    if not source.is_file():
        raise StoreError(f"no database at {source} (ESSBOT_DB, or --db)")
    if destination.exists() and not replace:
        raise StoreError(f"{destination} exists: choose another name, or add --force")
    if destination.resolve() == source.resolve():
        raise StoreError("the backup must go to another file than the database")
    private_parent(destination)
    partial = destination.with_name(f".{destination.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        target = sqlite3.connect(partial)
        try:
            reader.backup(target, pages=1024)  # in steps: the bot keeps writing meanwhile
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            check = target.execute("PRAGMA integrity_check").fetchone()[0]
            if check != "ok":
                raise StoreError(f"the copy of {source} is not sound ({check}): the "
                                 "database itself may be damaged")
            counts = [_count(target, table) for table in ("conversations", "events")]
        finally:
            target.close()
            reader.close()
        os.replace(partial, destination)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot back up {source}: {exc}") from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return BackupResult(destination.stat().st_size, *counts)


def _count(db: sqlite3.Connection, table: str) -> int:
    try:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    except sqlite3.OperationalError:  # not an essbot database
        raise StoreError("this database has no essbot tables") from None
