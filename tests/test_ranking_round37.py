"""prof37 (issue 15 §3): levers an ESS expert recommends that the tags kept from levels or
places where their own text puts them (the profiles are made up here)."""

from __future__ import annotations

from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile


def _levers(kb, profile: Profile) -> list[str]:
    return [r.item.id for r in recommendations(kb, profile, limit=5)["lever"]]


def test_a_departement_or_a_region_may_open_its_vacant_sites_to_the_ess(kb):
    # The occupation titles of urbanisme transitoire are the CGPPP's, which governs the
    # property of every collectivité territoriale (art. L1): a département lends a former
    # collège as a commune lends a school. It was kept to the bloc communal.
    lever = kb.items["urbanisme_transitoire"]
    for level in ("departement", "region"):
        profile = Profile(level, frozenset({"rural"}), frozenset(), "ancrer", size="grande")
        assert kb.scoring.score(lever, profile) is not None, level
    departement = Profile("departement", frozenset({"outre-mer", "fragile"}), frozenset(),
                          "ancrer", size="grande")
    assert "urbanisme_transitoire" in _levers(kb, departement)
