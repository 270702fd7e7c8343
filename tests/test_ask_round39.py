"""Round 39 of issue 16 (qa17): rules of reading found on the dev parts of rounds 9 to 12,
with sentences written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize("question", [
    "habitat participatif, aide de la ville ?",
    "habitat participatif : quelle aide de la mairie ?",
])
def test_the_help_of_the_commune_is_what_it_can_do_not_a_request_for_money(
        searcher: Searcher, question: str) -> None:
    """« aide de la commune » is the help the commune itself may give: the lever named
    first, not a funding tool of another collectivité (the AVP of the département)."""
    result = searcher.ask(question)
    assert result.hits[0].item.id == "habitat_participatif"
    assert result.direct is not None
    assert result.direct.answer.item.id == "habitat_participatif"


def test_a_request_for_aids_still_puts_funding_first(searcher: Searcher) -> None:
    result = searcher.ask("quelles aides pour une épicerie solidaire ?")
    assert result.hits[0].item.kind == "funding"
