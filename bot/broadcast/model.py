"""Plain data of broadcasts: who follows what, what an update targets, and the match rule."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

# Targeting dimensions and the taxonomy vocabulary each one draws its values from.
DIMENSIONS = {"regions": "regions", "themes": "themes", "collectivites": "collectivites"}


def as_list(value: object) -> list[str]:
    """A slot value (one string, a list, or nothing) as a list of strings."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return [str(v) for v in value if v not in (None, "")]
    return [str(value)]


def _text_or_none(value: object) -> str | None:
    """A nullable TEXT column: its text, or None when NULL or empty."""
    return str(value) if value else None


def _integer(value: object) -> int:
    """An INTEGER column's value."""
    if isinstance(value, int | float | str):
        return int(value)
    raise TypeError(f"not an integer: {value!r}")


def dumps(values: Iterable[str]) -> str:
    return json.dumps(sorted(set(values)), ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class Targeting:
    """What an update is about. An empty tuple means "all": no restriction on that axis."""

    regions: tuple[str, ...] = ()  # INSEE region codes
    themes: tuple[str, ...] = ()  # theme ids of content/taxonomy.yaml
    collectivites: tuple[str, ...] = ()  # types of collectivité

    def matches(self, regions: Iterable[str], themes: Iterable[str],
                collectivite: str | None) -> bool:
        """Does a reader following ``regions`` and ``themes`` (empty: all) get this update?

        A reader who follows every region gets the updates of every region; a reader whose
        type of collectivité is unknown only gets the updates that target every type.
        """
        regions, themes = set(regions), set(themes)
        if self.regions and regions and not regions & set(self.regions):
            return False
        if self.themes and themes and not themes & set(self.themes):
            return False
        return not self.collectivites or collectivite in self.collectivites

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> Targeting:
        return cls(*(tuple(json.loads(str(row[name]) or "[]")) for name in DIMENSIONS))


@dataclass(frozen=True, slots=True)
class Subscription:
    key: str  # pseudonym
    channel: str
    language: str
    regions: tuple[str, ...]  # empty: every region
    themes: tuple[str, ...]  # empty: every theme
    collectivite: str | None
    consent_at: str

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> Subscription:
        return cls(str(row["key"]), str(row["channel"]), str(row["language"]),
                   tuple(json.loads(str(row["regions"]))), tuple(json.loads(str(row["themes"]))),
                   _text_or_none(row["collectivite"]), str(row["consent_at"]))


@dataclass(frozen=True, slots=True)
class Draft:
    """An update before it is published: what a publisher wrote, and whom it is for."""

    title: str
    text: str
    link: str | None = None
    deadline: dt.date | None = None
    targeting: Targeting = field(default_factory=Targeting)
    language: str = "fr"  # the language the publisher wrote in


@dataclass(frozen=True, slots=True)
class Update(Draft):
    id: int = 0
    created_at: str = ""
    author: str | None = None  # pseudonym of the publisher (None once they are forgotten)
    origin: str = "chat"  # "chat" or "cli"
    recipients: int = 0

    @classmethod
    def from_row(cls, row: Mapping[str, object]) -> Update:
        deadline = row.get("deadline")
        return cls(
            title=str(row["title"]), text=str(row["text"]), link=_text_or_none(row.get("link")),
            deadline=dt.date.fromisoformat(str(deadline)) if deadline else None,
            targeting=Targeting.from_row(row), language=str(row.get("language") or "fr"),
            id=_integer(row["id"]), created_at=str(row["created_at"]),
            author=_text_or_none(row.get("author")), origin=str(row["origin"]),
            recipients=_integer(row.get("recipients") or 0),
        )


TITLE_MAX, TEXT_MAX, LINK_MAX = 120, 3000, 500  # characters of an update's parts
_DATE_FR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")


def parse_date(text: str) -> dt.date | None:
    """15/12/2026, 15-12-2026, 15.12.2026 or 2026-12-15."""
    match = _DATE_FR.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
