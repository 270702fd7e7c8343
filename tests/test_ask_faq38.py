"""Direct answers written in the faq38 round for items that had only one or two.

The questions below were written for this round, in an agent's own words (not the
entries' questions, not taken from any evaluation set): each gets the entry written for it.
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher


@pytest.mark.parametrize(("text", "answer", "said"), [
    ("la Fondation du patrimoine garde quel pourcentage des dons de notre souscription ?",
     "fondation_patrimoine_frais_gestion", "6 %"),
    ("pour l'église, les gens qui donnent via la Fondation du patrimoine peuvent-ils "
     "défiscaliser ?", "fondation_patrimoine_reduction_impot", "66 %"),
    ("un don à la Fondation du patrimoine, on le déduit des impôts ?",
     "fondation_patrimoine_reduction_impot", "66 %"),
    ("le comité de massif, qui en fait partie ?", "massif_comite_loi_montagne", "85-30"),
    ("politique de la montagne : quelle loi ?", "massif_comite_loi_montagne", "85-30"),
    ("le contrat de ville va jusqu'à quelle année ?", "cdv_periode_2024_2030", "2030"),
    ("contrat de ville, c'est pour combien de temps ?", "cdv_periode_2024_2030", "2024-2030"),
    ("le dirigeant cède son entreprise à son fils : est-il dispensé d'informer les salariés ?",
     "transmission_exceptions_information", "descendant"),
    ("information des salariés sur la reprise d'entreprise : à quelle fréquence ?",
     "transmission_information_triennale", "trois ans"),
    ("une PME de 80 salariés doit-elle informer régulièrement ses salariés de la possibilité "
     "de reprendre l'entreprise ?", "transmission_information_triennale", "250"),
    ("France Services : c'est quel texte qui encadre le label ?",
     "france_services_label_referentiel", "2000-321"),
    ("mutualiser un agent avec l'interco, c'est possible juridiquement ?",
     "mutu_service_commun", "L5211-4-2"),
    ("deux communes peuvent-elles se partager un conseiller numérique ?",
     "conseiller_numerique_mutualiser", "plusieurs structures"),
    ("notre conseiller numérique s'en va, le poste peut-il aller à la commune voisine ?",
     "conseiller_numerique_mutualiser", "réattribué"),
])
def test_the_entry_written_for_the_question(searcher: Searcher, text: str, answer: str,
                                            said: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.id == answer
    assert said in result.direct.answer.text


@pytest.mark.parametrize(("text", "answer"), [
    # the older entries keep their questions
    ("Quelle période couvrent les contrats de ville outre-mer ?", "cdv_outremer"),
    ("Combien de temps avant la vente un patron doit-il informer ses salariés ?",
     "transmission_information_salaries"),
    ("Comment lancer une collecte de dons avec la Fondation du patrimoine ?",
     "fondation_patrimoine_collecte"),
    ("C'est quoi la convention interrégionale de massif ?", "massif_convention_fnadt"),
])
def test_the_older_entries_keep_their_questions(searcher: Searcher, text: str,
                                                answer: str) -> None:
    result = searcher.ask(text)
    assert result.direct is not None
    assert result.direct.answer.id == answer


def test_the_multiyear_convention_holds_in_the_hexagone_too(searcher: Searcher) -> None:
    result = searcher.ask("notre asso du quartier peut-elle avoir une CPO sur plusieurs années "
                          "avec les crédits politique de la ville ?")
    assert result.direct is not None
    assert result.direct.answer.id == "cpv_cumul"
    assert "Hexagone" in result.direct.answer.text
