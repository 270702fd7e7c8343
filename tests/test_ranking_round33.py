"""rank33 (issue 15 §3): a chosen theme gets a lever of its own in the recommendations and
in the feuille de route, and a funding tool is named on page 1 only for an action it can pay
for. The profiles are those the plan32 review read in `essbot plan`."""

from __future__ import annotations

from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile
from tests.test_plan_round32 import plan


def _ids(kb, profile: Profile, kind: str) -> list[str]:
    return [r.item.id for r in recommendations(kb, profile, "full")[kind]]


def _themes(kb, item_id: str) -> frozenset[str]:
    return kb.items[item_id].restricts("themes") or frozenset()


def test_a_departement_anchoring_care_gets_its_autonomy_levers(kb):
    # The Nièvre on health and social care and on insertion at « ancrer »: its five levers
    # were all insertion or generic ones, the département's habitat inclusif and home-care
    # levers being tagged « soutenir » only, although their own text is about what lasts
    # (the AVP written into the règlement d'aide sociale, conventions programmed over several
    # years; multi-year contracts with the home-care services).
    for lever in ("habitat_inclusif", "saad_ess"):
        assert "ancrer" in (kb.items[lever].restricts("steps") or ()), lever
    nievre = Profile("departement", frozenset({"rural"}),
                     frozenset({"sante-social", "emploi-insertion"}), "ancrer")
    levers = _ids(kb, nievre, "lever")
    assert any("sante-social" in _themes(kb, lever) for lever in levers), levers
    assert "insertion_rsa_pdi" in levers, levers


def test_the_nievre_plan_lists_a_care_lever_among_its_actions(kb, index):
    text = plan(kb, index, "Nièvre", "departement", {"sante-social", "emploi-insertion"},
                "ancrer")
    levers = text.split("## Vos leviers, un par un")[1].split("## Financements")[0]
    assert "habitat inclusif" in levers or "aide à domicile" in levers, levers[:2000]


def test_no_funding_tool_is_offered_for_a_clause_d_insertion(kb, index):
    # The Nièvre's plan offered « Contrats à impact » (an investor prefinancing an ESS
    # structure's programme) for every action, the clause d'insertion included: a clause is
    # paid by the contract it is written into.
    assert kb.items["clause_insertion"].own_purchases
    text = plan(kb, index, "Nièvre", "departement", {"sante-social", "emploi-insertion"},
                "ancrer")
    section = text.split('<a id="levier-clause_insertion"></a>')[1].split("\n### ")[0]
    assert "Financements à étudier" not in section, section
    # the tools still come for the actions they can pay for (the PDI's: the FSE+)
    pdi = text.split('<a id="levier-insertion_rsa_pdi"></a>')[1].split("\n### ")[0]
    assert "Financements à étudier" in pdi and "FSE+" in pdi
    page_1 = text.split("### Pour financer ces premières actions")[1].split("### Qui")[0]
    assert "Contrats à impact" not in page_1
