"""rank35 (issue 15 §3): the faults of the seventh blind rating
(docs/reviews/recommendations-2026-12-01-fresh7-rating.md) about the levers' top five: a chosen
theme with no lever, a block of generic « identifier » items; checked on what a user sees in
`essbot recommend`, the feuille de route and the chat (the profiles are made up here)."""

from __future__ import annotations

from bot.knowledge.recommend import recommendations
from bot.knowledge.scoring import Profile

# made-up profiles, of each level and step, with one theme, several or none
PROFILES = (
    Profile("commune", frozenset({"rural"}), frozenset(), "identifier", size="petite"),
    Profile("commune", frozenset({"urbain", "qpv"}), frozenset({"habitat", "sante-social"}),
            "identifier", size="moyenne", programmes=frozenset({"pvd"})),
    Profile("epci", frozenset({"rural"}), frozenset({"economie-circulaire", "emploi-insertion",
                                                     "mobilite"}), "identifier",
            size="moyenne"),
    Profile("commune", frozenset({"rural", "montagne"}),
            frozenset({"culture-tourisme", "services-proximite"}), "soutenir", size="petite"),
    Profile("epci", frozenset({"urbain"}), frozenset({"alimentation"}), "ancrer",
            size="grande"),
    Profile("departement", frozenset({"rural"}), frozenset({"habitat", "mobilite"}),
            "soutenir", size="grande"),
    Profile("region", frozenset(), frozenset({"numerique", "transition-ecologique"}), "ancrer",
            size="grande"),
)


def test_the_chat_shows_the_same_first_five_levers_as_the_document(kb):
    # The chat asks for ten levers (three cards, then « Autres leviers »); the shares of a top
    # list (a theme, the step alone) are counted on its length, so ten places reordered the
    # first five: 14 of the 199 tuning profiles saw other levers in the chat than in
    # `essbot recommend` and the feuille de route. The ten now begin with the five.
    for profile in PROFILES:
        five = [r.item.id for r in recommendations(kb, profile, "full")["lever"]]
        ten = [r.item.id for r in recommendations(kb, profile, "full", more=5)["lever"]]
        assert ten[:len(five)] == five, profile
        assert len(ten) == len(set(ten)) and len(ten) > len(five), profile
