"""Persistence: conversations and the anonymised event log, in SQLite."""

from bot.store.db import Event, Store

__all__ = ["Event", "Store"]
