"""Round 33 of issue 16 (qa33): the free-question path and refusals, with sentences written
for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.knowledge import load_knowledge
from bot.qa.context import ask_context, from_slots
from bot.qa.lexicon import is_verb_form
from bot.qa.search import Searcher

KNOWLEDGE, _ = load_knowledge(PROJECT_ROOT / "content")
RSA = "comment faire revenir vers l'emploi les allocataires du RSA de chez nous ?"


def _order(searcher: Searcher, kind: str, competences: list[str] | None) -> list[str]:
    context = ask_context(KNOWLEDGE, kind, "03", [], None, competences)
    return [hit.item.id for hit in searcher.ask(RSA, 5, context.region, context).hits]


def test_a_collectivite_holding_a_departements_competences_is_not_told_they_do_not_fit(
        searcher: Searcher) -> None:
    """The Collectivité territoriale de Guyane, a région that exercises a département's
    competences, pays the RSA: the département's items apply to it as to a département."""
    alone = _order(searcher, "region", None)
    ctg = _order(searcher, "region", ["region", "departement"])
    assert ctg == _order(searcher, "departement", None)
    assert ctg.index("cofinancement_siae") < alone.index("cofinancement_siae")


def test_the_competences_are_read_from_the_conversations_slots() -> None:
    context = from_slots(KNOWLEDGE, {"collectivite": "region", "region": "03",
                                     "competences": ["region", "departement", "lune"]})
    assert context.competences == {"region", "departement"}
    assert context.fits(frozenset({"departement"}))
    assert not ask_context(KNOWLEDGE, "region", "03").fits(frozenset({"departement"}))


@pytest.mark.parametrize("text", [
    "la dotation allouée par le département au jardin partagé de Tulle l'année dernière ?",
    "aide versée par l'agglo à la régie de quartier l'an passé ?",
])
def test_the_grant_one_body_gave_last_year_is_refused(searcher: Searcher, text: str) -> None:
    """One body's accounts: the base holds no grant given to a named structure."""
    assert not searcher.ask(text).hits


def test_whether_a_grant_must_be_voted_every_year_is_still_answered(
        searcher: Searcher) -> None:
    assert searcher.ask("une subvention accordée à une asso doit-elle être revotée chaque "
                        "année ?").hits


def test_a_sum_told_in_the_situation_is_not_the_figure_asked(searcher: Searcher) -> None:
    """The sum the commune gives is the situation; the asking sentence asks whether the
    councillor who chairs the association may vote: the notion of élu intéressé answers."""
    text = ("Le club de judo reçoit de la ville une aide à hauteur de 8 000 euros. Sa "
            "trésorière est conseillère municipale. Doit-elle sortir de la salle pendant le "
            "vote ?")
    assert "howmuch" not in searcher.analyse(text).aspects
    assert "glossaire_elu_interesse" in [hit.item.id for hit in searcher.ask(text).hits]


def test_a_figure_asked_after_the_situation_is_still_a_figure(searcher: Searcher) -> None:
    analysis = searcher.analyse("On aide la recyclerie à hauteur de 5 000 euros. Jusqu'à "
                                "combien peut-on aller ?")
    assert "howmuch" in analysis.aspects


@pytest.mark.parametrize("word", ["dépend", "prend", "répond", "attend", "prends"])
def test_the_present_of_a_dre_verb_is_a_verb_form(word: str) -> None:
    assert is_verb_form(word)


@pytest.mark.parametrize("word", ["fond", "fonds", "nord", "grand", "accord"])
def test_nouns_ending_in_d_are_not_verb_forms(word: str) -> None:
    assert not is_verb_form(word)


def test_a_verb_carrying_the_question_does_not_outweigh_the_name(searcher: Searcher) -> None:
    """« elle dépend de… » carries the question: the Avise answers, not an item that happens
    to say « dépend »."""
    hits = searcher.ask("l'Avise, elle dépend de l'État ?").hits
    assert hits and hits[0].item.id in {"avise", "glossaire_avise"}  # its contact or its entry


@pytest.mark.parametrize("text", [
    "Saint-Pierre, dimanche matin : quelle boulangerie est ouverte ?",
    "la mairie annexe est-elle ouverte samedi ?",
])
def test_whether_a_place_is_open_on_a_day_is_refused(searcher: Searcher, text: str) -> None:
    assert not searcher.ask(text).hits


def test_whether_a_call_is_still_open_is_answered(searcher: Searcher) -> None:
    assert searcher.ask("l'appel à projets FDVA est-il encore ouvert ?").hits
