"""Group the unanswered questions that ask the same thing, so that an administrator sees
which content to add first (``essbot questions unanswered``).

Two wordings belong together when their meaningful stems overlap enough (Jaccard index at
least ``SIMILAR``, or one holds all the stems of the other, two at least): « horaires de la
piscine ? » and « les horaires de la piscine municipale » are one need. Groups are ranked
by the number of times any of their wordings was asked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.qa.normalize import terms

SIMILAR = 0.5


def similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return a == b
    shared = len(a & b)
    if shared >= 2 and (a <= b or b <= a):
        return True
    return shared / len(a | b) >= SIMILAR


def group_questions(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows of :func:`bot.qa.storage.unanswered_questions` grouped by similarity.

    Each group is its most asked wording's row (``question``, ``language``, ...) with
    ``count`` the total of the group, ``last_asked`` its latest, and ``similar`` the other
    wordings, most asked first.
    """
    groups: list[tuple[frozenset[str], dict[str, Any]]] = []
    ordered = sorted(rows, key=lambda r: (-int(r["count"]), str(r.get("last_asked") or "")))
    for row in ordered:
        stems = frozenset(terms(str(row["question"])))
        for key, group in groups:
            if similar(stems, key):
                group["count"] += int(row["count"])
                group["similar"].append(row["question"])
                if str(row.get("last_asked") or "") > str(group.get("last_asked") or ""):
                    group["last_asked"] = row.get("last_asked")
                break
        else:
            groups.append((stems, {**row, "count": int(row["count"]), "similar": []}))
    result = [group for _, group in groups]
    result.sort(key=lambda g: (-g["count"], str(g.get("question"))))
    return result
