"""The tables of broadcasts and the classes that read and write them (the only SQL of the
feature): subscriptions and their sealed addresses, publishers, updates, the outbox.

Users appear only as pseudonyms; the one way back to a chat id is
``address_book.address``, encrypted with a key derived from ESSBOT_SECRET, kept only
for subscribers who consented, erased by /desabonner.
"""

from __future__ import annotations

import sqlite_utils

from bot.broadcast.storage.outbox import Outbox, Row
from bot.broadcast.storage.publishers import Publishers
from bot.broadcast.storage.subscriptions import (
    Subscriptions,
    erase_subscription,
    forget_broadcast_rows,
)
from bot.broadcast.storage.updates import STATUSES, Progress, Updates


def _v1_broadcast(db: sqlite_utils.Database) -> None:
    # Idempotent: databases made before features had their own migrations have the tables
    # (core schema v3).
    db.table("subscriptions").create(
        {"key": str, "channel": str, "language": str, "regions": str, "themes": str,
         "collectivite": str, "consent_at": str, "updated_at": str},
        pk="key", not_null={"channel", "language", "regions", "themes", "consent_at"},
        if_not_exists=True)
    db.table("address_book").create(
        {"key": str, "channel": str, "address": bytes, "created_at": str},
        pk="key", not_null={"channel", "address"}, if_not_exists=True)
    db.table("publishers").create({"key": str, "granted_by": str, "granted_at": str},
                                  pk="key", if_not_exists=True)
    db.table("updates").create(
        {"id": int, "created_at": str, "author": str, "origin": str, "language": str,
         "title": str, "text": str, "link": str, "deadline": str, "regions": str,
         "themes": str, "collectivites": str, "recipients": int},
        pk="id", not_null={"created_at", "origin", "title", "text", "regions", "themes",
                           "collectivites"}, if_not_exists=True)
    db.table("outbox").create(
        {"id": int, "update_id": int, "recipient": str, "channel": str, "status": str,
         "attempts": int, "not_before": float, "error": str, "updated_at": str,
         "sent_at": str},
        pk="id", not_null={"update_id", "recipient", "channel", "status"},
        defaults={"status": "pending", "attempts": 0, "not_before": 0.0},
        foreign_keys=[("update_id", "updates", "id")], if_not_exists=True)
    outbox = db.table("outbox")
    outbox.create_index(["update_id", "recipient"], unique=True, if_not_exists=True)
    outbox.create_index(["status", "channel", "id"], if_not_exists=True)  # the worker's rows
    outbox.create_index(["recipient"], if_not_exists=True)  # /desabonner, /oublier


MIGRATIONS = (_v1_broadcast,)

__all__ = ["MIGRATIONS", "STATUSES", "Outbox", "Progress", "Publishers", "Row", "Subscriptions",
           "Updates", "erase_subscription", "forget_broadcast_rows"]
