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
