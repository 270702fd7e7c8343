"""What an agent's Element/Tchap client shows of the bot's messages (no server needed).

Found by playing three agents through the Matrix channel in an encrypted direct room
(docs/reviews/chat-matrix-2026-12-02.md); each test is one fault of that review.
"""

from __future__ import annotations

import re

from bot.channels.matrix import CHANNEL
from bot.channels.matrix_format import answerable, render
from bot.engine.messages import Choice, Outgoing
from tests.conftest import Chat


def shown(replies: list[Outgoing]) -> list[dict]:
    """The contents the agent's client receives for one turn, in order."""
    return [render(reply) for reply in answerable(replies)
            if reply.text or reply.choices]


def test_only_the_list_that_typing_answers_is_numbered_in_a_turn(engine):
    """A question asked in the middle of the themes question: its answer came with a list
    of options that typing could not pick (« 1. Détails : … ») above the themes list again,
    so the agent saw two « 1. » and typed « 1 » for the wrong one."""
    chat = Chat(engine, user_id="creuse", channel=CHANNEL)
    for text in ("/start", "Commencer", "Guéret", "1", "1", "1"):
        chat.send(text)
    turn = chat.send("c'est quoi une scic ?")
    assert sum(1 for reply in turn if reply.choices) >= 2  # the engine's own turn
    contents = shown(turn)
    numbered = [c for c in contents if re.search(r"^1\. ", c["body"], re.M)
                and "<ol>" in c["formatted_body"]]
    assert len(numbered) == 1 and numbered[0] is contents[-1]
    # The list shown is the one the engine reads a typed number or label against.
    labels = re.findall(r"^\d+\. (.+)$", contents[-1]["body"], re.M)
    assert labels == [c.label for c in chat.conversation.offered.choices]

def test_a_turn_with_one_list_is_left_as_it_is():
    turn = [Outgoing("Bonjour."),
            Outgoing("Votre choix ?", (Choice("a", "Un"), Choice("b", "Deux")))]
    assert answerable(turn) == turn


def test_a_web_address_in_the_text_is_a_link_named_by_its_site():
    """A mid-parcours answer's source ends with its address: a hundred characters of URL,
    not a link in ``formatted_body``. It is a link named by the site; ``body`` keeps it."""
    text = ("Source : Légifrance — loi n° 2023-1196 du 18 décembre 2023, article 4 — "
            "https://www.legifrance.gouv.fr/eli/loi/2023/12/18/2023-1196/jo/article_4.\n"
            "Voir aussi (https://fr.example.org/wiki/Scic_(France)) & <b>")
    content = render(Outgoing(text))
    assert content["body"] == text
    html = content["formatted_body"]
    assert ('— <a href="https://www.legifrance.gouv.fr/eli/loi/2023/12/18/2023-1196/jo/'
            'article_4">legifrance.gouv.fr</a>.<br>') in html
    assert '(<a href="https://fr.example.org/wiki/Scic_(France)">fr.example.org</a>)' in html
    assert html.endswith("&amp; &lt;b&gt;")
    assert "article_4</" not in html  # the address is not shown twice


def test_an_address_that_is_not_a_web_page_stays_text():
    html = render(Outgoing("javascript:alert(1) ftp://x.org https://"))["formatted_body"]
    assert "<a" not in html
