"""Free-text questions: find the answer in the knowledge base, say where it comes from.

- :mod:`bot.qa.normalize`: folding, words, stop words, the light French stemmer;
- :mod:`bot.qa.synonyms`: ``content/synonymes.yaml``, validated with file:line errors;
- :mod:`bot.qa.index`: the BM25F index of the knowledge base, built in memory;
- :mod:`bot.qa.search`: question analysis (synonyms, typos) and ranking;
- :mod:`bot.qa.redact`: personal data removed before an unanswered question is stored;
- :mod:`bot.qa.hook`: the engine's question hook, detail buttons and the no-answer reply.

See docs/questions.md.
"""

from __future__ import annotations

from pathlib import Path

from bot.knowledge.model import KnowledgeBase
from bot.qa.index import Index
from bot.qa.search import NEARBY, RELEVANT, Hit, Searcher
from bot.qa.synonyms import SYNONYMS_FILE, Synonyms, load_synonyms
from bot.yamlsrc import Problem


def build_searcher(kb: KnowledgeBase, content_dir: Path,
                   root: Path | None = None) -> tuple[Searcher, list[Problem]]:
    """The searcher of a knowledge base with the synonyms of its content folder."""
    synonyms, problems = load_synonyms(content_dir / SYNONYMS_FILE, root)
    return Searcher(Index.build(kb), synonyms), problems


__all__ = ["NEARBY", "RELEVANT", "Hit", "Searcher", "Synonyms", "build_searcher"]
