"""Content gaps of issue 15 §2 (blind rating 2026-12-03): the collectivités d'outre-mer and
Mayotte as the recommendations name their bodies (no service that does not exist there, no
CRESS, the CSSM without a broken splice), the housing contacts and the région's citizen energy."""

from __future__ import annotations

import json

from bot.knowledge.partners import local_bodies, localise, localised_item
from tests.conftest import run_essbot

SPM = local_bodies("975", "de Saint-Pierre-et-Miquelon", "Saint-Pierre-et-Miquelon", None,
                   None, "975")
POLYNESIE = local_bodies("987", "de la Polynésie française", "Polynésie française", None,
                         None, "987")
MAYOTTE = local_bodies("976", "de Mayotte", "Mayotte", "CRESS de Mayotte")


def test_the_pat_call_is_sent_to_the_archipelago_s_own_service(kb):
    item = localised_item(kb.items["appel_projets_pna_pat"], SPM)
    assert "la DTAM de Saint-Pierre-et-Miquelon" in (item.how_to_reach or "")
    shown = " ".join(filter(None, (item.how_to_reach, item.first_action, *item.how_to)))
    assert "DRAAF" not in shown and "DAAF" not in shown, shown
    assert "DCSTEP" in (SPM.state or "") and SPM.regional_state == SPM.state


def test_a_com_without_a_verified_service_names_the_state_s_representative():
    text = localise("Demander à la DRAAF de votre région (la DAAF outre-mer) la date.",
                    POLYNESIE)
    assert text == ("Demander au représentant de l'État sur place (préfecture ou "
                    "haut-commissariat) la date.")
    said = localise("Par la préfecture de région (SGAR) ou la DREETS de votre région ; "
                    "la DDETS suit les SIAE.", POLYNESIE)
    assert "DREETS" not in said and "DDETS" not in said, said


def test_mayotte_s_cssm_is_named_without_a_departement_after_it():
    text = localise("Auprès du service « partenaires » de la CAF du département, qui "
                    "instruit les demandes.", MAYOTTE)
    assert ("de la CSSM (Caisse de sécurité sociale de Mayotte, qui y exerce les missions "
            "de la CAF), qui instruit") in text, text
    assert "du département" not in text


def test_saint_pierre_gets_no_cress_and_learns_there_is_none():
    done = run_essbot(["recommend", "--territory", "Saint-Pierre-et-Miquelon", "--themes",
                       "alimentation", "--step", "identifier", "--json"])
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert "pas de chambre régionale de l'ESS (CRESS)" in shown["profile"]["territory"]["note"]
    contacts = [entry["id"] for entry in shown["contacts"]]
    assert not any(one.startswith("cress_") for one in contacts), contacts
    for wrong in ("DRAAF Saint-Pierre", "DREETS Saint-Pierre", "DDETS ou DDETS-PP"):
        assert wrong not in done.stdout, wrong


def test_a_housing_profile_is_told_of_the_adil_and_the_epf(kb):
    from bot.knowledge.recommend import recommendations
    from bot.knowledge.scoring import Profile

    start = Profile("epci", frozenset({"urbain"}), frozenset({"habitat"}), "identifier", "75",
                    "grande")
    later = Profile("epci", frozenset({"urbain"}), frozenset({"habitat"}), "soutenir", "75",
                    "grande")
    first = [r.item.id for r in recommendations(kb, start, limit=5)["contact"]]
    second = [r.item.id for r in recommendations(kb, later, limit=5)["contact"]]
    assert "adil_information_logement" in first, first
    assert "etablissements_publics_fonciers" in second, second


def test_a_region_on_the_transition_is_told_how_to_support_citizen_energy(kb):
    from bot.knowledge.recommend import recommendations
    from bot.knowledge.scoring import Profile

    region = Profile("region", frozenset(), frozenset({"transition-ecologique"}), "soutenir",
                     "76", "grande")
    levers = [r.item.id for r in recommendations(kb, region, limit=5)["lever"]]
    assert "energie_citoyenne_region" in levers, levers
    commune = Profile("commune", frozenset({"rural"}), frozenset({"transition-ecologique"}),
                      "soutenir", "76", "petite")
    assert "energie_citoyenne_region" not in [
        r.item.id for r in recommendations(kb, commune, limit=10)["lever"]]


def test_a_com_is_told_once_a_text_that_it_has_no_cress():
    text = localise("Demander à la CRESS de votre région son observatoire ; la CRESS de votre "
                    "région anime le réseau.", SPM)
    assert text.count("il n'y en a pas dans les collectivités d'outre-mer") == 1, text
    assert "la CRESS de votre région (à notre connaissance" in text
    assert localise("la CRESS de votre région", MAYOTTE) == "la CRESS de Mayotte"


def test_a_com_is_sent_to_ess_france_outre_mer_rather_than_to_an_unnamed_cress():
    """Issue 15 §1 (content29): « avec la CRESS », « la CRESS du territoire » must not send a
    collectivité d'outre-mer to a CRESS that does not exist there."""
    text = localise("Faire, avec la CRESS et les observatoires, l'état des lieux ; "
                    "associez la CRESS aux comités.", SPM)
    assert "CRESS et" not in text and "associez ESS France Outre-mer aux comités" in text
    assert text.count("faute de CRESS connue") == 1, text
    said = localise("Demander à la CRESS de votre région l'extrait, puis à la CRESS la liste.",
                    SPM)
    assert said.count("il n'y en a pas") == 1 and "faute de CRESS" not in said, said
    assert "puis à ESS France Outre-mer la liste" in said
    afd = localise("Par ESS France Outre-mer (offre Cap ESSor) ou la CRESS du territoire.", SPM)
    assert afd == "Par ESS France Outre-mer (offre Cap ESSor).", afd
    assert localise("l'appui de la CRESS", SPM).startswith("l'appui d'ESS France Outre-mer")
    # where a CRESS exists, or when a text names one, nothing changes
    assert localise("avec la CRESS et les réseaux", MAYOTTE) == "avec la CRESS et les réseaux"
    named = "la CRESS de La Réunion et la CRESS Occitanie"
    assert localise(named, SPM) == named


def test_saint_pierre_s_plan_names_no_dla_or_france_active_body_that_may_not_exist(tmp_path):
    done = run_essbot(["plan", "--territory", "Saint-Pierre 97500", "--themes", "alimentation",
                       "--step", "identifier", "--output", str(tmp_path / "plan.md")])
    assert done.returncode == 0, done.stderr
    plan = (tmp_path / "plan.md").read_text(encoding="utf-8")
    for wrong in ("DLA de Saint-Pierre", "association territoriale (Saint-Pierre",
                  "ou la CRESS du territoire", "l'appui de la CRESS"):
        assert wrong not in plan, wrong
    assert "aucun DLA n'a pu être vérifié dans votre collectivité" in plan
    assert "France Active (réseau national)" in plan


def test_a_com_s_heading_has_no_dash_before_nothing():
    """A COM has no type of the taxonomy: its heading reads « Saint-Martin (…) — Outre-mer »,
    not « … —  (Outre-mer) »."""
    done = run_essbot(["recommend", "--territory", "Saint-Martin", "--themes", "alimentation",
                       "--step", "identifier"])
    assert done.returncode == 0, done.stderr
    heading = next(line for line in done.stdout.splitlines() if line.startswith("Saint-Martin ("))
    assert heading == "Saint-Martin (collectivité d'outre-mer, 978) — Outre-mer", heading
