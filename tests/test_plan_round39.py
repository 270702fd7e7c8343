"""Round 39 (lead): the portrait line of a collectivité d'outre-mer in the feuille de route says
what it is, and does not repeat its name in brackets."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.knowledge.profile import build_profile, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render_markdown
from tests.test_plan_round33 import TODAY


def portrait(kb, index, territory: str, lang: str = "fr") -> str:
    place = index.resolve(territory).all[0]
    profile = build_profile(kb.scoring, type=None, themes=frozenset({"alimentation"}),
                            step="identifier", territory=place, index=index)
    t = translator(lang)
    doc = build_outline(kb, profile, recommendations(kb, profile, "full"), t, TODAY,
                        names_of(place, index))
    markdown = render_markdown(doc, t)
    return next(line for line in markdown.splitlines() if "habitant" in line
                or "inhabitant" in line)


@pytest.mark.parametrize(("territory", "name"), [
    ("Saint-Pierre-et-Miquelon", "Saint-Pierre-et-Miquelon"),
    ("Saint-Barthélemy", "Saint-Barthélemy"),
])
def test_a_com_is_called_a_collectivite_d_outre_mer(kb, index, territory, name) -> None:
    line = portrait(kb, index, territory)
    assert line.startswith(f"- {name}, collectivité d'outre-mer de "), line
    assert f"({name})" not in line, line
    assert "overseas collectivity" in portrait(kb, index, territory, "en")


def test_a_commune_keeps_its_departement_and_region_in_brackets(kb, index) -> None:
    line = portrait(kb, index, "Bourganeuf")
    assert line.startswith("- Bourganeuf, commune de "), line
    assert "(Creuse, Nouvelle-Aquitaine)" in line, line
