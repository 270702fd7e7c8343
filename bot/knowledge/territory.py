"""French territories: resolve what an agent types to a commune, an EPCI, an EPT, a
département, a région or a collectivité d'outre-mer, and say what is known of it.

The data is ``content/territoires/territoires.json.gz``, derived from Etalab's
``@etalab/decoupage-administratif`` (INSEE COG, DGCL) by ``scripts/build_territories.py``;
see ``docs/territories.md``. Everything is indexed once, at load time, in plain dicts and one
sorted list of search keys, so that a lookup never scans the ~35,000 communes:

- codes: an INSEE code (``35238``, ``2A004``, ``97411``, or a former code), a postal code
  (several communes may share one), a SIREN (EPCI or EPT): one dict access each;
- names: the text is *folded* (case, accents, punctuation: ``Saint-Étienne`` ==
  ``st etienne``), then looked up exactly, then as a prefix of the sorted keys (two
  bisections), then, only when nothing matched, with a small typo tolerance (see ``_fuzzy``).

Results are candidates, best first, each with a French label that tells homonyms apart
(« Saint-Denis (93, Seine-Saint-Denis) », « Saint-Denis (974, La Réunion) »); the order is
deterministic. A département code or name after the name (« Saint-Denis 93 »,
« Saint-Denis (974) », « Saint-Denis, La Réunion ») narrows the homonyms; words before it
(« département de la Creuse », « région 53 », « le 93 », « commune de Creuse ») say which kind
is meant. :meth:`TerritoryIndex.resolve` separates the readings that match as well as each
other (offered as choices) from the weaker ones.

The file also carries, per commune, what the bot suggests of its context (grille de densité,
QPV 2024, littoral, massif) and the programmes it belongs to (:meth:`TerritoryIndex.context`).
"""

from __future__ import annotations

import bisect
import difflib
import gc
import gzip
import heapq
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from bot.i18n import translator
from bot.knowledge import collectivites as special
from bot.knowledge.partners import partners_phrase, public_partners
from bot.knowledge.territory_context import ContextData, departement_council, region_council
from bot.knowledge.territory_data import extra_codes, special_names, territories_from_rows
from bot.knowledge.territory_district import district_code
from bot.knowledge.territory_model import (
    DENSITY_LABELS,
    KINDS,
    MEDIUM_MAX,
    RURAL_LEVELS,
    SMALL_MAX,
    TYPE_LABELS,
    Kind,
    Resolution,
    Territory,
    TerritoryContext,
)
from bot.knowledge.territory_sentence import mentions
from bot.knowledge.territory_text import (
    core_name,
    drop_words,
    fold,
    group_names,
    label_key,
    sound,
    without_article,
    without_head,
)

__all__ = ["DENSITY_LABELS", "KINDS", "MEDIUM_MAX", "RURAL_LEVELS", "SMALL_MAX", "TYPE_LABELS",
           "Kind", "Resolution", "Territory", "TerritoryContext", "TerritoryIndex",
           "default_territory_path", "fold"]

# In a tier, with nothing asked: the collectivités named by a département or région name
# first (« Creuse » is the département before the commune of 186 inhabitants), then the
# communes, then the groupings.
_GROUP = {"departement": 0, "region": 0, "com": 0, "commune": 2, "epci": 3, "ept": 3}
_FORMER_REGION_GROUP = 1  # « Alsace »: the collectivité of that name first, then Grand Est
FORMAT = 2
DATA_FILE = Path("territoires") / "territoires.json.gz"
MAX_QUERY = 200  # longer text is not a territory name (the longest label is ~110 characters)


# Tiers of a name match, best first: the exact name, another name of the same territory
# (without its article, without « CC », « métropole »...), a name matched by the text stripped
# of such words (« agglo quimperlé »: « quimperlé »), the name of a former commune merged into
# it, the start of one of those, the start of a former name, a near spelling.
EXACT, ALTERNATE, LOOSE, FORMER, PREFIX, FORMER_PREFIX, FUZZY = range(7)
# Groupings whose name starts with a village's, offered beside it (« Val de Drôme »); more
# say a common word of names (« La Plaine », « Portes »), not one grouping's name.
OFFERED_GROUPS = 2


def default_territory_path(content_dir: Path) -> Path:
    """Where the territory file lives in a content directory (``content/`` by default)."""
    return Path(content_dir) / DATA_FILE


# -- text folding ---------------------------------------------------------------------------


# -- query parsing --------------------------------------------------------------------------

_PARENS = re.compile(r"^(?P<name>.*?)[\s,]*\((?P<hint>[^()]*)\)\s*$", re.S)
_TRAILING_CODE = re.compile(r"^(?P<name>.*?\S)[\s,]+(?P<hint>\d{2,3}|2[abAB])\s*$", re.S)
_TRAILING_COMMA = re.compile(r"^(?P<name>[^,]*\S)\s*,\s*(?P<hint>[^,]+)$", re.S)
_TRAILING_IN = re.compile(r"^(?P<name>.*?\S)\s+(?:en|dans (?:le|la|les|l'|l’)|dans|au|aux)\s*"
                          r"(?P<hint>[^\s].*)$", re.S | re.I)
# « Paris 15e », « Lyon 3e arrondissement », « Marseille 1er », « 13e arrondissement de
# Marseille », « Paris XVe »: the commune (arrondissements are no collectivités).
_ARRONDISSEMENT = re.compile(
    r"^(?:(?P<city>paris|lyon|marseille) (?:(?P<num>\d{1,2})|(?P<roman>[ivx]{1,5}))"
    r"(?: ?(?:e|er|eme|ieme|em|eme arr|e arr))?(?: (?:arrondissement|arrdt|arr|ardt))?"
    r"|(?P<num2>\d{1,2}|[ivx]{1,5}) ?(?:e|er|eme|ieme) (?:arrondissement|arrdt|arr|ardt)"
    r"(?: (?:de|d))? (?P<city2>paris|lyon|marseille))$")
_CITY_CODES = {"paris": "75056", "lyon": "69123", "marseille": "13055"}
_TRAILING_DASH = re.compile(r"^(?P<name>.*?\S)\s+[-–—]\s+(?P<hint>[^-–—]+)$", re.S)
# « 59100 Roubaix », « Roubaix 59100 », « Roubaix (59100) »: a name and its postal code
_WITH_POSTAL = re.compile(r"^\s*(?:(?P<code>\d{5}|2[ABab]\d{3})[\s,-]+(?P<name>.*[^\W\d].*?)|"
                          r"(?P<name2>.*[^\W\d].*?)[\s,(-]+(?P<code2>\d{5}|2[ABab]\d{3})\)?)"
                          r"\s*$", re.S)
