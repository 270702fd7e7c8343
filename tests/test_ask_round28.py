"""Direct answers for questions as agents type them (round 28, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before its mechanism was added:

- whom to turn to in a place (« qui contacter à la CRESS pour la Lozère ? », « à qui
  s'adresser… ») is answered by the summary of the contact of the région the place is in,
  when that contact is the best item; where to find it online (« leur site ? ») is still
  answered by how to reach it.
"""

from __future__ import annotations

from bot.qa.search import Searcher


def test_whom_to_turn_to_in_a_place_is_the_contact_of_its_region(searcher: Searcher) -> None:
    result = searcher.ask("qui contacter à la CRESS pour la Lozère ?")
    assert result.direct is not None
    assert result.direct.answer.item.id == "cress_occitanie"
    assert "Occitanie" in result.direct.answer.text


def test_a_contact_website_is_still_how_to_reach_it(searcher: Searcher) -> None:
    result = searcher.ask("CRESS pour Brest, leur site ?")
    assert result.direct is not None
    assert "ess-bretagne" in result.direct.answer.text

