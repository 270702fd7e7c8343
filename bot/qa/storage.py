"""The tables of the questions feature: the log of questions nothing answered.

Questions are redacted before they get here (:mod:`bot.qa.redact`) and tied to nobody:
one row per wording, counted.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any, Protocol

import sqlite_utils

from bot.store import Transaction, utc_now


def _v1_unanswered_questions(db: sqlite_utils.Database) -> None:
    # Idempotent: databases made before features had their own migrations have the table.
    db["unanswered_questions"].create(
        {"id": int, "question": str, "normalized": str, "language": str, "count": int,
         "created_at": str, "updated_at": str},
        pk="id", not_null={"question", "normalized", "count"}, defaults={"count": 1},
        if_not_exists=True)
    db["unanswered_questions"].create_index(["normalized"], unique=True, if_not_exists=True)


MIGRATIONS = (_v1_unanswered_questions,)


def record_unanswered(db: Transaction, question: str, normalized: str, language: str) -> None:
    """Count one more asking of a question nothing answered; ``question`` is redacted."""
    now = utc_now()
    db.execute(
        "INSERT INTO unanswered_questions (question, normalized, language, count,"
        " created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)"
        " ON CONFLICT(normalized) DO UPDATE SET count = count + 1,"
        " updated_at = excluded.updated_at", (question, normalized, language, now, now))


class Readable(Protocol):
    def reading(self) -> AbstractContextManager[sqlite_utils.Database]: ...


def unanswered_questions(source: Readable, limit: int | None = None,
                         since: str | None = None) -> list[dict[str, Any]] | None:
    """The unanswered questions (asked again since ``since``), most often asked first;
    None when the database has no such log (made before questions were recorded).

    ``source`` is the bot's :class:`~bot.store.Store` or a read-only
    :class:`~bot.store.log.LogReader`.
    """
    sql = ("SELECT question, count, language, created_at AS first_asked,"
           " updated_at AS last_asked FROM unanswered_questions")
    params: list = []
    if since:
        sql += " WHERE updated_at >= ?"
        params.append(since)
    sql += " ORDER BY count DESC, updated_at DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    with source.reading() as db:
        if "unanswered_questions" not in db.table_names():
            return None
        return list(db.query(sql, params))


def purge_unanswered(db: Transaction, cutoff: str, dry_run: bool) -> int:
    """Questions not asked again since ``cutoff``: deleted, or counted with ``dry_run``."""
    where = "FROM unanswered_questions WHERE updated_at < ?"
    if dry_run:
        return db.execute(f"SELECT COUNT(*) {where}", (cutoff,)).fetchone()[0]
    return db.execute(f"DELETE {where}", (cutoff,)).rowcount
