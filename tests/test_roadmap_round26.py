"""plan26: the feuille de route read as the élu who receives it (a Creuse village, Roubaix,
Koungou, a département, a région), on what each one reads."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.i18n import translator
from bot.knowledge import load_knowledge
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.profile import build_profile, load_territories, names_of
from bot.knowledge.recommend import recommendations
from bot.knowledge.roadmap import build_outline, render_markdown
from bot.knowledge.roadmap.outline import size_words
from bot.knowledge.territory import default_territory_path

CONTENT = Path(__file__).resolve().parent.parent / "content"
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    knowledge, problems = load_knowledge(CONTENT, CONTENT.parent)
    assert not [p for p in problems if p.severity == "error"]
    return knowledge


@pytest.fixture(scope="module")
def index():
    return load_territories(default_territory_path(CONTENT))


def plan(kb, index, territory: str, kind: str, themes: set[str], step: str) -> str:
    """The Markdown of the feuille de route, as `essbot plan` writes it."""
    place = index.resolve(territory, prefer=kind).all[0]
    profile = build_profile(kb.scoring, type=kind, themes=frozenset(themes), step=step,
                            territory=place, index=index)
    t = translator("fr")
    doc = build_outline(kb, profile, recommendations(kb, profile, "full"), t, TODAY,
                        names_of(place, index))
    return render_markdown(doc, t)


def test_a_large_commune_reads_no_condition_on_its_size(kb, index) -> None:
    """Koungou (32,000 inhabitants) read « Pour une commune de plus de 3 500 habitants,
    inscrire… » in its calendar: the condition holds, so it is left out."""
    text = plan(kb, index, "Koungou", "commune", {"petite-enfance-jeunesse", "emploi-insertion"},
                "identifier")
    assert "Pour une commune de plus de 3 500 habitants" not in text
    assert "Inscrire dans la planification les projets des gestionnaires associatifs" in text


def test_a_step_for_larger_communes_is_left_out_for_a_village() -> None:
    step = ("Pour une commune de plus de 3 500 habitants, inscrire dans la planification les "
            "projets des gestionnaires associatifs.")
    assert size_words(step, "commune", "petite") == ""
    assert size_words(step, "commune", "grande").startswith("Inscrire dans la planification")
    assert size_words(step, "departement", None) == step
