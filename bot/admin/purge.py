"""Retention: delete events older than N days, and conversations idle for N days.

``essbot run`` purges at start and then daily (``ESSBOT_RETENTION_DAYS``, 365 by
default); ``essbot purge`` does it by hand. Timestamps are ISO 8601 in UTC, so
comparing strings compares times.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from bot.store import Store

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PurgeResult:
    cutoff: str
    events: int
    conversations: int
    other: int = 0  # rows of other dated tables (unanswered questions...)
    dry_run: bool = False

    def __str__(self) -> str:
        verb = "would delete" if self.dry_run else "deleted"
        text = (f"{verb} {self.events} event(s) and {self.conversations} conversation(s) "
                f"older than {self.cutoff[:10]}")
        return text + (f", and {self.other} other row(s)" if self.other else "")


def cutoff_for(days: int, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return (now - dt.timedelta(days=days)).isoformat(timespec="milliseconds")


# Other tables of the anonymised log, purged by the same rule when they exist. Only these:
# tables such as subscriptions hold consent, not history, and follow their own rules.
LOG_TABLES = {"unanswered_questions": "updated_at"}  # table -> timestamp of last activity


def _dated_tables(store: Store) -> list[tuple[str, str]]:
    present = set(store.db.table_names())
    return [(table, column) for table, column in LOG_TABLES.items() if table in present]


def purge(store: Store, days: int, dry_run: bool = False,
          now: dt.datetime | None = None) -> PurgeResult:
    if days < 1:
        raise ValueError("the retention must be at least 1 day")
    cutoff = cutoff_for(days, now)
    counts = []
    with store.transaction():
        queries = [("events", "ts"), ("conversations", "updated_at"), *_dated_tables(store)]
        for table, column in queries:
            where = f'FROM "{table}" WHERE "{column}" < ?'
            if dry_run:
                counts.append(store.db.execute(f"SELECT COUNT(*) {where}", (cutoff,))
                              .fetchone()[0])
            else:
                counts.append(store.db.execute(f"DELETE {where}", (cutoff,)).rowcount)
    result = PurgeResult(cutoff, counts[0], counts[1], sum(counts[2:]), dry_run)
    if not dry_run and (result.events or result.conversations or result.other):
        log.warning("retention (%d days): %s", days, result)
    return result
