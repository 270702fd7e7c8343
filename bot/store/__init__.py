"""Persistence: conversations and the anonymised event log, in SQLite."""

from bot.store.db import Event, Store, Transaction, utc_now

__all__ = ["Event", "Store", "Transaction", "utc_now"]
