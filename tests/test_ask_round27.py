"""The right direct answer among an item's answers (round 27, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before its mechanism was added:

- a rate asked (« quel taux », « quel % », read « pourcentage ») is answered by a share (a
  percentage, a rate of zero), not by an answer about the subject that gives no share
  (how to get a pre-financing, a ceiling in euros), and by no answer when none gives one;
- an answer of the best item, written for the fact asked (how long, how much, which law)
  and giving that kind of fact, is shown although the situation told around the question
  (« délivré l'an dernier à la ressourcerie ») dilutes its score, when that item would
  answer a factual question by itself;
- an item's own legal basis (a field of the item) counts as written for « quelle base
  légale ? » and giving a law, as a written answer does: it is no longer passed over for an
  answer that cites a law in passing or belongs to a neighbouring item.
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize(("text", "share"), [
    ("à la Réunion, les fonds européens peuvent aller jusqu'à quel taux ?", "85 %"),
])
def test_a_rate_asked_is_answered_by_a_share(searcher: Searcher, text: str,
                                             share: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert share in result.direct.answer.text


def test_no_answer_without_a_share_for_a_rate_asked(searcher: Searcher) -> None:
    result = searcher.ask("AFD outre-mer : préfinancement à quel taux ?")
    assert result.direct is None or "%" in result.direct.answer.text


def test_an_answer_written_for_the_fact_asked_survives_the_situation_told(
        searcher: Searcher) -> None:
    result = searcher.ask("agrément ESUS délivré l'an dernier à la ressourcerie : il expire "
                          "quand ?")
    assert result.direct is not None
    assert "cinq ans" in result.direct.answer.text


@pytest.mark.parametrize(("text", "item", "law"), [
    ("aide à l'immobilier d'entreprise par la commune : quelle base légale ?",
     "immobilier_eco", "L1511-3"),
    ("quel texte encadre le financement participatif d'une collectivité ?",
     "financement_participatif", "2020/1503"),
])
def test_the_legal_basis_of_the_item_answers_which_law(searcher: Searcher, text: str,
                                                       item: str, law: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.hits[0].item.id == item
    assert law in result.direct.answer.text