_SIREN = re.compile(r"\d{9}")
_INSEE_OR_POSTAL = re.compile(r"\d{4,5}|2[AB]\d{3}")
_DEP_CODE = re.compile(r"0[1-9]|[1-8]\d|9[0-5]|2[AB]|97[1-8]|98[4-9]|6AE")
# Words before a name or a code that say which kind of collectivité, or which kind of code,
# is meant (on folded text): (pattern, kinds it may name, kind of code).
_LINK = r"(?: (?:de la|de l|du|des|de|d))?"
_NUMBER = r"(?:(?:n|no|num|numero) )?"
_AT = r"(?:(?:dans |sur |pour )?(?:le |la |les |l )?)?"
_HINTS: tuple[tuple[re.Pattern[str], tuple[str, ...], str | None], ...] = tuple(
    (re.compile(pattern), kinds, code) for pattern, kinds, code in (
        (rf"^(?:le )?(?:code )?(?:insee|cog)(?: de la commune| commune)? {_NUMBER}(?P<rest>.+)$",
         ("commune",), "insee"),
        (rf"^(?:le )?code (?:de la )?commune {_NUMBER}(?P<rest>.+)$", ("commune",), "insee"),
        (rf"^(?:le )?(?:code postal|cp) {_NUMBER}(?P<rest>.+)$", ("commune",), "postal"),
        (rf"^(?:le )?{_NUMBER}siren {_NUMBER}(?P<rest>.+)$", (), "siren"),
        (rf"^{_AT}(?:conseil departemental|code departement|departement|dept|dep|dpt|cd)"
         rf"{_LINK} {_NUMBER}(?P<rest>.+)$", ("departement",), None),
        (r"^(?:dans |sur )?le (?P<rest>\d{2,3}|2[ab])$", ("departement",), None),
        (rf"^{_AT}(?:conseil regional|code region|ancienne region|region|reg){_LINK} "
         rf"{_NUMBER}(?P<rest>.+)$", ("region",), None),
        (rf"^(?:la )?(?:commune|ville|mairie|municipalite){_LINK} (?P<rest>.+)$",
         ("commune",), None),
        (rf"^(?:le )?conseil municipal{_LINK} (?P<rest>.+)$", ("commune",), None),
        (rf"^(?:le )?conseil communautaire{_LINK} (?P<rest>.+)$", ("epci", "ept"), None),
        (rf"^(?:la )?collectivite(?: territoriale| d outre mer| unique)?{_LINK} (?P<rest>.+)$",
         ("com", "region", "departement"), None),
        (rf"^(?:le )?conseil(?: territorial)?{_LINK} (?P<rest>.+)$", (), None),
    ))


# Words that, alone, name no place: the agent has not typed the name yet.
_NOT_A_NAME = frozenset({
    "mairie", "commune", "ville", "departement", "region", "conseil", "collectivite",
    "intercommunalite", "territoire", "epci", "ept", "cc", "ca", "cu", "agglo", "metropole",
    "communaute de communes", "communaute d agglomeration", "conseil departemental",
    "conseil regional", "code postal", "code insee", "siren"})


@dataclass
class _Query:
    """A name to look for, and what narrows it: département, region, kind of EPCI, kind."""

    key: str
    departement: str | None = None
    region: str | None = None
    epci_type: str | None = None
    kinds: frozenset[str] = frozenset()
    alternates: list[str] = field(default_factory=list)
    postal: str | None = None  # a postal or INSEE code typed with the name


# -- the index ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Lists:
    """The growing lists of the index while it is built (tuples once it is)."""

    by_code: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_former_code: defaultdict[str, list[int]] = field(
        default_factory=lambda: defaultdict(list))
    by_postal: defaultdict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_key: defaultdict[str, list[tuple[int, int]]] = field(
        default_factory=lambda: defaultdict(list))

    def add_key(self, key: str, tier: int, tid: int) -> None:
        entries = self.by_key[key]
        if key and all(entry[1] != tid for entry in entries):
            entries.append((tier, tid))


_T = TypeVar("_T")


def _frozen(lists: Mapping[str, list[_T]]) -> dict[str, tuple[_T, ...]]:
    return {key: tuple(values) for key, values in lists.items()}


