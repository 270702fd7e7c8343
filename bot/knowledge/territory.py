"""French territories: resolve what an agent types to a commune, an EPCI or an EPT.

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
« Saint-Denis (974) », « Saint-Denis, La Réunion ») narrows the homonyms.
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

Kind = Literal["commune", "epci", "ept"]
KINDS: tuple[Kind, ...] = ("commune", "epci", "ept")
DATA_FILE = Path("territoires") / "territoires.json.gz"
SMALL_MAX, MEDIUM_MAX = 3_499, 49_999  # the size classes of content/scoring.yaml (sizes:)
MAX_QUERY = 200  # longer text is not a territory name (the longest label is ~110 characters)

# Short type names in labels: « Rennes Métropole (métropole, 35) », « Plaine Commune (EPT, 93) ».
TYPE_LABELS = {"CC": "CC", "CA": "CA", "CU": "CU", "METRO": "métropole", "MET69": "métropole",
               "EPT": "EPT"}

# Tiers of a name match, best first: the exact name, another name of the same territory
# (without its article, without « CC », « métropole »...), the name of a former commune merged
# into it, the start of one of those, the start of a former name, a near spelling.
EXACT, ALTERNATE, FORMER, PREFIX, FORMER_PREFIX, FUZZY = range(6)


@dataclass(frozen=True, slots=True)
class Territory:
    """A commune, an EPCI à fiscalité propre or an EPT of the Métropole du Grand Paris.

    ``epci_*`` of a commune are those of its EPCI; an EPCI has its own type in ``epci_type``;
    an EPT has ``epci_type`` "EPT" and, in ``epci_siren``/``epci_name``, the Métropole du
    Grand Paris it lies in. ``ept_*`` are set for the communes of an EPT. The département (and
    region) of an EPCI or EPT is the one where most of its inhabitants live.
    """

    kind: Kind
    code: str  # INSEE code of a commune, SIREN of an EPCI or EPT
    name: str
    label: str  # French display label, unique across the data set
    population: int | None  # population municipale (INSEE; DGCL for EPCI and EPT)
    departement_code: str
    departement_name: str
    region_code: str  # INSEE region code: the key of the CRESS in content/contacts.yaml
    region_name: str
    epci_siren: str | None = None
    epci_name: str | None = None
    epci_type: str | None = None  # CC, CA, CU, METRO, MET69 (Lyon), EPT
    ept_siren: str | None = None
    ept_name: str | None = None
    postal_codes: tuple[str, ...] = ()
    member_count: int | None = None  # communes of an EPCI or EPT

    @property
    def collectivite_type(self) -> str:
        """The ``collectivites`` value of content/taxonomy.yaml: commune, epci or ept."""
        return self.kind

    @property
    def size_class(self) -> str | None:
        """``petite`` (< 3,500 inhabitants), ``moyenne`` (up to 49,999) or ``grande``."""
        if self.population is None:
            return None
        if self.population <= SMALL_MAX:
            return "petite"
        return "moyenne" if self.population <= MEDIUM_MAX else "grande"


def default_territory_path(content_dir: Path) -> Path:
    """Where the territory file lives in a content directory (``content/`` by default)."""
    return Path(content_dir) / DATA_FILE


# -- text folding ---------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9]+")
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = ("l ", "le ", "la ", "les ")
# Leading/trailing words naming the kind of an EPCI; the rest is its "core" name, so that
# « cc pays de quimperle », « comcom du pays de quimperlé » and « Pays de Quimperlé » meet.
_TYPE_HEADS = (
    ("communaute de communes", "CC"), ("communaute d agglomeration", "CA"),
    ("communaute urbaine", "CU"), ("comcom", "CC"), ("cc", "CC"), ("ca", "CA"),
    ("cu", "CU"), ("agglomeration", "CA"), ("agglo", "CA"), ("eurometropole", "METRO"),
    ("metropole", "METRO"), ("etablissement public territorial", "EPT"), ("ept", "EPT"),
)
_TYPE_TAILS = (("metropole", "METRO"), ("agglomeration", "CA"), ("agglo", "CA"),
               ("communaute", None))
_LINKS = ("de la ", "de l ", "des ", "du ", "de ", "d ", "l ", "la ", "le ", "les ")


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space, ``st``/``ste`` spelled out."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    if not text.isascii():  # drop the accents: NFKD splits « é » in « e » and a combining mark
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = _WORD.findall(text)
    if "st" in words or "ste" in words or "sts" in words or "stes" in words:
        words = [_ABBREVIATIONS.get(w, w) for w in words]
    return " ".join(words)


def core_name(key: str) -> tuple[str, str | None]:
    """A folded name without the words that say it is an intercommunality, and that type."""
    kind = None
    for head, head_kind in _TYPE_HEADS:
        if key == head or key.startswith(head + " "):
            key, kind = key[len(head):].lstrip(), head_kind
            break
    for tail, tail_kind in _TYPE_TAILS:
        if key.endswith(" " + tail):
            key, kind = key[: -len(tail) - 1], kind or tail_kind
            break
    for link in _LINKS:
        if key.startswith(link):
            key = key[len(link):]
            break
    return key, kind


def _without_article(key: str) -> str:
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article) + 2:
            return key[len(article):]
    return key


# -- query parsing --------------------------------------------------------------------------

_PARENS = re.compile(r"^(?P<name>.*?)[\s,]*\((?P<hint>[^()]*)\)\s*$", re.S)
_TRAILING_CODE = re.compile(r"^(?P<name>.*?\S)[\s,]+(?P<hint>\d{2,3}|2[abAB])\s*$", re.S)
_TRAILING_COMMA = re.compile(r"^(?P<name>[^,]*\S)\s*,\s*(?P<hint>[^,]+)$", re.S)
_SIREN = re.compile(r"\d{9}")
_INSEE_OR_POSTAL = re.compile(r"\d{4,5}|2[AB]\d{3}")


@dataclass
class _Query:
    """A name to look for, and what narrows it: département, region, kind of EPCI."""

    key: str
    departement: str | None = None
    region: str | None = None
    epci_type: str | None = None
    alternates: list[str] = field(default_factory=list)


# -- the index ------------------------------------------------------------------------------


class TerritoryIndex:
    """Every commune, EPCI and EPT, and the dicts that find them; build it with :meth:`load`."""

    def __init__(self, territories: list[Territory], aliases: Iterable[list[str]],
                 meta: dict[str, Any], departements: dict[str, tuple[str, str]],
                 regions: dict[str, str]):
        self.territories = territories
        self.meta = meta
        self._departements = departements  # code -> (name, region code)
        self._region_names = regions
        self._by_code: dict[str, list[int]] = defaultdict(list)  # INSEE codes, SIREN
        self._by_former_code: dict[str, list[int]] = defaultdict(list)
        self._by_postal: dict[str, list[int]] = defaultdict(list)
        self._by_label: dict[str, int] = {}
        self._by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)  # key -> (tier, id)
        self._dep_by_name = _names({code: name for code, (name, _) in departements.items()})
        self._region_by_name = _names(regions)
        for tid, territory in enumerate(territories):
            self._add(tid, territory)
        self._add_aliases(aliases)
        self._keys = sorted(self._by_key)
        self._buckets: tuple[dict[str, list[str]], dict[str, list[str]]] | None = None
        # Lists become tuples (no spare room: a few MiB less), and missing keys raise again.
        self._by_code, self._by_former_code, self._by_postal, self._by_key = (
            {key: tuple(values) for key, values in mapping.items()}  # type: ignore[misc]
            for mapping in (self._by_code, self._by_former_code, self._by_postal, self._by_key))
        # Rank of each territory in the default order: most populated first, then kind, code.
        order = sorted(range(len(territories)), key=lambda tid: (
            -(territories[tid].population or -1), KINDS.index(territories[tid].kind),
            territories[tid].code))
        self._order = [0] * len(territories)
        for position, tid in enumerate(order):
            self._order[tid] = position
        # The same, communes first: bit 31 set for EPCI and EPT (see ``_ranker``).
        self._default_rank = [(t.kind != "commune") << 31 | self._order[tid]
                              for tid, t in enumerate(territories)]

    # -- building ---------------------------------------------------------------------

    @classmethod
    def load(cls, path: Path) -> TerritoryIndex:
        """Read the gzipped JSON file of ``scripts/build_territories.py`` and index it.

        The cyclic garbage collector is paused meanwhile: the ~300,000 objects made here hold
        no cycles, and its repeated passes over them would otherwise cost a third of the time.
        """
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            data = json.load(stream)
        if data.get("format") != 1:
            raise ValueError(f"{path}: unknown territory file format {data.get('format')!r}")
        collecting = gc.isenabled()
        gc.disable()
        try:
            regions = {code: name for code, name in data["regions"]}
            departements = {code: (name, region) for code, name, region in data["departements"]}
            return cls(_territories(data, departements, regions), data["aliases"],
                       data["source"], departements, regions)
        finally:
            if collecting:
                gc.enable()

    def _add(self, tid: int, territory: Territory) -> None:
        self._by_code[territory.code].append(tid)
        for postal in territory.postal_codes:
            self._by_postal[postal].append(tid)
        self._by_label[_label_key(territory.label)] = tid
        key = fold(territory.name)
        self._by_key[key].append((EXACT, tid))
        bare = _without_article(key)
        if bare != key:
            self._by_key[bare].append((ALTERNATE, tid))
        if territory.kind != "commune":
            self._add_key(core_name(key)[0], ALTERNATE, tid)

    def _add_key(self, key: str, tier: int, tid: int) -> None:
        entries = self._by_key[key]
        if key and all(entry[1] != tid for entry in entries):
            entries.append((tier, tid))

    def _add_aliases(self, aliases: Iterable[list[str]]) -> None:
        """Former codes and names (merged communes, arrondissements) lead to today's commune."""
        for code, name, commune, _kind in aliases:
            tid = next(iter(self._by_code.get(commune, ())), None)
            if tid is None:
                continue
            if code and tid not in self._by_former_code[code]:
                self._by_former_code[code].append(tid)
            if name:
                key = fold(name)
                self._add_key(key, FORMER, tid)
                self._add_key(_without_article(key), FORMER, tid)

    # -- public API -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.territories)

    @property
    def version(self) -> str:
        """Version of @etalab/decoupage-administratif the file was built from."""
        return str(self.meta.get("version", ""))

    def get(self, kind: str, code: str) -> Territory | None:
        """The territory of that kind (commune, epci, ept) and code (INSEE code or SIREN)."""
        for tid in self._by_code.get(code.strip().upper(), ()):
            if self.territories[tid].kind == kind:
                return self.territories[tid]
        return None

    def lookup(self, query: str, limit: int = 8) -> list[Territory]:
        """Candidates for what the user typed, best first; ``[]`` when nothing fits.

        Codes are exact: a SIREN; an INSEE or postal code (see ``_by_number``). A display
        label (as sent back by a button) gives its territory alone. Names go by tier (see
        ``EXACT``...); within a tier, a commune comes before an EPCI unless the text says
        « CC », « agglo », « métropole »... (then that kind of EPCI comes first), then the
        most populated first, then kind and code: the order is deterministic.
        """
        if not _plausible(query):
            return []
        query = query.strip()
        compact = re.sub(r"[\s.]", "", query).upper()
        if _SIREN.fullmatch(compact):
            return self._ranked(self._by_code.get(compact, ()), limit)
        if _INSEE_OR_POSTAL.fullmatch(compact):
            return self._by_number(compact.zfill(5), limit)
        label = self._by_label.get(_label_key(query))
        if label is not None:
            return [self.territories[label]]
        return self._by_name(self._parse(query), limit)

    # -- lookups ----------------------------------------------------------------------

    def _by_number(self, code: str, limit: int) -> list[Territory]:
        """The communes of that INSEE code or postal code, most populated first; then the
        commune that once had that INSEE code.

        Many strings are both: ``13100`` is the INSEE code of Saint-Rémy-de-Provence and the
        postal code of Aix-en-Provence, ``69001`` that of Affoux and of Lyon's 1st
        arrondissement. People type postal codes far more often, and the best known are those
        of large towns, so population decides; both stay among the candidates. Former codes
        come last (``75015`` is a postal code of Paris and a former code of Bry-sur-Marne).
        """
        found = {t.code: t for t in self._ranked(
            [*self._by_code.get(code, ()), *self._by_postal.get(code, ())], limit)}
        for territory in self._ranked(self._by_former_code.get(code, ()), limit):
            found.setdefault(territory.code, territory)
        return list(found.values())[:limit]

    def _by_name(self, query: _Query, limit: int) -> list[Territory]:
        tiers: dict[int, int] = {}  # id -> its best tier
        for key in (query.key, *query.alternates):
            floor = EXACT if key == query.key else ALTERNATE
            for tier, tid in self._by_key.get(key, ()):
                _keep(tiers, tid, max(tier, floor))
            self._add_prefixed(key, tiers)
        distances: dict[int, int] = {}  # id -> 1000 * (1 - similarity), near spellings only
        if not tiers:
            for key, ratio in self._fuzzy(query.key, limit):
                for _tier, tid in self._by_key[key]:
                    if tid not in tiers:
                        tiers[tid], distances[tid] = FUZZY, round(1000 * (1 - ratio))
        pool: Iterable[int] = tiers
        if query.departement or query.region:
            pool = [tid for tid in tiers if _fits(self.territories[tid], query)] or tiers
        return [self.territories[tid]
                for tid in heapq.nsmallest(limit, pool, key=self._ranker(query, tiers, distances))]

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
        for name in keys[start:stop]:
            for tier, tid in by_key[name]:
                tier = FORMER_PREFIX if tier == FORMER else PREFIX
                if tier < tiers.get(tid, FUZZY + 1):
                    tiers[tid] = tier

    def _ranker(self, query: _Query, tiers: dict[int, int], distances: dict[int, int]
                ) -> Callable[[int], int]:
        """The sort key of a match, as one int (cheap to compare over thousands of prefixes):
        tier, then preferred kind, then similarity (near spellings), then default order.

        In a tier, the kind of EPCI the text names (« CC », « agglo », « métropole »...)
        comes first if it names one; else the communes: a bare name most often means one.
        """
        territories, order, base = self.territories, self._order, self._default_rank
        wanted = query.epci_type
        if wanted:
            def rank(tid: int) -> int:
                territory = territories[tid]
                other = territory.kind == "commune" or territory.epci_type != wanted
                return ((tiers[tid] << 32) | (other << 31) | (distances.get(tid, 0) << 16)
                        | order[tid])
            return rank
        if distances:
            return lambda tid: (tiers[tid] << 32) | base[tid] | (distances[tid] << 16)
        return lambda tid: (tiers[tid] << 32) | base[tid]

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
        if self._buckets is None:
            self._buckets = _buckets(self._keys)
        heads, tails = self._buckets
        pool = set(heads.get(_head(key), ())) | set(tails.get(key[-3:], ()))
        near = difflib.get_close_matches(key, sorted(pool), n=limit, cutoff=0.85)
        return [(k, difflib.SequenceMatcher(None, key, k).ratio()) for k in near]

    def _ranked(self, ids: Iterable[int], limit: int) -> list[Territory]:
        """Territories found by a code: communes first, then the most populated."""
        found = sorted(set(ids), key=self._default_rank.__getitem__)
        return [self.territories[tid] for tid in found[:limit]]

    # -- query parsing ----------------------------------------------------------------

    def _parse(self, text: str) -> _Query:
        """Split « Saint-Denis (974) », « Saint-Denis 93 », « Saint-Denis, Réunion » in a
        name and a département or region hint; also note « CC », « métropole »..."""
        departement = region = None
        for pattern in (_PARENS, _TRAILING_CODE, _TRAILING_COMMA):
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
        core, epci_type = core_name(key)
        alternates = [k for k in dict.fromkeys((core, _without_article(key))) if k and k != key]
        return _Query(key, departement, region, epci_type, alternates)

    def _place(self, hint: str) -> tuple[str | None, str | None]:
        """A département or a region named by a code or a name, or (None, None)."""
        code = hint.strip().upper()
        if code in self._departements:
            return code, None
        key = fold(hint)
        if key in self._dep_by_name:
            return self._dep_by_name[key], None
        return None, self._region_by_name.get(key)


