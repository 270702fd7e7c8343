"""The type of collectivité a question is about: the one that acts or asks.

Agents say who acts: « le département peut-il financer les chantiers d'insertion ? », « on
est une comcom de 12 communes… », « la région a-t-elle une compétence ESS ? », « notre
EPT… ». Items say which types they are meant for (``applies_to.collectivites``); the
search weighs that a little (bot.qa.search).

A type word names the actor unless it is a place or a detail: after a preposition (« aides
du département », « préfet de département », « chef-lieu de région », « en région »), in a
choice between actors (« l'État ou le département ? »), counted (« une comcom de 12
communes », « combien d'EPT »), or followed by a place's name (« la
région Bretagne »). A possessive always names the asker (« pour notre EPCI »).
"""

from __future__ import annotations

from collections.abc import Collection

# folded words (after bot.qa.synonyms' spellings: « dept » is « departement ») -> type
_TYPES: dict[tuple[str, ...], str] = {
    ("commune",): "commune", ("communes",): "commune", ("mairie",): "commune",
    ("ville",): "commune", ("municipalite",): "commune", ("village",): "commune",
    ("conseil", "municipal"): "commune",
    ("epci",): "epci", ("interco",): "epci", ("intercommunalite",): "epci",
    ("comcom",): "epci", ("agglo",): "epci", ("agglomeration",): "epci",
    ("metropole",): "epci", ("communaute", "de", "communes"): "epci",
    ("communaute", "d", "agglomeration"): "epci", ("conseil", "communautaire"): "epci",
    ("ept",): "ept", ("etablissement", "public", "territorial"): "ept",
    ("departement",): "departement", ("conseil", "departemental"): "departement",
    ("cd",): "departement",
    ("region",): "region", ("conseil", "regional"): "region",
}
_LONGEST = max(len(k) for k in _TYPES)
_POSSESSIVES = frozenset({"notre", "nos", "mon", "ma", "votre", "vos"})
_ARTICLES = frozenset({"le", "la", "les", "un", "une", "ce", "cette", "cet"})
# before the type word (or its article): the type is a place, a detail or one of a choice
_BEFORE = frozenset({"de", "d", "du", "des", "en", "dans", "a", "au", "aux", "par", "sur",
                     "avec", "entre", "chez", "vers", "pour", "ou", "or", "et", "prefet",
                     "sous", "combien", "nombre", "plusieurs"})
_AFTER = frozenset({"ou", "or"})  # « le département ou l'État ? »


def actors_named(folded: list[str], place_words: Collection[str] = ()) -> frozenset[str]:
    """The collectivité types (taxonomy ids) the question names as who acts or asks."""
    found: set[str] = set()
    at = 0
    while at < len(folded):
        for size in range(min(_LONGEST, len(folded) - at), 0, -1):
            kind = _TYPES.get(tuple(folded[at:at + size]))
            if kind is not None:
                break
        else:
            at += 1
            continue
        end = at + size
        before = at - 1
        if before >= 0 and folded[before] in _ARTICLES:
            before -= 1
        owned = at > 0 and folded[at - 1] in _POSSESSIVES
        detail = (before >= 0 and (folded[before] in _BEFORE or folded[before].isdigit())) or (
            end < len(folded) and (folded[end] in _AFTER or folded[end] in place_words))
        if kind == "departement" and folded[at] == "cd" and not (
                at > 0 and folded[at - 1] in _ARTICLES | _POSSESSIVES):
            detail = True  # « cd » alone is not surely the conseil départemental
        if owned or not detail:
            found.add(kind)
        at = end
    return frozenset(found)