class TerritoryIndex:
    """Every territory, and the dicts that find them; build it with :meth:`load`."""

    def __init__(self, territories: list[Territory], aliases: Iterable[list[str]],
                 meta: dict[str, Any], data: dict[str, Any]):
        self.territories = territories
        self.meta = meta
        self._by_dep_code: dict[str, int] = {}  # département (and COM) code -> territory
        self._by_region_code: dict[str, int] = {}
        self._by_label: dict[str, int] = {}
        self._dep_by_name: dict[str, str] = {}
        self._region_by_name: dict[str, str] = {}
        lists = _Lists()
        for tid, territory in enumerate(territories):
            self._add(lists, tid, territory)
        aliases = list(aliases)
        self._add_aliases(lists, aliases)
        self._add_articles(lists, data)
        self._keys = sorted(lists.by_key)
        self._buckets: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None
        # Lists become tuples (no spare room: a few MiB less), and missing keys raise again.
        self._by_code = _frozen(lists.by_code)  # INSEE codes, SIREN
        self._by_former_code = _frozen(lists.by_former_code)
        self._by_postal = _frozen(lists.by_postal)
        self._by_key = _frozen(lists.by_key)  # key -> (tier, id)
        # Rank of each territory in the default order: most populated first, then kind, code.
        order = sorted(range(len(territories)), key=lambda tid: (
            -(territories[tid].population or -1), KINDS.index(territories[tid].kind),
            territories[tid].code))
        self._order = [0] * len(territories)
        for position, tid in enumerate(order):
            self._order[tid] = position
        # The same, by group first (see _GROUP): bits 37-38 (see ``_ranker``).
        self._default_rank = [(_FORMER_REGION_GROUP if _is_former_region(t) else _GROUP[t.kind])
                              << 37 | self._order[tid] for tid, t in enumerate(territories)]
        self._contexts = ContextData(data.get("contexts", {}), data.get("programmes", {}))
        self._contexts.tncc = {
            **{("dep", row[0]): row[3] for row in data.get("departements", ())},
            **{("region", row[0]): row[2] for row in data.get("regions", ())},
            ("dep", "6AE"): 3}  # « de la Collectivité européenne d'Alsace »
        self._members: dict[tuple[str, str], list[int]] | None = None
        self._sirens: dict[str, tuple[int, ...]] | None = None
        self._merged: dict[str, tuple[str, str]] | None = None
        self._districts: dict[str, str] | None = None
        self._aliases: list[list[str]] = aliases
        self._context_cache: dict[int, TerritoryContext] = {}

    # -- building ---------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> TerritoryIndex:
        """Read the gzipped JSON file of ``scripts/build_territories.py`` and index it.

        The cyclic garbage collector is paused meanwhile: the ~300,000 objects made here hold
        no cycles, and its repeated passes over them would otherwise cost a third of the time.
        """
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
        if data.get("format") != FORMAT:
            raise ValueError(f"{path}: unknown territory file format {data.get('format')!r}")
        collecting = gc.isenabled()
        gc.disable()
        try:
            return cls(territories_from_rows(data), data["aliases"], data["source"], data)
        finally:
            if collecting:
                gc.enable()

    def _add(self, lists: _Lists, tid: int, territory: Territory) -> None:
        """Index one territory (run ~36,000 times at load: the commune path is kept short)."""
        kind = territory.kind
        key = fold(territory.name)
        by_key = lists.by_key
        if kind == "commune":
            self._by_label[territory.label.casefold()] = tid  # labels have single spaces
            lists.by_code[territory.code].append(tid)
            for postal in territory.postal_codes:
                lists.by_postal[postal].append(tid)
            by_key[key].append((EXACT, tid))
            if key[0] == "l":
                bare = without_article(key)
                if bare != key:
                    by_key[bare].append((ALTERNATE, tid))
            return
        if _is_former_region(territory):
            return  # a former région's entry: found by its former name only (_add_aliases)
        self._by_label[label_key(territory.label)] = tid
        if kind in ("epci", "ept"):
            lists.by_code[territory.code].append(tid)
        by_key[key].append((EXACT, tid))
        bare = without_article(key)
        if bare != key:
            by_key[bare].append((ALTERNATE, tid))
        if kind in ("epci", "ept"):
            lists.add_key(core_name(key)[0], ALTERNATE, tid)
            lists.add_key(without_head(key), ALTERNATE, tid)
            for short in group_names(territory.name):
                lists.add_key(short, ALTERNATE, tid)
        if kind in ("departement", "com"):
            self._by_dep_code.setdefault(territory.code, tid)
            self._dep_by_name.setdefault(key, territory.code)
            self._dep_by_name.setdefault(bare, territory.code)
        if kind == "region" and territory.departement_code:  # CTG, CTM
            self._by_dep_code.setdefault(territory.departement_code, tid)
        if territory.status is special.MAYOTTE:
            self._by_region_code.setdefault(territory.region_code, tid)
        if kind == "region":
            self._by_region_code.setdefault(territory.code, tid)
            self._region_by_name.setdefault(key, territory.code)
            self._region_by_name.setdefault(bare, territory.code)

    def _add_articles(self, lists: _Lists, data: dict[str, Any]) -> None:
        """A département's or région's name with its own article (« la Creuse », « le Nord »,
        « les Vosges ») names it as exactly as its bare name: « la creuse » is the département
        first, then the commune La Creuse (Haute-Saône), which alone held that exact key."""
        articles = {2: "le ", 3: "la ", 4: "les ", 5: "l'"}  # INSEE's TNCC
        tncc = {**{("departement", row[0]): row[3] for row in data.get("departements", ())},
                **{("region", row[0]): row[2] for row in data.get("regions", ())}}
        for tid, territory in enumerate(self.territories):
            article = articles.get(tncc.get((territory.kind, territory.code), 0))
            if article and not _is_former_region(territory):
                lists.add_key(fold(article + territory.name), EXACT, tid)

    def _add_aliases(self, lists: _Lists, aliases: Iterable[list[str]]) -> None:
        """Former codes and names (merged communes, arrondissements) lead to today's commune;
        short names lead to collectivités (« PACA », « Alsace », « Guyane »...)."""
        for code, name, commune, _kind in aliases:
            tid = next(iter(lists.by_code.get(commune, ())), None)
            if tid is None:
                continue
            if code and tid not in lists.by_former_code[code]:
                lists.by_former_code[code].append(tid)
            if name:
                key = fold(name)
                lists.add_key(key, FORMER, tid)
                lists.add_key(without_article(key), FORMER, tid)
        for tid, territory in enumerate(self.territories):
            if territory.kind == "commune" and territory.status is None:
                continue
            for alias in special_names(territory):
                lists.add_key(alias, EXACT, tid)
            if territory.kind == "com" or territory.status is not None:
                for code in extra_codes(territory):
                    lists.by_code[code].append(tid)
                    for postal in territory.postal_codes:
                        if tid not in lists.by_postal[postal]:
                            lists.by_postal[postal].append(tid)
        paris = next(iter(lists.by_code.get("75056", ())), None)
        if paris is not None:
            self._by_dep_code["75"] = paris
            self._dep_by_name.setdefault("paris", "75")
        for alias, code in special.REGION_ALIASES.items():
            if code in self._by_region_code:
                lists.add_key(alias, EXACT, self._by_region_code[code])

    # -- public API -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.territories)

    @property
    def version(self) -> str:
        """Version of @etalab/decoupage-administratif the file was built from."""
        return str(self.meta.get("version", ""))

    def _groupement_members(self, territory: Territory, epci: Territory | None) -> int | None:
        """How many communes the commune's groupement (its EPT, else its EPCI) has."""
        if territory.kind != "commune":
            return None
        if territory.ept_siren:
            ept = self.get("ept", territory.ept_siren)
            return ept.member_count if ept else None
        return epci.member_count if epci else None

    def merged_name(self, text: str, territory: Territory) -> str | None:
        """The commune déléguée or associée that ``text`` names, when it is part of the
        commune ``territory`` under another name: « Saint-Dizier-Leyrenne » has been a commune
        déléguée of Saint-Dizier-Masbaraud since their merger (COG). None otherwise."""
        if territory.kind != "commune":
            return None
        if self._merged is None:  # built on first use: most conversations never need it
            self._merged = {}
            for _code, name, commune, kind in self._aliases:
                if name and kind in ("deleguee", "associee"):
                    for key in (fold(name), without_article(fold(name))):
                        self._merged.setdefault(f"{commune} {key}", (commune, name))
        key = fold(text.strip())
        if key in (fold(territory.name), without_article(fold(territory.name))):
            return None
        found = self._merged.get(f"{territory.code} {key}")
        return found[1] if found else None

    def district_name(self, text: str, territory: Territory) -> str | None:
        """The arrondissement of Paris, Lyon or Marseille that ``text`` names (« marseille
        13003 », « Lyon 7e », « 75018 », « Marseille 3e arrondissement »), when ``territory``
        is its commune: « Marseille 3e arrondissement » (COG). None otherwise."""
        if territory.kind != "commune" or territory.code not in _CITY_CODES.values():
            return None
        if self._districts is None:  # built on first use, as the merged communes
            self._districts = {code: name for code, name, _commune, kind in self._aliases
                               if kind == "arrondissement" and name}
        key = fold(text.strip())
        match = _ARRONDISSEMENT.match(key)
        number = None
        if match:
            if _CITY_CODES[match["city"] or match["city2"]] != territory.code:
                return None
            number = match["num"] or match["roman"] or match["num2"]
        code = district_code(key, territory.code, number)
        if code is None:  # the COG's own name (« Marseille 3e Arrondissement »)
            code = next((code for code, name in self._districts.items()
                         if code.startswith(territory.code[:2]) and fold(name) == key), None)
        name = self._districts.get(code) if code else None
        return name.replace(" Arrondissement", " arrondissement") if name else None

    def get(self, kind: str, code: str) -> Territory | None:
        """The territory of that kind and code (INSEE code, SIREN, département or région
        code); a département code of a collectivité unique gives it (« 973 »: the CTG)."""
        code = code.strip().upper()
        if kind in ("departement", "com"):
            tid = self._by_dep_code.get(code)
            return self.territories[tid] if tid is not None else None
        if kind == "region":
            tid = self._by_region_code.get(code)
            return self.territories[tid] if tid is not None else None
        for tid in self._by_code.get(code, ()):
            if self.territories[tid].kind == kind:
                return self.territories[tid]
        return None

    def lookup(self, query: str, limit: int = 8, prefer: str | None = None) -> list[Territory]:
        """Candidates for what the user typed, best first; ``[]`` when nothing fits."""
        return self.resolve(query, limit, prefer).all[:limit]

    def resolve(self, query: str, limit: int = 8, prefer: str | None = None) -> Resolution:
        """The readings of a text: ``best`` those of its best tier, ``others`` the rest.

        Codes are exact: a SIREN; an INSEE or postal code (see ``_by_number``); a département
        code (« 23 », « 2A », « 976 », « le 93 »), with the région of that INSEE code among the
        others. A display label (as sent back by a button) gives its territory alone. Names
        go by tier (see ``EXACT``...); within a tier, the kind the text (« département de »,
        « région », « commune de ») or ``prefer`` asks for first, then départements, régions
        and collectivités d'outre-mer, then communes, then groupings (unless the text says
        « CC », « agglo », « métropole »...), then the most populated, then kind and code: the
        order is deterministic. When a kind is asked and its best tier holds one, the readings
        of other kinds become ``others``.
        """
        if not _plausible(query):
            return Resolution([], [])
        query = query.strip()
        ranked, wanted = self._search(query, limit, prefer)
        if not ranked:
            return Resolution([], [])
        best_tier = ranked[0][1]
        best = [t for t, tier in ranked if tier == best_tier]
        if wanted and best_tier <= FORMER:
            kind_first = [t for t, tier in ranked if tier <= FORMER and _is_kind(t, wanted)]
            if kind_first:
                best = [t for t in kind_first if t in best] or kind_first[:1]
        others = [t for t, _tier in ranked if t not in best]
        return Resolution(best, others)

    def _search(self, query: str, limit: int, prefer: str | None
                ) -> tuple[list[tuple[Territory, int]], tuple[str, ...]]:
        """Matches with their tier, best first, and the kinds asked for (if any)."""
        asked = (prefer,) if prefer else ()
        found = self._by_code_text(query, limit, prefer, None)
        if found is not None:
            return found, asked
        label = self._by_label.get(label_key(query))
        if label is not None:
            return [(self.territories[label], EXACT)], ()
        key = fold(query)
        if key in _NOT_A_NAME and key not in self._by_key:
            return [], asked
        district = _ARRONDISSEMENT.match(key)
        if district and key not in self._by_key:
            city = self.get("commune", _CITY_CODES[district["city"] or district["city2"]])
            if city is not None:
                return [(city, EXACT)], asked
        if key not in self._by_key:
            for pattern, kinds, code in _HINTS:
                match = pattern.match(key)
                if not match:
                    continue
                rest = drop_words(query, len(key[:match.start("rest")].split()))
                if code is not None:
                    found = self._by_code_text(rest, limit, prefer, code)
                    if found:
                        return found, asked
                    continue
                found, _ = self._search(rest, limit, kinds[0] if kinds else prefer)
                if found and (not kinds or any(t.kind in kinds for t, _tier in found)):
                    return found, kinds
        parsed = self._parse(query, prefer)
        if parsed.epci_type and not prefer:
            asked = ("ept",) if parsed.epci_type == "EPT" else ("epci",)
        found = self._by_name(parsed, limit)
        if not found:
            return self._in_sentence(query, limit, prefer)
        return found, asked

    def _in_sentence(self, text: str, limit: int, prefer: str | None
                     ) -> tuple[list[tuple[Territory, int]], tuple[str, ...]]:
        """When the whole text names nothing: a SIREN inside it (« siren CINOR 249740119 »),
        else the name it holds (« je suis à la mairie de Tourcoing », see
        ``territory_sentence``). A département or région named beside another name narrows
        it (« petite commune de Creuse, Jarnages »: Jarnages, in the Creuse)."""
        for number in re.findall(r"(?<!\d)\d{9}(?!\d)", text):
            ids = self._by_code.get(number) or self._commune_sirens().get(number, ())
            if ids:
                return [(t, EXACT) for t in self._ranked(ids, limit)], ()
        found = mentions(text, self._is_name)
        if not found:
            return [], ()
        places = {m.key: self._place(m.key) for m in found}
        for mention in found:
            hint = next((places[m.key] for m in found  # another place, not its own words
                         if not _overlap(m.key, mention.key) and any(places[m.key])),
                        (None, None))
            kinds = mention.kinds or ((prefer,) if prefer else ())
            query = _Query(mention.key, *hint, kinds=frozenset(kinds),
                           alternates=_alternates(mention.key))
            readings = self._by_name(query, limit)
            if any(hint) and any(_fits(t, query) and t.kind not in ("departement", "region")
                                 for t, _tier in readings):  # not the place itself
                return readings, kinds
        first = found[0]
        kinds = first.kinds or ((prefer,) if prefer else ())
        query = _Query(first.key, kinds=frozenset(kinds), alternates=_alternates(first.key))
        return self._by_name(query, limit), kinds

    def _is_name(self, key: str) -> bool:
        return key in self._by_key and key not in _NOT_A_NAME

    def _by_code_text(self, text: str, limit: int, prefer: str | None, code: str | None
                      ) -> list[tuple[Territory, int]] | None:
        """The territories of a code (None when the text is no code): a SIREN; an INSEE or
        postal code (``code`` « insee » or « postal » says which, else both); a département
        code."""
        compact = re.sub(r"[\s.:°/-]", "", text).upper()
        if _SIREN.fullmatch(compact) and code in (None, "siren"):
            ids = self._by_code.get(compact) or self._commune_sirens().get(compact, ())
            return [(t, EXACT) for t in self._ranked(ids, limit)]
        if _INSEE_OR_POSTAL.fullmatch(compact) and code in (None, "insee", "postal"):
            # four digits are a postal code that lost its zero (« 6000 », Nice); an INSEE
            # code is copied with it: « 1234 » is no commune, the INSEE 01234 is
            four = len(compact) == 4 and code is None
            return self._by_number(compact.zfill(5), limit, "postal" if four else code)
        if code is None and _DEP_CODE.fullmatch(text.strip().upper()):
            return self._by_dep_number(text.strip().upper(), limit, prefer)
        return None

    @property
    def programmes(self) -> frozenset[str]:
        """The programmes whose member communes the file lists (« pvd », « acv »...)."""
        industry = {"territoires-industrie"} if self._contexts.industrie else set()
        return frozenset(self._contexts.programmes) | industry

    def context(self, territory: Territory) -> TerritoryContext:
        """What the open data suggests of a territory (see :class:`TerritoryContext`)."""
        tid = self._tid(territory)
        cached = self._context_cache.get(tid)
        if cached is None:
            cached = self._contexts.of(territory, [self.territories[i]
                                                   for i in self._member_ids(territory)])
            if len(self._context_cache) < 4096:
                self._context_cache[tid] = cached
        return cached

    def members(self, territory: Territory) -> list[Territory]:
        """The communes of a territory (itself for a commune)."""
        return [self.territories[i] for i in self._member_ids(territory)]

    def departement(self, code: str) -> Territory | None:
        tid = self._by_dep_code.get(code)
        return self.territories[tid] if tid is not None else None

    def region(self, code: str) -> Territory | None:
        tid = self._by_region_code.get(code)
        return self.territories[tid] if tid is not None else None

    def neighbours(self, territory: Territory) -> dict[str, Any]:
        """The names of the collectivités around a territory, for later messages and the
        feuille de route: its intercommunalité (and how many communes it has), its
        département (« le conseil départemental de la Haute-Vienne », and how many EPCI it
        counts), its région (« le conseil régional de Nouvelle-Aquitaine »)."""
        dep = self.departement(territory.departement_code)
        epci = None
        if territory.kind == "commune" and territory.epci_siren:
            epci = self.get("epci", territory.epci_siren)
        elif territory.kind == "epci":
            epci = territory
        dep_tncc = self._contexts.tncc.get(("dep", territory.departement_code), 0)
        region_tncc = self._contexts.tncc.get(("region", territory.region_code), 0)
        departement_name = territory.departement_name or None
        region_name = territory.region_name or None
        councils = (departement_council(territory, departement_name, dep_tncc),
                    region_council(territory, region_name, region_tncc))
        commune_groupement = (territory.ept_name or (epci.name if epci else None)
                              if territory.kind == "commune" else None)
        # the councils a conversation names after « intercommunalité X »: X itself only when
        # it also holds the département's competences (the Métropole de Lyon)
        others = self._other_departements(territory)
        partners = [(body, role) for body, role in public_partners(
            territory.kind, territory.name, commune_groupement, *councils,
            [other[3] for other in others]) if body != commune_groupement or role]
        return {
            "epci_name": epci.name if epci else None,
            "epci_members": epci.member_count if epci else None,
            # the communes of the groupement the commune is told about: its EPT's, not the
            # Métropole du Grand Paris's 130, for a commune of an EPT
            "groupement_members": self._groupement_members(territory, epci),
            "ept_name": territory.ept_name if territory.kind == "commune" else None,
            "groupement": commune_groupement if territory.kind == "commune" else
            territory.name if territory.kind in ("epci", "ept") else None,
            "departement_name": departement_name,
            "departement_of": special.of_name(departement_name, dep_tncc)
            if departement_name else None,
            "departement_epci_count": dep.epci_count if dep else None,
            "departement_main_epci": self._main_epci(territory.departement_code)
            if territory.kind == "departement" else None,
            "departement_council": councils[0],
            # the other départements a grouping's communes lie in: [code, « Val-d'Oise »,
            # « du Val-d'Oise », its council], most inhabitants first
            "other_departements": [list(other) for other in others],
            **(self._region_partners(territory, councils[1]) if territory.kind == "region"
               else {}),
            "region_name": region_name,
            "region_of": special.of_name(region_name, region_tncc) if region_name else None,
            "region_council": councils[1],
            "partners": partners_phrase(partners, translator("fr")),
            "partners_en": partners_phrase(partners, translator("en")),
        }

    def _other_departements(self, territory: Territory
                            ) -> list[tuple[str, str, str, str | None]]:
        """The départements other than its own (the one where most of its inhabitants live)
        where an intercommunalité or EPT has communes (« Boucle Nord de Seine »: Argenteuil
        is in the Val-d'Oise), most inhabitants first: (code, name, « du Val-d'Oise »,
        council)."""
        if territory.kind not in ("epci", "ept"):
            return []
        people: dict[str, int] = {}
        for commune in self.members(territory):
            code = commune.departement_code
            if code and code != territory.departement_code:
                people[code] = people.get(code, 0) + (commune.population or 0)
        found = []
        for code in sorted(people, key=lambda c: (-people[c], c)):
            dep = self.departement(code)
            if dep is None or not dep.departement_name:
                continue
            tncc = self._contexts.tncc.get(("dep", code), 0)
            found.append((code, dep.departement_name, special.of_name(dep.departement_name, tncc),
                          departement_council(dep, dep.departement_name, tncc)))
        return found

    def _main_epci(self, departement_code: str | None) -> str | None:
        """The most populated intercommunalité seated in a département (« Métropole
        d'Aix-Marseille-Provence »): a département's first partner among them."""
        seated = [t for t in self.territories
                  if t.kind == "epci" and t.departement_code == departement_code]
        return max(seated, key=lambda t: t.population or 0).name if seated else None

    def _region_partners(self, region: Territory, council: str | None) -> dict[str, Any]:
        """A région's collectivités: the councils of its départements other than itself (none
        for a collectivité unique), how many intercommunalités it counts and the main ones (its
        métropoles, else its most populated intercommunalité)."""
        code = region.region_code
        councils = [c for c in dict.fromkeys(
            departement_council(d, d.departement_name,
                                self._contexts.tncc.get(("dep", d.departement_code), 0))
            for d in self.territories if d.kind == "departement" and d.region_code == code)
            if c and c != council]
        epcis = sorted((t for t in self.territories if t.kind == "epci" and t.region_code == code),
                       key=lambda t: -(t.population or 0))
        main = [t.name for t in epcis if t.epci_type in ("METRO", "MET69")][:3] or \
            [t.name for t in epcis[:1]]
        return {"region_departement_councils": councils, "region_epci_count": region.epci_count,
                "region_main_epcis": main}

    # -- lookups ----------------------------------------------------------------------

    def _by_number(self, code: str, limit: int, mode: str | None = None
                   ) -> list[tuple[Territory, int]]:
        """The communes of that INSEE code or postal code, most populated first; then the
        commune that once had that INSEE code. ``mode`` « insee » or « postal » keeps one
        reading (the agent wrote « code INSEE », « CP »...).

        Many strings are both: ``13100`` is the INSEE code of Saint-Rémy-de-Provence and the
        postal code of Aix-en-Provence, ``69001`` that of Affoux and of Lyon's 1st
        arrondissement. People type postal codes far more often, and the best known are those
        of large towns, so population decides; the commune of that INSEE code is always among
        the candidates (second at worst), all of the same tier: the agent chooses. Former codes
        come last (``75015`` is a postal code of Paris and a former code of Bry-sur-Marne).
        """
        by_code = () if mode == "postal" else self._by_code.get(code, ())
        by_postal = () if mode == "insee" else self._by_postal.get(code, ())
        ranked = self._ranked([*by_code, *by_postal], len(by_code) + len(by_postal))
        insee = [t for t in ranked if t.code == code]
        if insee and ranked[0] is not insee[0]:
            ranked.remove(insee[0])
            ranked.insert(1, insee[0])
        found = {t.code: (t, EXACT) for t in ranked[:limit]}
        if mode != "postal":
            for territory in self._ranked(self._by_former_code.get(code, ()), limit):
                found.setdefault(territory.code, (territory, FORMER))
        return list(found.values())[:limit]

    def _commune_sirens(self) -> dict[str, tuple[int, ...]]:
        """SIREN of each commune, indexed on the first SIREN query (kept out of load time)."""
        if self._sirens is None:
            self._sirens = {t.siren: (tid,) for tid, t in enumerate(self.territories)
                            if t.siren}
        return self._sirens

    def _by_dep_number(self, code: str, limit: int, prefer: str | None
                       ) -> list[tuple[Territory, int]]:
        """A département (or collectivité d'outre-mer) by its code, and the région with that
        INSEE code (« 53 »: Mayenne, and Bretagne as another reading); ``prefer`` « region »
        puts the région first."""
        code = code.zfill(2) if code.isdigit() else code
        found: list[tuple[Territory, int]] = []
        dep = self._by_dep_code.get(code)
        region = self._by_region_code.get(code)
        if dep is not None:
            found.append((self.territories[dep], EXACT))
        if region is not None and region != dep:
            found.append((self.territories[region], ALTERNATE))
        if prefer == "region" and region is not None:
            found.sort(key=lambda pair: pair[0].kind != "region")
            found = [(t, EXACT if i == 0 else ALTERNATE) for i, (t, _) in enumerate(found)]
        return found[:limit]

    def _by_name(self, query: _Query, limit: int) -> list[tuple[Territory, int]]:
        tiers: dict[int, int] = {}  # id -> its best tier
        for key in (query.key, *query.alternates):
            floor = EXACT if key == query.key else LOOSE
            for tier, tid in self._by_key.get(key, ()):
                _keep(tiers, tid, max(tier, floor))
            self._add_prefixed(key, tiers)
        distances: dict[int, int] = {}  # id -> 1000 * (1 - similarity), near spellings only
        if not tiers:
            for key in self._sounding(query.key):
                for _tier, tid in self._by_key[key]:
                    tiers[tid], distances[tid] = FUZZY, 0
            # a name that sounds the same is the nearest: other near spellings only without
            for key, ratio in () if tiers else self._fuzzy(query.key, limit):
                for _tier, tid in self._by_key[key]:
                    if tid not in tiers:
                        tiers[tid], distances[tid] = FUZZY, round(1000 * (1 - ratio))
        if query.epci_type or query.kinds & {"epci", "ept"}:
            self._add_groups_of_communes(query.epci_type, tiers,
                                         "ept" in query.kinds or query.epci_type == "EPT")
        if query.kinds & {"departement", "region", "com"}:
            self._add_places_of_communes(query.kinds, tiers)
        if not (query.kinds or query.epci_type or query.departement or query.region
                or query.postal):
            self._offer_named_groups(tiers)
        pool: Iterable[int] = tiers
        if query.departement or query.region:
            pool = [tid for tid in tiers if _fits(self.territories[tid], query)] or tiers
        if query.postal:
            code = query.postal
            pool = [tid for tid in pool if code in self.territories[tid].postal_codes
                    or self.territories[tid].code == code] or [
                tid for tid in pool if self.territories[tid].departement_code in (
                    code[:2], code[:3])] or pool
        chosen = heapq.nsmallest(limit, pool, key=self._ranker(query, tiers, distances))
        return [(self.territories[tid], tiers[tid]) for tid in chosen]

    def _add_groups_of_communes(self, epci_type: str | None, tiers: dict[int, int],
                                ept: bool) -> None:
        """« agglo de Guéret », or « Guéret » for an intercommunalité: when no grouping (of
        that type) matches the name, the one of a commune of that name does (the CA du Grand
        Guéret), at the commune's tier."""
        def fits(territory: Territory) -> bool:
            if territory.kind not in ("epci", "ept"):
                return False
            kind = "METRO" if territory.epci_type == "MET69" else territory.epci_type
            return epci_type is None or kind == epci_type

        strong = [tid for tid, tier in tiers.items() if tier <= LOOSE]
        territories = self.territories
        if any(fits(territories[tid]) for tid in strong):
            return
        named = [tid for tid, tier in tiers.items() if tier == PREFIX and fits(territories[tid])]
        for tid in strong:
            commune = territories[tid]
            siren = commune.ept_siren if ept else commune.epci_siren
            if commune.kind != "commune" or not siren:
                continue
            groups = [g for g in self._by_code.get(siren, ()) if fits(territories[g])]
            bearing = self._bearing_name(commune, named)
            if self._named_first(commune, groups, bearing):
                # « Val de Drôme » for an intercommunalité: the CC du Val de Drôme en
                # Biovallée, whose name starts with it, before the CC of the Calvados
                # commune Val de Drôme (still offered as another reading)
                for group in bearing:
                    _keep(tiers, group, tiers[tid])
                for group in groups:
                    _keep(tiers, group, tiers[tid] + 1)
                continue
            for group in groups:
                _keep(tiers, group, tiers[tid])

    def _offer_named_groups(self, tiers: dict[int, int]) -> None:
        """« Val de Drôme » with no kind said: the CC du Val de Drôme en Biovallée, whose
        name starts with it, is offered beside the Calvados village of that name, at its
        tier, for the agent to choose (see ``_named_first``; the village stays first)."""
        territories = self.territories
        named = [tid for tid, tier in tiers.items()
                 if tier == PREFIX and territories[tid].kind in ("epci", "ept")]
        exact = [tid for tid, tier in tiers.items() if tier == EXACT]
        if not named or any(territories[tid].kind != "commune" for tid in exact):
            return  # (« Creuse » is the département, with the Somme commune)
        for tid, tier in list(tiers.items()):
            commune = territories[tid]
            if tier != EXACT or commune.kind != "commune":
                continue
            groups = [g for siren in (commune.epci_siren, commune.ept_siren) if siren
                      for g in self._by_code.get(siren, ())]
            offered = self._bearing_name(commune, named)
            if len(offered) <= OFFERED_GROUPS and self._named_first(commune, groups, offered):
                for group in offered:
                    _keep(tiers, group, tier)

    def _bearing_name(self, commune: Territory, ids: list[int]) -> list[int]:
        """The groupings among ``ids`` whose name holds the commune's, as whole words."""
        name = f" {fold(commune.name)} "
        return [g for g in ids if name in f" {fold(self.territories[g].name)} "]

    def _named_first(self, commune: Territory, groups: list[int], named: list[int]) -> bool:
        """Whether groupings whose name starts with the text and bears the commune's
        (``named``, see ``_bearing_name``) come before the grouping of a commune of that
        name: when that grouping is another one, does not bear the commune's name
        (« Métropole du Grand Paris » does, for « Paris »), and the commune is a tenth of
        the named grouping at most (a village named like a valley's CC)."""
        territories = self.territories
        if not named or set(groups) & set(named):
            return False
        if self._bearing_name(commune, groups):
            return False
        largest = max(territories[g].population or 0 for g in named)
        return (commune.population or 0) * 10 < largest

    def _add_places_of_communes(self, kinds: frozenset[str], tiers: dict[int, int]) -> None:
        """« Guéret » for a département: when no département (or région, or collectivité
        d'outre-mer: « St Pierre » for a COM) matches the name, that of the communes of that
        name does, at their tier."""
        strong = [tid for tid, tier in tiers.items() if tier <= LOOSE]
        territories = self.territories
        if not strong or any(_is_kind(territories[tid], kinds) for tid in strong):
            return
        best = min(tiers[tid] for tid in strong)
        for tid in strong:
            commune = territories[tid]
            if commune.kind != "commune" or tiers[tid] != best:
                continue
            place = (self._by_dep_code.get(commune.departement_code)
                     if kinds & {"departement", "com"} else
                     self._by_region_code.get(commune.region_code))
            if place is not None and territories[place].kind in kinds:
                _keep(tiers, place, tiers[tid])

    def _add_prefixed(self, key: str, tiers: dict[int, int]) -> None:
        """Note the names that start with ``key`` (tier PREFIX or FORMER_PREFIX).

        Two bisections find them in the sorted keys; only those are read (about 4,300 for
        « saint », ~4 ms; a handful for most queries), never the whole list.
        """
        if len(key) < 2:
            return
        keys, by_key = self._keys, self._by_key
        start = bisect.bisect_left(keys, key)
        stop = bisect.bisect_left(keys, key + "\uffff", lo=start)
        size = len(key)
        for name in keys[start:stop]:
            if not _whole_words(name, size):
                continue
            for tier, tid in by_key[name]:
                tier = FORMER_PREFIX if tier == FORMER else PREFIX
                if tier < tiers.get(tid, FUZZY + 1):
                    tiers[tid] = tier

    def _ranker(self, query: _Query, tiers: dict[int, int], distances: dict[int, int]
                ) -> Callable[[int], int]:
        """The sort key of a match, as one int (cheap to compare over thousands of prefixes):
        tier, then the kind asked for, then group (département/région, commune, grouping),
        then similarity (near spellings), then default order.

        The kind of EPCI the text names (« CC », « agglo », « métropole »...) or the kind
        asked (« département de... », ``prefer``) comes first in its tier.
        """
        territories, base = self.territories, self._default_rank
        wanted, kinds = query.epci_type, query.kinds
        if wanted or kinds:
            def rank(tid: int) -> int:
                territory = territories[tid]
                if wanted:
                    kind = "METRO" if territory.epci_type == "MET69" else territory.epci_type
                    other = territory.kind == "commune" or kind != wanted
                else:
                    other = not _is_kind(territory, kinds)
                return ((tiers[tid] << 40) | (other << 39) | (distances.get(tid, 0) << 20)
                        | base[tid])
            return rank
        if distances:
            return lambda tid: (tiers[tid] << 40) | base[tid] | (distances[tid] << 20)
        return lambda tid: (tiers[tid] << 40) | base[tid]

    def _sounding(self, key: str) -> list[str]:
        """Names written otherwise but sounding the same (« creuze »: Creuse; see ``sound``),
        the nearest of near spellings; five letters at least, among the same candidates as
        ``_fuzzy``."""
        if len(key) < 5:
            return []
        heard, size = sound(key), len(key)
        # a sound is never longer than the name: only names of about the same length count
        return [name for name in self._near_pool(key)
                if len(heard) <= len(name) <= size + 3 and sound(name) == heard]

    def _near_pool(self, key: str) -> set[str]:
        """The keys that share ``key``'s fuzzy head or its last three letters (see
        ``_fuzzy``); the buckets are built on the first use, out of the load time."""
        if self._buckets is None:
            self._buckets = _buckets(self._keys)
        heads, tails = self._buckets
        return set(heads.get(_head(key), ())) | set(tails.get(key[-3:], ()))

    def _fuzzy(self, key: str, limit: int) -> list[tuple[str, float]]:
        """Near spellings of ``key``, with their similarity, best first.

        Comparing with all ~40,000 keys would cost tens of milliseconds per message, so the
        candidates are only the keys that share ``key``'s first two letters (for « saint »
        names, the two letters after it) or its last three: a typo is found anywhere but in
        both ends of a short name. Similarity is difflib's ratio, at least 0.85. The buckets
        are built on the first use, which keeps them out of the load time.
        """
        if len(key) < 4:
            return []
        pool = self._near_pool(key)
        # Short words need to be nearer: « null » is not « Nully », nor « Genève » « Genevrey ».
        cutoff = 0.9 if len(key) <= 6 else 0.85
        near = difflib.get_close_matches(key, sorted(pool), n=limit, cutoff=cutoff)
        return [(k, difflib.SequenceMatcher(None, key, k).ratio()) for k in near]

    def _ranked(self, ids: Iterable[int], limit: int) -> list[Territory]:
        """Territories found by a code: communes first, then the most populated."""
        found = sorted(set(ids), key=self._default_rank.__getitem__)
        return [self.territories[tid] for tid in found[:limit]]

    def _tid(self, territory: Territory) -> int:
        tid = self._by_label.get(label_key(territory.label))
        if tid is None or self.territories[tid] != territory:
            return self.territories.index(territory)
        return tid

    def _member_ids(self, territory: Territory) -> list[int]:
        """The communes of a territory, from groups built on the first call."""
        if territory.kind == "commune":
            return [self._tid(territory)]
        if self._members is None:
            members: dict[tuple[str, str], list[int]] = defaultdict(list)
            for tid, t in enumerate(self.territories):
                if t.kind == "commune":
                    members["dep", t.departement_code].append(tid)
                    members["region", t.region_code].append(tid)
                    if t.epci_siren:
                        members["epci", t.epci_siren].append(tid)
                    if t.ept_siren:
                        members["ept", t.ept_siren].append(tid)
            self._members = dict(members)
        members = self._members
        if territory.kind in ("epci", "ept"):
            return members.get((territory.kind, territory.code), [])
        if territory.kind == "region":
            return members.get(("region", territory.region_code), [])
        if territory.code == "6AE":
            return [*members.get(("dep", "67"), []), *members.get(("dep", "68"), [])]
        return members.get(("dep", territory.departement_code), [])

    # -- query parsing ----------------------------------------------------------------

    def _parse(self, text: str, prefer: str | None = None) -> _Query:
        """Split « Saint-Denis (974) », « Saint-Denis 93 », « Saint-Denis, Réunion » in a
        name and a département or region hint; also note « CC », « métropole »..."""
        departement = region = postal = None
        with_postal = _WITH_POSTAL.match(text)
        if with_postal and fold(text) not in self._by_key:
            postal = (with_postal["code"] or with_postal["code2"]).upper()
            text = with_postal["name"] or with_postal["name2"]
        for pattern in (_PARENS, _TRAILING_CODE, _TRAILING_COMMA, _TRAILING_DASH, _TRAILING_IN):
            match = pattern.match(text)
            if not match or not fold(match["name"]):
                continue
            hints = [self._place(part) for part in match["hint"].split(",")]
            if fold(text) in self._by_key or not any(d or r for d, r in hints):
                continue  # « CC Bresse Revermont 71 » is a name; « Rennes (foo) » has no hint
            departement = next((d for d, _ in hints if d), None)
            region = next((r for _, r in hints if r), None)
            text = match["name"]
            break
        key = fold(text)
        if not (departement or region) and key not in self._by_key:
            key, departement, region = self._trailing_place(key)
        epci_type = core_name(key)[1]
        alternates = _alternates(key)
        kinds = frozenset({prefer}) if prefer else frozenset()
        return _Query(key, departement, region, epci_type, kinds, alternates, postal)

    def _trailing_place(self, key: str) -> tuple[str, str | None, str | None]:
        """« boussac creuse », « saint pierre martinique »: a known name followed, with no
        sign between, by a département or région (its name or number) narrows the homonyms;
        else the key as it is."""
        words = key.split()
        for size in range(min(3, len(words) - 1), 0, -1):
            name = " ".join(words[:-size])
            if name not in self._by_key:
                continue
            departement, region = self._place(" ".join(words[-size:]))
            if departement or region:
                return name, departement, region
        return key, None, None

    def _place(self, hint: str) -> tuple[str | None, str | None]:
        """A département or a region named by a code or a name (or another name of a
        collectivité that is both: « Martinique », « CTG »), or (None, None)."""
        code = hint.strip().upper()
        if code in self._by_dep_code:
            return code, None
        key = fold(hint)
        if key in self._dep_by_name:
            return self._dep_by_name[key], None
        if key in self._region_by_name:
            return None, self._region_by_name[key]
        for tier, tid in self._by_key.get(key, ()):
            territory = self.territories[tid]
            if tier == EXACT and territory.kind == "region" and not _is_former_region(territory):
                return None, territory.region_code
        return None, None


