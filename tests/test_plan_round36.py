"""plan36: page 1 of the feuille de route (issue 15, blind rating fresh7): a funding tool named
« Pour l'action N » fits that action's public and frame (Mayotte's informal housing is funded
by the LBU, not by the aide à la vie partagée for elderly and disabled people), and with two
chosen themes the three actions serve both when the base has a lever for each."""

from __future__ import annotations

import re

from bot.i18n import translator
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render_markdown
from tests.test_plan_round33 import TODAY, outline, page_one, plan

DEFAULT = "Mayotte", "departement", {"habitat", "petite-enfance-jeunesse"}, "identifier"


def funding_lines(page: str) -> list[str]:
    block = page.split("### Pour financer ces premières actions")[1].split("### Qui appeler")[0]
    return [line for line in block.splitlines() if line.startswith("- ")]


def test_mayotte_informal_housing_is_funded_by_the_lbu_not_the_avp(kb, index) -> None:
    """The AVP pays for a habitat inclusif (its family); the informal housing lever, bound to
    the outre-mer, is funded by the tool of its frame and theme, the LBU."""
    page = page_one(plan(kb, index, *DEFAULT))
    assert "1. **Demander à la préfecture la liste des opérations de résorption" in page
    lines = funding_lines(page)
    assert not any("vie partagée" in line for line in lines), lines
    lbu = [line for line in lines if "Ligne budgétaire unique (LBU)" in line]
    assert lbu and "Pour l'action 1 :" in lbu[0], lines
    # shown in the order of the actions they fund
    numbers = [int(m.group(1)) for line in lines
               if (m := re.search(r"Pour (?:l'action|les actions) (\d)", line))]
    assert numbers == sorted(numbers), lines


def test_the_avp_stays_the_habitat_inclusif_funding(kb, index) -> None:
    """The AVP still funds the habitat inclusif action it is tied to, and no other lever's
    « Financements à étudier » name it."""
    doc, _ = outline(kb, index, "Nièvre", "departement", {"sante-social", "habitat"},
                     "soutenir")
    for lever in doc.levers:
        named = [name for name, _ in lever.funding if "vie partagée" in name]
        assert not named or lever.anchor == "levier-habitat_inclusif", lever.title
    inclusive = [lever for lever in doc.levers if lever.anchor == "levier-habitat_inclusif"]
    assert inclusive and "vie partagée" in inclusive[0].funding[0][0]


def test_two_chosen_themes_both_reach_page_one(kb, index) -> None:
    """Lodève (habitat, santé-social), the Grand Reims (alimentation, transition écologique)
    and Mayotte (habitat, petite enfance): the three actions serve both themes."""
    cases = [("Lodève", "commune", {"habitat", "sante-social"}, "identifier"),
             ("Grand Reims", "epci", {"alimentation", "transition-ecologique"}, "ancrer"),
             DEFAULT]
    for territory, kind, themes, step in cases:
        doc, _ = outline(kb, index, territory, kind, themes, step)
        anchors = {p.anchor.removeprefix("levier-") for p in doc.priorities}
        served = set().union(*((kb.items[a].restricts("themes") or frozenset()) & themes
                               for a in anchors))
        assert served == themes, (territory, anchors)


def test_a_single_collectivite_decides_with_its_own_bodies(kb, index) -> None:
    """« À décider d'abord (président et conseil régional) » for the Collectivité territoriale
    de Martinique, « maire et conseil municipal » for Paris as a département: each single
    collectivité names its own executive and assembly, and no « Qui porte » says « de la
    région » for it."""
    cases = {("Martinique", "region"): "président du conseil exécutif et Assemblée de "
             "Martinique", ("Corse", "region"): "président du conseil exécutif et Assemblée "
             "de Corse", ("Guyane", "departement"): "président et Assemblée de Guyane",
             ("Paris", "departement"): "maire et Conseil de Paris",
             ("Métropole de Lyon", "epci"): "président et conseil de la Métropole",
             ("Mayotte", "departement"): "président et assemblée départementale"}
    for (territory, kind), deciders in cases.items():
        text = plan(kb, index, territory, kind, {"transition-ecologique", "numerique"},
                    "identifier")
        assert f"**À décider d'abord ({deciders})**" in page_one(text), territory
        assert not re.search(r"Qui porte.*de la région\b", text), territory


def test_page_one_says_so_when_no_recommended_tool_fits(kb, index) -> None:
    """No recommended tool fits the first actions (here: the list has none): page 1 says so
    under its heading rather than name a tool of another theme « Pour ces actions »."""
    place = index.resolve("Nièvre", prefer="departement").all[0]
    profile = build_profile(kb.scoring, type="departement", themes=frozenset({"mobilite"}),
                            step="identifier", territory=place, index=index)
    t = translator("fr")
    chosen = {**recommendations(kb, profile, "full"), "funding": []}
    doc = build_outline(kb, profile, chosen, t, TODAY, names_of(place, index))
    assert not doc.first_funding
    page = page_one(render_markdown(doc, t))
    assert "### Pour financer ces premières actions\n\nAucun des financements recommandés ne " \
        "vise ces actions" in page
