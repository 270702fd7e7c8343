"""From a territory to what it tells of the profile: type, size, region, overseas.

Used by the flows (the ``territory`` resolver of an input) and by the
``essbot recommend`` and ``essbot plan`` commands, so both pre-fill alike.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.engine.flow import Candidate, ResolverSpec
from bot.knowledge.scoring import Profile, ScoringRules

if TYPE_CHECKING:
    from bot.knowledge.territory import Territory, TerritoryIndex

OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})  # INSEE codes (COG)
TERRITORY_FACTS = frozenset({"type", "size", "region", "contexts", "code", "population",
                             "name", "departement", "epci"})


def territory_facts(territory: Territory, rules: ScoringRules | None = None) -> dict[str, Any]:
    """What a territory says of the collectivité; values of the taxonomy where they apply."""
    size = rules.size_class(territory.population) if rules else territory.size_class
    return {
        "type": territory.collectivite_type,
        "size": size,
        "region": territory.region_code,
        "contexts": ["outre-mer"] if territory.region_code in OVERSEAS_REGIONS else [],
        "code": territory.code,
        "population": territory.population,
        "name": territory.name,
        "departement": territory.departement_code,
        "epci": territory.epci_name if territory.kind == "commune" else None,
    }


def load_territories(path: Path) -> TerritoryIndex:
    """The territory index of a file, loaded once per version of the file (reloads are cheap)."""
    return _load_territories(path.resolve(), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=2)
def _load_territories(path: Path, mtime_ns: int) -> TerritoryIndex:
    from bot.knowledge.territory import TerritoryIndex

    return TerritoryIndex.load(path)


GROUPING_HEADS = frozenset({"cc", "ca", "cu", "ept"})  # « CA Vitré Communauté »


def find_territories(index: TerritoryIndex, text: str) -> list[Territory]:
    """What the agent most likely meant: the exact matches if any, else the best guesses.

    « Vitré » is the commune, not also « Vitrey-sur-Mance »; « Saint-Denis » is the four
    communes of that name; a code is every commune or grouping that bears it.
    """
    from bot.knowledge.territory import fold

    found = index.lookup(text)
    wanted, code = fold(text), text.strip().upper()

    def exact(territory: Territory) -> bool:
        if code in (territory.code.upper(), *territory.postal_codes):
            return True
        name = fold(territory.name)
        head, _, rest = name.partition(" ")
        return wanted == name or (territory.kind != "commune" and head in GROUPING_HEADS
                                  and wanted == rest)

    return [t for t in found if exact(t)] or found


def territory_resolver(index: TerritoryIndex, rules: ScoringRules | None) -> ResolverSpec:
    def lookup(text: str) -> list[Candidate]:
        return [Candidate(t.label, territory_facts(t, rules))
                for t in find_territories(index, text)]

    return ResolverSpec("territory", lookup, TERRITORY_FACTS,
                        doc="A commune (name, postal code, INSEE code) or an EPCI (name, "
                            "SIREN), from the COG of INSEE and the DGCL.")


def build_profile(rules: ScoringRules | None, *, type: str | None = None,
                  contexts: frozenset[str] = frozenset(), themes: frozenset[str] = frozenset(),
                  step: str | None = None, territory: Territory | None = None) -> Profile:
    """A profile from explicit answers; a territory fills what they leave out."""
    if territory is None:
        return Profile(type, contexts, themes, step)
    facts = territory_facts(territory, rules)
    return Profile(type or facts["type"], contexts | frozenset(facts["contexts"]), themes, step,
                   facts["region"], facts["size"] if (type or facts["type"]) == facts["type"]
                   else None, territory.label)
