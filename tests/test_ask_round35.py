"""Round 35 of issue 16 (qa35): top-3 and refusals, with sentences written for these tests
(not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.qa.normalize import terms
from bot.qa.search import Searcher


def _ids(searcher: Searcher, text: str) -> list[str]:
    return [hit.item.id for hit in searcher.ask(text).hits]


def test_the_nouvelle_of_a_commune_nouvelle_is_kept_as_a_names_word() -> None:
    assert terms("les communes nouvelles") == terms("une commune nouvelle")
    assert len(terms("une commune nouvelle")) == 2
    assert len(terms("une nouvelle association")) == 1  # elsewhere, a stop word


@pytest.mark.parametrize("text", [
    "qu'est-ce qu'une commune nouvelle ?",
    "communes nouvelles, définition svp",
    "c koi une commune nouvelle",
])
def test_what_a_commune_nouvelle_is_gets_its_entry(searcher: Searcher, text: str) -> None:
    """« commune » is a context word, « nouvelle » a stop word elsewhere: said together
    they are the name of a glossary entry, the subject of the question."""
    assert _ids(searcher, text)[:1] == ["glossaire_commune_nouvelle"]


def test_a_commune_nouvelle_that_only_says_who_asks_is_context(searcher: Searcher) -> None:
    """« nous sommes une commune nouvelle » tells who asks: the question is about the
    guarantee of a loan, not about the commune nouvelle."""
    text = ("Nous sommes une commune nouvelle du Calvados. Le conseil peut-il se porter "
            "garant du prêt bancaire de l'association du foyer rural ?")
    ids = _ids(searcher, text)
    assert ids and "glossaire_commune_nouvelle" not in ids
