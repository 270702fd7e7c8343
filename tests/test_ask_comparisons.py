"""Two things compared, as agents type it (sentences written for this fix, not taken from any
evaluation set): « c'est pareil qu'une … ? » asks how they differ, and the answer written
for the difference reads as well after « quelle différence » as after « c'est pareil ? »
(it began « Non : », shown for « c'est quoi la différence entre une scic et une scop »)."""

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
