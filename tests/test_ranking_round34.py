"""rank34 (issue 15 §3): the faults of the seventh blind rating
(docs/reviews/recommendations-2026-12-01-fresh7-rating.md) about the quartiers prioritaires,
checked on what `essbot recommend` shows for the rated profiles."""

from __future__ import annotations

from bot.knowledge.profile import build_profile
from bot.knowledge.recommend import recommendations

QPV_ONLY = ("saint_jean_de_braye_pole_ess_qpv", "vrac", "stains_plaine_commune_mecanique_de_rue",
            "contrat_de_ville", "credits_politique_ville", "npnru_insertion", "anru",
            "cites_emploi_qpv")


def _shown(kb, index, territory: str, type_: str, themes: set[str], step: str,
           contexts: frozenset[str] = frozenset()) -> dict[str, list[str]]:
    place = index.resolve(territory, prefer=type_).all[0]
    profile = build_profile(kb.scoring, type=type_, contexts=contexts,
                            themes=frozenset(themes), step=step, territory=place, index=index)
    return {kind: [r.item.id for r in ranked]
            for kind, ranked in recommendations(kb, profile, "full").items()}


def test_an_island_without_quartiers_gets_no_qpv_item(kb, index):
    # Île d'Yeu (habitat, local services, « soutenir »): its third example was
    # Saint-Jean-de-Braye's pôle ESS in a QPV, a « must not ». An item tagged for the QPV
    # alone, example or tool, is shown only to a territory that has one.
    assert kb.scoring.bound_contexts == frozenset({"qpv"})
    shown = _shown(kb, index, "Île d'Yeu", "commune", {"habitat", "services-proximite"},
                   "soutenir")
    listed = [i for ids in shown.values() for i in ids]
    assert not set(QPV_ONLY) & set(listed), listed
    # every QPV-only item, of any kind, stays out of its ranking altogether
    place = index.resolve("Île d'Yeu", prefer="commune").all[0]
    profile = build_profile(kb.scoring, type="commune", themes=frozenset({"habitat"}),
                            step="soutenir", territory=place, index=index)
    assert "qpv" not in profile.contexts
    for item_id in QPV_ONLY:
        assert kb.scoring.score(kb.items[item_id], profile) is None, item_id


def test_a_town_with_quartiers_keeps_its_qpv_example(kb, index):
    # Vénissieux (Les Minguettes), rated 2/2 with its contrat de ville and its credits: the
    # rule leaves a territory with quartiers prioritaires as it was.
    shown = _shown(kb, index, "Vénissieux", "commune",
                   {"emploi-insertion", "petite-enfance-jeunesse"}, "soutenir")
    assert "contrat_de_ville" in shown["lever"], shown["lever"]


def test_housing_and_culture_in_paris_are_not_answered_by_the_renouvellement_urbain(kb, index):
    # Paris on habitat and culture at « ancrer »: the NPNRU insertion clauses and the ANRU
    # took a lever and a funding place « parce que vous visez l'habitat », with the contrat de
    # ville and its credits: four QPV items for a housing and culture project. Their ESS use
    # is insertion hours: tagged emploi-insertion only, they leave the housing project.
    for item_id in ("npnru_insertion", "anru"):
        assert kb.items[item_id].restricts("themes") == frozenset({"emploi-insertion"})
    shown = _shown(kb, index, "Paris", "commune", {"habitat", "culture-tourisme"}, "ancrer")
    listed = [i for kind in ("lever", "funding") for i in shown[kind]]
    assert not {"npnru_insertion", "anru"} & set(listed), listed
    assert len(set(QPV_ONLY) & set(listed)) <= 2, listed
    # housing levers instead (two per theme since prof39: the habitat inclusif the Ville de
    # Paris carries as a département, and a second one)
    housing = {"foncier_solidaire_brs", "bailleurs_sociaux", "habitat_inclusif", "scic_capital"}
    assert len(housing & set(shown["lever"])) >= 2, shown["lever"]
    assert "politique_culturelle_ess" in shown["lever"]
    # a town in renouvellement urbain on insertion keeps them
    for territory in ("Clichy-sous-Bois",):
        renewal = _shown(kb, index, territory, "commune", {"emploi-insertion", "habitat"},
                         "ancrer")
        assert "npnru_insertion" in renewal["lever"], renewal["lever"]
        assert "anru" in renewal["funding"], renewal["funding"]
