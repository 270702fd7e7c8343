"""What a channel without buttons shows of one turn (the terminal, Matrix).

On such a channel a choice is picked by typing its number or its label; the engine reads
the typed text against the last list it showed. A list shown earlier in the same turn (the
« Détails » of an answer given in the middle of a question) would be numbered like the
question's own list just below it, so it is left out: its items stay reachable by typing
« détails » and a number (the engine's asides).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.engine.messages import Outgoing


def answerable(replies: Sequence[Outgoing]) -> list[Outgoing]:
    """The replies of one turn, with choices only on the last message that has some.

    An earlier list of the same turn (the options of an answer given in the middle of a
    question, before the question comes again) could not be picked, and its « 1. » would
    be read as the « 1. » of the list below it.
    """
    last = max((n for n, reply in enumerate(replies) if reply.choices), default=-1)
    return [reply if n == last or not reply.choices else replace(reply, choices=())
            for n, reply in enumerate(replies)]
