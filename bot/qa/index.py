"""The search index of the knowledge base: BM25F postings, built in memory at start-up.

Each item is split into fields weighted by how much a match there says about the item:
its title and key words (the glossary term, the acronyms, the id) weigh most, the body
least. For every stem the index keeps, per item, the BM25F saturation ``tf / (k1 + tf)``
of its field-weighted frequency, so a search only adds precomputed numbers (see
:mod:`bot.qa.search`). A pure-Python index of ~200 items builds in a few tens of
milliseconds and answers in well under a millisecond; no database is needed.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from bot.knowledge.model import Item, KnowledgeBase
from bot.qa.normalize import STOP_WORDS, stem, words

# field -> (weight, length normalisation b)
FIELDS: dict[str, tuple[float, float]] = {
    "keywords": (8.0, 0.0),
    "title": (5.0, 0.3),
    "questions": (2.0, 0.3),  # the questions of the item's direct answers (faq.yaml)
    "summary": (1.5, 0.5),
    "body": (1.0, 0.5),
    "extra": (0.5, 0.5),
}
K1 = 2.0  # weights and K1 tuned on tests/data/questions.yaml (docs/questions.md)
# The fields that name an item or say what it answers: a match there anchors a question
# in the knowledge base (bot.qa.search).
STRONG_FIELDS = ("keywords", "title", "questions")
_ACRONYM = re.compile(r"\b[A-ZÉ][A-ZÉ0-9+]{1,9}\b")


def item_names(it: Item) -> list[str]:
    """The names of an item: its id's words, and a glossary entry's term."""
    names = [it.id.replace("_", " ").removeprefix("glossaire ")]
    if it.kind == "glossary":
        names.append(re.split(r"\s+[–—-]\s+|\s*[(,:]", it.title, maxsplit=1)[0])
    return names


def item_fields(kb: KnowledgeBase | None, it: Item,
                questions: Mapping[str, list[str]] | None = None) -> dict[str, str]:
    """The text of each field of an item (its direct answers' questions included);
    ``questions``: item id -> its answers' questions, when the caller has grouped them
    once (see :func:`questions_by_item`) rather than for each item."""
    keywords = item_names(it)
    keywords += _ACRONYM.findall(it.title)
    if it.region and kb is not None:
        label = kb.vocabularies.get("regions", {}).get(it.region)
        if label is not None:
            keywords.append((label.texts or {}).get("fr", ""))
    extra = [it.legal_basis or "", it.how_to_reach or "", it.audience or ""]
    extra += [source.title for source in it.sources]
    if questions is None:
        questions = questions_by_item(kb)
    return {"keywords": " ".join(keywords), "title": it.title, "summary": it.summary,
            "questions": " ".join(questions.get(it.id, ())), "body": it.body,
            "extra": " ".join(extra)}


def questions_by_item(kb: KnowledgeBase | None) -> dict[str, list[str]]:
    """Item id -> the questions of its direct answers (content/faq.yaml)."""
    found: dict[str, list[str]] = defaultdict(list)
    for answer in kb.answers.values() if kb else ():
        found[answer.item].extend(answer.questions)
    return found


def fields_by_item(kb: KnowledgeBase) -> dict[str, dict[str, str]]:
    """Item id -> the text of each of its fields (:func:`item_fields`), for every item: made
    once per build and shared by the indexes of the items and of the direct answers."""
    questions = questions_by_item(kb)
    return {it.id: item_fields(kb, it, questions) for it in kb.items.values()}


@lru_cache(maxsize=8192)
def analyse(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The folded words of a text and the stems of those that carry meaning. Cached: the
    searcher's indexes read the same fields (titles, keywords, questions) several times."""
    folded = tuple(words(text))
    return folded, tuple([stem(w) for w in folded if w not in STOP_WORDS])


@lru_cache(maxsize=8192)
def term_counts(text: str) -> Mapping[str, int]:
    """How often each stem of :func:`analyse` occurs in a text, in the order first met
    (shared: never modify it). A plain dict: ``Counter``'s type checks cost more than the
    counting, for thousands of short texts."""
    counts: dict[str, int] = {}
    for term in analyse(text)[1]:
        counts[term] = counts.get(term, 0) + 1
    return counts


def pairs_around(stems: Sequence[str], at: int) -> list[tuple[str, ...]]:
    """The pairs a word makes with the word before it and with the word after it."""
    return [tuple(stems[i:i + 2]) for i in (at - 1, at) if i >= 0 and i + 1 < len(stems)]


def trigrams(term: str) -> set[str]:
    padded = f"^{term}$"
    return {padded[i:i + 3] for i in range(len(padded) - 2)}


@dataclass
class Index:
    items: list[Any]  # knowledge items, or any documents (direct answers)
    postings: dict[str, list[tuple[int, float]]]  # stem -> [(item number, saturation)]
    idf: dict[str, float]
    max_idf: float  # the idf of a stem no item has
    surface: frozenset[str]  # every folded word of the content (the known vocabulary)
    # Phrases (of the synonym groups) -> the documents where their words follow each other:
    # « chantier d'insertion » is not « chantier » here and « insertion » there.
    adjacent: dict[tuple[str, ...], set[int]] = field(default_factory=dict)

    @cached_property
    def grams(self) -> dict[str, set[str]]:
        """Trigram -> stems (typo tolerance). Made when first read: the searcher reads the
        items' and the off-topic examples' only, not those of its four other indexes."""
        grams: dict[str, set[str]] = defaultdict(set)
        for term in self.postings:
            if term.isalpha() and len(term) >= 3:
                for gram in trigrams(term):
                    grams[gram].add(term)
        return dict(grams)

    @classmethod
    def build(cls, kb: KnowledgeBase, fields: tuple[str, ...] = tuple(FIELDS),
              phrases: Collection[tuple[str, ...]] = (),
              texts: Mapping[str, dict[str, str]] | None = None,
              around: Collection[str] = ()) -> Index:
        """The index of the knowledge items, in id order (of some fields only, if given);
        ``phrases``: stems of phrases whose adjacency is recorded; ``around``: stems whose
        pairs with the stem before and after them are recorded too; ``texts``: the items'
        fields, when the caller has made them once (:func:`fields_by_item`)."""
        items = sorted(kb.items.values(), key=lambda it: it.id)
        texts = fields_by_item(kb) if texts is None else texts

        def fields_of(it: Item) -> dict[str, str]:
            return {k: v for k, v in texts[it.id].items() if k in fields}

        return cls.of_documents(items, fields_of, {k: FIELDS[k] for k in fields}, phrases,
                                around)

    @classmethod
    def of_documents(cls, items: list[Any], fields_of: Callable[[Any], dict[str, str]],
                     weights: dict[str, tuple[float, float]],
                     phrases: Collection[tuple[str, ...]] = (),
                     around: Collection[str] = ()) -> Index:
        per_item: list[dict[str, Mapping[str, int]]] = []
        lengths: dict[str, list[int]] = {name: [] for name in weights}
        surface: set[str] = set()
        starting: dict[str, set[int]] = defaultdict(set)  # first stem -> phrase lengths
        wanted = {p for p in phrases if len(p) > 1}
        for phrase in wanted:
            starting[phrase[0]].add(len(phrase))
        adjacent: dict[tuple[str, ...], set[int]] = defaultdict(set)
        for number, it in enumerate(items):
            fields = {}
            for name, text in fields_of(it).items():
                folded, stems = analyse(text)
                surface.update(folded)
                fields[name] = term_counts(text)
                lengths[name].append(len(stems))
                for i in [i for i, said in enumerate(stems) if said in around]:
                    for pair in pairs_around(stems, i):
                        adjacent[pair].add(number)
                if not starting:
                    continue
                # only where a phrase may start: most stems start none
                for i in [i for i, first in enumerate(stems) if first in starting]:
                    for size in starting[stems[i]]:
                        phrase = tuple(stems[i:i + size])
                        if phrase in wanted:
                            adjacent[phrase].add(number)
            per_item.append(fields)
        average = {name: (sum(v) / len(v) if v and sum(v) else 1.0)
                   for name, v in lengths.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for number, fields in enumerate(per_item):
            weighted: dict[str, float] = defaultdict(float)
            for name, counts in fields.items():
                weight, b = weights[name]
                size = sum(counts.values())
                norm = 1 - b + b * size / average[name]
                for term, tf in counts.items():
                    weighted[term] += weight * tf / norm
            for term, value in weighted.items():
                postings[term].append((number, value / (K1 + value)))
        n = len(items)
        idf = {term: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5))
               for term, p in postings.items()}
        return cls(items, dict(postings), idf, math.log(1 + (n + 0.5) / 0.5),
                   frozenset(surface), dict(adjacent))

    def __contains__(self, term: str) -> bool:
        return term in self.postings
