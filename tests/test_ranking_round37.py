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


def test_the_european_funds_lever_fits_the_outermost_regions_above_all(kb):
    # In the outermost regions the European funds cofinance up to 85 % of a project
    # (`feder_fse_rup`): Saint-Martin's or a Mayotte intercommunality's insertion project at
    # « soutenir » got the CPO, the ACI, the PTCE and the Scic, not the funds that pay most of
    # it there. A preference, not a restriction: the Hexagone keeps the lever.
    lever = kb.items["fonds_europeens"]
    assert lever.restricts("preferred_contexts") == frozenset({"outre-mer"})
    assert not lever.restricts("contexts")
    overseas = Profile("commune", frozenset({"outre-mer", "littoral", "urbain"}),
                       frozenset({"emploi-insertion"}), "soutenir", size="moyenne")
    hexagone = Profile("commune", frozenset({"littoral", "urbain"}),
                       frozenset({"emploi-insertion"}), "soutenir", size="moyenne")
    there = kb.scoring.score(lever, overseas)
    here = kb.scoring.score(lever, hexagone)
    assert there is not None and here is not None
    assert there.score > here.score
    assert ("contexts", ("outre-mer",)) in there.matched
    assert "fonds_europeens" in _levers(kb, overseas)
    assert "fonds_europeens" not in _levers(kb, hexagone)
    # below the CPO (priority 2), which every project needs, above the PTCE and the Scic
    levers = [r.item.id for r in kb.ranked("lever", overseas)]
    assert levers.index("subvention_cpo") < levers.index("fonds_europeens") \
        < levers.index("ptce")
