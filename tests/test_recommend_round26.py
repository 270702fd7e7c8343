"""Round 26: the faults of the fourth blind rating of the recommendations
(docs/reviews/recommendations-2026-12-02-fresh4-rating.md) that still held, fixed at their
general cause (a tag, a rule of the ranking), never for a named place."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap.outline import build_outline
from bot.knowledge.scoring import Profile

CONTENT = Path(__file__).resolve().parent.parent / "content"



def ids(kb, profile: Profile, kind: str) -> list[str]:
    return [r.item.id for r in recommendations(kb, profile)[kind]]


def village(themes: str = "services-proximite", **changes) -> Profile:
    profile = Profile("commune", frozenset({"rural"}), frozenset(themes.split(",")),
                      "soutenir", "27", "petite")
    return dataclasses.replace(profile, **changes)


def test_a_village_keeping_its_services_is_told_of_the_detr_and_leader(kb):
    # Pesmes and Ambert (blind rating): a village café or épicerie is paid for by the DETR
    # and LEADER, which were missing; the France Services forfait came instead.
    funding = ids(kb, village(), "funding")
    assert funding[:2] == ["detr", "leader"], funding
    # with a national programme the village is laureate of, the programme still leads
    funding = ids(kb, village(programmes=frozenset({"villages-avenir"})), "funding")
    assert funding == ["villages_avenir", "detr", "leader"], funding


def test_a_rural_intercommunality_on_services_and_health_gets_the_rural_funds(kb):
    cc = Profile("epci", frozenset({"rural", "montagne", "fragile"}),
                 frozenset({"services-proximite", "sante-social", "petite-enfance-jeunesse"}),
                 "soutenir", "84", "moyenne")
    funding = [r.item.id for r in recommendations(kb, cc, limit=5)["funding"]]
    assert {"detr", "leader"} <= set(funding), funding


def test_the_rural_funds_come_for_their_projects_not_for_every_one(kb):
    # a preferred theme lifts the tool for its projects only: the DETR does not lead a
    # village's digital project, where the tools of that theme come first
    digital = [r.item.id for r in kb.scoring.rank(kb.of_kind("funding"),
                                                  village("numerique"), 5)]
    assert digital[0] != "detr", digital
    detr = kb.items["detr"]
    on_services = kb.scoring.score(detr, village())
    on_digital = kb.scoring.score(detr, village("numerique"))
    assert on_services and on_digital and on_services.score > on_digital.score
    assert ("themes", ("services-proximite",)) in on_services.matched


def test_leader_is_a_local_fund_not_a_departement_s_or_a_region_s(kb):
    # the région manages LEADER and a GAL selects local projects: it is not a funding tool
    # for a département's or a région's own policy
    for level in ("departement", "region"):
        profile = village(type=level, size="grande")
        assert kb.scoring.score(kb.items["leader"], profile) is None, level


def test_a_region_anchoring_its_policy_is_sent_to_the_state_s_services(kb):
    # Martinique (blind rating): the State's services (the DEETS there) were missing from
    # the contacts of a collectivité unique at « ancrer »; RTES came instead
    ctm = Profile("region", frozenset({"outre-mer"}),
                  frozenset({"alimentation", "economie-circulaire"}), "ancrer", "02")
    assert "correspondant_ess_dreets" in ids(kb, ctm, "contact")


def test_a_departement_anchoring_insertion_keeps_its_siae_cofunding(kb):
    # Pyrénées-Orientales (blind rating): the département's own IAE lever, the cofunding of
    # the SIAE posts of RSA recipients, was lost behind TZCLD, an experiment ending this year
    departement = Profile("departement", frozenset(), frozenset({"emploi-insertion"}),
                          "ancrer", "76", "grande")
    levers = ids(kb, departement, "lever")
    assert "cofinancement_siae" in levers, levers
    assert levers.index("insertion_rsa_pdi") < levers.index("cofinancement_siae")


def test_a_preferred_theme_pays_at_the_tool_s_steps_only(kb):
    # as for a tool's own themes: the DETR pays for an investment at « soutenir » or
    # « ancrer », so a village still identifying its actors gets half its theme from it
    detr = kb.items["detr"]
    at_step = kb.scoring.score(detr, village())
    before = kb.scoring.score(detr, village(step="identifier"))
    assert at_step and before
    # the step (3), half the theme (3 / 2) and half the rural place (1.5 / 2)
    assert at_step.score - before.score == pytest.approx(3 + 1.5 + 0.75)


def test_the_village_plan_funds_its_shop_with_the_detr(kb):
    # Pesmes's feuille de route (blind rating): page 1 funded the village café with the
    # France Services forfait; the DETR, which pays for the rural services, now funds it
    profile = village(programmes=frozenset({"villages-avenir"}))
    doc = build_outline(kb, profile, recommendations(kb, profile), translator("fr"),
                        dt.date(2026, 11, 30))
    assert doc.levers[0].anchor == "levier-commerce_l2251"
    first = {f.name: f.actions for f in doc.first_funding}
    assert 1 in first.get(kb.items["detr"].title, []), first
    assert kb.items["france_services_forfait"].title not in first
