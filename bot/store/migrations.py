"""Schema versions. Each migration runs once, in order, inside a transaction.

The core tables (conversations, events, channel bookkeeping, the handled updates and the
reply outbox) are migrated here; a
feature with tables of its own declares its migrations (``bot.feature.Feature``) and
they are run by :func:`migrate_feature`, counted under ``meta.schema_version:<name>``.
To change a schema, append a function; never edit one that has shipped, except to move
it to a feature whose first migration is idempotent (as v3 and v4 did: they now live in
``bot/broadcast/storage`` and ``bot/qa/storage``, with ``if_not_exists``, so databases
created before the move adopt the existing tables).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlite_utils


def _v1_initial(db: sqlite_utils.Database) -> None:
    db.table("conversations").create(
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
    db.table("events").create(
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
    db.table("events").create_index(["conversation"])


def _v2_channel_state(db: sqlite_utils.Database) -> None:
    # Small bookkeeping of the channels (a Matrix sync token, the last handled event...),
    # so that a restart resumes where it stopped. Never a raw user id.
    db.table("channel_state").create({"channel": str, "key": str, "value": str, "updated_at": str},
                               pk=("channel", "key"), not_null={"value"})


def _v3_moved_to_broadcast(db: sqlite_utils.Database) -> None:
    """The broadcast tables: now created by the broadcast feature's own migrations."""


def _v4_moved_to_questions(db: sqlite_utils.Database) -> None:
    """The unanswered-question log: now created by the questions feature's migrations."""


def _v5_offered_choices(db: sqlite_utils.Database) -> None:
    # The choices the user sees last, so that one matcher serves typed numbers and labels
    # on every channel (bot/engine/choices.py); ``pending`` now holds a JSON dialog.
    db.table("conversations").add_column("offered", str)


def _v6_handled_updates_and_reply_outbox(db: sqlite_utils.Database) -> None:
    # Exactly-once handling (bot/store/replies.py): the updates already handled, by a hash
    # of the network's id, and the replies of each turn until the channel delivered them.
    # Neither holds a raw id: the event is an HMAC, the address is sealed (AES-GCM).
    db.table("handled_updates").create({"channel": str, "event": str, "handled_at": str},
                                 pk=("channel", "event"), not_null={"handled_at"})
    db.table("handled_updates").create_index(["handled_at"])
    db.table("reply_outbox").create(
        {
            "id": int,
            "channel": str,
            "event": str,  # the handled update these replies answer
            "conversation": str,  # pseudonym, so that /oublier erases replies in hand
            "address": bytes,  # sealed: where to send them
            "replies": str,  # JSON list of messages (documents included)
            "created_at": str,
        },
        pk="id",
        not_null={"channel", "event", "address", "replies", "created_at"},
    )
    db.table("reply_outbox").create_index(["channel", "event"], unique=True)


Migration = Callable[[sqlite_utils.Database], None]
MIGRATIONS: list[Migration] = [_v1_initial, _v2_channel_state, _v3_moved_to_broadcast,
                               _v4_moved_to_questions, _v5_offered_choices,
                               _v6_handled_updates_and_reply_outbox]
SCHEMA_VERSION = len(MIGRATIONS)
CORE = "schema_version"


def schema_version(db: sqlite_utils.Database, key: str = CORE) -> int:
    if "meta" not in db.table_names():
        return 0
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return int(row[0]) if row else 0


def _run(db: sqlite_utils.Database, key: str, migrations: Sequence[Migration],
         what: str) -> int:
    with db.atomic():
        if "meta" not in db.table_names():
            db.table("meta").create({"key": str, "value": str}, pk="key")
        current, target = schema_version(db, key), len(migrations)
        if current > target:
            raise RuntimeError(f"the database is at version {current} of {what}, newer than "
                               f"this essbot ({target}): upgrade essbot")
        for version in range(current + 1, target + 1):
            migrations[version - 1](db)
            db.table("meta").upsert({"key": key, "value": str(version)}, pk="key")
    return target - current


def migrate(db: sqlite_utils.Database) -> int:
    """Bring the core tables to SCHEMA_VERSION; returns the number of migrations applied."""
    return _run(db, CORE, MIGRATIONS, "the schema")


def migrate_feature(db: sqlite_utils.Database, name: str,
                    migrations: Sequence[Migration]) -> int:
    """Bring the tables of one feature up to date; returns the number applied."""
    return _run(db, f"{CORE}:{name}", migrations, f"the tables of {name}")
