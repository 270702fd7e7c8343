"""Where the State pays the RSA: the départements of ``content/territoires/rsa_etat.yaml``
(Guyane, Mayotte and La Réunion for good, three départements by experiment). The département
keeps the insertion policy there; the territory reading says who pays the allocation, so
that a lever on the RSA is not read as if the département paid it (docs/territories.md)."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.config import PROJECT_ROOT
from bot.yamlsrc import (
    MarkedDict,
    MarkedList,
    Position,
    Problem,
    display_name,
    load_marked_file,
    position_of,
)

RSA_FILE = Path("territoires") / "rsa_etat.yaml"  # in the content folder
MODES = {"pérenne": False, "expérimentation": True}  # mode -> is an experiment
_KEYS = ("departement", "mode", "since", "sources", "last_checked")
_DEPARTEMENT = re.compile(r"(?:0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-6])")


@dataclass(frozen=True, slots=True)
class StateRsa:
    """The State pays the RSA since ``since``, by experiment or for good."""

    since: int
    experiment: bool


def read_state_rsa(path: Path, root: Path | None = None
                   ) -> tuple[dict[str, StateRsa], list[Problem]]:
    """Département code -> :class:`StateRsa`, and the problems of the file (a faulty row is
    left out)."""
    try:
        rows = load_marked_file(path, root)
    except Problem as problem:
        return {}, [problem]
    fallback = Position(display_name(path, root), 1, 1)
    if not isinstance(rows, MarkedList):
        return {}, [Problem(position_of(rows, fallback),
                            "the file needs a list of départements")]
    found: dict[str, StateRsa] = {}
    problems: list[Problem] = []
    for i, row in enumerate(rows):
        where = rows.at(i)
        if not isinstance(row, MarkedDict):
            problems.append(Problem(where, "each entry needs departement, mode, since, "
                                           "sources and last_checked"))
            continue
        faults = [f"unknown key '{key}' (expected: {', '.join(_KEYS)})"
                  for key in row if key not in _KEYS]
        faults += [f"missing '{key}'" for key in _KEYS if key not in row]
        code = row.get("departement")
        if "departement" in row and not (isinstance(code, str) and _DEPARTEMENT.fullmatch(code)):
            faults.append("departement must be a département code in quotes (\"09\", \"974\")")
        elif code in found:
            faults.append(f"département {code} is listed twice")
        if "mode" in row and row["mode"] not in MODES:
            faults.append(f"mode must be one of: {', '.join(MODES)}")
        since = row.get("since")
        if "since" in row and not (isinstance(since, int) and 2000 <= since <= 2100):
            faults.append("since must be a year (2019)")
        if "last_checked" in row and not isinstance(row["last_checked"], datetime.date):
            faults.append("last_checked must be a date (2026-11-30)")
        sources = row.get("sources")
        if "sources" in row and not (isinstance(sources, list) and sources and all(
                isinstance(s, dict) and isinstance(s.get("title"), str)
                and str(s.get("url", "")).startswith("https://") for s in sources)):
            faults.append("sources must be a list of title and url (https://…)")
        if faults:
            problems += [Problem(where, fault) for fault in faults]
            continue
        found[str(code)] = StateRsa(int(str(since)), MODES[str(row["mode"])])
    return found, problems


@functools.cache
def state_rsa_departements(path: Path = PROJECT_ROOT / "content" / RSA_FILE
                           ) -> dict[str, StateRsa]:
    """The file's départements (none when the file is missing or faulty rows)."""
    return read_state_rsa(path)[0] if path.is_file() else {}


def state_rsa_of(departements: Iterable[str]) -> StateRsa | None:
    """Where the State pays the RSA in the whole territory (the same way in each of its
    départements), or None: a région of several départements is not described by one."""
    known = state_rsa_departements()
    found = {known.get(code) for code in departements}
    if len(found) != 1:
        return None
    return found.pop()
