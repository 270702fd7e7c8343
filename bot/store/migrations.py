"""Schema versions. Each migration runs once, in order, inside a transaction.

To change the schema, append a function to MIGRATIONS; never edit one that has
shipped. ``meta.schema_version`` records how far a database has come.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlite_utils


def _v1_initial(db: sqlite_utils.Database) -> None:
    db["conversations"].create(
        {
            "key": str,  # pseudonym
            "channel": str,
            "flow_id": str,
            "state": str,
            "flow_version": str,
            "language": str,
            "slots": str,  # JSON object
            "back": str,  # JSON list of [state, slots]
            "pending": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="key",
        not_null={"channel", "flow_id", "state", "language", "slots", "back"},
    )
    db["events"].create(
        {
            "id": int,
            "ts": str,
            "conversation": str,  # pseudonym, NULL for events not tied to a user
            "channel": str,
            "kind": str,
            "flow": str,
            "state": str,
            "target": str,
            "slot": str,
            "value": str,
            "items": str,  # JSON list of knowledge item ids
            "detail": str,
        },
        pk="id",
        not_null={"ts", "kind"},
    )
    # Only the index that /oublier needs: every other index would be paid on every message
    # (the log is written far more often than it is read).
    db["events"].create_index(["conversation"])


def _v2_channel_state(db: sqlite_utils.Database) -> None:
    # Small bookkeeping of the channels (a Matrix sync token, the last handled event...),
    # so that a restart resumes where it stopped. Never a raw user id.
    db["channel_state"].create({"channel": str, "key": str, "value": str, "updated_at": str},
                               pk=("channel", "key"), not_null={"value"})


def _v3_broadcast(db: sqlite_utils.Database) -> None:
    # Broadcasts (bot/broadcast, docs/broadcast.md). Users appear only as pseudonyms; the one
    # way back to a chat id is address_book.address, encrypted with a key derived from
    # ESSBOT_SECRET, kept only for subscribers who consented, erased by /desabonner.
    db["subscriptions"].create(
        {"key": str, "channel": str, "language": str, "regions": str, "themes": str,
         "collectivite": str, "consent_at": str, "updated_at": str},
        pk="key", not_null={"channel", "language", "regions", "themes", "consent_at"})
    db["address_book"].create({"key": str, "channel": str, "address": bytes, "created_at": str},
                              pk="key", not_null={"channel", "address"})
    db["publishers"].create({"key": str, "granted_by": str, "granted_at": str}, pk="key")
    db["updates"].create(
        {"id": int, "created_at": str, "author": str, "origin": str, "language": str,
         "title": str, "text": str, "link": str, "deadline": str, "regions": str,
         "themes": str, "collectivites": str, "recipients": int},
        pk="id", not_null={"created_at", "origin", "title", "text", "regions", "themes",
                           "collectivites"})
    db["outbox"].create(
        {"id": int, "update_id": int, "recipient": str, "channel": str, "status": str,
         "attempts": int, "not_before": float, "error": str, "updated_at": str,
         "sent_at": str},
        pk="id", not_null={"update_id", "recipient", "channel", "status"},
        defaults={"status": "pending", "attempts": 0, "not_before": 0.0},
        foreign_keys=[("update_id", "updates", "id")])
    db["outbox"].create_index(["update_id", "recipient"], unique=True)
    db["outbox"].create_index(["status", "channel", "id"])  # the worker's next rows
    db["outbox"].create_index(["recipient"])  # /desabonner, /oublier


def _v4_unanswered_questions(db: sqlite_utils.Database) -> None:
    # Free-text questions the knowledge base could not answer (bot/qa, docs/questions.md),
    # redacted before storage and tied to nobody: no pseudonym, one row per wording.
    db["unanswered_questions"].create(
        {"id": int, "question": str, "normalized": str, "language": str, "count": int,
         "created_at": str, "updated_at": str},
        pk="id", not_null={"question", "normalized", "count"}, defaults={"count": 1})
    db["unanswered_questions"].create_index(["normalized"], unique=True)


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial, _v2_channel_state,
                                                             _v3_broadcast,
                                                             _v4_unanswered_questions]
SCHEMA_VERSION = len(MIGRATIONS)


def schema_version(db: sqlite_utils.Database) -> int:
    if "meta" not in db.table_names():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the database to SCHEMA_VERSION; returns the number of migrations applied."""
    with db.atomic():
        if "meta" not in db.table_names():
            db["meta"].create({"key": str, "value": str}, pk="key")
        current = schema_version(db)
        if current > SCHEMA_VERSION:
            raise RuntimeError(
                f"the database is at schema version {current}, newer than this essbot "
                f"({SCHEMA_VERSION}): upgrade essbot"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version - 1](db)
            db["meta"].upsert({"key": "schema_version", "value": str(version)}, pk="key")
    return SCHEMA_VERSION - current
