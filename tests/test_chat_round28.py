"""Round 28 of the chat reviews: a Creuse village, Roubaix, Mamoudzou, the EPT Boucle Nord de
Seine, Marseille 13003 and a Département's insertion officer discover the bot in the terminal
(docs/reviews/chat-2026-12-01-chat28.md)."""

from __future__ import annotations

import pytest

from tests.conftest import Chat

@pytest.mark.parametrize("first", [
    "bonjour, EPT boucle nord de seine",
    "bonjour je suis chargé de mission ESS à l'EPT boucle nord de seine",
])
def test_an_ept_named_with_its_kind_in_the_first_message_is_found(chat: Chat, first: str):
    """The EPT's officer wrote « EPT » before its name: only the welcome came back, then
    « oui » was « « Oui, c'est bien ça » ne répond pas à cette question », « ok » was not
    understood, and so on — he never saw his territory."""
    chat.send(first)
    assert "J'ai trouvé : Boucle Nord de Seine (EPT, 92)" in chat.text
    assert chat.conversation.state == "territoire_trouve"





def test_a_departement_officer_s_first_message_names_her_departement(chat: Chat):
    """« … chargée de mission insertion au conseil départemental de la Creuse »: the lead-in
    stopped at « a » of « au » and the sentence was lost; then « creuse » alone offered the
    commune of the Somme too."""
    chat.send("bjr je suis chargée de mission insertion au conseil départemental de la Creuse")
    assert "J'ai trouvé : Creuse (département, 23)" in chat.text
    assert chat.conversation.state == "territoire_trouve_large"


def test_je_suis_au_is_read_as_a_whole_word(chat: Chat):
    chat.send("je suis au departement du nord")
    assert "J'ai trouvé : Nord (département, 59)" in chat.text


def test_a_greeting_before_a_question_still_gets_the_welcome_alone(chat: Chat):
    chat.send("bonjour question sur paris")
    assert chat.labels[0] == "Commencer"
    assert chat.conversation.state == "accueil"


def test_yes_at_the_homonyms_keeps_them_offered(chat: Chat):
    """« 59100 » (Roubaix's postal code, Bousignies's INSEE code) offers both; « oui » was
    « Je ne trouve pas ce territoire » and the list was gone: every later answer (« ok »,
    « on a déjà un PLIE ») went to the territory question."""
    chat.send("/start")
    chat.press("Commencer")
    chat.send("59100")
    assert "Roubaix (59, Nord)" in chat.labels
    chat.send("oui")
    assert "« oui » ne désigne aucune des réponses proposées" in chat.text
    assert "Je ne trouve pas ce territoire" not in chat.text
    assert "Roubaix (59, Nord)" in chat.labels
    chat.send("1")
    assert "J'ai trouvé : Roubaix (59, Nord)" in chat.text


def test_a_yes_where_no_choice_says_yes_quotes_what_was_typed(chat: Chat):
    """At the welcome, « oui » was answered « « Oui, c'est bien ça » ne répond pas à cette
    question »: a label of a question the agent had not seen yet."""
    chat.send("/start")
    chat.send("oui")
    assert "« oui » ne répond pas à cette question" in chat.text
    assert "Oui, c'est bien ça" not in chat.text
