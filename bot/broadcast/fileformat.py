"""The file format of ``essbot broadcast send``: one update per YAML file.

::

    title: "Appel à projets « Alimentation durable » 2027"
    text: |
      La Région et la DRAAF soutiennent les projets alimentaires de territoire...
    link: https://example.org/aap-alimentation      # optional
    deadline: 2027-03-31                            # optional (YYYY-MM-DD)
    language: fr                                    # optional: the language of the text
    target:                                         # optional; a list left out means all
      regions: ["53", "52"]                         # INSEE region codes
      themes: [alimentation]
      collectivites: [commune, epci]

Every problem is reported as ``file:line:column: error: ...``, like flows and content.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path

from bot.broadcast.model import (
    DIMENSIONS,
    LINK_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Draft,
    Targeting,
    parse_date,
)
from bot.broadcast.render import Vocabularies
from bot.engine.conditions import suggest
from bot.i18n import SUPPORTED_LANGUAGES
from bot.yamlsrc import (
    MarkedDict,
    MarkedList,
    Position,
    Problem,
    load_marked_file,
    position_of,
)

KEYS = ("title", "text", "link", "deadline", "language", "target")
_LINK = re.compile(r"^https?://[^\s<>\"]+\.[^\s<>\"]+$")
ErrorSink = Callable[[Position, str], None]


def load_draft(path: Path, vocabularies: Vocabularies, today: dt.date | None = None,
               root: Path | None = None) -> tuple[Draft | None, list[Problem]]:
    """Read and check an update file; the draft is None when there is any error."""
    today = today or dt.date.today()
    problems: list[Problem] = []
    try:
        doc = load_marked_file(path, root)
    except Problem as problem:
        return None, [problem]
    except OSError as exc:
        return None, [Problem(None, f"cannot read {path}: {exc.strerror}")]
    if not isinstance(doc, MarkedDict):
        where = Position(str(path), 1, 1)
        return None, [Problem(position_of(doc, where), "an update file is a mapping: title:, "
                                                       "text:, and optionally link:, "
                                                       "deadline:, language:, target:")]

    def error(where: Position, message: str) -> None:
        problems.append(Problem(where, message))

    for key in doc:
        if key not in KEYS:
            error(doc.key_positions[key], suggest("key", str(key), KEYS))
    title = _text(doc, "title", 3, TITLE_MAX, error)
    text = _text(doc, "text", 10, TEXT_MAX, error)
    link = None
    if doc.get("link") not in (None, ""):
        link = str(doc["link"]).strip()
        if len(link) > LINK_MAX or not _LINK.match(link):
            error(doc.at("link"), "'link' must be a web address starting with https:// "
                                  f"(at most {LINK_MAX} characters)")
    deadline = None
    if doc.get("deadline") not in (None, ""):
        raw = doc["deadline"]
        deadline = raw if isinstance(raw, dt.date) else parse_date(str(raw))
        if isinstance(deadline, dt.datetime):
            deadline = deadline.date()
        if deadline is None:
            error(doc.at("deadline"), f"'deadline' must be a date such as 2027-03-31, "
                                      f"not {raw!r}")
        elif deadline < today:
            error(doc.at("deadline"), f"the deadline {deadline.isoformat()} is already past")
    language = str(doc.get("language") or "fr")
    if language not in SUPPORTED_LANGUAGES:
        error(doc.at("language"), suggest("language", language, SUPPORTED_LANGUAGES))
    targeting = _targeting(doc, vocabularies, error)
    if problems or title is None or text is None:
        return None, problems
    return Draft(title, text, link, deadline, targeting, language), problems


def _text(doc: MarkedDict, key: str, low: int, high: int, error: ErrorSink) -> str | None:
    value = doc.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        error(doc.at(key) if key in doc else doc.position, f"'{key}' is required")
        return None
    if not isinstance(value, str | int | float):
        error(doc.at(key), f"'{key}' must be text")
        return None
    value = str(value).strip()
    if not low <= len(value) <= high:
        error(doc.at(key), f"'{key}' must have {low} to {high} characters (it has {len(value)})")
        return None
    return value


def _targeting(doc: MarkedDict, vocabularies: Vocabularies, error: ErrorSink) -> Targeting:
    target = doc.get("target")
    if target is None:
        return Targeting()
    if not isinstance(target, MarkedDict):
        error(doc.at("target"), "'target' is a mapping of regions:, themes:, collectivites:")
        return Targeting()
    chosen: dict[str, tuple[str, ...]] = {}
    for key in target:
        if key not in DIMENSIONS:
            error(target.key_positions[key], suggest("target", str(key), tuple(DIMENSIONS)))
    for name, vocabulary in DIMENSIONS.items():
        values = target.get(name)
        if values is None:
            continue
        items = values if isinstance(values, list) else [values]
        known = vocabularies.get(vocabulary, {})
        kept: list[str] = []
        for index, value in enumerate(items):
            where = values.at(index) if isinstance(values, MarkedList) else target.at(name)
            value = f"{value:02d}" if isinstance(value, int) and name == "regions" else str(value)
            if value not in known:
                error(where, f"target {name}: " + suggest(f"value of '{vocabulary}'", value,
                                                          tuple(known)))
            elif value not in kept:
                kept.append(value)
        chosen[name] = tuple(kept)
    return Targeting(**chosen)
