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


@pytest.mark.parametrize(("question", "item"), [
    ("cantine de notre commune des Landes : on doit servir combien de bio ?",
     "restauration_collective_egalim"),
    ("on crée une CUMA à Aurillac avec les éleveurs du coin, il faut combien d'associés au "
     "minimum ?", "glossaire_cuma"),
    ("notre asso de Cayenne : le FEI finance jusqu'à quel pourcentage d'un investissement ?",
     "fei_outre_mer"),
])
def test_the_figure_of_a_rule_is_the_same_in_the_place_the_asker_names(
        searcher: Searcher, question: str, item: str) -> None:
    """« on doit… combien », « faut-il au minimum », « jusqu'où peut-on » ask a floor or a
    ceiling set by law, not a figure of the place named: answered, not refused."""
    result = searcher.ask(question)
    assert result.direct is not None
    assert result.hits[0].item.id == item


@pytest.mark.parametrize("question", [
    "combien de SCIC dans le Cantal ?",
    "notre commune des Landes : combien d'associations employeuses y a-t-il ?",
])
def test_a_count_of_the_place_named_is_still_refused(searcher: Searcher,
                                                      question: str) -> None:
    assert not searcher.ask(question).hits


@pytest.mark.parametrize("question", [
    "quelle note a obtenue notre candidature à l'appel DSIL de la préfecture ?",
    "quel classement pour notre dossier LEADER au comité de sélection ?",
])
def test_the_mark_of_ones_own_file_is_refused(searcher: Searcher, question: str) -> None:
    """One jury's mark of one file is not in the base, like its acceptance."""
    assert not searcher.ask(question).hits


def test_how_files_are_marked_is_still_answered(searcher: Searcher) -> None:
    assert searcher.ask("comment est noté notre projet au Fonds vert ?").hits
