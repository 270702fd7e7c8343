"""What the expert review of 2026-11-30 (docs/reviews/recommendations-2026-11-30.md) found a
town hall agent reading, and that is not a matter of ranking: the French of the reasons and
facts from far away stated in a lever meant for every small commune."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import translator
from bot.knowledge.scoring import Profile

CONTENT = Path(__file__).resolve().parent.parent / "content"
# « de » before a vowel or a mute h must elide: « fait partie de Action cœur de ville » is wrong
UNELIDED_DE = re.compile(r"\bde (?=[AEIOUÉÈÊaeiouéèêh])")



def overseas_town(programmes: frozenset[str]) -> Profile:
    return Profile("commune", frozenset({"outre-mer", "urbain"}),
                   frozenset({"alimentation", "transition-ecologique"}), "ancrer", "03",
                   size="grande", programmes=programmes)


@pytest.mark.parametrize("profile", [
    overseas_town(frozenset({"acv"})),
    overseas_town(frozenset({"acv", "territoires-industrie"})),
    overseas_town(frozenset({"pvd"})),
    overseas_town(frozenset({"villages-avenir"})),
    Profile("commune", frozenset({"rural", "fragile"}), frozenset({"services-proximite"}),
            "soutenir", "75", size="petite", programmes=frozenset({"frr"})),
    Profile("commune", frozenset({"qpv", "urbain"}), frozenset({"emploi-insertion"}),
            "soutenir", "32", size="grande", programmes=frozenset({"cites-emploi"})),
], ids=["acv", "acv+ti", "pvd", "villages-avenir", "frr", "cites-emploi"])
def test_the_programme_reason_reads_as_french(kb: Any, profile: Profile) -> None:
    # Saint-Laurent-du-Maroni read « votre territoire fait partie de Action cœur de ville et
    # Territoires d'industrie ».
    t = translator("fr")
    shown = [r for kind in ("lever", "funding", "contact", "example")
             for r in kb.scoring.rank(kb.of_kind(kind), profile, 10)
             if "programmes" in dict(r.matched)]
    assert shown, "a programme of the territory is named in a reason"
    for ranked in shown:
        reason = kb.scoring.reason(ranked, t)
        clause = reason[reason.index("concerné par"):]
        assert not UNELIDED_DE.search(clause), reason


def test_the_territory_is_named_once_for_its_contexts_and_programmes(kb: Any) -> None:
    # « votre territoire est rural et fragile, … et votre territoire est concerné par France
    # Ruralités Revitalisation » (review fault F3): one subject for both.
    profile = Profile("commune", frozenset({"rural", "fragile"}),
                      frozenset({"services-proximite"}), "soutenir", "75", size="petite",
                      programmes=frozenset({"frr"}))
    reasons = [kb.scoring.reason(r, translator("fr"))
               for kind in ("lever", "funding", "contact", "example")
               for r in kb.scoring.rank(kb.of_kind(kind), profile, 10)
               if {"contexts", "programmes"} <= set(dict(r.matched))]
    assert reasons, "an item fits both the place and the programme"
    for reason in reasons:
        assert reason.count("votre territoire") == 1, reason
        assert "et concerné par France Ruralités Revitalisation" in reason, reason


def test_the_small_commune_lever_does_not_teach_a_creuse_village_from_mayotte(kb: Any) -> None:
    # The lever for communes under 3,500 inhabitants illustrated intercommunal pooling with the
    # pôles ESS of Mayotte's five intercommunalités, sourced to the CRESS de Mayotte: shown
    # first to a village of 398 inhabitants in the Creuse.
    profile = Profile("commune", frozenset({"rural"}),
                      frozenset({"alimentation", "services-proximite"}), "identifier", "75",
                      size="petite")
    top = kb.scoring.rank(kb.of_kind("lever"), profile, 5)
    lever = next(r.item for r in top if r.item.id == "mutualisation_intercommunale")
    assert "Mayotte" not in lever.body
    assert not [s for s in lever.sources if "mayotte" in (s.url or "").lower()]


def test_an_example_of_the_profiles_level_comes_before_one_of_another_level(kb: Any) -> None:
    # Lodève (a commune, habitat) was shown the Loire-Atlantique département's habitat
    # inclusif programme before any commune's example (review fault R1).
    profile = Profile("commune", frozenset({"qpv", "urbain"}),
                      frozenset({"culture-tourisme", "habitat"}), "soutenir", "76",
                      size="moyenne", programmes=frozenset({"pvd"}))
    ranked = kb.scoring.ranked(kb.of_kind("example"), profile)
    scores = {r.item.id: r.score for r in ranked}
    departement = scores["loire_atlantique_habitat_inclusif"]
    # the département's example shares the theme and the step, as a commune's would: it
    # now scores below that
    assert departement < kb.scoring.weights["theme"] + kb.scoring.weights["step"]
    note = kb.scoring.area_note(
        next(r for r in ranked if r.item.id == "loire_atlantique_habitat_inclusif"),
        translator("fr"))
    assert note == ("Exemple porté par un département : à transposer aux compétences de "
                    "votre collectivité.")


def test_the_territorys_own_departement_example_is_not_of_another_level(kb: Any) -> None:
    # Mamoudzou keeps the Département de Mayotte's strategy among its examples: it is the
    # frame the commune acts in, labelled as such, not an example from another level.
    profile = Profile("commune", frozenset({"outre-mer", "qpv", "urbain"}),
                      frozenset({"emploi-insertion", "services-proximite"}), "soutenir", "06",
                      size="grande", areas=(("departement", "976", "le Département de Mayotte"),))
    top = kb.scoring.rank(kb.of_kind("example"), profile, 3)
    mayotte = next(r for r in top if r.item.id == "mayotte_strategie_poles_ess")
    assert not mayotte.levels
    assert "Département de Mayotte" in (kb.scoring.area_note(mayotte, translator("fr")) or "")


def test_an_example_for_the_qpv_is_not_shown_to_a_town_without_one_for_being_urban(
        kb: Any) -> None:
    # Corte (urban by INSEE's grid, no quartier prioritaire; culture and numérique) was shown
    # Saint-Jean-de-Braye's pôle ESS in a QPV « parce que votre territoire est urbain » (R7).
    profile = Profile("commune", frozenset({"urbain"}),
                      frozenset({"culture-tourisme", "numerique"}), "identifier", "94",
                      size="moyenne", programmes=frozenset({"pvd"}))
    shown = [r.item.id for r in kb.scoring.rank(kb.of_kind("example"), profile, 3)]
    assert "saint_jean_de_braye_pole_ess_qpv" not in shown
    assert "stains_plaine_commune_mecanique_de_rue" not in shown
