"""The links of a message (:class:`~bot.engine.messages.Link`), for every channel.

A link names a part of the message's text. Channels with HTML make that part a link;
plain-text channels show the address after it. Links are found in order, each after
the previous one, so a title that appears twice is linked where the message means it.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterator, Sequence

from bot.engine.messages import Link, Outgoing


def _spans(text: str, links: Sequence[Link]) -> Iterator[tuple[int, int, Link]]:
    position = 0
    for link in links:
        found = text.find(link.text, position) if link.text else -1
        if found < 0:
            continue
        position = found + len(link.text)
        yield found, position, link


def plain_text(outgoing: Outgoing) -> str:
    """The text with each link's address after it: « Avise — le DLA <https://…> »."""
    text = outgoing.text
    parts, last = [], 0
    for _start, end, link in _spans(text, outgoing.links):
        parts += [text[last:end], f" <{link.url}>"]
        last = end
    parts.append(text[last:])
    return "".join(parts)


def linked_html(text: str, links: Sequence[Link],
                escape: Callable[[str], str] = html.escape) -> str:
    """Plain ``text`` escaped for HTML, the parts that ``links`` name made links."""
    parts, last = [], 0
    for start, end, link in _spans(text, links):
        if link.url.startswith(("https://", "http://")):
            url = html.escape(link.url, quote=True)
            parts += [escape(text[last:start]), f'<a href="{url}">{escape(text[start:end])}</a>']
            last = end
    parts.append(escape(text[last:]))
    return "".join(parts)


def links_of_parts(text: str, parts: Sequence[str], links: Sequence[Link]
                   ) -> list[tuple[Link, ...]]:
    """The links that fall whole inside each part of a text cut in order (a long message
    sent in several parts); a link cut in two is left as plain text."""
    spans = list(_spans(text, links))
    result: list[tuple[Link, ...]] = []
    position = 0
    for part in parts:
        start = text.find(part, position)
        if start < 0:
            result.append(())
            continue
        end = start + len(part)
        position = end
        result.append(tuple(link for s, e, link in spans if start <= s and e <= end))
    return result
