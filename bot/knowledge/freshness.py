"""Time-bound facts past their review date are never stated as current.

An item's (or a direct answer's) ``review_by`` says when its time-bound facts (an amount,
the dates of a call, the end of a programme) must be checked again. Past that date,
everything that shows it (chat cards and details, answers to questions, ``essbot
recommend``, the feuille de route) adds a caution instead of presenting the fact as
current, while ``essbot content validate`` warns the administrators.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from bot.i18n import Translator


class Dated(Protocol):
    """An item or a direct answer: when its facts were checked, and by when again."""

    @property
    def last_checked(self) -> dt.date: ...

    @property
    def review_by(self) -> dt.date | None: ...


def overdue(item: Dated, today: dt.date | None = None) -> bool:
    """Whether the item's time-bound facts are past their review date."""
    return item.review_by is not None and item.review_by < (today or dt.date.today())


def caution(item: Dated, t: Translator, today: dt.date | None = None) -> str | None:
    """The sentence that goes with an overdue item, or None when it is current."""
    if not overdue(item, today):
        return None
    assert item.review_by is not None
    return t._("⚠ À revérifier : ces informations datent du {checked} et devaient être "
               "revues le {due} ; vérifiez-les à la source avant de les utiliser.").format(
        checked=t.format_date(item.last_checked), due=t.format_date(item.review_by))


def with_caution(text: str, item: Dated, t: Translator, today: dt.date | None = None) -> str:
    """``text`` followed by the item's caution, if it has one."""
    warning = caution(item, t, today)
    return f"{text} {warning}" if warning else text