# -- contexts -------------------------------------------------------------------------------


# -- helpers --------------------------------------------------------------------------------


PREFIX_RULE = "cut"


def _whole_words(name: str, size: int) -> bool:
    """Whether a name's first ``size`` characters, typed, may stand for it: whole words
    (« saint denis » for « saint denis en val »), or a word cut after at least 5 letters with
    at least 3 left (« montpel » for « montpellier »; not « berlin » for « berling », nor
    « null » for « nullemont »: another word more likely than a name cut short)."""
    if PREFIX_RULE == "all" or len(name) == size or name[size] == " ":
        return True
    if PREFIX_RULE == "words":
        return False
    start = name.rfind(" ", 0, size) + 1
    end = name.find(" ", size)
    word_end = len(name) if end < 0 else end
    return size - start >= 5 and word_end - size >= 3


def _overlap(one: str, other: str) -> bool:
    """Whether one key's words hold the other's (« la creuse », « creuse »)."""
    return f" {one} " in f" {other} " or f" {other} " in f" {one} "


def _alternates(key: str) -> list[str]:
    """Other keys a name may be found by: without the words that say it is an EPCI, without
    its article (« la creuse »: « creuse »)."""
    return [k for k in dict.fromkeys((core_name(key)[0], without_article(key)))
            if k and k != key]


