"""Direct answers for questions as agents type them (round 28, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before its mechanism was added:

- whom to turn to in a place (« qui contacter à la CRESS pour la Lozère ? », « à qui
  s'adresser… ») is answered by the summary of the contact of the région the place is in,
  when that contact is the best item; where to find it online (« leur site ? ») is still
  answered by how to reach it;
- a place said in a clause that tells the situation (« le centre social de Vierzon vient
  d'avoir un poste Fonjep : … quel montant ? ») does not make the figure asked a local one,
  unless that clause is the asker's (« je suis … dans le Cantal. ») or says nothing else, or
  the clause that asks points back to it (« combien y en a-t-il ? »).
"""

from __future__ import annotations

import pytest

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


def test_a_place_in_the_story_does_not_make_a_figure_local(searcher: Searcher) -> None:
    result = searcher.ask("le centre social de Vierzon vient d'avoir un poste Fonjep : ça "
                          "représente quel montant par an ?")
    assert result.direct is not None
    assert "7 164" in result.direct.answer.text


@pytest.mark.parametrize("text", [
    "Je suis secrétaire de mairie dans le Cantal. Combien de SCIC ?",
    "notre commune est dans la Creuse. Combien de SCIC y a-t-il ?",
    "Cantal : combien de SCIC ?",
])
def test_a_local_figure_is_still_refused(searcher: Searcher, text: str) -> None:
    result = searcher.ask(text)
    assert result.direct is None and not result.hits
