"""Direct answers for questions as agents type them (round 36, issue 16).

The sentences were written for this round (not taken from any evaluation set):

- « référence légale », « références juridiques » ask the legal basis, as « base légale »
  does: the answer giving the article (the item's legal basis field, or an entry written
  for it), not the entry on who takes part;
- written answers given the question they already answered: a commune's caution of an
  association's loan (garantie_emprunt_commune, CGCT L2252-1), the DLA's national « tête
  de réseau » (dla_qui: Avise), the département's or the région's préfet for the ESUS
  agrément (esus_qui);
- how an atelier et chantier d'insertion gets its convention (aci_conventionnement: the
  DDETS instructs, the préfet concludes after the CDIAE), a recurring question no entry
  held (the others said who may carry one and how a collectivité supports it);
- one actor of which of two places (« la préfecture de Bordeaux ou celle de la
  Dordogne ? ») asks who, as « la commune ou l'interco ? » does.
"""

from __future__ import annotations

import pytest

from bot.qa.aspects import aspects_of
from bot.qa.normalize import words
from bot.qa.search import Searcher


@pytest.mark.parametrize("text", [
    "la référence légale du plan de mobilité solidaire ?",
    "quelles références juridiques pour un PTCE ?",
    "legal reference of the mobility plan?",
])
def test_a_legal_reference_asks_the_legal_basis(text: str) -> None:
    assert "legal" in aspects_of(words(text))


@pytest.mark.parametrize(("text", "said"), [
    ("les PTCE, référence légale ?", "2014-856"),
    ("l'agrément ESUS : référence juridique précise ?", "L3332-17-1"),
    ("mobilité solidaire par bassin, la LOM : référence légale exacte ?", "L1215-3"),
])
def test_the_legal_reference_of_an_item_gives_its_article(searcher: Searcher, text: str,
                                                          said: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert said in result.direct.answer.text


@pytest.mark.parametrize(("text", "answer", "said"), [
    ("la mairie peut-elle se porter caution pour le prêt du foyer rural, quel article ?",
     "garantie_emprunt_commune", "L2252-1"),
    ("DLA : qui en est la tête de réseau nationale ?", "dla_qui", "Avise"),
    ("L'agrément ESUS, c'est la préfecture de la région ou celle du département ?", "esus_qui",
     "préfet"),
])
def test_the_entry_written_for_the_question(searcher: Searcher, text: str, answer: str,
                                            said: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.id == answer
    assert said in result.direct.answer.text


@pytest.mark.parametrize("text", [
    "comment on fait conventionner notre chantier d'insertion ?",
    "notre asso veut ouvrir un ACI, la démarche pour être conventionné ?",
])
def test_how_an_aci_is_conventioned(searcher: Searcher, text: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.id == "aci_conventionnement"
    assert "DDETS" in result.direct.answer.text


@pytest.mark.parametrize("text", [
    "c'est la préfecture de Bordeaux ou celle de la Dordogne ?",
    "le département du Gard ou celui de l'Hérault ?",
])
def test_one_actor_of_which_of_two_places_asks_who(text: str) -> None:
    assert "who" in aspects_of(words(text))


def test_the_prefecture_of_which_place_is_who_issues(searcher: Searcher) -> None:
    result = searcher.ask("agrément ESUS pour notre association de Lille : la préfecture du "
                          "Nord ou celle de la région ?")
    assert result.direct is not None
    assert result.direct.answer.id == "esus_qui"
