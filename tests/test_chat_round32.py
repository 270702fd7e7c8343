"""Round 32 of the chat reviews: the name before the job, arrondissements, a theme typed one
question early, and five new agents in the terminal (docs/reviews/chat-2026-12-01-chat32.md)."""

from __future__ import annotations

import pytest

from tests.conftest import Chat


@pytest.mark.parametrize("first", [
    "EPT boucle nord de seine, je suis chargé de mission",
    "bonjour, EPT boucle nord de seine, je suis chargé de mission ESS",
    "slt boucle nord de seine chargé de mission ess",
    "chargé de mission ESS à l'EPT Boucle Nord de Seine",
])
def test_the_welcome_reads_the_place_before_or_after_the_job(chat: Chat, first: str):
    """« EPT boucle nord de seine, je suis chargé de mission » (the place first) stayed at the
    welcome, while « je suis chargé de mission à l'EPT … » was found."""
    chat.send(first)
    assert "J'ai trouvé : Boucle Nord de Seine (EPT, 92)" in chat.text
    assert chat.conversation.state == "territoire_trouve"


def test_the_territory_question_reads_the_place_before_the_job(chat: Chat):
    chat.send("/start")
    chat.press("Commencer")
    chat.send("Faux-la-Montagne, je suis secrétaire de mairie")
    assert "J'ai trouvé : Faux-la-Montagne (23, Creuse)" in chat.text
