"""Round 40 of issue 16 (helper qa18): direct answers and refusals, with sentences written
for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import re

import pytest

from bot.qa.aspects import aspects_of, refers_back
from bot.qa.normalize import fold
from bot.qa.search import Searcher


def folded(text: str) -> list[str]:
    return re.findall(r"\w+", fold(text))


# -- aspects ------------------------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "quel bonus verse la CAF pour une place de crèche créée ?",
    "quelle prime pour un employeur d'un jeune en contrat aidé ?",
    "réduction d'impôt pour une société qui fait un don à une fondation ?",
])
def test_a_sum_named_by_its_kind_asks_how_much(question: str) -> None:
    assert "howmuch" in aspects_of(folded(question))


def test_a_sum_named_with_another_aspect_keeps_it() -> None:
    """« qui a droit à la réduction d'impôt » asks who, not how much."""
    assert "howmuch" not in aspects_of(folded("qui peut bénéficier de la réduction d'impôt ?"))


@pytest.mark.parametrize("question", [
    "combien de salariés travaillent à la CRESS de Bretagne ?",
    "combien de personnes travaillent chez France Active Normandie ?",
])
def test_the_staff_of_one_organisation_is_its_own_fact(question: str) -> None:
    assert "specific" in aspects_of(folded(question))


def test_the_jobs_of_the_ess_are_not_one_organisation_s() -> None:
    assert "specific" not in aspects_of(folded("combien de salariés travaillent dans l'ESS ?"))
    assert "specific" not in aspects_of(
        folded("combien de salariés travaillent au sein des coopératives ?"))


def test_the_names_of_the_winners_are_one_call_s_facts() -> None:
    assert "specific" in aspects_of(folded("il nous faut le nom des trois lauréats du prix"))


def test_a_qui_after_a_thing_sought_is_a_relative() -> None:
    """« existe-t-il un dispositif qui leur permet… ? » asks whether one exists, not who."""
    assert "who" not in aspects_of(
        folded("existe-t-il un dispositif qui leur permet de racheter la société ?"))
    assert "who" in aspects_of(folded("la fondation, qui lui verse l'argent ?"))


def test_a_sentence_of_common_words_refers_back() -> None:
    assert refers_back(folded("Vous les avez ?"))
    assert not refers_back(folded("Qui peut nous aider ?"))


# -- answers ------------------------------------------------------------------------------

def test_the_caf_bonus_per_new_place(searcher: Searcher) -> None:
    result = searcher.ask("la commune ouvre 12 berceaux, quel bonus la CAF verse par place ?")
    assert result.direct is not None
    assert "2 600" in result.direct.answer.text


def test_the_tax_reduction_of_a_company_s_gift(searcher: Searcher) -> None:
    result = searcher.ask("réduction d'impôt pour une société qui fait un don à une association"
                          " d'intérêt général ?")
    assert result.direct is not None
    assert "60 %" in result.direct.answer.text


def test_a_long_question_answered_by_its_leading_item(searcher: Searcher) -> None:
    """A situation told, then the question: the answer written for it is shown."""
    result = searcher.ask(
        "Notre association sportive touche chaque année près de 170 000 euros de la ville et "
        "de la région. La trésorière pense qu'un contrôle des comptes devient obligatoire. "
        "À partir de quel montant de subventions faut-il un commissaire aux comptes ?")
    assert result.direct is not None
    assert "153 000" in result.direct.answer.text


@pytest.mark.parametrize("question", [
    "Notre agglo a remis ses trophées de l'ESS en novembre. La presse demande le nom des "
    "lauréats et la somme reçue par chacun. Vous les avez ?",
    "combien de salariés travaillent à la CRESS des Pays de la Loire ?",
])
def test_one_organisation_s_facts_are_refused(searcher: Searcher, question: str) -> None:
    result = searcher.ask(question)
    assert result.direct is None
    assert result.hits == []


def test_the_article_of_the_aci(searcher: Searcher) -> None:
    result = searcher.ask("un chantier d'insertion, c'est défini par quel article du code du"
                          " travail ?")
    assert result.direct is not None
    assert "L5132-15" in result.direct.answer.text


def test_the_detr_is_filed_in_prefecture(searcher: Searcher) -> None:
    result = searcher.ask("notre asso peut-elle obtenir la DETR pour un tiers-lieu ?")
    assert result.direct is not None
    assert "préfecture" in result.direct.answer.text


def test_an_mjc_is_an_association(searcher: Searcher) -> None:
    """« MJC » is known: a convention question about one is answered, not refused as an
    unknown acronym."""
    result = searcher.ask("la MJC demande 40 000 euros par an, une convention est-elle "
                          "obligatoire ?")
    assert result.direct is not None
    assert "23 000" in result.direct.answer.text


def test_the_civic_service_of_young_volunteers(searcher: Searcher) -> None:
    result = searcher.ask("des jeunes volontaires dans notre association, c'est pour combien "
                          "de temps ?")
    assert result.hits and result.hits[0].item.id == "service_civique_volontaires"
