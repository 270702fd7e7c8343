"""Issue 15 §3: a collectivité that exercises two levels' competences gets both levels' advice.

The Collectivité territoriale de Guyane is filed as a région, but it exercises the
département's competences too (bot/knowledge/collectivites.py): its insertion, autonomy and
childcare projects need the département's levers (RSA/PDI, SAAD, habitat inclusif, the
département's childcare lever). So do the CTM, the Collectivité de Corse, the Département de
Mayotte (a région's competences), the Métropole de Lyon and the Ville de Paris. The
profile takes these levels from the territory's status; the level the collectivité is filed
under keeps the lead at equal fit, and the other level does not crowd it out.
"""

from __future__ import annotations

import json

import pytest

from bot.i18n import translator
from bot.knowledge.evaluation import load_cases
from bot.knowledge.profile import build_profile
from bot.knowledge.recommend import profile_from_slots, recommendations
from bot.knowledge.scoring import Profile
from tests.conftest import Chat, run_essbot
from tests.test_recommendation_chat import walk

DEPARTEMENT_INSERTION = {"insertion_rsa_pdi", "cofinancement_siae"}
DEPARTEMENT_AUTONOMY = {"saad_ess", "habitat_inclusif"}


def _profile(kb, index, name: str, themes: set[str], step: str, **explicit) -> Profile:
    place = index.resolve(name).all[0]
    return build_profile(kb.scoring, themes=frozenset(themes), step=step, territory=place,
                         index=index, **explicit)


def _levers(kb, profile: Profile, kind: str = "lever") -> list[str]:
    return [r.item.id for r in recommendations(kb, profile, "full")[kind]]


@pytest.mark.parametrize("name", ["Guyane", "Martinique", "Corse"])
def test_a_collectivite_unique_on_insertion_gets_the_departement_s_insertion_levers(
        kb, index, name):
    profile = _profile(kb, index, name, {"emploi-insertion"}, "soutenir")
    assert profile.type == "region" and profile.other_levels == {"departement"}
    levers = _levers(kb, profile)
    assert set(levers) >= DEPARTEMENT_INSERTION, levers
    # the région's own strategy is still there
    assert "strategie_regionale_ess" in levers, levers


def test_the_ctg_on_autonomy_and_childcare_gets_the_departement_s_own_levers(kb, index):
    autonomy = _levers(kb, _profile(kb, index, "Guyane", {"sante-social"}, "soutenir"))
    assert set(autonomy) >= DEPARTEMENT_AUTONOMY, autonomy
    childcare = _levers(kb, _profile(kb, index, "Guyane", {"petite-enfance-jeunesse"},
                                     "soutenir"))
    assert childcare[0] == "departement_petite_enfance_ess", childcare


def test_the_ctg_at_identifier_keeps_the_region_s_instruments_and_its_cress(kb, index):
    profile = _profile(kb, index, "Guyane", {"emploi-insertion"}, "identifier")
    assert _levers(kb, profile)[0] == "strategie_regionale_ess"
    assert "cress_guyane" in _levers(kb, profile, "contact")


def test_lyon_leads_with_its_metropole_levers_and_gets_the_departement_s_too(kb, index):
    identifier = _profile(kb, index, "Métropole de Lyon", {"emploi-insertion"}, "identifier")
    assert identifier.type == "epci" and identifier.other_levels == {"departement"}
    top = recommendations(kb, identifier, "full")["lever"]
    # no département item leads the list of a métropole at « identifier »
    assert top[0].item.restricts("collectivites") != frozenset({"departement"})
    assert not any(dimension == "competences" for dimension, _ in top[0].matched)
    soutenir = _levers(kb, _profile(kb, index, "Métropole de Lyon", {"emploi-insertion"},
                                    "soutenir"))
    assert soutenir[0] == "cites_emploi_qpv", soutenir  # its QPV and programme lever
    assert DEPARTEMENT_INSERTION & set(soutenir), soutenir


def test_paris_on_autonomy_gets_the_departement_s_levers(kb, index):
    profile = _profile(kb, index, "Paris", {"sante-social"}, "soutenir")
    assert profile.type == "commune" and profile.other_levels == {"departement"}
    assert set(_levers(kb, profile)) >= DEPARTEMENT_AUTONOMY


