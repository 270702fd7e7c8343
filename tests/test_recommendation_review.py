"""What the expert review of 2026-11-30 (docs/reviews/recommendations-2026-11-30.md) found a
town hall agent reading, and that is not a matter of ranking: the French of the reasons and
facts from far away stated in a lever meant for every small commune."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import translator
from bot.knowledge import load_knowledge
from bot.knowledge.scoring import Profile

CONTENT = Path(__file__).resolve().parent.parent / "content"
# « de » before a vowel or a mute h must elide: « fait partie de Action cœur de ville » is wrong
UNELIDED_DE = re.compile(r"\bde (?=[AEIOUÉÈÊaeiouéèêh])")


@pytest.fixture(scope="module")
def kb() -> Any:
    knowledge, problems = load_knowledge(CONTENT, CONTENT.parent)
    assert not [p for p in problems if p.severity == "error"]
    return knowledge


def overseas_town(programmes: frozenset[str]) -> Profile:
    return Profile("commune", frozenset({"outre-mer", "urbain"}),
                   frozenset({"alimentation", "transition-ecologique"}), "ancrer", "03",
                   size="grande", programmes=programmes)


@pytest.mark.parametrize("profile", [
    overseas_town(frozenset({"acv"})),
    overseas_town(frozenset({"acv", "territoires-industrie"})),
    overseas_town(frozenset({"pvd"})),
    overseas_town(frozenset({"villages-avenir"})),
    Profile("commune", frozenset({"rural", "fragile"}), frozenset({"services-proximite"}),
            "soutenir", "75", size="petite", programmes=frozenset({"frr"})),
    Profile("commune", frozenset({"qpv", "urbain"}), frozenset({"emploi-insertion"}),
            "soutenir", "32", size="grande", programmes=frozenset({"cites-emploi"})),
], ids=["acv", "acv+ti", "pvd", "villages-avenir", "frr", "cites-emploi"])
def test_the_programme_reason_reads_as_french(kb: Any, profile: Profile) -> None:
    # Saint-Laurent-du-Maroni read « votre territoire fait partie de Action cœur de ville et
    # Territoires d'industrie ».
    t = translator("fr")
    shown = [r for kind in ("lever", "funding", "contact", "example")
             for r in kb.scoring.rank(kb.of_kind(kind), profile, 10)
             if "programmes" in dict(r.matched)]
    assert shown, "a programme of the territory is named in a reason"
    for ranked in shown:
        reason = kb.scoring.reason(ranked, t)
        clause = reason[reason.index("concerné par"):]
        assert not UNELIDED_DE.search(clause), reason


def test_the_territory_is_named_once_for_its_contexts_and_programmes(kb: Any) -> None:
    # « votre territoire est rural et fragile, … et votre territoire est concerné par France
    # Ruralités Revitalisation » (review fault F3): one subject for both.
    profile = Profile("commune", frozenset({"rural", "fragile"}),
                      frozenset({"services-proximite"}), "soutenir", "75", size="petite",
                      programmes=frozenset({"frr"}))
    reasons = [kb.scoring.reason(r, translator("fr"))
               for kind in ("lever", "funding", "contact", "example")
               for r in kb.scoring.rank(kb.of_kind(kind), profile, 10)
               if {"contexts", "programmes"} <= set(dict(r.matched))]
    assert reasons, "an item fits both the place and the programme"
    for reason in reasons:
        assert reason.count("votre territoire") == 1, reason
        assert "et concerné par France Ruralités Revitalisation" in reason, reason


def test_the_small_commune_lever_does_not_teach_a_creuse_village_from_mayotte(kb: Any) -> None:
    # The lever for communes under 3,500 inhabitants illustrated intercommunal pooling with the
    # pôles ESS of Mayotte's five intercommunalités, sourced to the CRESS de Mayotte: shown
    # first to a village of 398 inhabitants in the Creuse.
    profile = Profile("commune", frozenset({"rural"}),
                      frozenset({"alimentation", "services-proximite"}), "identifier", "75",
                      size="petite")
    top = kb.scoring.rank(kb.of_kind("lever"), profile, 5)
    lever = next(r.item for r in top if r.item.id == "mutualisation_intercommunale")
    assert "Mayotte" not in lever.body
    assert not [s for s in lever.sources if "mayotte" in (s.url or "").lower()]
