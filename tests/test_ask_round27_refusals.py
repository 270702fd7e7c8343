"""Questions the base can answer, no longer refused (round 27, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before its mechanism was added:

- an adverb is its adjective (« provisoirement » is « provisoire », « obligatoirement »
  « obligatoire »), so the word that carries a question's subject is found in the base;
- a former public building named by agents' words (« l'ex-gendarmerie », « l'ancienne
  caserne ») is a disused building: its temporary use is urbanisme transitoire;
- a sports club or a comité des fêtes is an association (« club sportif », « club de
  rugby »), while the practice of a sport (« le club de foot de mon fils ») stays off-topic;
- a structure that « perd de l'argent » or is « déficitaire » is in difficulty: the DLA
  accompanies it.
"""

from __future__ import annotations

import pytest

from bot.qa.normalize import stem
from bot.qa.search import Searcher


@pytest.mark.parametrize(("adverb", "adjective"), [
    ("provisoirement", "provisoire"), ("temporairement", "temporaire"),
    ("obligatoirement", "obligatoire"), ("majoritairement", "majoritaire"),
])
def test_an_adverb_has_the_stem_of_its_adjective(adverb: str, adjective: str) -> None:
    assert stem(adverb) == stem(adjective)


ANSWERED = [
    ("l'ancienne caserne des pompiers sera rasée dans quatre ans, peut-on y accueillir "
     "provisoirement des associations ?", "urbanisme_transitoire"),
    ("l'ex-gendarmerie du bourg : on voudrait y installer provisoirement une épicerie "
     "associative avant sa vente", "urbanisme_transitoire"),
    ("le comité des fêtes reçoit 30 000 € de la commune, une convention est-elle obligatoire ?",
     "subvention_cpo"),
    ("un club sportif de la commune est en difficulté financière, qui peut l'accompagner ?",
     "dla_departemental"),
]


@pytest.mark.parametrize(("text", "item"), ANSWERED)
def test_the_subject_said_in_agents_words_is_answered(searcher: Searcher, text: str,
                                                      item: str) -> None:
    result = searcher.ask(text)
    assert result.hits and result.hits[0].item.id == item, [h.item.id for h in result.hits]


def test_the_practice_of_a_sport_stays_off_topic(searcher: Searcher) -> None:
    result = searcher.ask("comment inscrire mon fils au club de foot ?")
    assert not result.hits and result.direct is None, [h.item.id for h in result.hits]


@pytest.mark.parametrize("text", [
    "la ressourcerie perd de l'argent, quel accompagnement existe ?",
    "notre chantier d'insertion est déficitaire depuis deux ans, qui peut l'accompagner ?",
])
def test_losing_money_is_a_difficulty(searcher: Searcher, text: str) -> None:
    shown = [h.item.id for h in searcher.ask(text).hits]
    assert {"dla", "dla_departemental"} & set(shown), shown
