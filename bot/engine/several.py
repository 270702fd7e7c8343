"""Several answers in one message: « insertion et alimentation », « 2 et 3 » at a question
that takes several values, or typed one question early (docs/flows.md: the slot key
`early`, and *Choice*)."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.engine.choices import Offered
from bot.engine.flow import Slot
from bot.engine.messages import Choice
from bot.i18n import Translator

# What separates answers in one message: a comma, « et », « and », a slash, a plus, maybe
# followed by « et », « aussi » (« emploi et insertion, et aussi alimentation »).
_SEPARATORS = re.compile(r"\s*(?:[,;/+&]|\s(?:et|and|puis|plus)\s)\s*"
                         r"(?:(?:et|and|puis|aussi|also)\s+)*", re.IGNORECASE)


def parts_of(text: str) -> list[str]:
    """The answers a message lists (« insertion et alimentation » -> two), none when it asks
    something (a « ? »: a question stays a question)."""
    if "?" in text:
        return []
    return [part for part in (p.strip() for p in _SEPARATORS.split(text)) if part]


def picked_in(text: str, pick: Callable[[str], str | None]) -> list[str]:
    """What each answer of the message picks (``pick`` gives a key or None), without repeats
    (« emploi et insertion » is one label); empty when one answer picks nothing."""
    found: list[str] = []
    for part in parts_of(text):
        key = pick(part)
        if key is None:
            return []
        if key not in found:
            found.append(key)
    return found


def values_named(slot: Slot, text: str, t: Translator) -> list[str]:
    """The slot's values that the message names, each answer one value by its label (whole,
    one of its words, a slip of the keyboard away); empty when one answer names none."""
    offered = Offered(tuple(Choice(value, label.render(t)) for value, label in slot.values.items()),
                      numbers=False)

    def pick(part: str) -> str | None:
        choice = offered.match(part)
        return choice.payload if choice is not None else None

    return picked_in(text, pick)
