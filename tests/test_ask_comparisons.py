"""Two things compared, and whether an elected official may chair an association, as agents
type them (sentences written for these fixes, not taken from any evaluation set).

« c'est pareil qu'une … ? » asks how they differ, and the answer written for the difference
reads as well after « quelle différence » as after « c'est pareil ? » (it began « Non : »,
shown for « c'est quoi la différence entre une scic et une scop »)."""

from __future__ import annotations

import pytest

from bot.qa.aspects import aspects_of
from bot.qa.normalize import words
from bot.qa.search import Searcher


@pytest.mark.parametrize("text", [
    "une SCOP c'est pareil qu'une SCIC ?",
    "une recyclerie c'est la même chose qu'une ressourcerie ?",
])
def test_the_same_as_asks_the_difference(text: str) -> None:
    assert "difference" in aspects_of(words(text))


@pytest.mark.parametrize("text", [
    "une SCOP c'est pareil qu'une SCIC ?",
    "c'est quoi la différence entre une scic et une scop",
])
def test_scop_and_scic_are_told_apart(searcher: Searcher, text: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.text.startswith("Ce sont deux coopératives différentes")
    assert "SCIC" in result.direct.answer.text


def test_the_difference_of_recycling_shops_is_answered(searcher: Searcher) -> None:
    result = searcher.ask("une recyclerie c'est la même chose qu'une ressourcerie ?")
    assert result.direct is not None
    assert result.direct.answer.id == "ressourcerie_recyclerie_difference"


@pytest.mark.parametrize("text", [
    "le maire peut-il être président d'une association ?",
    "un élu peut-il présider une association subventionnée par la commune ?",
])
def test_whether_an_elected_official_may_chair_an_association(searcher: Searcher,
                                                              text: str) -> None:
    """« être président de » asks whether one may hold the office, not who holds it (it was
    refused as a question about one body's president); the answer says yes, and the rule."""
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.text.startswith("Oui, un élu peut présider")
    assert "L2131-11" in result.direct.answer.text
    assert result.hits[0].item.id == "glossaire_elu_interesse"


def test_who_chairs_a_body_is_still_a_specific_question() -> None:
    assert "specific" in aspects_of(words("qui est le président de la CRESS Bretagne ?"))
    assert "specific" not in aspects_of(words("le maire peut-il être président de l'asso ?"))
