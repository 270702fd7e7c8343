"""Round 33 of the chat reviews: single answers typed one question early (the step, the
contrat de ville), a programme typed at the contexts question, a theme typed twice
(docs/reviews/chat-2026-12-01-chat32.md, « Second pass »)."""

from __future__ import annotations

import pytest

from tests.conftest import Chat, to_the_programmes


def test_a_signed_contrat_de_ville_typed_early_is_kept_and_confirmed(chat: Chat):
    """« on a un contrat de ville signé en 2024 » at the programmes question got an answer
    on contrats de ville, and the programmes question again."""
    to_the_programmes(chat)
    assert chat.conversation.state == "programmes_choix"
    chat.send("on a un contrat de ville signé en 2024")
    assert chat.text.startswith("Noté pour plus tard : Contrat de ville signé.")
    assert "Programmes nationaux repérés" in chat.text
    assert chat.conversation.state == "programmes_choix"
    chat.send("continuer")
    assert "Vous m'avez indiqué plus tôt : Contrat de ville signé. Est-ce bien cela ?" in chat.text
    chat.send("oui")
    assert chat.conversation.state == "themes"
    assert chat.conversation.slots["contrat_ville"] == "oui"


def test_the_contrat_de_ville_kept_early_can_be_corrected(chat: Chat):
    to_the_programmes(chat)
    chat.send("on a un contrat de ville signé")
    chat.send("continuer")
    chat.press("Non, je corrige")
    assert "Un contrat de ville" in chat.text and "y est-il signé ?" in chat.text
    chat.send("non")
    assert chat.conversation.slots["contrat_ville"] == "non"


def test_a_contrat_de_ville_is_not_kept_where_no_qpv_is_known(chat: Chat):
    """Faux-la-Montagne has no QPV: its contrat de ville question is not ahead."""
    to_the_programmes(chat, "faux la montagne")
    chat.send("on a un contrat de ville signé")
    assert "Noté pour plus tard" not in chat.text
    assert not chat.conversation.slots.get("contrat_ville")


@pytest.mark.parametrize(("typed", "step"), [
    ("soutenir", "2. Soutenir et structurer les initiatives"),
    ("on veut structurer", "2. Soutenir et structurer les initiatives"),
    ("on débute", "1. Identifier et mobiliser les acteurs"),
])
def test_the_step_typed_early_is_kept_and_confirmed_at_its_question(chat: Chat, typed: str,
                                                                    step: str):
    """« soutenir » at the themes question: « ne répond pas à cette question »; « on
    débute »: an answer on the DLA."""
    to_the_programmes(chat, "faux la montagne")
    chat.send("continuer")
    assert chat.conversation.state == "themes"
    chat.send(typed)
    assert chat.text.startswith(f"Noté pour plus tard : {step}.")
    assert "Sur quel thème voulez-vous agir en priorité ?" in chat.text
    chat.send("alimentation")
    chat.send("continuer")
    assert (f"Vous m'avez indiqué plus tôt où en est votre démarche : {step}. "
            "Est-ce bien cela ?") in chat.text
    chat.send("oui")
    assert "Voici mes recommandations pour votre profil" in chat.text
    assert f"étape : {step}" in chat.text


def test_the_step_kept_early_can_be_changed_at_its_question(chat: Chat):
    to_the_programmes(chat, "faux la montagne")
    chat.send("continuer")
    chat.send("on débute")
    chat.send("alimentation")
    chat.send("continuer")
    chat.press("Non, je choisis")
    assert "Où en est votre collectivité dans sa démarche ESS ?" in chat.text
    chat.send("ancrer")
    assert "étape : 3. Inscrire l'ESS" in chat.text


def test_a_step_kept_early_does_not_open_the_feuille_de_route(chat: Chat):
    to_the_programmes(chat, "faux la montagne")
    chat.send("soutenir")
    chat.send("/feuille")
    assert "Votre feuille de route sera prête à la fin du parcours" in chat.text


def test_a_second_step_typed_early_does_not_overwrite_the_first(chat: Chat):
    to_the_programmes(chat, "faux la montagne")
    chat.send("continuer")
    chat.send("on débute")
    chat.send("on veut structurer")
    assert "Noté pour plus tard" not in chat.text
    assert chat.conversation.slots["etape"] == "identifier"


def test_a_question_holding_a_step_word_stays_a_question(chat: Chat):
    to_the_programmes(chat, "faux la montagne")
    chat.send("continuer")
    chat.send("comment structurer une SCIC")
    assert "Noté pour plus tard" not in chat.text
    assert not chat.conversation.slots.get("etape")