def _is_former_region(territory: Territory) -> bool:
    return territory.kind == "region" and "(ancienne région " in territory.label


def _is_kind(territory: Territory, kinds: Iterable[str]) -> bool:
    """Whether a territory is, or exercises the competences of, one of these kinds (the
    Métropole de Lyon is a département too)."""
    return any(territory.kind == kind or (territory.status is not None
                                          and kind in territory.status.competences)
               for kind in kinds)


def _head(key: str) -> str:
    """The fuzzy bucket of a key: its first two letters, or the two after « saint(e) »."""
    for prefix in ("saint ", "sainte "):
        if key.startswith(prefix) and len(key) > len(prefix) + 1:
            return prefix + key[len(prefix):len(prefix) + 2]
    return key[:2]


def _keep(tiers: dict[int, int], tid: int, tier: int) -> None:
    """Remember a match of a territory if it is its best so far."""
    if tier < tiers.get(tid, FUZZY + 1):
        tiers[tid] = tier


def _buckets(keys: list[str]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The keys grouped by their fuzzy head (see ``_head``) and by their last three letters."""
    heads: dict[str, list[str]] = defaultdict(list)
    tails: dict[str, list[str]] = defaultdict(list)
    for key in keys:
        heads[_head(key)].append(key)
        tails[key[-3:]].append(key)
    return dict(heads), dict(tails)


def _plausible(query: object) -> bool:
    """Text that may name a place: not empty, not too long, no control or binary characters."""
    if not isinstance(query, str) or not query.strip() or len(query) > MAX_QUERY:
        return False
    return not any(
        ch == "\ufffd" or (unicodedata.category(ch)[0] == "C" and ch not in "\t\n\r")
        for ch in query)


def _fits(territory: Territory, query: _Query) -> bool:
    if query.departement and territory.departement_code != query.departement:
        return False
    return not (query.region and territory.region_code != query.region)


