"""Long, conversational questions and the words that frame a request (round 21).

The sentences were written for this round, as agents type them (not taken from any
evaluation set): a situation told in sentences that ask nothing, then the question; an
object pronoun after « qui » (« qui les pilote ? »); generic nouns of requests
(« des solutions de… », « quelles pistes pour… »). Each must be answered with one of the
items that answer it, and the off-topic ones, framed the same way, must still be refused.
"""

from __future__ import annotations

import pytest

from bot.qa.search import Searcher

ANSWERED = [
    ("les tiers-lieux, qui les finance ?", {"tiers_lieux", "france_tiers_lieux",
                                             "fabriques_de_territoire"}),
    ("le DLA, qui le pilote ?", {"dla", "glossaire_dla", "dla_departemental"}),
    ("les PTCE, qui les accompagne ?", {"ptce", "glossaire_ptce"}),
    ("quelles pistes pour financer une épicerie solidaire ?",
     {"epiceries_solidaires_andes", "andes_epiceries", "mieux_manger_pour_tous"}),
    ("des solutions pour aider une asso qui a des difficultés financières ?",
     {"dla", "dla_departemental", "france_active"}),
    ("quels outils pour repérer les acteurs de l'ESS du territoire ?", {"cartographie_ess"}),
    ("quels moyens pour lancer une SCIC ?", {"scic_capital", "glossaire_scic"}),
    ("Nous sommes une commune de 1 200 habitants dans le Cantal. Les commerces ferment les "
     "uns après les autres et le café du bourg va fermer. Comment créer un tiers-lieu ?",
     {"glossaire_tiers_lieu", "tiers_lieux", "coesmes_bistrot_lab", "commerce_l2251"}),
    ("Je suis chargée de mission dans une agglo. Le président veut des repas bio et locaux à "
     "la cantine. Qui peut nous aider à monter un projet alimentaire territorial ?",
     {"projet_alimentaire_territorial"}),
    ("Bonjour. Notre comcom compte 12 000 habitants et beaucoup de jeunes sans emploi. "
     "Existe-t-il un dispositif pour créer une entreprise à but d'emploi ?",
     {"glossaire_ebe", "tzcld", "glossaire_tzcld"}),
    ("Mairie de 600 habitants en montagne. Le garage a fermé et les anciens n'ont plus de "
     "voiture. Quelles solutions de mobilité solidaire ?",
     {"mobilite_solidaire", "plateformes_mobilite_garages_solidaires"}),
    ("Notre association d'insertion perd de l'argent. Le maire veut l'aider. Qui contacter "
     "pour un DLA ?", {"dla", "dla_departemental", "glossaire_dla"}),
]

REFUSED = [
    "Je suis secrétaire de mairie. Le stade a besoin d'un nouveau gazon. Quel est le score du "
    "match de foot de dimanche ?",
    "la piscine municipale, qui la nettoie ?",
    "des solutions pour perdre du poids avant l'été ?",
    "quelles pistes de ski sont ouvertes à Noël ?",
    "Notre mairie est petite. Le secrétaire part en vacances. Quel temps fera-t-il demain à "
    "Guéret ?",
    "quels outils pour jardiner son potager ?",
    "des idées de recette pour le repas des anciens ?",
    "le passeport de ma fille, qui le délivre ?",
    "Bonjour. Un collègue part à la retraite vendredi. Quel cadeau lui offrir ?",
    "quels moyens pour réparer ma voiture moi-même ?",
]


@pytest.mark.parametrize(("text", "expected"), ANSWERED)
def test_framed_and_long_questions_are_answered(searcher: Searcher, text: str,
                                                expected: set[str]) -> None:
    ids = [hit.item.id for hit in searcher.ask(text).hits[:3]]
    assert expected & set(ids), ids


@pytest.mark.parametrize("text", REFUSED)
def test_off_topic_framed_the_same_way_is_refused(searcher: Searcher, text: str) -> None:
    assert searcher.ask(text).hits == []


def test_an_object_pronoun_after_qui_still_asks_who(searcher: Searcher) -> None:
    """« qui les pilote ? » is read as « qui pilote ? »: the same items, as sure."""
    plain = searcher.ask("qui pilote la mobilité solidaire ?")
    pronoun = searcher.ask("la mobilité solidaire, qui la pilote ?")
    assert [h.item.id for h in pronoun.hits] == [h.item.id for h in plain.hits]
    assert pronoun.hits[0].score == pytest.approx(plain.hits[0].score, abs=0.05)
