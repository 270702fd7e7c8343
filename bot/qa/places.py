"""Places named in a question: « qui contacter à Brest », « une commune de la Creuse »,
« dans le 93 », « CRESS PACA » → the INSEE code of their région.

The gazetteer is built once per content version from the territory index that the
knowledge feature already loads (:func:`bot.knowledge.profile.load_territories`, cached):
the régions (with their usual short names), the départements (names, and numbers after
« le », « du », « dans le » or in brackets), and the communes of at least
``MIN_POPULATION`` inhabitants (the most populated wins among homonyms). A name that is
also a common word (« somme », « cher », « lot », or any word the content writes in lower
case) counts only when the question writes it with a capital.

A place is context, not subject: the search gives its words little weight and uses its
région to put that région's contacts first (:mod:`bot.qa.search`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.qa.normalize import STOP_WORDS, fold, words

MIN_POPULATION = 2_000
LONGEST = 6  # words in a place name looked up (« provence alpes cote d azur »)
# « au Lamentin » is « le Lamentin »: the article a contraction holds
_CONTRACTED = {"au": "le", "du": "le", "aux": "les", "des": "les"}
REGION_ALIASES: dict[str, str] = {
    "paca": "93", "region sud": "93", "idf": "11", "ile de france": "11", "aura": "84",
    "bfc": "27", "hdf": "32", "nouvelle aquitaine": "75", "brittany": "53",
    "normandy": "28", "corsica": "94", "french guiana": "03", "reunion": "04",
    "la reunion": "04", "ile de la reunion": "04", "grand est": "44", "alsace": "44",
    "lorraine": "44", "champagne ardenne": "44", "bourgogne": "27", "franche comte": "27",
    "auvergne": "84", "rhone alpes": "84", "midi pyrenees": "76", "languedoc": "76",
    "languedoc roussillon": "76", "poitou charentes": "75", "limousin": "75",
    "aquitaine": "75", "picardie": "32", "nord pas de calais": "32", "centre": "24",
}
# Adjectives of the régions (« une ville normande », « une commune bretonne »).
DEMONYMS: dict[str, tuple[str, ...]] = {
    "11": ("francilien", "francilienne"), "27": ("bourguignon", "bourguignonne"),
    "28": ("normand", "normande"), "32": ("picard", "picarde", "nordiste"),
    "44": ("alsacien", "alsacienne", "lorrain", "champenois", "champenoise"),
    "53": ("breton", "bretonne"), "75": ("aquitain", "aquitaine"),
    "76": ("occitan", "occitane"), "84": ("auvergnat", "auvergnate", "savoyard", "savoyarde"),
    "93": ("provencal", "provencale"), "01": ("guadeloupeen", "guadeloupeenne"),
    "02": ("martiniquais", "martiniquaise"), "03": ("guyanais", "guyanaise"),
    "04": ("reunionnais", "reunionnaise"), "06": ("mahorais", "mahoraise"),
}
# ... and of the départements (« un village creusois », « une commune lozérienne »), by
# their région; left out: those that are also a common word or another place's (« niçoise »,
# « marseillaise », « béarnaise », « catalan », « ligérien »).
DEMONYMS_DEPARTEMENTS: dict[str, tuple[str, ...]] = {
    "11": ("parisien", "parisienne", "essonnien", "essonnienne", "yvelinois", "yvelinoise",
           "seine et marnais", "seine et marnaise", "val de marnais", "val de marnaise"),
    "24": ("berrichon", "berrichonne", "loiretain", "loiretaine", "tourangeau", "tourangelle",
           "eurelien", "eurelienne", "solognot", "solognote"),
    "27": ("jurassien", "jurassienne", "nivernais", "nivernaise", "icaunais", "icaunaise",
           "comtois", "comtoise", "franc comtois", "franc comtoise"),
    "28": ("manchois", "manchoise", "ornais", "ornaise", "calvadosien", "calvadosienne",
           "eurois", "euroise", "seinomarin", "seinomarine"),
    "32": ("axonais", "axonaise", "isarien", "isarienne", "samarien", "samarienne"),
    "44": ("vosgien", "vosgienne", "mosellan", "mosellane", "meusien", "meusienne",
           "ardennais", "ardennaise", "marnais", "marnaise", "aubois", "auboise",
           "haut marnais", "haut marnaise"),
    "52": ("vendeen", "vendeenne", "sarthois", "sarthoise", "mayennais", "mayennaise",
           "angevin", "angevine"),
    "53": ("finisterien", "finisterienne", "morbihannais", "morbihannaise", "costarmoricain",
           "costarmoricaine", "brethilien", "brethilienne"),
    "75": ("limousine", "creusois", "creusoise", "correzien", "correzienne", "charentais",
           "charentaise", "girondin", "girondine", "landais", "landaise", "perigourdin",
           "perigourdine", "poitevin", "poitevine", "deux sevrien", "deux sevrienne",
           "lot et garonnais", "lot et garonnaise", "basque"),
    "76": ("aveyronnais", "aveyronnaise", "lozerien", "lozerienne", "gardois", "gardoise",
           "heraultais", "heraultaise", "audois", "audoise", "ariegeois", "ariegeoise",
           "tarnais", "tarnaise", "gersois", "gersoise", "lotois", "lotoise", "bigourdan",
           "bigourdane", "tarn et garonnais", "tarn et garonnaise"),
    "84": ("ardechois", "ardechoise", "dromois", "dromoise", "iserois", "iseroise",
           "cantalien", "cantalienne", "bourbonnais", "bourbonnaise", "lyonnais", "lyonnaise",
           "rhodanien", "rhodanienne", "haut savoyard", "haut savoyarde", "aindinois",
           "aindinoise"),
    "93": ("varois", "varoise", "vauclusien", "vauclusienne"),
}
REGION_ALIASES |= {form: code
                   for table in (DEMONYMS, DEMONYMS_DEPARTEMENTS)
                   for code, singular in table.items() for word in singular
                   for form in (word, word + "s")}
# Short or common words that are also places: only with a capital (« la Somme »).
COMMON = frozenset({"cher", "lot", "var", "nord", "ain", "orne", "somme", "manche", "vienne",
                    "marne", "loire", "eure", "centre", "sud", "est", "ouest", "gard", "aube",
                    "tarn", "gers", "aude", "indre", "meuse", "creuse", "doubs", "oise",
                    "yonne", "landes", "vosges", "ardennes", "charente", "sevres", "lens",
                    "sens", "orange", "vire", "bourg", "mer", "bar", "ville", "reunion",
                    "paris"})
# « dans le 93 », « du 23 », or in brackets after a name (« Guéret (23) », « au Port (974) »)
_NUMBER = re.compile(r"\((\d{2}|2a|2b|97[1-6])\)|"
                     r"\b(?:dans le|le|du|en)\s+(\d{2}|2a|2b|97[1-6])\b(?!\s*(?:%|€|\$|\d|"
                     r"pour ?cent|euros?\b|ans?\b|m\b|k\b|millions?\b|habitants\b|hab\b|"
                     r"fois\b|jours?\b|heures?\b|mois\b))")


@dataclass(frozen=True, slots=True)
class Place:
    region: str  # INSEE region code
    words: tuple[str, ...]  # the folded words of the question that name it
    level: str = "region"  # region, departement or commune
    # For a commune, the programmes it is in (« pvd », « acv »), when the territory file
    # says: a programme it is not in does not answer its questions.
    programmes: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class Gazetteer:
    names: Mapping[tuple[str, ...], tuple[str, str]]  # folded words -> (region, level)
    needs_capital: frozenset[tuple[str, ...]]
    departements: Mapping[str, str]  # département code (lower case) -> region code
    communes: Mapping[tuple[str, ...], Any] = field(default_factory=dict)  # -> Territory
    programmes_of: Callable[[Any], Iterable[str]] | None = None  # a commune's programmes
    programmes: frozenset[str] = frozenset()  # the programmes whose members are known
    # Item id -> the région of the collectivités whose own project an example is (its
    # ``places``): « côté Amiens, la Région a lancé… » puts that région's examples first.
    item_regions: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, territories: Iterable, regions: Mapping[str, Iterable[str]],
              lower_case_words: Iterable[str] = (),
              programmes_of: Callable[[Any], Iterable[str]] | None = None,
              programmes: Iterable[str] = (),
              item_regions: Mapping[str, str] | None = None) -> Gazetteer:
        """``territories``: :class:`~bot.knowledge.territory.Territory` objects;
        ``regions``: code -> its names; ``lower_case_words``: words the content writes
        in lower case (they need a capital to be taken for a place); ``programmes_of``:
        the programmes of a commune (looked up when a question names it), among
        ``programmes``, those whose members the territory file lists."""
        common = set(COMMON) | set(lower_case_words) | set(STOP_WORDS)
        names: dict[tuple[str, ...], tuple[int, str, str]] = {}
        departements: dict[str, str] = {}
        communes: dict[tuple[str, ...], Any] = {}

        def add(name: str, region: str, rank: int, level: str, territory: Any = None) -> None:
            key = tuple(words(name))
            if key and (key not in names or names[key][0] < rank):
                names[key] = (rank, region, level)
                if territory is not None:
                    communes[key] = territory
                else:
                    communes.pop(key, None)

        for territory in territories:
            if territory.departement_code.lower() not in departements:
                departements[territory.departement_code.lower()] = territory.region_code
                add(territory.departement_name, territory.region_code, 10**9, "departement")
            if territory.kind == "commune" and (territory.population or 0) >= MIN_POPULATION:
                add(territory.name, territory.region_code, territory.population or 0,
                    "commune", territory)
        for code, labels in regions.items():
            for label in labels:
                add(label, code, 10**10, "region")
        for alias, code in REGION_ALIASES.items():
            add(alias, code, 10**10, "region")
        # « réunion », and « la réunion » too: a name of common words only
        needs_capital = frozenset(k for k in names if all(w in common for w in k))
        return cls({k: (region, level) for k, (_, region, level) in names.items()},
                   needs_capital, departements, communes, programmes_of,
                   frozenset(programmes), dict(item_regions or {}))

    def find(self, text: str) -> list[Place]:
        """The places a question names, in order."""
        folded = words(text)
        capitalised = {fold(part) for w in re.findall(r"\b[A-ZÀ-Ý][\w-]*", text)
                       for part in (w, *w.split("-"))}  # « Haute-Loire »: « loire » too
        places: list[Place] = []
        i = 0
        while i < len(folded):
            for size in range(min(LONGEST, len(folded) - i), 0, -1):
                key = tuple(folded[i:i + size])
                # « au Lamentin », « du Port »: the article the contraction holds is part
                # of the name (Le Lamentin, in Martinique, is not Lamentin, in Guadeloupe)
                article = _CONTRACTED.get(folded[i - 1]) if i else None
                if article is not None and (article, *key) in self.names:
                    key = (article, *key)
                found = self.names.get(key)
                if found is None:
                    continue
                if key in self.needs_capital and not any(
                        w in capitalised for w in key if w not in STOP_WORDS):
                    continue
                territory = self.communes.get(key)
                programmes = (frozenset(self.programmes_of(territory))
                              if territory is not None and self.programmes_of else None)
                places.append(Place(found[0], key, found[1], programmes))
                i += size
                break
            else:
                i += 1
        for match in _NUMBER.finditer(fold(text)):
            number = match.group(1) or match.group(2)
            region = self.departements.get(number.lstrip("0").zfill(2))
            if region:
                places.append(Place(region, (number,), "departement"))
        return places

    def region_of(self, text: str) -> str | None:
        """The région of the places a question names, if they agree on one."""
        regions = {place.region for place in self.find(text)}
        return regions.pop() if len(regions) == 1 else None
