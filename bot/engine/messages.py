"""The transport-agnostic protocol between channels and the engine.

A channel turns what its network delivers into an :class:`Incoming` and renders
each :class:`Outgoing` it gets back. Neither side knows the other's details:
the engine never sees a Telegram update, a channel never sees a flow.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"  # typed text; a leading "/" makes it a command
    CHOICE = "choice"  # the payload of a pressed button (or a choice picked another way)


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update from a user, as the channel received it."""

    channel: str  # "console", "telegram", "matrix": part of the pseudonym, never stored raw
    user_id: str  # the channel's id for the conversation (chat id, room id...)
    kind: Kind
    text: str = ""  # for TEXT
    payload: str = ""  # for CHOICE: the opaque payload of a Choice we sent
    locale: str | None = None  # the channel's idea of the user's language, e.g. "fr-FR"
    # The network's id of this update (Telegram: bot and update id; Matrix: the event id):
    # an update seen again is not handled twice. Opaque to the engine; stored only hashed.
    event_id: str | None = None
    # Where the replies go when it is not ``user_id`` (Matrix: the room). Opaque to the
    # engine; stored only sealed, until the replies are delivered.
    reply_to: str | None = None

    @classmethod
    def text_message(cls, channel: str, user_id: str, text: str, locale: str | None = None,
                     *, event_id: str | None = None, reply_to: str | None = None
                     ) -> Incoming:
        return cls(channel, user_id, Kind.TEXT, text=text, locale=locale, event_id=event_id,
                   reply_to=reply_to)

    @classmethod
    def choice(cls, channel: str, user_id: str, payload: str, locale: str | None = None,
               *, event_id: str | None = None, reply_to: str | None = None) -> Incoming:
        return cls(channel, user_id, Kind.CHOICE, payload=payload, locale=locale,
                   event_id=event_id, reply_to=reply_to)

    @property
    def address(self) -> str:
        """Where the replies of this update go."""
        return self.reply_to or self.user_id


@dataclass(frozen=True, slots=True)
class Choice:
    """An option offered to the user: a button, or a numbered line on text channels."""

    payload: str  # at most 64 bytes, so that it fits Telegram's callback data
    label: str


@dataclass(frozen=True, slots=True)
class Document:
    """A file to send along with a message (a summary, a feuille de route...)."""

    filename: str
    media_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Link:
    """A part of a message's text that points to a web page (a source's title)."""

    text: str  # as it appears in the message's text
    url: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One message to show. ``text`` is plain text: channels escape it for their markup.

    ``links``: parts of ``text`` that channels with HTML (Telegram, Matrix) make links;
    plain-text channels show the address after the text.
    """

    text: str
    choices: tuple[Choice, ...] = field(default_factory=tuple)
    document: Document | None = None
    links: tuple[Link, ...] = field(default_factory=tuple)
