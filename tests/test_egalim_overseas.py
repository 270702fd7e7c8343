"""EGalim thresholds in the outre-mer (décret n° 2021-1235 of 25 September 2021).

A Mamoudzou feuille de route said « au moins 50 % de produits durables, dont 20 % bio »:
Mayotte's threshold is 15 % dont 5 % from 2026 to 2029, the other DROM's 35 % dont 10 %.
The sentences below were written for this fix, not taken from any evaluation set.
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher

DECREE = "https://www.legifrance.gouv.fr/jorf/id/JORFTEXT000044099642"


@pytest.mark.parametrize(("text", "said"), [
    ("taux EGalim en Martinique ?", "35 %"),
    ("cantine scolaire à Mayotte : quelle part de produits durables et de bio ?", "15 %"),
    ("egalim outre-mer", "Saint-Pierre-et-Miquelon"),
])
def test_an_overseas_question_gets_the_overseas_thresholds(searcher: Searcher, text: str,
                                                           said: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert said in result.direct.answer.text
    assert DECREE in [source.url for source in result.direct.answer.sources]


@pytest.mark.parametrize("text", [
    "cantine d'une commune de l'Orne : combien de bio et de durable ?",
    "à Lille, quel pourcentage de bio la cantine doit-elle atteindre ?",
])
def test_a_question_placed_in_the_hexagone_is_not_given_mayottes(searcher: Searcher,
                                                                 text: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert "20 %" in result.direct.answer.text
    assert "Mayotte" not in result.direct.answer.text


def test_the_lever_says_the_thresholds_differ_overseas() -> None:
    from bot.knowledge import load_knowledge
    from tests.conftest import PROJECT_ROOT

    lever = load_knowledge(PROJECT_ROOT / "content")[0].items["restauration_collective_egalim"]
    assert "outre-mer" in lever.summary
    assert "2021-1235" in (lever.legal_basis or "")
    assert DECREE in [source.url for source in lever.sources]
