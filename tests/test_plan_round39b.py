"""plan39 (review39): the feuille de route funds each action with a tool that pays for what the
action's lever costs, and names the bodies that exist in the place."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.knowledge.loader import EXPENSES
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render_markdown
from bot.knowledge.roadmap.outline import Outline, pays_for
from tests.test_plan_round33 import TODAY

# the review's own commands (docs/reviews/review-2026-12-02-review39.md)
REVIEWED = [
    ("58079", "services-proximite,economie-circulaire", "soutenir"),
    ("Montluçon", "emploi-insertion,habitat", "soutenir"),
    ("Marseille", "emploi-insertion,alimentation", "soutenir"),
    ("Creuse Confluence", "mobilite,sante-social", "identifier"),
    ("Bourgogne-Franche-Comté", "transition-ecologique,numerique", "ancrer"),
    ("Capesterre-Belle-Eau", "economie-circulaire,alimentation", "soutenir"),
]


def outline(kb, index, territory: str, themes: str, step: str) -> tuple[Outline, str]:
    place = index.resolve(territory).all[0]
    profile = build_profile(kb.scoring, type=None, themes=frozenset(themes.split(",")),
                            step=step, territory=place, index=index)
    t = translator("fr")
    doc = build_outline(kb, profile, recommendations(kb, profile, "full"), t, TODAY,
                        names_of(place, index))
    return doc, render_markdown(doc, t)


def item(kb, anchor: str):
    return kb.items[anchor.split("-", 1)[1]]


@pytest.mark.parametrize(("territory", "themes", "step"), REVIEWED)
def test_page_one_names_a_tool_only_for_an_action_it_pays_for(kb, index, territory, themes,
                                                               step) -> None:
    doc, _ = outline(kb, index, territory, themes, step)
    for tool in doc.first_funding:
        funding = item(kb, tool.anchor)
        numbered = tool.actions or range(1, len(doc.priorities) + 1)
        for number in numbered:
            lever = item(kb, doc.priorities[number - 1].anchor)
            assert lever.own_purchases or pays_for(lever, funding), (tool.fits, funding.id,
                                                                     lever.id)


@pytest.mark.parametrize(("territory", "themes", "step"), REVIEWED)
def test_a_lever_lists_only_tools_that_pay_for_what_it_costs(kb, index, territory, themes,
                                                             step) -> None:
    doc, _ = outline(kb, index, territory, themes, step)
    for plan in doc.levers:
        lever = item(kb, plan.anchor)
        for _, anchor in plan.funding:
            assert pays_for(lever, item(kb, anchor)), (lever.id, anchor)


def test_a_caf_agreement_is_not_funded_by_an_investment_grant(kb, index) -> None:
    """Clamecy: the CTG with the CAF is no DETR or LEADER work; the CAF's own tools fund it."""
    doc, _ = outline(kb, index, *REVIEWED[0])
    ctg = next(plan for plan in doc.levers if "convention territoriale globale" in plan.title)
    names = " ".join(name for name, _ in ctg.funding)
    assert "DETR" not in names and "LEADER" not in names, names
    assert "CAF" in names, names


def test_a_coordination_or_a_conference_gets_no_investment_tool(kb, index) -> None:
    """Marseille's Cité de l'emploi is not an ANRU work; the région's conférence is no FEDER
    or Fonds vert project; the CC's contrat local de santé no CAF centre social grant."""
    for reviewed, absent in ((REVIEWED[2], "ANRU"), (REVIEWED[4], "Fonds vert"),
                             (REVIEWED[3], "centre social")):
        doc, _ = outline(kb, index, *reviewed)
        page_one = [tool for tool in doc.first_funding if absent in tool.name]
        assert not page_one, page_one
    doc, _ = outline(kb, index, *REVIEWED[4])
    feder = [tool for tool in doc.first_funding if "FEDER" in tool.name]
    conference = next(n for n, priority in enumerate(doc.priorities, 1)
                      if "conférence régionale" in priority.action)
    assert all(tool.actions and conference not in tool.actions for tool in feder), feder


def test_guadeloupe_is_sent_to_its_deets_not_to_a_dreets_or_a_petr(kb, index) -> None:
    _, markdown = outline(kb, index, *REVIEWED[5])
    text = "\n".join(line for line in markdown.splitlines() if "<http" not in line
                     and not line[:1].isdigit())  # the numbered sources keep their titles
    for absent in ("DREETS", "direction départementale chargée de la cohésion sociale",
                   "PETR"):
        assert absent not in text, absent
    assert "la DEETS de la Guadeloupe renseigne sur le calendrier" in text


def test_a_cc_is_not_told_the_commune_or_its_ccas(kb, index) -> None:
    _, markdown = outline(kb, index, *REVIEWED[3])
    assert "la commune ou son CCAS" not in markdown
    assert "son CCAS ou son CIAS" in markdown


def test_expenses_are_a_known_kind(kb) -> None:
    for one in kb.items.values():
        assert one.expenses <= set(EXPENSES), one.id
        assert not one.expenses or one.kind in ("lever", "funding"), one.id


def test_a_town_over_3500_is_not_sent_to_1000_cafes(kb, index) -> None:
    """« 1000 cafés » is for communes under 3 500 inhabitants: Clamecy (3 544) is not sent
    there, a village is."""
    doc, _ = outline(kb, index, *REVIEWED[0])
    assert not [p for p in doc.priorities if "1000 cafés" in p.action], doc.priorities
    village, _ = outline(kb, index, "Meyrueis", "alimentation,services-proximite", "identifier")
    assert [p for p in village.priorities if "1000 cafés" in p.action], village.priorities


def test_mayotte_s_cssm_source_is_for_mayotte_alone(kb, index) -> None:
    _, markdown = outline(kb, index, *REVIEWED[3])
    assert "CLEISS" not in markdown
    _, markdown = outline(kb, index, "Dembéni", "alimentation,petite-enfance-jeunesse",
                          "identifier")
    assert "CLEISS" in markdown
