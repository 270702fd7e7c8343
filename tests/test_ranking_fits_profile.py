"""Issue 15 §3, the fifth blind rating (2026-12-03): a ranking that fits the profile.

A detected programme or context does not outrank the themes, a closed tool does not take a
funding place from an open one, and a lever of the wrong scale or theme does not come first.
The profiles are those of docs/reviews/recommendations-2026-12-03-fresh5.md, as a user gives
them (the territory's contexts and programmes written out, as `essbot recommend` detects them).
"""

from __future__ import annotations

import json

from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile
from tests.conftest import run_essbot


def _ids(kb, profile: Profile, kind: str) -> list[str]:
    return [r.item.id for r in recommendations(kb, profile)[kind]]


def _themes(kb, item_id: str) -> frozenset[str]:
    return kb.items[item_id].restricts("themes") or frozenset()


def test_a_food_project_of_a_territoire_d_industrie_opens_on_food(kb):
    # Châtellerault: a QPV town in Action cœur de ville, whose agglomeration is a Territoire
    # d'industrie, on food at « soutenir ». The PTCE (every theme, above all the Territoires
    # d'industrie) came first for the programme alone.
    town = Profile("commune", frozenset({"qpv", "urbain"}), frozenset({"alimentation"}),
                   "soutenir", size="moyenne",
                   programmes=frozenset({"acv", "territoires-industrie"}))
    levers = _ids(kb, town, "lever")
    assert "alimentation" in _themes(kb, levers[0]), levers
    # the programme still weighs in: the PTCE stays in the list, after the food lever
    assert "ptce" in levers and levers.index("ptce") > 0


def test_a_crafts_and_insertion_town_gets_its_insertion_lever_before_the_ptce(kb):
    # Aubusson: a small PVD town of a Territoire d'industrie CC, on culture and insertion.
    town = Profile("commune", frozenset({"rural"}),
                   frozenset({"culture-tourisme", "emploi-insertion"}), "soutenir",
                   size="petite", programmes=frozenset({"pvd", "territoires-industrie"}))
    levers = _ids(kb, town, "lever")
    assert levers[0] == "porter_soutenir_aci", levers
    assert levers.index("porter_soutenir_aci") < levers.index("ptce")


def test_a_metropole_on_food_and_mobility_is_not_led_by_its_qpv_programme(kb):
    # Montpellier Méditerranée Métropole: QPV, littoral and Cités de l'emploi, on food and
    # mobility. Cité de l'emploi (employment) came first; the volunteer transport that « la
    # commune ou son CCAS » brings about came before the LOM's plan, for the AOM; Oléron's
    # island strategy came before VRAC on an alphabetical tie.
    metropole = Profile("epci", frozenset({"littoral", "qpv", "urbain"}),
                        frozenset({"alimentation", "mobilite"}), "soutenir", size="grande",
                        programmes=frozenset({"cites-emploi"}))
    levers = _ids(kb, metropole, "lever")
    assert "cites_emploi_qpv" not in levers, levers
    assert _themes(kb, levers[0]) & metropole.themes, levers
    assert levers.index("mobilite_solidaire") < levers.index("transport_solidaire_commune")
    examples = _ids(kb, metropole, "example")
    assert all(_themes(kb, e) & metropole.themes for e in examples), examples
    assert examples.index("vrac") < examples.index("oleron_autonomie_alimentaire")


def test_a_closed_plan_takes_no_funding_place_from_open_tools(kb):
    # Saint-Flour Communauté: mountain and rural, at « identifier ». Avenir Montagnes, a
    # closed plan, was its second funding item.
    cc = Profile("epci", frozenset({"rural", "montagne"}),
                 frozenset({"mobilite", "services-proximite", "sante-social"}), "identifier",
                 size="moyenne",
                 programmes=frozenset({"pvd", "territoires-industrie", "villages-avenir"}))
    assert kb.items["avenir_montagnes"].closed
    funding = _ids(kb, cc, "funding")
    assert len(funding) == 3 and "avenir_montagnes" not in funding, funding
    assert not any(kb.items[f].closed for f in funding)


def test_a_rural_departement_does_not_get_a_rural_patron_for_its_place_alone(kb):
    # Meuse: a rural département on insertion and mobility at « identifier ». The Fondation
    # RTE (rural ESS, no theme, at « soutenir ») took a funding place for the rural context
    # alone, ahead of the tools of the step that outscore it.
    meuse = Profile("departement", frozenset({"rural"}),
                    frozenset({"emploi-insertion", "mobilite"}), "identifier")
    funding = _ids(kb, meuse, "funding")
    assert "fondation_rte" not in funding, funding
    assert "fse_plus" in funding


def test_the_siae_cofinancing_is_insertion_not_health(kb):
    # Lozère: health and local services at « ancrer ». The Département's SIAE cofinancing for
    # RSA recipients came « parce que vous visez la santé et le social ».
    assert _themes(kb, "cofinancement_siae") == {"emploi-insertion"}
    lozere = Profile("departement", frozenset({"rural", "montagne"}),
                     frozenset({"sante-social", "services-proximite"}), "ancrer")
    levers = _ids(kb, lozere, "lever")
    assert "cofinancement_siae" not in levers, levers
    # a Département on insertion still gets it first (Gironde)
    gironde = Profile("departement", frozenset({"littoral", "urbain"}),
                      frozenset({"sante-social", "petite-enfance-jeunesse", "emploi-insertion"}),
                      "soutenir")
    assert _ids(kb, gironde, "lever")[0] == "cofinancement_siae"


def test_essbot_recommend_opens_a_food_profile_on_food():
    # As a user sees it: `essbot recommend` for Châtellerault on food.
    result = run_essbot(["recommend", "--territory", "86066", "--themes", "alimentation",
                         "--step", "soutenir", "--json"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert "territoires-industrie" in data["profile"]["programmes"]
    assert "l'alimentation" in data["levers"][0]["reason"]
