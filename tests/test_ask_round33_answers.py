"""Direct answers for questions as agents type them (round 33, issue 16).

The sentences were written for this round (not taken from any evaluation set). The three
first were answered with another entry of the right item, or not at all, before the written
answers below were given the question they already answered; the others are answered as
before (the questions added there fix other phrasings) and guard that the entries of one
item still share their questions rightly:

- since which law one marché may be reserved to the handicap and insertion structures
  together (mr_conjoint: the loi ASAP), not the groupement de commandes' answer;
- what a laureate of La France s'engage receives (lfse_montant), not how to apply;
- whether the mairie may pay its suppliers in monnaie locale (ml_depenses: it may not),
  not which law recognises these currencies;
- since when an association asking a subsidy signs the contrat d'engagement républicain
  (cer_qui_souscrit: 2 January 2022), and within which delay a withdrawn subsidy is paid
  back (cer_retrait_subvention: six months at most), each its own answer;
- « ça fait quoi ? », « ils font quoi ? » ask what the thing does (the role aspect, as
  « que fait… ? »): the item's summary answers, not an entry written for a side fact (its
  funding, who makes it up, whether a marché may be reserved to it).
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize(("text", "answer", "said"), [
    ("depuis quelle loi un même marché peut viser le handicap et l'insertion ensemble ?",
     "mr_conjoint", "ASAP"),
    ("un marché pour ESAT et SIAE ensemble, c'est permis depuis quelle loi ?", "mr_conjoint",
     "ASAP"),
    ("La France s'engage, les lauréats touchent combien ?", "lfse_montant", "300 000"),
    ("notre commune a-t-elle le droit de payer ses fournisseurs en monnaie locale ?",
     "ml_depenses", "ne peut pas"),
    ("le contrat d'engagement républicain s'impose aux assos depuis quand ?",
     "cer_qui_souscrit", "2022"),
    ("subvention retirée pour non-respect du contrat d'engagement républicain : l'asso a "
     "combien de temps pour la rembourser ?", "cer_retrait_subvention", "six mois"),
])
def test_the_entry_written_for_the_question(searcher: Searcher, text: str, answer: str,
                                            said: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.id == answer
    assert said in result.direct.answer.text


@pytest.mark.parametrize(("text", "item"), [
    ("un GEIQ, ça fait quoi pour les entreprises ?", "geiq"),
    ("les PTCE font quoi au juste ?", "ptce"),
    ("une régie de quartier, ça fait quoi ?", "glossaire_regie_quartier"),
])
def test_what_it_does_is_its_summary(searcher: Searcher, text: str, item: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.id == f"{item}:summary"
