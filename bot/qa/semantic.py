"""A semantic signal: French word vectors for the words of a question the index lacks.

Agents say « boulot », « bouffe », « la cantine » where the knowledge base says
« emploi », « alimentation », « restauration scolaire ». The word vectors of spaCy's
``fr_core_news_md`` (300 dimensions, 500,000 words; loaded through spaCy's public
``Vectors`` API, the vocabulary only, no pipeline) give, for a word no item has, the
words of the content closest in meaning (cosine similarity). The package is optional:
without it the search is lexical only (one log line says so).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

log = logging.getLogger(__name__)

PACKAGE = "fr_core_news_md"
THRESHOLD = 0.45  # least cosine of a content word to a word typed (« cantine » ~
                  # « restauration » 0.45; « météo » ~ « subvention » 0.0)
SAME = 0.99  # pruned vocabulary: a rare word shares the row of a frequent one (« Brive »
             # and « Grenoble »), no evidence of meaning
LIMIT = 3  # content stems a word typed may stand for
WEIGHT = 0.5  # an alternative's weight, times its cosine (a synonym weighs 0.9)


@dataclass
class WordVectors:
    """The vectors of the content's words (one row per word, unit length) and a lookup of
    any word typed."""

    vectors: Any  # spacy.vectors.Vectors: every word of the model
    stems: list[str]  # the index stem of each row of ``matrix``
    matrix: Any  # numpy array, (words of the content, dimensions), rows of unit length

    @classmethod
    def load(cls, vocabulary: Iterable[tuple[str, str]]) -> WordVectors | None:
        """The vectors of ``vocabulary`` (content word as written in lower case, its stem),
        or None when the model package is not installed."""
        try:
            import numpy
            from spacy.util import get_package_path
            from spacy.vectors import Vectors
        except ImportError:
            log.info("question search: spaCy is not installed, lexical search only")
            return None
        try:
            package = get_package_path(PACKAGE)
        except (ImportError, ModuleNotFoundError, AttributeError):
            log.info("question search: %s is not installed, lexical search only", PACKAGE)
            return None
        data = next((p for p in sorted(package.iterdir())
                     if p.is_dir() and p.name.startswith(PACKAGE + "-")), None)
        if data is None or not (data / "vocab" / "vectors").exists():
            log.info("question search: no vectors in %s, lexical search only", package)
            return None
        vectors = Vectors().from_disk(data / "vocab")
        rows, stems = [], []
        for word, stem in sorted(set(vocabulary)):
            row = cls._row(vectors, word)
            if row is not None:
                rows.append(row)
                stems.append(stem)
        matrix = numpy.asarray(vectors.data)[rows] if rows else numpy.zeros((0, 1))
        norms = numpy.linalg.norm(matrix, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return cls(vectors, stems, (matrix / norms).astype("float32"))

    def with_items(self, items: list[list[tuple[str, float]]]) -> WordVectors:
        """The averaged vector (weighted: idf) of each item's words (as written, weight)."""
        import numpy

        self.item_matrix = numpy.stack([self.average(words) for words in items])
        return self

    def average(self, words: list[tuple[str, float]]) -> Any:
        import numpy

        total = numpy.zeros(self.vectors.shape[1], dtype="float32")
        for word, weight in words:
            row = self._row(self.vectors, word)
            if row is None:
                continue
            vector = numpy.asarray(self.vectors.data[row], dtype="float32")
            norm = float(numpy.linalg.norm(vector))
            if norm:
                total += weight * vector / norm
        norm = float(numpy.linalg.norm(total))
        return total / norm if norm else total

    def similarities(self, words: list[tuple[str, float]]) -> Any:
        """The cosine of the question's averaged vector with each item's."""
        return self.item_matrix @ self.average(words)

    @staticmethod
    def _row(vectors: Any, word: str) -> int | None:
        row = vectors.find(key=word)
        return None if row is None or row < 0 else int(row)

    def alternatives(self, word: str) -> list[tuple[tuple[str, ...], float]]:
        """Alternatives of a concept for a word no item has: the closest content stems,
        weighed by their similarity."""
        return [((stem,), WEIGHT * value)
                for stem, value in self.nearest(word, THRESHOLD, LIMIT)]

    def nearest(self, word: str, threshold: float, limit: int) -> list[tuple[str, float]]:
        """The stems of the content's words closest in meaning to ``word`` (at least
        ``threshold`` cosine), best first, at most ``limit``."""
        import numpy

        row = self._row(self.vectors, word)
        if row is None or not len(self.stems):
            return []
        vector = numpy.asarray(self.vectors.data[row], dtype="float32")
        norm = float(numpy.linalg.norm(vector))
        if not norm:
            return []
        similarity = self.matrix @ (vector / norm)
        best: dict[str, float] = {}
        count = min(4 * limit, len(similarity))
        top = numpy.argpartition(-similarity, count - 1)[:count]
        for number in top[numpy.argsort(-similarity[top])]:
            value = float(similarity[number])
            if value < threshold:
                break
            if value > SAME:
                continue  # a word the model knows only through another's vector
            stem = self.stems[number]
            best[stem] = max(best.get(stem, 0.0), value)
        return sorted(best.items(), key=lambda kv: -kv[1])[:limit]
