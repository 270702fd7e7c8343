"""A territory's name inside a sentence: « je suis à la mairie de Tourcoing », « Mairie de
Wattrelos, service vie associative », « Secrétariat de mairie - La Courtine ».

Used only when the whole text names nothing. The text is cut in segments at commas, dashes
between spaces, parentheses and the like; a name may start at the beginning of a segment or
after a word that introduces a place (« mairie de », « commune de », « à », « ici »...). At
each such place the longest run of whole words that is a known name is kept (« lys lez
lannoy », not « lys »). Words that only say what kind of body is meant, and a few everyday
words that are also the names of small communes (« chargé », « mairé »), are never a name on
their own: garbage and greetings still find nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.knowledge.territory_text import fold

# Words after which a name is expected, with the kind of collectivité they say (if any).
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "mairie": ("commune",), "commune": ("commune",), "ville": ("commune",),
    "municipalite": ("commune",), "deleguee": ("commune",), "maire": ("commune",),
    "departement": ("departement",), "departemental": ("departement",),
    "region": ("region",), "regional": ("region",), "municipal": ("commune",),
    "communautaire": ("epci",),
    "territoire": ("ept",), "ept": ("ept",),
    "intercommunalite": ("epci",), "comcom": ("epci",), "agglo": ("epci",),
    "communaute": ("epci",), "epci": ("epci",), "metropole": ("epci",),
    "collectivite": (), "ile": (), "siren": (), "ex": ("region",),
}
# Words after which a name may come, saying nothing of its kind.
_PLACE_WORDS = frozenset({"a", "au", "aux", "de", "d", "du", "des", "dans", "en", "ici",
                          "pour", "chez", "sur"})
_ARTICLES = frozenset({"la", "le", "les", "l"})
# Everyday words met in such sentences that are also names of small communes (« Chargé »,
# « Mairé », « Le Pas », « une commune de montagne », « à la campagne »), and the first words
# of many names (« Saint-Machin » is not Le Saint, nor « Grand-Truc » Grand): never taken
# alone as a name inside a sentence (typed alone, they still are).
_ORDINARY = frozenset({
    "charge", "chargee", "maire", "pas", "plan", "service", "mission", "agent", "bonjour",
    "merci", "oui", "non", "campagne", "montagne", "mer", "ecole", "quartier", "bourg",
    "riviere", "foret", "marche", "vallee", "champs", "bois", "jardin", "port", "sud",
    "saint", "sainte", "saints", "saintes", "grand", "grande", "petit", "petite", "mont",
    "val", "pays", "ile", "iles", "notre", "dame", "cours", "centre"})
_SEGMENTS = re.compile(r"[,;:()\[\]!?\n\r\t.\"«»]+|\s[-–—]+\s")
MAX_WORDS = 8  # the longest names have more words, but are not typed inside a sentence


@dataclass(frozen=True, slots=True)
class Mention:
    """A known name found in a sentence: its folded key, where it starts (rank of the
    segment, position), how strongly the words before it say it is a place, and the kinds
    they name."""

    key: str
    strength: int  # 2 after a word naming a kind, 1 after « à », « de »..., 0 a segment's start
    order: int
    kinds: tuple[str, ...]


def mentions(text: str, known: Callable[[str], bool]) -> list[Mention]:
    """The names ``known`` knows inside ``text``, strongest introduction first, then in the
    order of the text; each start gives its longest name. A question (« ? ») names no
    territory: « quelles aides de la région Bretagne ? » is for whoever answers questions."""
    if "?" in text:
        return []
    found: list[Mention] = []
    order = 0
    for segment in _SEGMENTS.split(text):
        words = fold(segment).split()
        for start, strength, kinds in _starts(words):
            key = _longest(words, start, known)
            if key:
                found.append(Mention(key, strength, order, kinds))
            order += 1
    return sorted(found, key=lambda m: (-m.strength, m.order))


def _starts(words: list[str]) -> list[tuple[int, int, tuple[str, ...]]]:
    """Where a name may start in a segment's words: its first word, and after each word
    that introduces a place (and its article)."""
    starts: list[tuple[int, int, tuple[str, ...]]] = [(0, 0, ())]
    kinds: tuple[str, ...] = ()
    strength = 0
    for position, word in enumerate(words):
        if word in _KIND_WORDS:
            strength, kinds = 2, _KIND_WORDS[word]
        elif word in _PLACE_WORDS:
            strength = max(strength, 1)
        elif word not in _ARTICLES:
            strength, kinds = 0, ()
            continue
        starts.append((position + 1, strength, kinds))
    return starts


def _longest(words: list[str], start: int, known: Callable[[str], bool]) -> str | None:
    """The longest run of whole words from ``start`` that is a known name, if any."""
    for stop in range(min(len(words), start + MAX_WORDS), start, -1):
        key = " ".join(words[start:stop])
        if stop - start == 1 and (key in _ORDINARY or key in _KIND_WORDS
                                  or key in _PLACE_WORDS or key in _ARTICLES):
            return None
        if known(key):
            return key
    return None
