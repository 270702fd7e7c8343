"""Round 36 of issue 16 (qa36): refusals of questions the base answers, with sentences
written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize("question", [
    "la loi d'urgence pour Mayotte, ça dit quoi ?",
    "Mamoudzou : que prévoit la loi d'urgence Mayotte pour l'habitat ?",
])
def test_an_off_topic_word_said_as_the_base_says_it_is_not_off_topic(
        searcher: Searcher, question: str) -> None:
    """« urgences » is a word of health in « hors_champ »; « loi d'urgence » next to
    Mayotte is what an item says: the question is about the base's subject."""
    result = searcher.ask(question)
    assert result.hits
    assert result.hits[0].item.id == "outre_mer_habitat_informel"


@pytest.mark.parametrize("question", [
    "les urgences de Mayotte ont-elles assez de lits ?",
    "quelle loi encadre les urgences de l'hôpital ?",
    "la liste des associations employeuses de Brive ?",
])
def test_an_off_topic_word_said_otherwise_still_refuses(searcher: Searcher,
                                                         question: str) -> None:
    """Not when the base never says the word next to the question's (« liste des
    associations »), nor with only who asks (a place) or nothing that names an item."""
    assert not searcher.ask(question).hits

