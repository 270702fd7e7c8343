"""The sixth blind rating (docs/reviews/recommendations-2026-12-01-fresh6-rating.md): what an
agent read that was false, replayed as they typed it."""

from __future__ import annotations

import pytest

from tests.conftest import run_essbot


@pytest.mark.parametrize(("place", "other"), [("Condom", "Hauts-de-France"),
                                              ("Laon", None)])
def test_a_regional_plan_is_never_said_to_be_carried_by_a_departement_of_the_same_number(
        place, other):
    # The Hauts-de-France (région 32) and the Gers (département 32) share a number: Condom
    # read « Projet porté par le conseil départemental du Gers, dont relève votre territoire »
    # under the Hauts-de-France's mobility plan. Laon, in the Hauts-de-France, is told the
    # région carries it.
    done = run_essbot(["recommend", "--territory", place, "--type", "commune",
                       "--themes", "mobilite,sante-social", "--step", "identifier"])
    assert done.returncode == 0, done.stderr
    assert "conseil départemental du Gers, dont relève" not in done.stdout
    if other is None:
        assert "conseil régional des Hauts-de-France, dont relève votre territoire" in \
            done.stdout


def test_the_metropole_de_lyon_plan_says_what_it_is_on_page_one(tmp_path):
    # « Métropole de Lyon, intercommunalité (EPCI) de 1 433 613 habitants » and no word of its
    # département competences: page 1 now names it and says what it holds.
    out = tmp_path / "lyon.md"
    done = run_essbot(["plan", "--territory", "Métropole de Lyon", "--themes",
                       "habitat,sante-social", "--step", "ancrer", "--output", str(out)])
    assert done.returncode == 0, done.stderr
    page_1 = out.read_text(encoding="utf-8").split("## Calendrier")[0]
    assert "intercommunalité (EPCI) de" not in page_1
    assert "Métropole de Lyon, collectivité à statut particulier de" in page_1
    assert "celles du département" in page_1


def test_saint_martin_told_as_a_commune_is_not_sent_to_an_intercommunality():
    # Saint-Martin (a COM of 31,160 inhabitants, with no intercommunalité) typed as a commune:
    # « Petite commune : s'appuyer sur l'intercommunalité et mutualiser » came first.
    done = run_essbot(["recommend", "--territory", "Saint-Martin 97150", "--type", "commune",
                       "--themes", "economie-circulaire", "--step", "identifier"])
    assert done.returncode == 0, done.stderr
    assert "De 3 500 à 49 999 habitants" in done.stdout
    assert "Petite commune : s'appuyer sur l'intercommunalité" not in done.stdout


def test_the_guyane_plan_shares_no_diagnosis_with_departements_it_does_not_have(tmp_path):
    # The CTG holds the région's and the département's competences: « Partager un diagnostic
    # avec les départements, les intercommunalités et les communes » named no one.
    out = tmp_path / "guyane.md"
    done = run_essbot(["plan", "--territory", "Guyane", "--type", "region", "--themes",
                       "petite-enfance-jeunesse,transition-ecologique", "--step", "soutenir",
                       "--output", str(out)])
    assert done.returncode == 0, done.stderr
    text = out.read_text(encoding="utf-8")
    assert "avec les départements" not in text
    assert "Partager un diagnostic avec les intercommunalités et les communes" in text
