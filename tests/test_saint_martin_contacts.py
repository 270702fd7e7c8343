"""cont39: Saint-Martin's own ESS bodies, a contact whose ``region`` is a COM's code."""

from __future__ import annotations

from bot.knowledge.partners import regional_cress
from bot.knowledge.scoring import Profile

SAINT_MARTIN = "saint_martin_interlocuteurs_ess"


def test_a_contact_may_name_a_collectivite_d_outre_mer_as_its_region(kb):
    assert kb.items[SAINT_MARTIN].region == "978"


def test_saint_martin_gets_its_own_contact_and_no_one_else_does(kb):
    here = Profile("commune", frozenset({"outre-mer"}), frozenset(), "identifier", region="978")
    ranked = [r.item.id for r in kb.ranked("contact", here)]
    assert SAINT_MARTIN in ranked[:5]
    for region in ("01", "975", "977", "11"):
        there = Profile("commune", frozenset({"outre-mer"}), frozenset(), "identifier",
                        region=region)
        assert SAINT_MARTIN not in [r.item.id for r in kb.ranked("contact", there)], region


def test_saint_martin_s_contact_is_not_named_as_a_cress(kb):
    # « la CRESS de votre région » stays generic there: the island has none
    assert regional_cress(kb, "978") is None
    assert regional_cress(kb, "01") is not None


def test_saint_martin_s_contact_answers_its_questions_only(searcher):
    # named with the Guadeloupe, the island still counts as named
    asked = ("agent de la collectivité de saint martin, y a t il une cress ou on depend de la "
             "guadeloupe ?")
    assert searcher.ask(asked).hits[0].item.id == SAINT_MARTIN
    # its préfecture and its insertion contracts do not answer a question of no place
    elsewhere = ("qui décide du conventionnement d'une entreprise d'insertion, la région ou la "
                 "préfecture ?")
    assert SAINT_MARTIN not in [hit.item.id for hit in searcher.ask(elsewhere).hits][:3]
