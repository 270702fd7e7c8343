"""Direct answers for questions as agents type them (round 32, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before its mechanism was added:

- « quelle CRESS », « quelle chambre régionale » asked for a place names which contact
  serves it: the summary of the contact of the place's région, which says who it is and
  for which région, answers — not how to reach it (its site), which names no région;
- a written answer whose question asks « qui contacter… ? » answers whom to turn to (a
  contact), not « qui pilote… ? », « qui est l'autorité de gestion ? »: the answer written
  for who runs the thing comes first (« les conseils régionaux »), while « qui contacter… ? »
  still gets the answer on whom to contact;
- « les signataires », « quels signataires » ask who (who signs a contract), as « qui
  signe » did: « les signataires obligatoires d'un contrat local de santé ? » is answered.
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize(("text", "region"), [
    ("à Clermont-Ferrand, on s'adresse à quelle chambre régionale de l'ESS ?",
     "Auvergne-Rhône-Alpes"),
    ("pour Amiens, on s'adresse à quelle CRESS ?", "Hauts-de-France"),
])
def test_which_contact_for_a_place_is_its_summary(searcher: Searcher, text: str,
                                                  region: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.general
    assert region in result.direct.answer.text


def test_the_site_asked_is_still_how_to_reach_it(searcher: Searcher) -> None:
    result = searcher.ask("quel est le site de la CRESS Bretagne ?")
    assert result.direct is not None
    assert "ess-bretagne.org" in result.direct.answer.text


@pytest.mark.parametrize("text", [
    "FEDER : qui est l'autorité de gestion ?",
    "qui pilote le programme FEDER en métropole ?",
])
def test_who_runs_it_is_not_whom_to_contact(searcher: Searcher, text: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert "conseils régionaux" in result.direct.answer.text


def test_whom_to_contact_is_still_the_contact_answer(searcher: Searcher) -> None:
    result = searcher.ask("qui contacter pour un financement FEDER ?")
    assert result.direct is not None
    assert result.direct.answer.text.startswith("Contactez")


def test_the_signatories_asked_are_who(searcher: Searcher) -> None:
    result = searcher.ask("les signataires obligatoires d'un contrat local de santé ?")
    assert "who" in result.aspects
    assert result.direct is not None
    assert "agence régionale de santé" in result.direct.answer.text
