"""The tables of the questions feature: the log of questions nothing answered.

Questions are redacted before they get here (:mod:`bot.qa.redact`). Each row is tied to
the pseudonym of the user who asked (``conversation``), one row per wording and user,
counted, so that ``/oublier`` removes that user's rows (:func:`forget_unanswered`);
administrators only ever see them grouped by wording, never by user. The log has its own
retention (``ESSBOT_QUESTIONS_RETENTION_DAYS``, 90 days by default).
"""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Any, Protocol

import sqlite_utils

from bot.store import Transaction, utc_now


def _v1_unanswered_questions(db: sqlite_utils.Database) -> None:
    # Idempotent: databases made before features had their own migrations have the table.
    db.table("unanswered_questions").create(
        {"id": int, "question": str, "normalized": str, "language": str, "count": int,
         "created_at": str, "updated_at": str},
        pk="id", not_null={"question", "normalized", "count"}, defaults={"count": 1},
        if_not_exists=True)
    db.table("unanswered_questions").create_index(["normalized"], unique=True, if_not_exists=True)


def _v2_tied_to_the_asker(db: sqlite_utils.Database) -> None:
    # Rows tied to the pseudonym of who asked (for /oublier). Rows recorded before cannot be
    # tied to anyone: they are redacted again with the stricter redaction (no knowledge
    # base at hand, so more is removed) and expire with the log's retention.
    from bot.qa.normalize import words
    from bot.qa.redact import redact

    table = db.table("unanswered_questions")
    table.add_column("conversation", str)
    db.execute("DROP INDEX IF EXISTS idx_unanswered_questions_normalized")
    for row_id, question in db.execute("SELECT id, question FROM unanswered_questions"
                                       ).fetchall():
        again = redact(question)
        db.execute("UPDATE unanswered_questions SET question = ?, normalized = ? WHERE id = ?",
                   (again, " ".join(words(again)) or again, row_id))
    table.create_index(["normalized", "conversation"], unique=True, if_not_exists=True)
    table.create_index(["conversation"], if_not_exists=True)
    table.create_index(["updated_at"], if_not_exists=True)


MIGRATIONS = (_v1_unanswered_questions, _v2_tied_to_the_asker)


def record_unanswered(db: Transaction, question: str, normalized: str, language: str,
                      conversation: str) -> None:
    """Count one more asking of a question nothing answered, by the user ``conversation``
    (a pseudonym); ``question`` is redacted."""
    now = utc_now()
    db.execute(
        "INSERT INTO unanswered_questions (question, normalized, language, count,"
        " created_at, updated_at, conversation) VALUES (?, ?, ?, 1, ?, ?, ?)"
        " ON CONFLICT(normalized, conversation) DO UPDATE SET count = count + 1,"
        " updated_at = excluded.updated_at",
        (question, normalized, language, now, now, conversation))


def forget_unanswered(db: Transaction, conversation: str) -> int:
    """Erase the questions one user asked (``/oublier``); returns how many rows."""
    if "unanswered_questions" not in db.table_names():
        return 0
    return db.execute("DELETE FROM unanswered_questions WHERE conversation = ?",
                      (conversation,)).rowcount


class Readable(Protocol):
    def reading(self) -> AbstractContextManager[sqlite_utils.Database]: ...


def unanswered_questions(source: Readable, limit: int | None = None,
                         since: str | None = None) -> list[dict[str, Any]] | None:
    """The unanswered questions (asked again since ``since``), most often asked first;
    None when the database has no such log (made before questions were recorded).

    ``source`` is the bot's :class:`~bot.store.Store` or a read-only
    :class:`~bot.store.log.LogReader`.
    """
    # One line per wording, whoever asked it: the pseudonyms are never shown.
    sql = ("SELECT MIN(question) AS question, SUM(count) AS count, MIN(language) AS language,"
           " MIN(created_at) AS first_asked, MAX(updated_at) AS last_asked"
           " FROM unanswered_questions")
    params: list = []
    if since:
        sql += " WHERE updated_at >= ?"
        params.append(since)
    sql += " GROUP BY normalized ORDER BY count DESC, last_asked DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(limit)
    with source.reading() as db:
        if "unanswered_questions" not in db.table_names():
            return None
        return list(db.query(sql, params))


def purge_unanswered(db: Transaction, cutoff: str, dry_run: bool,
                     retention_days: int | None = None) -> int:
    """Questions not asked again since ``cutoff``, or for ``retention_days`` if that is
    shorter: deleted, or counted with ``dry_run``."""
    if retention_days is not None:
        own = (dt.datetime.now(dt.UTC) - dt.timedelta(days=retention_days)
               ).isoformat(timespec="milliseconds")
        cutoff = max(cutoff, own)
    where = "FROM unanswered_questions WHERE updated_at < ?"
    if dry_run:
        return db.execute(f"SELECT COUNT(*) {where}", (cutoff,)).fetchone()[0]
    return db.execute(f"DELETE {where}", (cutoff,)).rowcount
