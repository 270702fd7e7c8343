"""Free-text questions: find the answer in the knowledge base, say where it comes from.

- :mod:`bot.qa.normalize`: folding, words, stop words, the light French stemmer;
- :mod:`bot.qa.synonyms`: ``content/synonymes.yaml``, validated with file:line errors;
- :mod:`bot.qa.aspects`: what a question asks about its subject (who, how much, law...);
- :mod:`bot.qa.places`: the places a question names, and their région;
- :mod:`bot.qa.index`: the BM25F index of the knowledge base, built in memory;
- :mod:`bot.qa.answers`: direct answers (``content/faq.yaml`` and the items' fields);
- :mod:`bot.qa.search`: question analysis (synonyms, typos, context), ranking, abstention;
- :mod:`bot.qa.redact`: personal data removed before an unanswered question is stored;
- :mod:`bot.qa.group`: similar unanswered questions grouped for administrators;
- :mod:`bot.qa.feature`: the questions feature (answers, detail buttons, « je ne sais pas »).

See docs/questions.md.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.knowledge.model import KnowledgeBase, place_level_code
from bot.knowledge.territory import TerritoryIndex
from bot.qa import lexicon
from bot.qa.answers import answer_index, direct_answers, sentence_answers, sentence_index
from bot.qa.index import STRONG_FIELDS, Index, fields_by_item
from bot.qa.normalize import fold, words
from bot.qa.places import Gazetteer
from bot.qa.search import NEARBY, RELEVANT, Hit, Result, Searcher
from bot.qa.synonyms import SYNONYMS_FILE, Synonyms, load_synonyms
from bot.yamlsrc import Problem

_PLACE_KINDS = ("region", "departement", "commune", "epci", "ept")
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-ÿœæ]+(?![\w-])")


def build_searcher(kb: KnowledgeBase, content_dir: Path,
                   root: Path | None = None) -> tuple[Searcher, list[Problem]]:
    """The searcher of a knowledge base with the synonyms and places of its content folder."""
    synonyms, problems = load_synonyms(content_dir / SYNONYMS_FILE, root)
    lexicon.warm()
    phrases = [phrase for group in synonyms.groups for phrase in group if len(phrase) > 1]
    phrases += synonyms.off_topic_phrases  # whether an item says « état civil » as such
    texts = fields_by_item(kb)  # the items' fields, made once for the four indexes
    searcher = Searcher(Index.build(kb, phrases=phrases, texts=texts,
                                    around=synonyms.off_topic_stems), synonyms,
                        answer_index(kb, direct_answers(kb), texts),
                        gazetteer(kb, content_dir), Index.build(kb, STRONG_FIELDS, texts=texts),
                        Index.build(kb, ("keywords",), texts=texts),
                        sentence_index(sentence_answers(kb)))
    return searcher, problems


def gazetteer(kb: KnowledgeBase, content_dir: Path) -> Gazetteer | None:
    """Places from the territory file of the content folder (None without it)."""
    from bot.knowledge.profile import load_territories
    from bot.knowledge.territory import default_territory_path

    path = default_territory_path(content_dir)
    if not path.exists():
        return None
    regions = {code: [text for text in (label.texts or {}).values() if text]
               for code, label in kb.vocabularies.get("regions", {}).items()}
    lower: set[str] = set()
    for item in kb.items.values():
        for text in (item.title, item.summary, item.body):  # folded at once, not word by word
            lower.update(fold(" ".join(_LOWER_WORD.findall(text))).split())
    index = load_territories(path)
    return Gazetteer.build(index.territories, regions, lower,
                           lambda territory: index.context(territory).programmes,
                           index.programmes, places_regions(kb, index))


def places_regions(kb: KnowledgeBase, index: TerritoryIndex) -> dict[str, str]:
    """Item id -> the one région of the collectivités its ``places`` name (an example's
    own collectivités: a région, département, commune or EPCI code)."""
    found: dict[str, str] = {}
    for item in kb.items.values():
        if item.region is not None or not item.places:
            continue
        text = " ".join(words(" ".join((item.title, item.summary, item.body))))
        regions: set[str] = set()
        for place in item.places:
            said, code = place_level_code(place)
            candidates = [t for kind in ((said,) if said else _PLACE_KINDS)
                          if (t := index.get(kind, code)) is not None and t.region_code]
            # « 44 » is a région and a département: the one the item's text names
            named = [t for t in candidates
                     if re.search(rf"\b{re.escape(' '.join(words(t.name)))}\b", text)] or candidates
            regions.update(t.region_code for t in named)
        if len(regions) == 1:
            found[item.id] = regions.pop()
    return found


__all__ = ["NEARBY", "RELEVANT", "Hit", "Result", "Searcher", "Synonyms", "build_searcher"]
