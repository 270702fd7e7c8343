"""Reading Telegram updates: from the Bot API's JSON to what the channel does with them.

The updates are read as the plain dicts that ``getUpdates`` and the webhook deliver
(https://core.telegram.org/bots/api#update), not as python-telegram-bot objects: building
an ``Update`` (message, chat, users, entities, keyboard...) costs more CPU than the whole
engine turn it leads to, for the handful of fields read here. Pure functions, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.engine.messages import Incoming

CHANNEL = "telegram"
# Callback data we ever send: the engine's payloads ("c:<state>:<choice>", "s:...") and
# the features' ("q:...", "kb:...", "bc:...": the feature's name, then a colon).
PAYLOAD_SHAPE = re.compile(r"^[a-z][a-z0-9]{0,15}:[\w:.\-]{1,62}$", re.ASCII)
FORGED = "x:forged"  # what odd callback data becomes: the engine answers with a re-prompt
# Kinds of message content that are not text; anything else (service messages: members
# joining, pinned messages...) is ignored silently.
CONTENT_ATTRIBUTES = ("photo", "sticker", "voice", "audio", "video", "video_note", "animation",
                      "document", "location", "venue", "contact", "poll", "dice", "game",
                      "story", "paid_media")

# The few texts the channel writes itself (everything else comes from the engine).
TEXTS = {
    "fr": {
        "not_text": "Je ne sais lire que les messages écrits et les boutons. "
                    "Répondez par écrit, ou tapez /aide.",
        "edited": "Je ne prends pas en compte les messages modifiés : "
                  "envoyez plutôt un nouveau message.",
    },
    "en": {
        "not_text": "I can only read written messages and buttons. "
                    "Please answer in writing, or type /help.",
        "edited": "I do not take edited messages into account: please send a new message.",
    },
}

Update = Mapping[str, Any]  # one Bot API update, as JSON


def channel_language(language_code: str | None) -> str:
    """English for users whose Telegram is in English, French otherwise."""
    return "en" if (language_code or "").lower().startswith("en") else "fr"


@dataclass(slots=True)
class Press:
    """A pressed button, to mark on its message once the engine has answered."""

    message_id: int
    text: str  # the message's text as Telegram shows it
    label: str | None  # the pressed button's label; None if the data is on no button


@dataclass(slots=True)
class Turn:
    """What one update asks of the channel, in the chat's order."""

    chat_id: int | None  # None: nothing to do in a chat (a press on a message that is gone)
    incoming: Incoming | None  # None: nothing for the engine (only a notice)
    notice: str | None = None
    press: Press | None = None
    query_id: str | None = None  # a button press, to answer with answerCallbackQuery


@dataclass(frozen=True, slots=True)
class Reader:
    """Turns updates into :class:`Turn` for the bot ``bot_id`` / ``@username``."""

    bot_id: int
    username: str

    def read(self, update: Update) -> Turn | None:
        """The turn an update asks for, or None when it is to be ignored.

        A button press whose message is gone still returns a turn, with no chat: its
        query must be answered.
        Raises (KeyError, TypeError...) on an update that does not follow the Bot API.
        """
        turn = self._read(update)
        if turn is None:
            return None
        update_id = update.get("update_id")
        if turn.incoming is not None and type(update_id) is int:
            # Update ids are per bot: another token must not find this one's ids handled.
            turn.incoming = replace(turn.incoming, event_id=f"{self.bot_id}:{update_id}")
        if turn.chat_id is not None and type(turn.chat_id) is not int:
            raise TypeError("the chat id of an update is not an integer")
        if turn.incoming is not None and not isinstance(turn.incoming.text, str):
            raise TypeError("the text of an update is not a string")
        if turn.press is not None and type(turn.press.message_id) is not int:
            raise TypeError("the message id of a press is not an integer")
        if turn.query_id is not None and not isinstance(turn.query_id, str):
            raise TypeError("the id of a callback query is not a string")
        return turn

    def _read(self, update: Update) -> Turn | None:
        if "callback_query" in update:
            return self._press(update["callback_query"])
        if "channel_post" in update or "edited_channel_post" in update:
            return None  # a bot added to a channel stays silent there (see docs/telegram.md)
        if "edited_message" in update:
            message = update["edited_message"]
            if message["chat"]["type"] != "private":
                return None
            language = channel_language(_language_code(message))
            return Turn(message["chat"]["id"], None, notice=TEXTS[language]["edited"])
        message = update.get("message")
        if message is None:
            return None
        locale = _language_code(message)
        chat_id = message["chat"]["id"]
        private = message["chat"]["type"] == "private"
        text = message.get("text")
        if text is not None:
            if not private:
                text = self.addressed_text(message)
                if text is None:
                    return None
            return Turn(chat_id, Incoming.text_message(CHANNEL, str(chat_id), text, locale))
        if not any(message.get(attribute) for attribute in CONTENT_ATTRIBUTES):
            return None  # service message (members joining, pins...)
        if not private and not self.replies_to_me(message):
            return None
        notice = TEXTS[channel_language(locale)]["not_text"]
        # An empty text makes the engine ask the current question again (or welcome).
        return Turn(chat_id, Incoming.text_message(CHANNEL, str(chat_id), "", locale),
                    notice=notice)

    def _press(self, query: Mapping[str, Any]) -> Turn:
        message = query.get("message")
        data = query.get("data")
        # An inaccessible message (too old, or deleted) comes with date 0; an inline-mode
        # message comes with no message at all: only the query is answered.
        if message is None or not message.get("date") or data is None:
            return Turn(None, None, query_id=query["id"])
        if not isinstance(data, str):
            raise TypeError("callback data is not a string")
        label = None
        for row in (message.get("reply_markup") or {}).get("inline_keyboard", ()):
            for button in row:
                if button.get("callback_data") == data:
                    label = button.get("text")
        press = Press(message["message_id"], message.get("text") or "", label)
        if len(data.encode()) > 64 or not PAYLOAD_SHAPE.match(data):
            data = FORGED
        chat_id = message["chat"]["id"]
        locale = (query.get("from") or {}).get("language_code")
        return Turn(chat_id, Incoming.choice(CHANNEL, str(chat_id), data, locale), press=press,
                    query_id=query["id"])

    def addressed_text(self, message: Mapping[str, Any]) -> str | None:
        """In a group, the text meant for the bot, or None if the bot is not addressed."""
        text = message.get("text") or ""
        username = self.username.lower()
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            target = command.partition("@")[2].lower()
            return text if not target or target == username else None
        mention = f"@{username}"
        mentioned = False
        for entity in message.get("entities") or ():
            kind = entity.get("type")
            if kind == "mention":
                if entity_text(text, entity).lower() == mention:
                    mentioned = True
            elif kind == "text_mention" and (entity.get("user") or {}).get("id") == self.bot_id:
                mentioned = True
        if mentioned:
            return re.sub(re.escape(mention), " ", text, flags=re.IGNORECASE).strip()
        if self.replies_to_me(message):
            return text
        return None

    def replies_to_me(self, message: Mapping[str, Any]) -> bool:
        reply = message.get("reply_to_message") or {}
        return (reply.get("from") or {}).get("id") == self.bot_id


def entity_text(text: str, entity: Mapping[str, Any]) -> str:
    """The part of ``text`` an entity covers (its offset and length count UTF-16 units)."""
    encoded = text.encode("utf-16-le")
    start = 2 * entity["offset"]
    return encoded[start:start + 2 * entity["length"]].decode("utf-16-le", errors="replace")


def _language_code(message: Mapping[str, Any]) -> str | None:
    return (message.get("from") or {}).get("language_code")
