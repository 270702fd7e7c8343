"""Round 27 of the chat reviews: three town hall agents (a Creuse village, a Roubaix QPV, a
Mayotte commune) discover the bot in the terminal (docs/reviews/chat-2026-11-30-chat27.md)."""

from __future__ import annotations

import pytest

from tests.conftest import Chat


def test_a_first_message_that_names_the_commune_is_not_lost(chat: Chat):
    """The secrétaire de mairie writes her commune in her very first message: she gets the
    welcome and her commune, not the welcome alone (she had to type it again)."""
    chat.send("bonjour je suis secrétaire de mairie à Faux-la-Montagne")
    assert "Je vous aide à développer l'économie sociale et solidaire" in chat.text
    assert "J'ai trouvé : Faux-la-Montagne (23, Creuse)" in chat.text
    assert chat.conversation.state == "territoire_trouve"
    chat.send("retour")  # back to the question her name answered: she can type another
    assert "Passer cette question" in chat.labels


def test_a_first_message_that_is_a_greeting_or_a_question_still_gets_the_welcome(chat: Chat):
    chat.send("bonjour")
    assert chat.labels[0] == "Commencer"
    assert chat.conversation.state != "territoire_trouve"


def test_a_commune_deleguee_typed_at_the_welcome_is_not_read_as_another_region(chat: Chat):
    """« Saint-Dizier-Leyrenne » (Creuse) typed before « Commencer » was read as a question
    about Saint-Dizier (Haute-Marne): the CRESS Grand Est came back. It is the commune
    déléguée of Saint-Dizier-Masbaraud, and taken as such."""
    chat.send("/start")
    chat.send("Saint-Dizier-Leyrenne")
    assert "CRESS Grand Est" not in chat.text
    assert ("J'ai trouvé : Saint-Dizier-Masbaraud (23, Creuse), la commune dont "
            "Saint-Dizier-Leyrenne fait désormais partie") in chat.text
    assert chat.conversation.state == "territoire_trouve_ancien"


def test_a_name_several_communes_bear_typed_at_the_welcome_offers_them(chat: Chat):
    """« Marsac » before « Commencer » was told to type /recommencer — there was nothing to
    restart — then the welcome again; now the four Marsac are offered, and « 2 » picks the
    Creuse one."""
    chat.send("/start")
    chat.send("marsac")
    assert "/recommencer" not in chat.text
    assert "Plusieurs réponses correspondent" in chat.text
    assert "Marsac (23, Creuse)" in chat.labels
    chat.send("2")
    assert "J'ai trouvé : Marsac (23, Creuse)" in chat.text
    chat.send("retour")
    assert "Passer cette question" in chat.labels


def test_a_homonym_typed_when_asked_to_confirm_offers_them_too(chat: Chat):
    """At « Est-ce bien pour cette collectivité ? », another commune's name is taken as the
    territory: a name several communes bear offers them rather than a dead end."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Koungou")
    chat.send("marsac")
    assert "Marsac (23, Creuse)" in chat.labels


def test_a_label_typed_in_english_in_a_french_conversation_picks_its_choice(chat: Chat):
    """The Koungou agent types short English words: « start », « no », « food » were « Je
    n'ai pas compris » while « yes » worked. A choice's whole label in another language of
    the flow picks it; the conversation stays in French."""
    chat.send("/start")
    chat.send("start")
    assert "Quel est votre territoire ?" in chat.text
    chat.send("Koungou")
    chat.send("yes")
    chat.send("ok")  # the contexts suggested are right
    chat.send("ok")  # no other programme
    assert "contrat de ville" in chat.text
    chat.send("no")
    assert "Sur quel thème voulez-vous agir en priorité ?" in chat.text
    chat.send("food")
    assert "Thèmes retenus : Alimentation." in chat.text


def test_la_comcom_typed_with_its_article_is_the_intercommunalite(chat: Chat):
    """« la comcom creuse grand sud » was not found (« comcom creuse grand sud » and « la cc
    … » were): read as a question, it answered about Grand Paris Sud Est Avenir."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("la comcom creuse grand sud")
    assert "Grand Paris Sud Est Avenir" not in chat.text
    assert "J'ai trouvé : CC Creuse Grand Sud (CC, 23)" in chat.text


def test_a_job_title_with_its_field_before_the_commune_is_understood(chat: Chat):
    """« je suis chargée de mission emploi à la ville de Roubaix »: the field after the job
    title (« emploi », « petite enfance ») hid the commune, and every answer after that was
    « Je n'ai pas compris » at the welcome."""
    chat.send("bjr je suis chargée de mission emploi à la ville de roubaix")
    assert "J'ai trouvé : Roubaix (59, Nord)" in chat.text
    other = Chat(chat.engine, user_id="976")
    other.send("/start")
    other.send("je suis responsable petite enfance a la mairie de sada")
    assert "J'ai trouvé : Sada (976, Mayotte)" in other.text


@pytest.mark.parametrize("word", ["test", "question", "essai"])
def test_a_word_typed_to_try_the_bot_is_not_answered_as_a_question(chat: Chat, word: str):
    """« test » typed at the welcome, as people try a new bot, was answered with the CAE
    (« tester son activité »), « question » with the élu intéressé: they say no subject."""
    chat.send("/start")
    chat.send(word)
    assert "Voici ce que j'ai trouvé" not in chat.text and "Réponse :" not in chat.text
    assert "Commencer" in chat.labels
