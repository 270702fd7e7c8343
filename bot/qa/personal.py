"""Questions about one person or one place's own figures, which the base cannot answer.

Two kinds, both refused by :mod:`bot.qa.search` whatever the words they share with the
content:

- the asker's own affairs: « mon RSA n'a pas été versé », « renouveler ma carte
  d'identité », « un logement social pour moi ». An agent asks about « ma commune »,
  « notre EPCI » or « mes élus »; a possessive before anything else is a private matter;
- a named person: « que pense Jean Dupont de l'ESS », « Mme Martin » — unless the
  content itself names that person;
- a count of the asker's own territory: « combien d'habitants de notre QPV ont retrouvé
  un emploi », « nombre d'associations chez nous »: local figures, which the CRESS's
  observatory or the collectivité itself holds; and the current count of one named body
  (« combien de bénévoles compte aujourd'hui Les Jardins du Coteau »).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache
from pathlib import Path

from bot.qa.normalize import fold

FIRST_NAMES_FILE = Path(__file__).parent / "data" / "prenoms.txt"  # INSEE, see SOURCE.md

# What an agent calls « mine » at work (folded, abbreviations of synonymes.yaml already
# rewritten): the collectivité, its people and services, the structures it works with,
# the question itself.
WORK_WORDS = frozenset("""
commune communes ville villes village villages bourg mairie mairies collectivite collectivites
territoire territoires region departement departements intercommunalite intercommunalites
epci ept communaute communautes agglomeration metropole pays petr canton quartier quartiers
bassin secteur syndicat service services direction equipe equipes collegue collegues elu elus
elue elues maire maires adjoint adjointe conseil president presidente dgs poste mission missions
structure structures association associations cooperative cooperatives entreprise entreprises
cress chambre prefecture prefet ddets dreets caf ars
scic scop siae ccas cias ehpad reseau reseaux partenaire partenaires projet projets dossier
dossiers budget question questions demande avis idee idees cas besoin besoins choix role
public publics population habitants administres usagers beneficiaires
interlocuteur interlocutrice interlocuteurs contact contacts referent referente referents
correspondant correspondante correspondants responsable responsables chef cheffe hierarchie
""".split())  # noqa: SIM905
_POSSESSIVE = re.compile(r"\b(?:mon|ma|mes)\s+(\w+)(?:\s+(\w+))?")
_FOR_ME = re.compile(r"\b(?:pour moi|chez moi|a moi|my own|for me)\b")
_CIVILITY = re.compile(r"\b(?:M\.|Mme|Mlle|Monsieur|Madame|Mademoiselle)\s+([A-ZÀ-Ý][\w-]+)")
_NAME_PAIR = re.compile(r"\b([A-ZÀ-Ý][a-zà-ÿ]+)\s+([A-ZÀ-Ý][\w-]+)")


def private_matter(folded_words: list[str]) -> bool:
    """Whether the question is about the asker's own affairs (see the module docstring)."""
    text = " ".join(folded_words)
    if _FOR_ME.search(text):
        return True
    for match in _POSSESSIVE.finditer(text):
        if not {match.group(1), match.group(2)} & WORK_WORDS:
            return True
    return False


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    return frozenset(FIRST_NAMES_FILE.read_text(encoding="utf-8").split())


def named_people(text: str, places: Collection[str] = ()) -> list[str]:
    """The surnames (folded) of the people a question names: « Mme Martin », « Jean
    Dupont » (a known first name followed by a capitalised word); not a first name that is
    the name of a place the question names (« Paris Terres d'Envol », an EPCI)."""
    found = [fold(m.group(1)) for m in _CIVILITY.finditer(text)]
    names = first_names()
    for match in _NAME_PAIR.finditer(text):
        first, last = fold(match.group(1)), fold(match.group(2))
        if first in names and last not in names and first not in places:
            found.append(last)
    return found


_COUNT = re.compile(r"\b(?:combien d|combien de|nombre d|nombre de|how many)\b")
_OURS = re.compile(r"\b(?:notre|nos|chez nous|sur le territoire|our)\b")
# What is counted: people and things of a territory (folded, singular or plural).
_COUNTED = re.compile(r"\b(?:habitants?|personnes?|gens|emplois?|salaries?|benevoles?|"
                      r"familles?|enfants?|jeunes|chomeurs?|demandeurs?|allocataires?|"
                      r"beneficiaires?|repas|places?|logements?|entreprises?|associations?|"
                      r"structures?|commerces?|adherents?|licencies?|eleves?)\b")

_ELIDED_COUNT = re.compile(r"\bcombien (?=" + _COUNTED.pattern[2:] + ")")


def counts_ours(folded_words: list[str]) -> bool:
    """Whether the question counts people or things of the asker's own territory."""
    text = " ".join(folded_words)
    # « combien d'habitants » is « combien habitants » once elisions are dropped
    count = _COUNT.search(text) or _ELIDED_COUNT.search(text)
    return bool(count and _OURS.search(text) and _COUNTED.search(text, count.start()))


_NOW = re.compile(r"\b(?:aujourd hui|actuellement|en ce moment|a ce jour|a heure actuelle|"
                  r"currently|today)\b")
# A name of one body or town mid-sentence: a capitalised article before a capitalised word
# (« La Conciergerie Solidaire », « Le Relais »).
_BODY_NAME = re.compile(r"(?<=\s)(?:La|Le|Les|L['’])\s*[A-ZÀ-Ý][\w-]+")


def counts_named_now(text: str, folded_words: list[str]) -> bool:
    """Whether the question counts, as of today, people or things of one body it names."""
    folded = " ".join(folded_words)
    count = _COUNT.search(folded) or _ELIDED_COUNT.search(folded)
    return bool(count and _COUNTED.search(folded, count.start()) and _NOW.search(folded)
                and _BODY_NAME.search(text))
