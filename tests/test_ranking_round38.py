"""prof38 (issue 15 §3): funding lists an ESS expert recommends (the profiles are made up
here)."""

from __future__ import annotations

from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile


def _funding(kb, profile: Profile) -> list[str]:
    return [r.item.id for r in recommendations(kb, profile, limit=5)["funding"]]


def test_the_european_funds_of_one_theme_count_once_among_its_funders(kb):
    # Overseas, the FSE+ of the outermost regions is the national programme itself: the
    # FEDER/FSE+ RUP and the FSE+ are one route for an insertion project, which still needs
    # the State's insertion funding (the aide au poste, the FDI) before the general tools.
    assert kb.items["feder_fse_rup"].eu_funds and kb.items["fse_plus"].eu_funds
    profile = Profile("commune", frozenset({"outre-mer", "littoral", "urbain", "fragile"}),
                      frozenset({"emploi-insertion"}), "soutenir", "978", size="moyenne")
    top = _funding(kb, profile)
    assert {"feder_fse_rup", "fse_plus"} <= set(top), top
    assert {"aide_poste_iae", "fdi_inclusion"} & set(top), top
    # In the Hexagone the FSE+ is one funder of the theme among others, as before.
    hexagone = Profile("commune", frozenset({"urbain"}), frozenset({"emploi-insertion"}),
                       "soutenir", size="moyenne")
    top = _funding(kb, hexagone)
    assert "fse_plus" in top and "aide_poste_iae" in top, top


def test_a_place_tool_whose_place_its_general_member_took_holds_nothing_back(kb):
    # A fragile overseas département on insertion and digital inclusion: the Adie (fragile
    # territories) scores above France Active, its family's general member, which takes its
    # place. The Adie is not shown, so it does not bring France Tiers-Lieux (digital) before
    # the FSE+ and the aide au poste as a place tool would.
    profile = Profile("departement", frozenset({"outre-mer", "littoral", "urbain", "fragile"}),
                      frozenset({"emploi-insertion", "numerique"}), "soutenir", "01")
    ranked = {r.item.id: r for r in kb.ranked("funding", profile)}
    assert ranked["adie"].score > ranked["france_active"].score
    assert kb.items["adie"].family == kb.items["france_active"].family
    top = _funding(kb, profile)
    assert "france_active" in top and "adie" not in top, top
    assert {"aide_poste_iae", "fdi_inclusion"} & set(top), top
    assert "france_tiers_lieux" not in top[:top.index("fse_plus")], top


def test_the_feders_urban_strand_keeps_its_place_for_an_urban_intercommunality(kb):
    # The FEDER is the family's general member, but meant above all for the régions (its
    # regional programme): for a métropole with quartiers prioritaires the urban strand (the
    # ITI an intercommunality carries) is its own route to the fund and keeps the place.
    assert kb.items["feder"].restricts("preferred_collectivites") == frozenset({"region"})
    assert kb.items["feder"].family == kb.items["feder_developpement_urbain"].family
    metropole = Profile("epci", frozenset({"qpv", "urbain"}), frozenset(), "ancrer",
                        size="grande")
    top = _funding(kb, metropole)
    assert "feder_developpement_urbain" in top and "feder" not in top, top
    # A région gets the regional programme itself (the urban strand is not for it).
    region = Profile("region", frozenset({"urbain"}), frozenset(), "ancrer")
    assert "feder" in _funding(kb, region)