# -- helpers --------------------------------------------------------------------------------


def _names(names: dict[str, str]) -> dict[str, str]:
    """Folded names, with and without their article (« La Réunion », « Réunion ») -> code."""
    found: dict[str, str] = {}
    for code, name in sorted(names.items()):
        key = fold(name)
        found.setdefault(key, code)
        found.setdefault(_without_article(key), code)
    return found


def _label_key(label: str) -> str:
    """Labels are matched as sent back by a button: only case and spacing may differ."""
    return " ".join(label.casefold().split())


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


def _territories(data: dict[str, Any], departements: dict[str, tuple[str, str]],
                 regions: dict[str, str]) -> list[Territory]:
    """Territory objects from the file's rows; labels are made unique at the end."""
    epcis = {row[0]: row for row in data["epci"]}
    epts = {row[0]: row for row in data["ept"]}
    postal_cache: dict[str, tuple[str, ...]] = {}

    places = {dep: (dep, name, region, regions.get(region, ""))
              for dep, (name, region) in departements.items()}

    def place(dep: str) -> tuple[str, str, str, str]:
        return places.get(dep) or (dep, "", "", "")

    found: list[Territory] = []
    no_group = ("", None, None)
    for code, name, dep, population, postal, epci, ept in data["communes"]:
        _, epci_name, epci_type = epcis.get(epci, no_group)[:3]
        ept_name = epts.get(ept, no_group)[1]
        postal_codes = postal_cache.get(postal) or postal_cache.setdefault(
            postal, tuple(postal.split()))
        where = place(dep)
        found.append(Territory(
            "commune", code, name, f"{name} ({dep}, {where[1]})", population, *where,
            epci or None, epci_name, epci_type, ept or None, ept_name, postal_codes))
    for siren, name, kind, population, members, dep in data["epci"]:
        found.append(Territory("epci", siren, name, f"{name} ({TYPE_LABELS.get(kind, kind)}, "
                               f"{dep})", population, *place(dep), epci_type=kind,
                               member_count=members))
    for siren, name, population, members, dep, epci in data["ept"]:
        found.append(Territory("ept", siren, name, f"{name} (EPT, {dep})", population,
                               *place(dep), epci_siren=epci,
                               epci_name=epcis.get(epci, no_group)[1], epci_type="EPT",
                               member_count=members))
    return _unique_labels(found)


def _unique_labels(territories: list[Territory]) -> list[Territory]:
    """Add the code to any label two territories share, so a label always names one."""
    seen: dict[str, int] = defaultdict(int)
    for territory in territories:
        seen[territory.label] += 1
    return [t if seen[t.label] == 1 else replace(t, label=f"{t.label[:-1]}, {t.code})")
            for t in territories]
