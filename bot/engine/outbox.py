"""A turn's replies as the engine keeps them until the channel has delivered them.

What a channel gets back for an update with an id (:class:`Handled`), the replies left
undelivered by a crash (:class:`PendingReplies`), and their serialized form (JSON, every
field of the message types of :mod:`bot.engine.messages`, documents included).
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import bot.engine.messages as messages
from bot.engine.messages import Outgoing


@dataclass(frozen=True, slots=True)
class Handled:
    """The outcome of one update for its channel."""

    replies: list[Outgoing] = field(default_factory=list)
    # The update was handled before (a redelivery): nothing changed; ``replies`` are those
    # of the first time that were never acknowledged, if any.
    duplicate: bool = False
    # Give it back to the dispatcher (``delivered``) once the replies are sent, or given
    # up; None: there is nothing to acknowledge.
    receipt: int | None = None
    # Stable across restarts, unique per update: an idempotency key for networks that
    # deduplicate sends (a Matrix transaction id), None without an update id.
    token: str | None = None


@dataclass(frozen=True, slots=True)
class PendingReplies:
    """Replies of a handled update that no channel confirmed (the process stopped first)."""

    receipt: int
    address: str  # the chat, room... as the channel gave it (``Incoming.address``)
    replies: list[Outgoing]
    token: str


_TYPES = {cls.__name__: cls for cls in vars(messages).values()
          if isinstance(cls, type) and dataclasses.is_dataclass(cls)
          and cls.__module__ == messages.__name__}
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in _TYPES.values()}


def _encode(value: Any) -> Any:
    names = _FIELDS.get(type(value))
    if names is not None:
        fields = {name: _encode(getattr(value, name)) for name in names}
        return {"type": type(value).__name__, "fields": fields}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, bytes):
        return {"bytes": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"a reply holds a value that cannot be kept: {type(value).__name__}")


def _decode(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_decode(item) for item in value)
    if isinstance(value, dict):
        if "bytes" in value:
            return base64.b64decode(value["bytes"])
        cls = _TYPES[value["type"]]  # only the message types: nothing else is built
        return cls(**{name: _decode(item) for name, item in value["fields"].items()})
    return value


def dump_replies(replies: Sequence[Outgoing]) -> str:
    return json.dumps([_encode(reply) for reply in replies], ensure_ascii=False,
                      separators=(",", ":"))


def load_replies(text: str) -> list[Outgoing]:
    replies = [_decode(item) for item in json.loads(text)]
    if not all(isinstance(reply, Outgoing) for reply in replies):
        raise ValueError("not a list of replies")
    return replies
