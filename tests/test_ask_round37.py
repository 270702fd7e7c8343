"""Round 37 of issue 16 (qa16): rules of reading found on the dev parts of rounds 9 to 12,
with sentences written for these tests (not taken from any evaluation set)."""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize(("question", "item"), [
    ("à Brest, la CRESS ?", "cress_bretagne"),
    ("au Havre, la chambre régionale de l'ESS ?", "cress_normandie"),
])
def test_a_lone_contact_name_after_a_place_asks_for_that_place_s_contact(
        searcher: Searcher, question: str, item: str) -> None:
    """« au Lamentin, la CRESS ? » asks for the CRESS of the place's région, not what a
    CRESS is: its summary answers."""
    result = searcher.ask(question)
    assert result.hits[0].item.id == item
    assert result.direct is not None
    assert result.direct.answer.item.id == item


@pytest.mark.parametrize("question", ["la CRESS ?", "à Lyon, une SCIC ?"])
def test_a_lone_name_with_no_contact_of_the_place_still_asks_what_it_is(
        searcher: Searcher, question: str) -> None:
    result = searcher.ask(question)
    assert result.direct is not None
    assert result.direct.answer.item.kind == "glossary"


@pytest.mark.parametrize("question", [
    "what is the cap on public shareholding in a SCIC?",
    "SCIC: what is the ceiling for local authorities in the capital?",
])
def test_a_cap_or_ceiling_asked_in_english_is_a_figure_not_a_definition(
        searcher: Searcher, question: str) -> None:
    """« what is the cap on… » asks how much, as « quel plafond » does: the figure, not
    what a SCIC is."""
    result = searcher.ask(question)
    assert "howmuch" in result.aspects
    assert result.direct is not None
    assert "50 %" in result.direct.answer.text


@pytest.mark.parametrize("question", [
    "le club de basket de Langres touchera 26 000 €, une simple délibération suffit ou il "
    "faut signer autre chose ?",
    "le club de rugby recevra 35 000 € : le vote suffit ou il faut signer autre chose ?",
])
def test_the_verb_that_pays_a_sum_weighs_as_the_subsidy_it_stands_for(
        searcher: Searcher, question: str) -> None:
    """« touchera 25 000 € » says a subsidy (read as « subvention »); the verb weighs
    nothing of its own, or it pulls the question away from what the rule requires."""
    result = searcher.ask(question)
    assert result.direct is not None
    assert result.direct.answer.id == "cpo_seuil"


@pytest.mark.parametrize("question", [
    "hameau sans bus : des voisins bénévoles pourraient emmener les anciens chez le médecin ?",
    "plus de transport en commun dans nos villages, des bénévoles peuvent faire chauffeur ?",
])
def test_a_bus_or_public_transport_is_said_of_mobility(searcher: Searcher,
                                                        question: str) -> None:
    """« sans bus » says a need of mobility (« bus », « transport en commun » are read as
    « mobilité », « transport »): volunteers who drive are the transport solidaire."""
    result = searcher.ask(question)
    assert result.hits
    assert "transport_solidaire_commune" in [h.item.id for h in result.hits[:3]]


@pytest.mark.parametrize("question", ["horaires de bus de Lyon ?",
                                      "abonnement de bus pour mon fils ?"])
def test_a_bus_of_one_s_own_is_still_refused(searcher: Searcher, question: str) -> None:
    assert not searcher.ask(question).hits


@pytest.mark.parametrize(("question", "item"), [
    ("une ferme d'insertion en maraîchage bio : quel réseau peut nous aider ?",
     "cocagne_jardins_insertion"),
    ("notre commune veut un garage solidaire, il y a un réseau qui fait ça ?",
     "mob_in_mobilite"),
])
def test_a_network_asked_is_whom_to_turn_to(searcher: Searcher, question: str,
                                            item: str) -> None:
    """« il existe un réseau qui fait ça ? », « quel réseau… ? » ask for a network to turn
    to (a contact), not for a place that did it (« qui fait ça » alone asks an example)."""
    result = searcher.ask(question)
    assert result.hits[0].item.id == item
    assert result.hits[0].item.kind == "contact"


@pytest.mark.parametrize("question", [
    "Which office signs off the ESUS label?",
    "which agency signs off the ESUS label for an association?",
])
def test_which_office_or_agency_signs_off_asks_who(searcher: Searcher, question: str) -> None:
    """« which office », « which agency », « signs off » ask who, as « quel organisme »,
    « qui valide » do."""
    result = searcher.ask(question)
    assert "who" in result.aspects
    assert "agrement_esus" in [h.item.id for h in result.hits[:3]]
