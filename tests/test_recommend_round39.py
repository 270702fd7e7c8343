"""Round 39 (prof39): recommendations that fit the profile, fixed at a general cause (a tag
that the item's own text bears out), never for a named place."""

from __future__ import annotations

from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile


def levers(kb, profile: Profile) -> list[str]:
    return [r.item.id for r in recommendations(kb, profile, limit=5)["lever"]]


def town(themes: str, step: str = "soutenir") -> Profile:
    return Profile("commune", frozenset({"urbain", "qpv"}), frozenset(themes.split(",")),
                   step, "11", "grande")


def test_a_housing_project_is_told_of_the_scic(kb):
    # The habitat levers (habitat participatif, OFS, bailleurs sociaux) give the collectivité
    # no seat in the company that houses; a Scic does (its text: Habitats Solidaires). It
    # was sixth or later for every housing project, behind three habitat levers and the
    # generic ones (the tune experts expect it in 15 of 18 housing profiles).
    for step in ("soutenir", "ancrer"):
        shown = levers(kb, town("habitat", step))
        assert "scic_capital" in shown, (step, shown)
    seasonal = Profile("commune", frozenset({"montagne", "rural"}),
                       frozenset({"habitat", "culture-tourisme"}), "soutenir", "84", "petite")
    assert "scic_capital" in levers(kb, seasonal)


def test_the_scic_preference_is_for_housing_only(kb):
    # Another theme does not lift it: an insertion project keeps its own levers, and the
    # Scic scores there as a lever for every theme (the step and its priority).
    scic = kb.items["scic_capital"]
    on_housing = kb.scoring.score(scic, town("habitat"))
    on_insertion = kb.scoring.score(scic, town("emploi-insertion"))
    assert on_housing and on_insertion and on_housing.score > on_insertion.score
    assert ("themes", ("habitat",)) in on_housing.matched
    assert not any(dimension == "themes" for dimension, _ in on_insertion.matched)
    assert "scic_capital" not in levers(kb, town("emploi-insertion"))


def test_two_themes_leave_a_place_to_what_serves_the_whole_project(kb):
    # A ressourcerie with insertion workshops in a town with a QPV: the circular economy
    # took three of the five levers (ressourcerie, filières, tiers-lieux) and the CPO, which
    # finances the structure over several years, was sixth. Two levers per theme now.
    profile = town("economie-circulaire,emploi-insertion")
    ranked = recommendations(kb, profile, limit=5)["lever"]
    shown = [r.item.id for r in ranked]
    assert "subvention_cpo" in shown, shown
    for theme in profile.themes:
        alone = [r.item.id for r in ranked
                 if dict(r.matched).get("themes") == (theme,)]
        assert len(alone) <= 2, (theme, alone)
    # one theme alone still fills the list with its levers when they fit best
    assert len([r for r in recommendations(kb, town("habitat"), limit=5)["lever"]
                if dict(r.matched).get("themes") == ("habitat",)]) >= 3
