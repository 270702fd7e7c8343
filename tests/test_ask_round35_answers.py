"""Direct answers for questions as agents type them (round 35, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before the change it tests, unless it is marked as a guard:

- a figure of an item made for the outre-mer as a whole (the FEI's ceiling of 80 %) is the
  figure of every place of the outre-mer, not a local figure the base lacks.
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize(("text", "said"), [
    ("FEI pour une commune de Mayotte, c'est combien au maximum ?", "80 %"),
    ("Pour une école à Matoury, le FEI couvre jusqu'à quel pourcentage ?", "80 %"),
    ("le FEI peut aller jusqu'à combien pour un gymnase en Martinique ?", "80 %"),
])
def test_an_overseas_item_gives_the_figure_of_every_overseas_place(
        searcher: Searcher, text: str, said: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.item.id == "fei_outre_mer"
    assert said in result.direct.answer.text


def test_a_local_count_stays_unanswered(searcher: Searcher) -> None:
    """Guard: a count of one overseas place is still a local figure."""
    assert searcher.ask("combien de SCIC en Guadeloupe ?").direct is None
