"""Folding the names of territories, and what agents type, so that they meet: case,
accents, punctuation, « St »/« Ste », « s/ », the words that say what an EPCI is."""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"[a-z0-9]+")


_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes",
                  "mt": "mont"}


_SLASHED = re.compile(r"\b(s/s|ss|s)/?(?=\s|\w)")


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


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unaccent(match: re.Match[str]) -> str:
    """A combining mark goes; any other non-ASCII character (’, °, emoji) separates words."""
    return "" if unicodedata.combining(match.group()) else " "


def fold(text: str) -> str:
    """Lower case, no accents, words separated by one space, ``st``/``ste`` spelled out."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae").replace("&", " et ")
    if "/" in text:  # « Boulogne s/ Mer », « Châlons s/s Bois »
        text = _SLASHED.sub(lambda m: " sous " if m.group(1) in ("ss", "s/s") else " sur ", text)
    if not text.isascii():  # drop the accents: NFKD splits « é » in « e » and a combining mark
        text = _NON_ASCII.sub(_unaccent, unicodedata.normalize("NFKD", text))
    words = _WORD.findall(text)
    if not _ABBREVIATIONS.keys().isdisjoint(words):
        words = [_ABBREVIATIONS.get(w, w) for w in words]
    folded = " ".join(words)
    if "n d" in folded and " n d " in f" {folded} ":  # « N.-D. » is Notre-Dame
        folded = f" {folded} ".replace(" n d ", " notre dame ").strip()
    return folded


def core_name(key: str) -> tuple[str, str | None]:
    """A folded name without the words that say it is an intercommunality, and that type."""
    kind = None
    bare = without_article(key)  # « la comcom creuse grand sud », « l'agglo du Choletais »
    if bare != key and any(bare.startswith(head + " ") for head, _kind in _TYPE_HEADS):
        key = bare
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


def without_head(key: str) -> str:
    """A folded EPCI name without its leading type words (« vitre communaute »)."""
    for head, _kind in _TYPE_HEADS:
        if key.startswith(head + " "):
            return key[len(head) + 1:]
    return key


def without_article(key: str) -> str:
    for article in _ARTICLES:
        if key.startswith(article) and len(key) > len(article) + 2:
            return key[len(article):]
    return key


def drop_words(text: str, count: int) -> str:
    """``text`` without its first ``count`` words (as ``fold`` counts them)."""
    words = list(re.finditer(r"[^\W_]+", text))
    return text[words[count].start():] if count < len(words) else ""


_LINK_WORDS = frozenset({"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "sur",
                         "sous", "aux", "au", "a"})


_ACRONYM = re.compile(r"\(([^()]{1,40})\)")


def group_names(name: str) -> list[str]:
    """Short names of an EPCI or EPT: the acronym its name gives in parentheses (« CAPI »),
    and its initials (« Grand Paris Sud Est Avenir »: « gpsea »; « CA du Pays Ajaccien »:
    « capa »), folded; initials of fewer than 3 letters are left out."""
    found = [fold(acronym) for acronym in _ACRONYM.findall(name)]
    words = fold(_ACRONYM.sub(" ", name)).split()
    letters = "".join(word if word in ("cc", "ca", "cu") else word[0]
                      for word in words if word not in _LINK_WORDS and not word.isdigit())
    if len(letters) >= 3:
        found.append(letters)
    return [key for key in found if key]


_DOUBLED = re.compile(r"([a-z])\1+")


def sound(key: str) -> str:
    """A folded name as it sounds, for spellings that differ but sound alike: « z » for
    « s » (« creuze »), « ph » for « f », doubled letters once (« dordognne »)."""
    return _DOUBLED.sub(r"\1", key.replace("ph", "f").replace("z", "s"))


def label_key(label: str) -> str:
    """Labels are matched as sent back by a button: only case and spacing may differ."""
    return " ".join(label.casefold().split())
