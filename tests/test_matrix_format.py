"""What an agent's Element/Tchap client shows of the bot's messages (no server needed).

Found by playing three agents through the Matrix channel in an encrypted direct room
(docs/reviews/chat-matrix-2026-12-02.md); each test is one fault of that review.
"""

from __future__ import annotations

import re

from bot.channels.matrix import CHANNEL
from bot.channels.matrix_format import MERGE_LIMIT, answerable, merged, render, turn
from bot.engine.messages import Choice, Document, Outgoing
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


CONTACTS = (
    "Pour vos thèmes (Emploi et insertion), voici ce que j'ai trouvé :\n"
    "1. CRESS Nouvelle-Aquitaine\n"
    "   Chambre régionale de l'économie sociale et solidaire en Nouvelle-Aquitaine.\n"
    "   Source : CRESS Nouvelle-Aquitaine — AMI PTCE — https://cress-na.org/ami-ptce\n"
    "2. Les groupements d'employeurs pour l'insertion et la qualification (GEIQ)\n"
    "   Des entreprises d'un même bassin s'associent en GEIQ.\n"
    "\n"
    "Aussi pour vous : 3 financements.")


def test_items_keep_their_lines_together_and_only_choices_are_numbered():
    """The cards of a result: « 1. Titre » then its indented lines. As ``<br>`` lines the
    indent was lost (HTML drops spaces) and the items ran into each other; their « 1. »
    stood above the choices' « 1. »."""
    content = render(Outgoing(CONTACTS, (Choice("d", "Détails : CRESS Nouvelle-Aquitaine"),
                                         Choice("r", "Reprendre le parcours"))))
    assert content["body"].startswith(CONTACTS)  # plain clients get the text as it is
    assert content["formatted_body"] == (
        "Pour vos thèmes (Emploi et insertion), voici ce que j&#x27;ai trouvé :"
        "<ul><li>CRESS Nouvelle-Aquitaine<br>"
        "Chambre régionale de l&#x27;économie sociale et solidaire en Nouvelle-Aquitaine.<br>"
        'Source : CRESS Nouvelle-Aquitaine — AMI PTCE — <a href="https://cress-na.org/ami-ptce">'
        "cress-na.org</a></li>"
        "<li>Les groupements d&#x27;employeurs pour l&#x27;insertion et la qualification (GEIQ)"
        "<br>Des entreprises d&#x27;un même bassin s&#x27;associent en GEIQ.</li></ul>"
        "Aussi pour vous : 3 financements."
        "<ol><li>Détails : CRESS Nouvelle-Aquitaine</li><li>Reprendre le parcours</li></ol>")


def test_an_indented_line_outside_a_list_keeps_an_indent():
    html = render(Outgoing("Voici ce que j'ai trouvé :\n   Un fait.\n   Source : X\n\nFin"))
    assert html["formatted_body"] == ("Voici ce que j&#x27;ai trouvé :<br>\u00a0\u00a0\u00a0\u00a0"
                                      "Un fait.<br>\u00a0\u00a0\u00a0\u00a0Source : X<br><br>Fin")


def test_the_texts_of_a_turn_come_as_one_message_when_they_are_short(engine):
    """Confirming the territory: three messages (what was found, how to read it, the
    question), three notifications on the agent's phone for 900 characters."""
    chat = Chat(engine, user_id="creuse-contexts", channel=CHANNEL)
    for text in ("/start", "Commencer", "st pardoux morterolles"):
        chat.send(text)
    replies = chat.send("1")
    assert len(replies) == 3 and not replies[0].choices and not replies[1].choices
    [message] = turn(replies)
    content = render(message)
    assert content["body"].startswith("\n\n".join(r.text.strip() for r in replies))
    assert content["formatted_body"].endswith("</ol>")  # the question's list, last


def test_merging_keeps_files_in_place_lists_last_and_long_texts_apart():
    document = Document("feuille.pdf", "application/pdf", b"%PDF-")
    intro, card = Outgoing("Avant tout, un outil :"), Outgoing("Titre\n   Ce qu'il est.")
    question = Outgoing("Votre choix ?", (Choice("a", "Un"),))
    assert merged([intro, card, question]) == [
        Outgoing("Avant tout, un outil :\n\nTitre\n   Ce qu'il est.\n\nVotre choix ?",
                 (Choice("a", "Un"),))]
    with_file = [Outgoing("Votre feuille :", document=document), Outgoing("La même.")]
    assert merged(with_file) == with_file  # the file stays before the next text
    asked = [question, Outgoing("Encore ?")]
    assert merged(asked) == asked  # a list stays the last thing of its message
    wall = [Outgoing("x" * MERGE_LIMIT), Outgoing("y")]
    assert merged(wall) == wall


def test_a_card_keeps_its_lines_in_its_item_across_blank_lines():
    """The recommendations: « 1. Titre », « Parce que … », « ➜ Pour commencer … », a blank
    line, « 2. Titre »…: one list, each card whole in its item."""
    text = ("1. Construire un PAT\nParce que vous visez l'alimentation.\n"
            "➜ Pour commencer : la DAAF.\n\n2. Cartographier\nParce que.\n\nAussi pour vous.")
    assert render(Outgoing(text))["formatted_body"] == (
        "<ul><li>Construire un PAT<br>Parce que vous visez l&#x27;alimentation.<br>"
        "➜ Pour commencer : la DAAF.</li><li>Cartographier<br>Parce que.</li></ul>"
        "Aussi pour vous.")
