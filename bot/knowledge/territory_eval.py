"""Scoring the territory resolver on an evaluation set of typed inputs.

The set (``tests/data/territory_inputs.yaml``, written blind by another engineer) gives, for
each text an agent may type, the acceptable first readings, the readings that must also be
offered, or that nothing must be found; its header explains the format and the rules, which
this module applies as written. Used by ``benchmarks/territory.py`` (prints the figures) and
``tests/test_territory_eval.py`` (checks them).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.territory import Territory, TerritoryIndex

# Arrondissements municipaux count as their commune (the set's rule).
_ARRONDISSEMENTS = {
    **{f"751{n:02d}": "75056" for n in range(1, 21)},
    **{f"6938{n}": "69123" for n in range(1, 10)},
    **{f"132{n:02d}": "13055" for n in range(1, 17)},
}


@dataclass(frozen=True, slots=True)
class Case:
    text: str
    split: str
    category: str
    type: str | None = None
    first: tuple[tuple[str, str], ...] = ()
    among: tuple[tuple[str, str], ...] = ()
    none: bool = False


@dataclass
class Score:
    passed: int = 0
    total: int = 0
    failures: list[tuple[Case, list[str]]] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.passed / self.total if self.total else 0.0


def load_cases(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for item in data["inputs"]:
        text = item.get("text")
        if text is None:
            repeat = item["repeat"]
            text = repeat["text"] * int(repeat["times"])
        cases.append(Case(text, item["split"], item["category"], item.get("type"),
                          _readings(item.get("first")), _readings(item.get("among")),
                          bool(item.get("none"))))
    return cases


def _readings(values: list[dict[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(v["kind"]), _normal(str(v["code"]))) for v in values or ())


def _normal(code: str) -> str:
    return _ARRONDISSEMENTS.get(code, code)


def identities(territory: Territory) -> set[tuple[str, str]]:
    """The readings a territory stands for: its own, and those of the same collectivité
    under another name (the CTG is the région 03 and the département 973; Mayotte the
    département 976 and the région 06; the Ville de Paris the commune 75056 and the
    département 75; the COM of Saint-Martin its commune 97801)."""
    found: set[tuple[str, str]] = {(territory.kind, territory.code)}
    if territory.kind == "region" and territory.departement_code:
        found.add(("departement", territory.departement_code))
    if territory.status is not None:
        key = territory.status.key
        if key == "mayotte":
            found.add(("region", territory.region_code))
        elif key == "ville-de-paris":
            found.add(("departement", "75"))
    if territory.kind == "com":
        found |= {("commune", code) for code, dep in
                  (("97701", "977"), ("97801", "978")) if dep == territory.code}
    if territory.code == "6AE":
        found |= {("departement", "67"), ("departement", "68")}
    return found


def evaluate(index: TerritoryIndex, cases: list[Case]) -> dict[str, Score]:
    """Scores by split (``dev``, ``test``) and by ``split/category``."""
    scores: dict[str, Score] = defaultdict(Score)
    for case in cases:
        ok, answer = _passes(index, case)
        for key in (case.split, f"{case.split}/{case.category}"):
            score = scores[key]
            score.total += 1
            score.passed += ok
            if not ok and key == case.split:
                score.failures.append((case, answer))
    return dict(scores)


def _passes(index: TerritoryIndex, case: Case) -> tuple[bool, list[str]]:
    try:
        answer = index.resolve(case.text, prefer=case.type).all
    except Exception as error:  # an exception fails the item, as the set says
        return False, [f"raised {type(error).__name__}"]
    labels = [t.label for t in answer]
    if case.none:
        return not answer, labels
    if not answer:
        return False, labels
    offered = set().union(*(identities(t) for t in answer))
    first_ok = bool(identities(answer[0]) & set(case.first))
    among_ok = all(reading in offered for reading in case.among)
    return first_ok and among_ok, labels