def test_the_other_level_takes_one_place_when_it_shares_no_theme(kb, index):
    # the Département de Mayotte exercises a région's competences: the région's strategy
    # comes, once, and not before the food levers of a food project
    profile = _profile(kb, index, "Mayotte", {"alimentation"}, "soutenir")
    assert profile.type == "departement" and profile.other_levels == {"region"}
    ranked = recommendations(kb, profile, "full")["lever"]
    ids = [r.item.id for r in ranked]
    assert "strategie_regionale_ess" in ids, ids
    assert sum(r.by_other_level for r in ranked) == 1, ids
    assert "alimentation" in (ranked[0].item.restricts("themes") or ()), ids


def test_the_reason_says_which_competences_it_exercises(kb, index):
    profile = _profile(kb, index, "Guyane", {"emploi-insertion"}, "soutenir")
    ranked = {r.item.id: r for r in recommendations(kb, profile, "full")["lever"]}
    reason = kb.rules.reason(ranked["insertion_rsa_pdi"], translator("fr"))
    assert reason.startswith("Parce que vous exercez les compétences d'un département, que "
                             "vous visez l'emploi et l'insertion"), reason
    assert "vous êtes un département" not in reason
    english = kb.rules.reason(ranked["insertion_rsa_pdi"], translator("en"))
    assert english.startswith("Because you exercise the powers of a department"), english


def test_a_profile_without_a_territory_or_with_another_type_keeps_its_level(kb, index):
    # typed by hand: a région is a région
    by_hand = Profile("region", frozenset({"outre-mer"}), frozenset({"emploi-insertion"}),
                      "soutenir", "03")
    assert not DEPARTEMENT_INSERTION & set(_levers(kb, by_hand))
    # unless it names its competences
    named = Profile("region", frozenset({"outre-mer"}), frozenset({"emploi-insertion"}),
                    "soutenir", "03", competences=frozenset({"region", "departement"}))
    assert set(_levers(kb, named)) >= DEPARTEMENT_INSERTION
    # the agent corrected the type to a level the status does not name: not the CTG's
    corrected = _profile(kb, index, "Guyane", {"emploi-insertion"}, "soutenir", type="commune")
    assert corrected.other_levels == frozenset()


def test_the_evaluation_reads_the_competences_of_the_place(tmp_path):
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "profiles:\n"
        "  - {name: a, split: tune, type: region, territory: Guyane, step: soutenir}\n"
        "  - {name: b, split: tune, type: commune, territory: Guyane, step: soutenir}\n"
        "  - {name: c, split: tune, type: region, step: soutenir,\n"
        "     competences: [region, departement]}\n", encoding="utf-8")

    def place_of(text: str):
        return "03", ["973", "03"], ["region", "departement"]

    a, b, c = (case.profile for case in load_cases(cases, place_of))
    assert a.other_levels == {"departement"}
    assert b.competences == frozenset()  # another type than the place's levels
    assert c.other_levels == {"departement"}


def test_the_chat_slots_carry_the_competences():
    args = {"type": "collectivite", "themes": "themes", "step": "etape",
            "competences": "competences"}
    slots = {"collectivite": "region", "themes": ["emploi-insertion"], "etape": "soutenir",
             "competences": ["region", "departement"]}
    assert profile_from_slots(slots, args).other_levels == {"departement"}


def test_the_chat_for_the_ctg_shows_a_departement_insertion_lever(chat: Chat):
    walk(chat, ["/start", "Commencer", "Guyane", "Oui"])
    assert set(chat.conversation.slots["competences"]) == {"region", "departement"}
    walk(chat, ["Oui, c'est juste", "Emploi", "Continuer", "Nous connaissons"])
    assert chat.conversation.state == "suite_soutenir", chat.text
    # its first card is the département's insertion lever, said why
    assert "1. Département : cofinancer l'insertion" in chat.text, chat.text
    assert "Parce que vous exercez les compétences d'un département, que vous visez " \
           "l'emploi et l'insertion" in chat.text


def test_essbot_recommend_gives_the_ctg_a_departement_insertion_lever():
    result = run_essbot(["recommend", "--territory", "Guyane", "--themes", "emploi-insertion",
                         "--step", "soutenir", "--json"])
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    levers = [lever["id"] for lever in data["levers"]]
    assert DEPARTEMENT_INSERTION & set(levers[:5]), levers
    assert data["profile"]["territory"]["competences"] == ["region", "departement"]
