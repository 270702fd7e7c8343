"""Rendering for Telegram: HTML escaping, merging and splitting, keyboards, log redaction.

Pure functions with no I/O, so that they are easy to test on their own. The engine
speaks plain text; Telegram receives it as HTML (``parse_mode=HTML``) with every
character of the content escaped, and only the few tags the channel adds itself.
"""

from __future__ import annotations

import functools
import html
import logging
import threading
import urllib.parse
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.engine.messages import Choice, Outgoing

MAX_MESSAGE_LENGTH = 4096  # Telegram's limit, in UTF-16 code units after entity parsing
MAX_CAPTION_LENGTH = 1024  # the same for a document's caption
SHORT_LABEL = 20  # labels up to this length go two per row
CHOSEN_MARK = "✔"


def escape(text: str) -> str:
    """Plain text as Telegram HTML: only ``&``, ``<`` and ``>`` need escaping."""
    return html.escape(text, quote=False)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it (an emoji outside the BMP counts twice)."""
    return len(text.encode("utf-16-le")) // 2


def html_length(text: str) -> int:
    """Length of ``text`` once escaped, as Telegram counts it (upper bound of what it shows)."""
    return utf16_length(escape(text))


def _cut_point(text: str, limit: int) -> int:
    """Index of the longest prefix of ``text`` whose escaped form fits ``limit``."""
    low, high = 0, min(len(text), limit)  # an escaped prefix is never shorter than itself
    while low < high:  # binary search: escaping is done in C, a Python loop is not
        middle = (low + high + 1) // 2
        if html_length(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def split_text(text: str, limit: int = MAX_MESSAGE_LENGTH, last_limit: int | None = None
               ) -> list[str]:
    """Split plain ``text`` into parts whose escaped HTML fits ``limit``.

    Cuts at a paragraph break if there is one in the second half of the window, else a
    line break, else a space, else (one very long word) anywhere. Parts are split before
    escaping, so a cut can never fall inside an entity or a tag. ``last_limit`` (smaller)
    leaves room in the last part for something appended later (the chosen option).
    """
    last_limit = limit if last_limit is None else min(limit, last_limit)
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if html_length(rest) <= last_limit:
            parts.append(rest)
            break
        window = _cut_point(rest, limit)
        if window >= len(rest):  # fits the normal limit but not the last one: cut once more
            window = _cut_point(rest, last_limit)
        cut = 0
        for separator in ("\n\n", "\n", " "):
            position = rest.rfind(separator, 0, window + 1)
            if position > window // 2:
                cut = position
                break
        if cut <= 0:
            cut = max(window, 1)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            parts.append(head)
    return parts


def fits_caption(message: Outgoing) -> bool:
    """Whether the text of a document can be its caption (then one message, not two)."""
    return (message.document is not None and not message.choices
            and html_length(message.text.strip()) <= MAX_CAPTION_LENGTH)


def merge_turn(messages: Sequence[Outgoing], limit: int = MAX_MESSAGE_LENGTH) -> list[Outgoing]:
    """The replies of one turn with consecutive texts merged: fewer messages, same content.

    A text-only message (no choices, no document) is joined to the next one by a blank
    line when the result still fits in one Telegram message, keeping room for the chosen
    mark when the next one has choices: the keyboard stays on the last part. Order is kept:
    a document, and the text sent as its caption (:func:`fits_caption`), are never merged
    into, nor moved across. Texts too long for one message are left alone (then split).
    """
    merged: list[Outgoing] = []
    for message in messages:
        previous = merged[-1] if merged else None
        # A message with links is not merged into one with a keyboard: pressing a button
        # rewrites that message as plain text (the chosen mark), which would drop them.
        if previous is not None and not previous.choices and previous.document is None \
                and not fits_caption(message) and not (previous.links and message.choices):
            text = "\n\n".join(t for t in (previous.text.strip(), message.text.strip()) if t)
            if html_length(text) <= limit - suffix_room(message.choices):
                merged[-1] = Outgoing(text, message.choices, message.document,
                                      previous.links + message.links)
                continue
        merged.append(message)
    return merged


def keyboard_markup(choices: Sequence[Choice]) -> InlineKeyboardMarkup | None:
    """One button per row, or two per row when every label is short."""
    if not choices:
        return None
    return _keyboard(tuple(choices))


@functools.lru_cache(maxsize=1024)
def _keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup:
    # Cached: the same questions come back for every user, and PTB objects are immutable.
    buttons = [InlineKeyboardButton(c.label, callback_data=c.payload) for c in choices]
    per_row = 2 if all(len(c.label) <= SHORT_LABEL for c in choices) and len(choices) > 2 else 1
    rows = [buttons[i:i + per_row] for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(rows)


def chosen_suffix(label: str) -> str:
    """HTML appended to a question once an option was pressed."""
    return f"\n\n{CHOSEN_MARK} <b>{escape(label)}</b>"


def suffix_room(choices: Sequence[Choice]) -> int:
    """Room to keep in the last part of a message for the longest chosen suffix."""
    return max((utf16_length(chosen_suffix(c.label)) for c in choices), default=0)


# -- log redaction -------------------------------------------------------------------------

REDACTED = "<redacted>"


class TokenRedactingFilter(logging.Filter):
    """Replaces secrets (the bot token) in log messages and tracebacks.

    httpx logs every request URL at INFO, and the Bot API puts the token in the URL
    (``/bot<token>/sendMessage``); python-telegram-bot logs its base URL at DEBUG.
    """

    def __init__(self) -> None:
        super().__init__()
        self._secrets: tuple[str, ...] = ()
        self._guard = threading.Lock()

    def add(self, secret: str) -> None:
        if not secret:
            return
        forms = {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote(secret)}
        with self._guard:
            # The longest first, so that a form containing another is replaced whole.
            self._secrets = tuple(sorted(set(self._secrets) | forms, key=len, reverse=True))

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the handler's own error report
            return True
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


REDACTOR = TokenRedactingFilter()
_installed = False
_install_guard = threading.Lock()


def install_token_redaction(token: str) -> None:
    """Redact ``token`` from every log record of the process, from now on.

    The filter runs in the log record factory rather than on one logger or handler:
    filters on a logger do not see records of its children (``httpx``, ``telegram.Bot``,
    ``tornado.access``...), and handlers may be added later (by the runner, pytest...).
    """
    global _installed
    REDACTOR.add(token)
    with _install_guard:
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            REDACTOR.filter(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
