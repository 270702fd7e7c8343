"""Measure the recommendations against an expert's evaluation set (tests/data/profiles_eval.yaml).

The set's header is the rule: a profile's expectation *groups* (lists of acceptable ids) per
kind are satisfied when one of their ids is in the top five of that kind; ``avoid`` ids must
appear in no top five. Figures are given per split; the ``test`` split is never tuned on,
so :func:`evaluate` reports the details of a profile only for the splits asked for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge.model import RECOMMENDED_KINDS, KnowledgeBase
from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile

TOP = 5


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    split: str
    profile: Profile
    expect: Mapping[str, tuple[tuple[str, ...], ...]]
    avoid: tuple[str, ...]
    territory: str | None = None


@dataclass
class Figures:
    groups: int = 0
    satisfied: int = 0
    missing_content: int = 0  # groups none of whose ids exists in content/
    avoid_hits: int = 0
    profiles: int = 0
    by_kind: dict[str, list[int]] = field(default_factory=dict)  # kind -> [satisfied, groups]
    details: list[str] = field(default_factory=list)  # misses, for the splits shown only

    @property
    def share(self) -> float:
        return self.satisfied / self.groups if self.groups else 0.0

    def __str__(self) -> str:
        kinds = ", ".join(f"{kind} {ok}/{n}" for kind, (ok, n) in sorted(self.by_kind.items()))
        return (f"{self.satisfied}/{self.groups} groups in the top {TOP} ({self.share:.1%}) "
                f"over {self.profiles} profiles [{kinds}]; avoid hits: {self.avoid_hits}; "
                f"groups with no item in content: {self.missing_content}")


def load_cases(path: Path, place_of: Any = None) -> list[Case]:
    """The profiles of the set, as their fields say (explicit fields win over the place).

    ``place_of(territory text) -> (region code | None, own codes[, competences])`` reads the
    place a profile names: its region fills a missing one, its codes keep its own projects out
    of examples, and the levels whose competences it exercises (its status's) are the
    profile's, as ``build_profile`` gives them, unless the profile names its ``competences``.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = []
    for raw in data["profiles"]:
        region, places = raw.get("region"), frozenset[str]()
        competences = frozenset[str](raw.get("competences") or ())
        if raw.get("territory") and place_of is not None:
            found_region, codes, *levels = place_of(raw["territory"])
            region = region or found_region
            places = frozenset(codes)
            if "competences" not in raw and levels and raw["type"] in levels[0]:
                competences = frozenset(levels[0])
        profile = Profile(raw["type"], frozenset(raw.get("contexts") or ()),
                          frozenset(raw.get("themes") or ()), raw["step"], region,
                          raw.get("size"), raw.get("territory"),
                          frozenset(raw.get("programmes") or ()), places,
                          competences=competences)
        expect = {kind: tuple(tuple(group) for group in groups)
                  for kind, groups in (raw.get("expect") or {}).items()}
        cases.append(Case(raw["name"], raw["split"], profile, expect,
                          tuple(raw.get("avoid") or ()), raw.get("territory")))
    return cases


def top_ids(kb: KnowledgeBase, profile: Profile) -> dict[str, list[str]]:
    """The first five of each kind, as ranked (whatever the display limits)."""
    chosen = recommendations(kb, profile, limit=TOP)
    return {kind: [r.item.id for r in chosen.get(kind, [])] for kind in RECOMMENDED_KINDS}


def evaluate(kb: KnowledgeBase, cases: Iterable[Case],
             show: Iterable[str] = ("tune",)) -> dict[str, Figures]:
    """Figures per split; the misses of the splits in ``show`` only."""
    shown = set(show)
    results: dict[str, Figures] = {}
    for case in cases:
        figures = results.setdefault(case.split, Figures())
        figures.profiles += 1
        top = top_ids(kb, case.profile)
        for kind, groups in case.expect.items():
            counts = figures.by_kind.setdefault(kind, [0, 0])
            for group in groups:
                figures.groups += 1
                counts[1] += 1
                if not any(i in kb.items for i in group):
                    figures.missing_content += 1
                if any(i in top.get(kind, []) for i in group):
                    figures.satisfied += 1
                    counts[0] += 1
                elif case.split in shown:
                    figures.details.append(f"{case.name} [{kind}]: none of {list(group)} in "
                                           f"{top.get(kind, [])}")
        everything = {i for ids in top.values() for i in ids}
        for avoided in case.avoid:
            if avoided in everything:
                figures.avoid_hits += 1
                if case.split in shown:
                    figures.details.append(f"{case.name}: avoid {avoided} is shown")
    return results


def territory_places(content_dir: Path) -> Any:
    """``place_of`` for :func:`load_cases`, from the territory index of ``content_dir``."""
    from bot.knowledge.profile import find_territories, load_territories, own_places
    from bot.knowledge.territory import default_territory_path

    index = load_territories(default_territory_path(content_dir))

    def place_of(text: str) -> tuple[str | None, list[str], list[str]]:
        found = find_territories(index, text)
        if not found:
            return None, [], []
        return found[0].region_code or None, own_places(found[0]), list(found[0].competences)

    return place_of
