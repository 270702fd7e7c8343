"""Rendering for Matrix: what an ``m.room.message`` carries for each engine message.

Pure functions with no I/O. Every message has a plain ``body`` and an HTML
``formatted_body`` (``org.matrix.custom.html``) where the engine's text is escaped and
only the channel's own tags are added: Element and Tchap show the HTML.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.channels.links import linked_html, plain_text
from bot.channels.typed import answerable
from bot.engine.messages import Outgoing

__all__ = ["MERGE_LIMIT", "answerable", "escape_linking", "merged", "notice", "render", "turn"]


# Texts of one turn are joined into one message up to this length: each message is a
# notification on the agent's phone, and a line such as « Avant tout, un outil à
# connaître : » belongs with what it announces; longer, a message is a wall to scroll.
MERGE_LIMIT = 1200

# An address written in the text: up to a space, a quote or an angle bracket.
_URL = re.compile(r"https?://[^\s<>\"«»]+")
_TRAILING = ".,;:!?)]»’'"


def _address(match: str) -> str:
    """The address itself, without what ends the sentence around it (a full stop...)."""
    url = match
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # the address's own closing parenthesis
        url = url[:-1]
    return url


def escape_linking(text: str) -> str:
    """Plain text escaped for HTML, each web address in it a link named by its site.

    Sources are written « Titre — https://www.legifrance.gouv.fr/codes/… »: a hundred
    characters of address in the middle of a message, not even a link where the client
    does not linkify. The HTML shows the site's name as the link (the whole address is
    behind it, and in ``body``).
    """
    parts, last = [], 0
    for match in _URL.finditer(text):
        url = _address(match.group())
        host = urllib.parse.urlsplit(url).hostname
        if not host:
            continue
        name = host.removeprefix("www.")
        parts += [html.escape(text[last:match.start()]),
                  f'<a href="{html.escape(url, quote=True)}">{html.escape(name)}</a>']
        last = match.start() + len(url)
    parts.append(html.escape(text[last:]))
    return "".join(parts)


_ITEM = re.compile(r"^(\d{1,3})\. (.*)$")
_INDENT = "\u00a0" * 4  # what an indented line keeps of its indent (HTML drops spaces)


def html_blocks(escaped: str) -> str:
    """Escaped text with its line breaks and lists as HTML.

    The engine writes lists as plain text: « 1. Titre » lines, each followed by its own
    lines (what it is, its source; indented or not) up to a blank line or the next item.
    With every line a ``<br>``, the indents are lost and the items run into each other on
    Element; here a run of numbered lines is a list whose items hold their lines, and
    any other indented line keeps an indent. A bulleted list (``<ul>``): on Element, a
    number is then always the number of a choice, the one thing typing a number answers.
    """
    blocks: list[tuple[bool, str]] = []  # (is a block element, its HTML)
    lines = escaped.split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if (first := _ITEM.match(line)) is not None:
            items: list[str] = []
            expected = int(first.group(1))
            while index < len(lines) and (item := _ITEM.match(lines[index])) \
                    and int(item.group(1)) == expected:
                parts = [item.group(2)]
                index += 1
                while index < len(lines) and lines[index].strip() \
                        and not _ITEM.match(lines[index]):
                    parts.append(lines[index].strip())
                    index += 1
                items.append("<li>" + "<br>".join(parts) + "</li>")
                expected += 1
                after = index  # blank lines between two items of the list: one list
                while after < len(lines) and not lines[after].strip():
                    after += 1
                if after < len(lines) and (item := _ITEM.match(lines[after])) \
                        and int(item.group(1)) == expected:
                    index = after
            blocks.append((True, "<ul>" + "".join(items) + "</ul>"))
            continue
        stripped = line.lstrip()
        blocks.append((False, _INDENT + stripped if stripped and stripped != line else line))
        index += 1
    html_text, after_block = "", True  # nothing before the first line
    for position, (block, part) in enumerate(blocks):
        following = blocks[position + 1] if position + 1 < len(blocks) else None
        if not block and not part and (after_block or (following and following[0])):
            continue  # a blank line beside a list: the list's own margin is enough
        if not block and not after_block:
            html_text += "<br>"
        html_text += part
        after_block = block
    return html_text


def render(outgoing: Outgoing) -> dict[str, Any]:
    """An ``m.room.message`` content: plain ``body`` and escaped HTML ``formatted_body``."""
    text = outgoing.text.strip("\n")
    lines = [f"{n}. {choice.label}" for n, choice in enumerate(outgoing.choices, 1)]
    plain = plain_text(Outgoing(text, links=outgoing.links)) if outgoing.links else text
    body = "\n\n".join(part for part in (plain, "\n".join(lines)) if part)
    formatted = html_blocks(linked_html(text, outgoing.links, escape=escape_linking))
    if outgoing.choices:
        items = "".join(f"<li>{html.escape(choice.label)}</li>" for choice in outgoing.choices)
        formatted += f"<ol>{items}</ol>"
    return {"msgtype": "m.text", "body": body, "format": "org.matrix.custom.html",
            "formatted_body": formatted}


def notice(text: str) -> dict[str, Any]:
    return {"msgtype": "m.notice", "body": text, "format": "org.matrix.custom.html",
            "formatted_body": html.escape(text).replace("\n", "<br>")}


def merged(replies: Sequence[Outgoing], limit: int = MERGE_LIMIT) -> list[Outgoing]:
    """The replies of one turn with consecutive texts joined: fewer messages, same content.

    A text-only message (no choices, no document) is joined to the next one by a blank
    line when the two texts together fit ``limit``. Order is kept: a message with a
    document is never merged into (its file would come after the next text).
    """
    result: list[Outgoing] = []
    for reply in replies:
        previous = result[-1] if result else None
        if previous is not None and not previous.choices and previous.document is None \
                and previous.text.strip() and reply.text.strip():
            text = previous.text.strip("\n") + "\n\n" + reply.text.strip("\n")
            if len(text) <= limit:
                result[-1] = replace(reply, text=text, links=previous.links + reply.links)
                continue
        result.append(reply)
    return result


def turn(replies: Sequence[Outgoing]) -> list[Outgoing]:
    """The messages the channel sends for the engine's replies to one message, in order."""
    return merged(answerable(replies))
