"""Reading Bot API updates (plain JSON) into turns: the cases the end-to-end tests do not reach."""

from __future__ import annotations

import pytest

from bot.channels.telegram_updates import FORGED, Reader, entity_text
from bot.engine import Incoming

BOT_ID, USERNAME = 4242, "essbot_test_bot"
READER = Reader(BOT_ID, USERNAME)
PRIVATE = {"id": 7, "type": "private"}
GROUP = {"id": -100, "type": "supergroup"}


def message(chat=PRIVATE, **fields) -> dict:
    return {"message_id": 5, "date": 1_700_000_000, "chat": chat,
            "from": {"id": 7, "is_bot": False, "first_name": "A", "language_code": "fr"},
            **fields}


def keyboard_message(text: str = "Votre territoire ?") -> dict:
    markup = {"inline_keyboard": [[{"text": "Passer", "callback_data": "c:territoire:passer"}]]}
    return message(text=text, reply_markup=markup)


def test_a_private_text_becomes_an_incoming_text():
    turn = READER.read({"update_id": 1, "message": message(text="Quimperlé")})
    assert turn.chat_id == 7 and turn.incoming == Incoming.text_message(
        "telegram", "7", "Quimperlé", "fr", event_id=f"{BOT_ID}:1")  # ids are per bot
    assert turn.notice is None and turn.press is None and turn.query_id is None


def test_a_press_carries_its_label_and_is_answered():
    query = {"id": "q1", "from": {"id": 7, "language_code": "en-GB"},
             "message": keyboard_message(), "data": "c:territoire:passer"}
    turn = READER.read({"update_id": 2, "callback_query": query})
    assert turn.query_id == "q1" and turn.chat_id == 7
    assert turn.incoming == Incoming.choice("telegram", "7", "c:territoire:passer", "en-GB",
                                            event_id=f"{BOT_ID}:2")
    assert (turn.press.message_id, turn.press.text, turn.press.label) == (
        5, "Votre territoire ?", "Passer")


@pytest.mark.parametrize("data", ["<script>", "c:" + "x" * 70, "C:upper", "c:été"])
def test_odd_callback_data_becomes_the_forged_payload(data):
    query = {"id": "q", "message": keyboard_message(), "data": data}
    turn = READER.read({"update_id": 3, "callback_query": query})
    assert turn.incoming.payload == FORGED and turn.press.label is None


def test_a_press_on_a_message_that_is_gone_is_only_answered():
    gone = {"message_id": 5, "date": 0, "chat": PRIVATE}  # InaccessibleMessage
    for query in ({"id": "q", "message": gone, "data": "c:a:b"},
                  {"id": "q", "inline_message_id": "i", "data": "c:a:b"},  # inline mode
                  {"id": "q", "message": keyboard_message(), "game_short_name": "g"}):
        turn = READER.read({"update_id": 4, "callback_query": query})
        assert turn.query_id == "q" and turn.chat_id is None and turn.incoming is None


def test_in_a_group_only_addressed_texts_are_read():
    def read(text, **fields):
        turn = READER.read({"update_id": 5, "message": message(GROUP, text=text, **fields)})
        return None if turn is None else turn.incoming.text

    assert read("bonjour") is None
    assert read("/start") == "/start"
    assert read(f"/start@{USERNAME.upper()}") == f"/start@{USERNAME.upper()}"
    assert read("/start@another_bot") is None
    # Offsets count UTF-16 units: an emoji outside the BMP counts twice.
    text = f"🎉 @{USERNAME} commencer"
    mention = {"type": "mention", "offset": 3, "length": len(USERNAME) + 1}
    assert entity_text(text, mention) == f"@{USERNAME}"
    assert read(text, entities=[mention]).split() == ["🎉", "commencer"]  # mention removed
    assert read("@someone else", entities=[{"type": "mention", "offset": 0,
                                            "length": 8}]) is None
    named = {"type": "text_mention", "offset": 0, "length": 3, "user": {"id": BOT_ID}}
    assert read("Bot, aide-moi", entities=[named]) == "Bot, aide-moi"
    reply = {"message_id": 4, "date": 1, "chat": GROUP, "from": {"id": BOT_ID, "is_bot": True}}
    assert read("Quimperlé", reply_to_message=reply) == "Quimperlé"


def test_non_text_edits_channels_and_service_messages():
    photo = READER.read({"update_id": 6, "message": message(photo=[{"file_id": "f"}])})
    assert photo.incoming.text == "" and photo.notice.startswith("Je ne sais lire")
    assert READER.read({"update_id": 7, "message": message(GROUP, sticker={"file_id": "s"})}) \
        is None
    edited = READER.read({"update_id": 8, "edited_message": message(text="x")})
    assert edited.incoming is None and "modifiés" in edited.notice
    assert READER.read({"update_id": 9, "edited_message": message(GROUP, text="x")}) is None
    assert READER.read({"update_id": 10, "channel_post": message(text="x")}) is None
    assert READER.read({"update_id": 11, "message": message(new_chat_title="T")}) is None
    assert READER.read({"update_id": 12, "poll": {"id": "p"}}) is None


def test_an_update_that_does_not_follow_the_bot_api_raises():
    with pytest.raises((KeyError, TypeError)):
        READER.read({"update_id": 13, "message": {"text": "no chat"}})
