"""Answer a question from the index: analyse it into concepts, then rank items (BM25F).

A question becomes a list of *concepts*. A concept is one meaningful word, or a phrase of
``synonymes.yaml``, with its alternatives: the synonyms of its group, and for a word the
index does not know, its likely spellings (edit distance) and completions (« interco »).
An item earns, for each concept, the best of its alternatives (not their sum: three
synonyms of one idea must not outweigh two ideas), weighted by the concept's rarity (idf).

The score of an item is the share of the question's weight it covers, between 0 and 1:
a score of 0.6 means the item matches the words that carry 60 % of the question's
meaning. Thresholds are set on that scale (see docs/questions.md for their calibration).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from bot.knowledge.model import Item
from bot.qa.index import Index, trigrams
from bot.qa.normalize import INTENTS, STOP_WORDS, stem, words
from bot.qa.synonyms import Phrase, Synonyms

RELEVANT = 0.30  # an item at or above this answers the question (calibrated: docs)
NEARBY = 0.12  # below RELEVANT, an item above this is a « close topic »
SYNONYM_WEIGHT = 0.9
COMPLETION_WEIGHT = 0.7
TYPO_WEIGHTS = {1: 0.75, 2: 0.55}
INTENT_BOOST = 1.3  # « c'est quoi... »: the glossary first; « exemple de... »: examples
MATCHED = 0.3  # an item "has" a concept when it matches at least this much (for its idf)
UNKNOWN_SHARE = 0.8  # weight of a word nothing matches, relative to the rarest word
OTHER_REGION = 0.5  # a CRESS of another region than the user's
OWN_REGION = 1.2


@dataclass(frozen=True, slots=True)
class Hit:
    item: Item
    score: float  # the share of the question's weight the item covers, 0..1


@dataclass
class Concept:
    typed: str
    importance: float
    alternatives: list[tuple[Phrase, float]] = field(default_factory=list)


@dataclass
class Analysis:
    concepts: list[Concept]
    intents: frozenset[str]  # kinds of item the wording asks for (glossary, example...)


def osa_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, or limit + 1 beyond it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


class Searcher:
    """Searches one index with one set of synonyms; immutable once built (thread-safe)."""

    def __init__(self, index: Index, synonyms: Synonyms):
        self.index = index
        self.synonyms = synonyms
        self.group_of: dict[Phrase, int] = {}
        for number, group in enumerate(synonyms.groups):
            for phrase in group:
                self.group_of.setdefault(phrase, number)
        self.longest_phrase = max((len(p) for p in self.group_of), default=1)
        # Stems typos may be corrected into: the index's, and the one-word synonyms.
        self.known = set(index.postings) | {p[0] for p in self.group_of if len(p) == 1}
        self.grams: dict[str, set[str]] = defaultdict(set, {g: set(t) for g, t in
                                                            index.grams.items()})
        for phrase in self.group_of:
            if len(phrase) == 1 and phrase[0].isalpha() and len(phrase[0]) >= 3:
                for gram in trigrams(phrase[0]):
                    self.grams[gram].add(phrase[0])

    # -- analysis ---------------------------------------------------------------------------

    def expand(self, phrase: Phrase, weight: float) -> list[tuple[Phrase, float]]:
        """A phrase and, if it belongs to a synonym group, the rest of its group."""
        group = self.group_of.get(phrase)
        if group is None:
            return [(phrase, weight)]
        return [(other, weight if other == phrase else weight * SYNONYM_WEIGHT)
                for other in self.synonyms.groups[group]]

    def corrections(self, term: str, typed_length: int = 0) -> list[tuple[str, float]]:
        """Likely meant stems for a stem nobody wrote: close spellings and completions.

        ``typed_length`` is the length of the word as typed: in words of up to seven
        letters only a wrong or swapped letter is corrected, not a missing or extra one
        (« garbage » is not « garage »).
        """
        if len(term) < 4 or not term.isalpha():
            return []
        found: dict[str, float] = {}
        completions = [t for t in self.known if len(t) > len(term) and t.startswith(term)]
        completions.sort(key=lambda t: (-len(self.index.postings.get(t, ())), t))
        for candidate in completions[:4]:
            found[candidate] = COMPLETION_WEIGHT
        limit = 1 if len(term) <= 7 else 2
        shared: dict[str, int] = defaultdict(int)
        for gram in trigrams(term):
            for candidate in self.grams.get(gram, ()):
                shared[candidate] += 1
        needed = max(1, len(term) - 1 - 3 * limit)
        for candidate, count in shared.items():
            if count < needed or candidate in found or candidate[0] != term[0]:
                continue
            if max(typed_length, len(term)) <= 7 and len(candidate) != len(term):
                continue  # short words: a swapped or wrong letter, not a missing one
            distance = osa_distance(term, candidate, limit)
            if distance <= limit:
                found[candidate] = TYPO_WEIGHTS[distance]
        best = sorted(found.items(), key=lambda kv: -kv[1])
        return best[:6]

    def analyse(self, text: str) -> Analysis:
        folded = self.synonyms.rewrite(words(text))
        intents = frozenset(kind for kind, marks in INTENTS.items()
                            if any(w in marks for w in folded))
        meaningful = [w for w in folded if w not in STOP_WORDS]
        stems = [stem(w) for w in meaningful]
        concepts: list[Concept] = []
        seen: set[Phrase] = set()
        i = 0
        while i < len(stems):
            for size in range(min(self.longest_phrase, len(stems) - i), 0, -1):
                phrase = tuple(stems[i:i + size])
                if phrase in self.group_of:
                    break
            else:
                size, phrase = 1, (stems[i],)
            i += size
            if phrase in seen:
                continue
            seen.add(phrase)
            if phrase in self.group_of or phrase[0] in self.index:
                alternatives = self.expand(phrase, 1.0)
            else:
                alternatives = []
                for candidate, weight in self.corrections(phrase[0], len(meaningful[i - 1])):
                    alternatives += self.expand((candidate,), weight)
            concepts.append(Concept(" ".join(phrase), 0.0, alternatives))
        return Analysis(concepts, intents)

    # -- ranking ----------------------------------------------------------------------------

    def search(self, text: str, top: int | None = None, region: str | None = None) -> list[Hit]:
        """Items matching the question, best first, with their score (0..1)."""
        analysis = self.analyse(text)
        if not analysis.concepts:
            return []
        index = self.index
        n = len(index.items)
        scores: dict[int, float] = defaultdict(float)
        total = 0.0
        for concept in analysis.concepts:
            best = self.concept_matches(concept)
            # A concept weighs what it discriminates: the idf of the items that have it, so
            # that « mairie », whose synonyms are everywhere, weighs as little as « commune ».
            having = sum(1 for value in best.values() if value >= MATCHED)
            if having:
                concept.importance = math.log(1 + (n - having + 0.5) / (having + 0.5))
            else:
                concept.importance = UNKNOWN_SHARE * index.max_idf
            total += concept.importance
            for number, value in best.items():
                scores[number] += concept.importance * value
        if total <= 0:
            return []
        hits = []
        for number, raw in scores.items():
            item = index.items[number]
            score = raw / total
            if item.kind in analysis.intents:
                score *= INTENT_BOOST
            if region and item.kind == "contact" and item.region:
                score *= OWN_REGION if item.region == region else OTHER_REGION
            hits.append(Hit(item, round(min(score, 1.0), 4)))
        hits.sort(key=lambda h: (-h.score, h.item.kind != "glossary", h.item.id))
        return hits[:top] if top else hits

    def concept_matches(self, concept: Concept) -> dict[int, float]:
        """For each item, how well its best alternative of the concept matches (0..1)."""
        idf, postings, unknown = self.index.idf, self.index.postings, self.index.max_idf
        best: dict[int, float] = {}
        for phrase, weight in concept.alternatives:
            phrase_idf = sum(idf.get(s, unknown) for s in phrase)
            matched: dict[int, float] = defaultdict(float)
            for s in phrase:
                for number, saturation in postings.get(s, ()):
                    matched[number] += idf[s] * saturation
            for number, value in matched.items():
                value = weight * value / phrase_idf
                if value > best.get(number, 0.0):
                    best[number] = value
        return best