def test_a_programme_typed_at_the_contexts_question_is_kept(chat: Chat):
    """« on est petites villes de demain » at the contexts: « ne répond pas à cette
    question »."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("faux la montagne")
    chat.send("oui")
    assert chat.conversation.state == "contexte_repere"
    chat.send("on est petites villes de demain")
    assert chat.text.startswith("Noté pour plus tard : Petites villes de demain.")
    assert chat.conversation.state == "contexte_repere"
    assert "pvd" in chat.conversation.slots["programmes"]


def test_a_theme_typed_again_once_kept_is_said_already_noted(chat: Chat):
    """« insertion » after « emploi » (both Emploi et insertion) was answered as a
    question."""
    to_the_programmes(chat)
    chat.send("emploi")
    assert chat.text.startswith("Noté pour plus tard : Emploi et insertion.")
    chat.send("insertion")
    assert chat.text.startswith("Déjà noté : Emploi et insertion.")
    assert chat.conversation.state == "programmes_choix"
    chat.send("alimentation")
    assert chat.text.startswith("Noté pour plus tard : Alimentation.")
    assert chat.conversation.slots["themes"] == ["emploi-insertion", "alimentation"]


@pytest.mark.parametrize("first", [
    "je suis DGS de la commune nouvelle de Percy en Normandie",
    "bonjour, je suis directrice générale des services de la commune nouvelle de "
    "Percy-en-Normandie",
])
def test_a_dgs_of_a_commune_nouvelle_is_found_at_the_welcome(chat: Chat, first: str):
    """« commune nouvelle de … » and « directeur général des services » were not lead-ins:
    an answer on the CRESS Normandie and LEADER, and the welcome again."""
    chat.send(first)
    assert "J'ai trouvé : Percy-en-Normandie (50, Manche)" in chat.text


@pytest.mark.parametrize("typed", ["on a aucun programme", "pas d'autre programme",
                                   "non, c'est tout"])
def test_no_other_programme_said_in_a_sentence_goes_on(chat: Chat, typed: str):
    """« on a aucun programme » at the programmes question: an answer on the ANCT's study of
    fragile territories, and the question again."""
    to_the_programmes(chat, "percy en normandie")
    assert chat.conversation.state == "programmes_choix"
    chat.send(typed)
    assert chat.conversation.state == "themes"
    assert "Sur quel thème voulez-vous agir en priorité ?" in chat.text


@pytest.mark.parametrize(("first", "found"), [
    ("bonjour je suis secrétaire de mairie à Maripasoula en Guyane", "Maripasoula (973, Guyane)"),
    ("Percy en Normandie (50)", "Percy-en-Normandie (50, Manche)"),
    ("roubaix 59100", "Roubaix (59, Nord)"),
])
def test_a_commune_with_its_departement_is_found_at_the_welcome(chat: Chat, first: str,
                                                                found: str):
    """« … à Maripasoula en Guyane » got the welcome alone: the name was not whole."""
    chat.send(first)
    assert f"J'ai trouvé : {found}" in chat.text


def test_a_commune_with_another_departement_is_not_taken_at_the_welcome(chat: Chat):
    chat.send("Maripasoula en Bretagne")
    assert "J'ai trouvé" not in chat.text


def test_the_contrat_de_ville_is_signed_said_otherwise(chat: Chat):
    """« le contrat de ville est signé » at the programmes question got an answer on
    contrats de ville."""
    to_the_programmes(chat, "agent a plaine commune")
    chat.send("le contrat de ville est signé")
    assert chat.text.startswith("Noté pour plus tard : Contrat de ville signé.")


@pytest.mark.parametrize(("typed", "kept"), [("on les connait deja", True),
                                             ("on ne connait pas encore les acteurs", False)])
def test_knowing_the_actors_is_the_second_step(chat: Chat, typed: str, kept: bool):
    """« on les connait deja » at the contrat de ville question: « Je n'ai pas compris »."""
    to_the_programmes(chat, "agent a plaine commune")
    chat.send("continuer")
    assert chat.conversation.state == "contrat_ville"
    chat.send(typed)
    assert ("Noté pour plus tard : 2. Soutenir et structurer les initiatives." in chat.text) is kept


def test_on_commence_at_the_welcome_starts_the_parcours(chat: Chat):
    """With the step kept early, « on commence » at the welcome would have been noted as the
    first step: it means « Commencer » there."""
    chat.send("bonjour")
    chat.send("on commence")
    assert "Quel est votre territoire ?" in chat.text
    assert not chat.conversation.slots.get("etape")


@pytest.mark.parametrize("first", ["bonjour, Faux-la-Montagne", "bonjour, CC Creuse Sud-Ouest"])
def test_a_greeting_then_a_whole_name_is_read_as_a_first_message(chat: Chat, first: str):
    """« bonjour, Faux-la-Montagne » as the very first message got the welcome alone (a bare
    name was taken, and a name after a lead-in, not a name after a greeting); at the welcome
    « bonjour, CC Creuse Sud-Ouest » got an example of the Côte Ouest of La Réunion."""
    chat.send(first)
    assert "J'ai trouvé :" in chat.text
    assert "Est-ce bien pour cette collectivité que vous travaillez ?" in chat.text
