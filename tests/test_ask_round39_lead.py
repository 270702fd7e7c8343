"""Round 39 of issue 16 (lead, fifteenth session): how a direct answer reads and which one is
chosen, with sentences written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize("question", [
    "qui peut financer le fonctionnement d'une crèche associative à Mamoudzou ?",
    "quels financeurs pour une micro-crèche parentale ?",
])
def test_an_open_question_is_not_answered_oui(searcher: Searcher, question: str) -> None:
    """« qui peut financer… ? » asks who: the answer written for « une crèche associative
    peut-elle toucher la PSU ? » is shown without its « Oui : »."""
    result = searcher.ask(question)
    assert result.direct is not None
    assert result.direct.answer.item.id == "caf_petite_enfance"
    assert not result.direct.answer.text.startswith("Oui")
    assert result.direct.answer.text[0].isupper()


def test_a_closed_question_keeps_its_oui(searcher: Searcher) -> None:
    """« une crèche associative peut-elle toucher la PSU ? » may be answered « oui », even
    with a « qui » in it."""
    result = searcher.ask("une crèche associative qui ouvre peut-elle toucher la PSU ?")
    assert result.direct is not None
    assert result.direct.answer.text.startswith("Oui")


@pytest.mark.parametrize("question", [
    "qui joue le rôle de la CAF à Mayotte ?",
    "à Mayotte y a-t-il une CAF pour financer notre crèche ?",
])
def test_mayotte_s_caf_is_the_cssm(searcher: Searcher, question: str) -> None:
    """Mayotte has no CAF of its own: its social security fund (CSSM) plays that role."""
    result = searcher.ask(question)
    assert result.direct is not None
    assert "CSSM" in result.direct.answer.text
    assert any("cleiss.fr" in (source.url or "") for source in result.direct.answer.sources)


@pytest.mark.parametrize(("question", "wanted"), [
    ("qu'est-ce que finance la région pour les entreprises de l'économie sociale ?",
     {"aides_regionales_ess", "strategie_regionale_ess"}),
    ("que pourrait financer un conseil départemental pour l'ESS ?",
     {"glossaire_clause_competence_generale", "insertion_rsa_pdi", "cofinancement_siae"}),
])
def test_what_a_region_or_departement_funds_is_told_by_the_levers_about_it(
        searcher: Searcher, question: str, wanted: set[str]) -> None:
    """« que finance la région ? » asks about the région as a funder: the levers about its
    aid come before other funders (foundations, the Banque des Territoires), and « région »
    or « département » is the subject here, not the asker's context."""
    result = searcher.ask(question)
    assert result.hits[0].item.id in wanted, [h.item.id for h in result.hits]


def test_an_answer_written_for_one_overseas_place_is_not_given_for_another(
        searcher: Searcher) -> None:
    """review39: « le FEDER … en Guadeloupe » was answered with Saint-Martin's rule (the État
    manages its funds), while the Région Guadeloupe manages its own programme."""
    guadeloupe = searcher.ask("le fonds européen FEDER, qui le gère en Guadeloupe ?")
    assert guadeloupe.direct is not None
    assert "Saint-Martin" not in guadeloupe.direct.answer.text
    saint_martin = searcher.ask("les fonds européens à Saint-Martin, qui les gère ?")
    assert saint_martin.direct is not None
    assert "Saint-Martin" in saint_martin.direct.answer.text


@pytest.mark.parametrize("question", [
    "notre CC peut-elle adhérer à une SCIC ?",
    "une comcom peut-elle être sociétaire d'une SCIC ?",
])
def test_joining_a_scic_is_taking_a_share_of_its_capital(searcher: Searcher,
                                                         question: str) -> None:
    """review39: « adhérer à une SCIC » was read as joining a network (the RTES); it is
    becoming one of its associés, whose share the law caps for collectivités."""
    shown = [hit.item.id for hit in searcher.ask(question).hits]
    assert "scic_capital" in shown[:2], shown
    assert "rtes" not in shown
