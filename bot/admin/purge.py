"""Retention: delete events older than N days, and conversations idle for N days.

``essbot run`` purges at start and then daily (``ESSBOT_RETENTION_DAYS``, 365 by
default); ``essbot purge`` does it by hand. Timestamps are ISO 8601 in UTC, so
comparing strings compares times.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bot.store import Store, Transaction
from bot.store.replies import HANDLED_RETENTION_DAYS, purge_handled

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
                f"older than {self.cutoff[:10]}" if self.cutoff
                else f"{verb} no event or conversation (the log is kept: retention 0)")
        return text + (f", and {self.other} other row(s)" if self.other else "")


def cutoff_for(days: int, now: dt.datetime | None = None) -> str:
    now = now or dt.datetime.now(dt.UTC)
    return (now - dt.timedelta(days=days)).isoformat(timespec="milliseconds")


Purger = Callable[[Transaction, str, bool], int]  # (tx, cutoff, dry_run) -> rows


def purge(store: Store, days: int, dry_run: bool = False, now: dt.datetime | None = None,
          others: Iterable[Purger] = ()) -> PurgeResult:
    """Apply the retention; ``others`` purge the features' dated logs by the same rule
    (the unanswered questions: tables such as subscriptions hold consent, not history, and
    follow their own rules). The records of handled updates and the replies a crash left
    are kept ``HANDLED_RETENTION_DAYS``, whatever the retention."""
    if days < 0:
        raise ValueError("the retention must not be negative")
    # 0: the log is kept, but the features' own retentions still apply (the unanswered
    # questions are kept 90 days, ESSBOT_QUESTIONS_RETENTION_DAYS, whatever the log's).
    cutoff = cutoff_for(days, now) if days else ""
    with store.transaction() as tx:
        events, conversations = store.purge_before(cutoff, dry_run) if days else (0, 0)
        other = sum(purger(tx, cutoff, dry_run) for purger in others)
        other += purge_handled(tx, cutoff_for(HANDLED_RETENTION_DAYS, now), dry_run)
    result = PurgeResult(cutoff, events, conversations, other, dry_run)
    if not dry_run and (result.events or result.conversations or result.other):
        log.warning("retention (%d days): %s", days, result)
    return result
