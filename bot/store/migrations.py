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


MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1_initial, _v2_channel_state]
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
