"""Direct answers for questions as agents type them (round 29, issue 16).

The sentences were written for this round (not taken from any evaluation set); each failed
before its mechanism was added:

- a share asked as a percentage (« quel pourcentage », « cb % ») is answered with a
  percentage, not with a per-mille (the ceiling of a company's gifts, 5 ‰ of its turnover,
  is not the rate of its tax reduction); « quel taux » still takes either;
- a sum of money paid to, received or asked by a structure (« l'association touchera
  27 000 € », « la ville va verser 27 000 € à… ») is a subsidy, though the word is not said;
  a gift (« donner 2 000 € ») is not;
- in a « which of the two » question (« … : la préfecture ou la région ? »), the two actors
  are the choices of the answer, weighed as aspect words, not as its subject;
- a « chauffeur » is a « conducteur » (`content/synonymes.yaml`): « des chauffeurs
  bénévoles » finds the transport solidaire, whose drivers are « conducteurs bénévoles ».
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize("text", [
    "mécénat d'entreprise : quel pourcentage de réduction ?",
    "entreprise mécène : cb % ?",
])
def test_a_percentage_asked_is_not_a_per_mille(searcher: Searcher, text: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert "60 %" in result.direct.answer.text


@pytest.mark.parametrize("text", [
    "l'association de quartier touchera 27 000 € : faut-il une convention ?",
    "la ville va verser 27 000 € à l'association sportive : que faut-il signer ?",
])
def test_a_sum_paid_with_a_verb_is_a_subsidy(searcher: Searcher, text: str) -> None:
    assert "subvention_cpo" in [hit.item.id for hit in searcher.ask(text).hits]


def test_a_sum_granted_is_read_from_the_verb_before_it() -> None:
    from bot.qa.normalize import sums, words
    def granted(text: str) -> bool:
        return Searcher.sum_granted(words(text), sums(text))

    assert granted("le club touchera 25 000 €")
    assert granted("on verse environ 30k€")
    assert not granted("le garage veut donner 2 000 €")
    assert not granted("reçu en 2024")  # a year, no sum


def test_the_two_actors_of_an_either_question_are_not_its_subject(searcher: Searcher) -> None:
    text = ("qui décide du conventionnement d'une entreprise d'insertion, la région ou la "
            "préfecture ?")
    analysis = searcher.analyse(text)
    assert analysis.either
    actors = [c for c in analysis.concepts if c.typed in {"prefectur", "region"}]
    assert actors and all(c.aspect for c in actors)
    assert [hit.item.id for hit in searcher.ask(text).hits][:2] == ["aide_poste_iae",
                                                                   "porter_soutenir_aci"]
    assert "conseiller_numerique_etat" not in [hit.item.id for hit in searcher.ask(text).hits]


def test_volunteer_drivers_are_the_transport_solidaire(searcher: Searcher) -> None:
    text = "un minibus avec des chauffeurs bénévoles pour la comcom, qui finance ?"
    hits = searcher.ask(text).hits
    assert "transport_solidaire_commune" in [hit.item.id for hit in hits]
