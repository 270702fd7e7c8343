"""The regional nature park is a context the agent gives (the territory data holds no list of
the parks' communes): its lever and contact are shown only then (blind rating 2026-12-02:
« Si votre territoire est dans un PNR » came first for a Calvados CC and for a région)."""

from __future__ import annotations

from bot.knowledge.evaluation import top_ids
from bot.knowledge.scoring import Profile
from tests.conftest import run_essbot

PNR_ITEMS = {"parc_naturel_regional_partenaire", "federation_parcs_naturels_regionaux"}


def shown(kb, contexts: set[str], type: str = "epci", step: str = "ancrer") -> set[str]:
    profile = Profile(type, frozenset(contexts),
                      frozenset({"transition-ecologique", "alimentation"}), step, "28")
    return {i for ids in top_ids(kb, profile).values() for i in ids}


def test_the_park_items_need_the_park_context(kb):
    assert not PNR_ITEMS & shown(kb, {"rural"})
    assert not PNR_ITEMS & shown(kb, {"rural"}, "region", "identifier")
    assert shown(kb, {"rural", "pnr"}) >= PNR_ITEMS


def test_the_park_context_is_given_and_said_in_the_reasons():
    result = run_essbot(["recommend", "--type", "commune", "--context", "rural,pnr",
                         "--themes", "culture-tourisme", "--step", "identifier"])
    assert result.returncode == 0, result.stderr
    assert "Territoire d'un parc naturel régional (PNR)" in result.stdout
    assert "votre territoire est situé dans un parc naturel régional" in result.stdout
