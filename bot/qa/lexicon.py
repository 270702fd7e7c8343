"""What a word the knowledge base does not know is: a verb form, or a subject.

A question about « une zorglubienne » or « le club de foot » names a subject the base
knows nothing of; « nous voulons », « ils parlent », « on a entendu » only carry the
sentence. The difference matters for abstention (:mod:`bot.qa.search`): an unknown
*subject* means the question is probably about something else, an unknown verb means
nothing. Simplemma's French dictionary (a maintained, offline lemmatiser) tells them
apart: a word whose lemma is an infinitive is a verb form.
"""

from __future__ import annotations

from functools import lru_cache

import simplemma

from bot.qa.normalize import fold

_LANG = "fr"
_INFINITIVE = ("er", "ir", "oir")
# Endings of conjugated forms and participles of « -re » verbs (« entendu », « prennent »,
# « ça dépend », « je prends »): « mère » or « lettre », whose lemma also ends in « re », are
# nouns.
_RE_VERB_FORMS = ("ons", "ez", "ent", "ait", "ais", "aient", "u", "ue", "us", "ues",
                  "it", "is", "rai", "rais", "ra", "rons", "ront", "d", "ds")


def warm() -> None:
    """Load the French dictionary now (it takes a few tenths of a second), not on the first
    question."""
    simplemma.lemmatize("voulons", lang=_LANG)


@lru_cache(maxsize=16384)
def is_verb_form(word: str) -> bool:
    """Whether a lower-case word (accents kept if typed) is a form of a French verb."""
    if not word.isalpha() or not simplemma.is_known(word, lang=_LANG):
        return False
    lemma = simplemma.lemmatize(word, lang=_LANG)
    if word in (lemma + "s", lemma + "x"):
        return False  # « dossiers », « chantiers », « loisirs »: a plural noun, never a verb
    if lemma.endswith(_INFINITIVE):
        return lemma != word or _conjugates(word)
    if lemma == word and word.endswith("re"):  # « reprendre », « vendre », « construire »
        return any(simplemma.lemmatize(form, lang=_LANG) == word
                   for form in (word[:-2] + "ons", word[:-3] + "ons", word[:-2] + "s"))
    # endings read without accents: « il connaît », « il paraît » end as « il dit »
    return lemma.endswith("re") and lemma != word and fold(word).endswith(_RE_VERB_FORMS)


@lru_cache(maxsize=16384)
def is_word(word: str) -> bool:
    """Whether a lower-case word (accents kept if typed) is in the French dictionary
    (« entrepôt »), so not a misspelling of another word."""
    return word.isalpha() and simplemma.is_known(word, lang=_LANG)


def _conjugates(infinitive: str) -> bool:
    """Whether a word that is its own lemma is an infinitive (« tailler ») rather than a noun
    (« dossier »): some present form of it (« taillons », « finissons ») leads back to it."""
    stem_ = infinitive[:-3] if infinitive.endswith("oir") else infinitive[:-2]
    endings: tuple[str, ...] = ("ons", "issons", "ez")
    if infinitive.endswith("rir"):
        endings += ("e",)  # « ouvrir », « couvrir », « offrir »: « il ouvre »
    return any(simplemma.lemmatize(stem_ + ending, lang=_LANG) == infinitive
               for ending in endings)
