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


def _levers(stdout: str) -> list[str]:
    """The titles of the levers of an `essbot recommend` answer, in their order."""
    titles: list[str] = []
    for line in stdout.split("LEVIERS À ACTIONNER", 1)[1].splitlines():
        if line.strip() and line.strip() == line.upper().strip():
            break  # the next section's heading
        if line[:1].isdigit() and ". " in line[:4]:
            titles.append(line.split(". ", 1)[1])
    return titles


def test_a_lever_for_many_themes_does_not_lead_the_departement_s_own_for_three_of_them():
    # The Aveyron, on childcare, mobility and care, got « Confier un service d'intérêt
    # économique général (SIEG) par mandat » first: tagged with four themes, it counted as
    # serving three of them in full, above the département's habitat inclusif and aide à
    # domicile levers. It now counts as one theme's lever and comes after them.
    done = run_essbot(["recommend", "--territory", "Aveyron", "--type", "departement",
                       "--themes", "petite-enfance-jeunesse,mobilite,sante-social",
                       "--step", "soutenir"])
    assert done.returncode == 0, done.stderr
    levers = _levers(done.stdout)
    assert len(levers) == 5
    sieg = next(n for n, title in enumerate(levers) if "(SIEG) par mandat" in title)
    assert any("habitat inclusif" in title for title in levers[:sieg])
    assert any("aide à domicile" in title for title in levers[:sieg])
    assert any("mobilité solidaire" in title for title in levers[:sieg])


def test_a_care_lever_for_condom_instead_of_a_mandate_for_four_themes():
    # Condom, on care and mobility at « identifier »: the only lever tagged with a theme was
    # the SIEG mandate (four themes); a care lever of its own, the contrat local de santé,
    # now takes that place.
    done = run_essbot(["recommend", "--territory", "Condom", "--type", "commune",
                       "--themes", "sante-social,mobilite", "--step", "identifier",
                       "--programmes", "pvd,frr"])
    assert done.returncode == 0, done.stderr
    levers = _levers(done.stdout)
    assert any("contrat local de santé" in title for title in levers)
    assert not any("(SIEG) par mandat" in title for title in levers)


def test_condom_gets_a_care_and_a_mobility_lever_at_identifier():
    # « nothing on a centre de santé or on solidarity transport »: the contrat local de santé
    # and the transport solidaire de bénévoles were tagged for later steps only, although each
    # one's first action is a census (ask the ARS whether a CLS exists, list the inhabitants
    # with no way to travel): both are now « identifier » levers, and Condom gets both.
    done = run_essbot(["recommend", "--territory", "Condom", "--type", "commune",
                       "--themes", "sante-social,mobilite", "--step", "identifier",
                       "--programmes", "pvd,frr"])
    assert done.returncode == 0, done.stderr
    levers = _levers(done.stdout)
    assert any("contrat local de santé" in title for title in levers[:2])
    assert any("transport solidaire" in title for title in levers[:2])


def test_each_theme_chosen_gets_a_lever_of_its_own_when_the_content_has_one():
    # A commune at « identifier » on food and employment got the PAT and four levers of the
    # step alone, although the TZCLD lever is meant for employment at that step: each of a
    # profile's several themes now gets a lever when one fits its type and step, in the place
    # of the last lever that serves none of them alone (issue 15 §3, sixth blind rating).
    done = run_essbot(["recommend", "--type", "commune", "--themes",
                       "alimentation,emploi-insertion", "--step", "identifier"])
    assert done.returncode == 0, done.stderr
    levers = _levers(done.stdout)
    assert len(levers) == 5
    assert any("projet alimentaire territorial" in title for title in levers)
    assert any("zéro chômeur" in title.lower() for title in levers)
