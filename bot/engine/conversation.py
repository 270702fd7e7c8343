"""The persisted state of one conversation: small, plain data, restored for each message."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BACK_STACK_LIMIT = 50


def copy_slots(slots: dict[str, Any]) -> dict[str, Any]:
    """A copy that owns its lists (slot values are strings or lists of strings)."""
    return {name: list(value) if isinstance(value, list) else value
            for name, value in slots.items()}


@dataclass(slots=True)
class Conversation:
    key: str  # the pseudonym: a keyed hash of channel + user id, never the raw id
    channel: str
    flow_id: str
    state: str
    flow_version: str
    language: str
    slots: dict[str, Any] = field(default_factory=dict)
    back: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    pending: str | None = None  # a system question awaiting an answer ("language", "forget")
    created_at: str = ""
    updated_at: str = ""

    def push_back(self) -> None:
        """Remember where we are, so that /retour can come back here with these answers."""
        self.back.append((self.state, copy_slots(self.slots)))
        del self.back[:-BACK_STACK_LIMIT]

    def pop_back(self) -> bool:
        if not self.back:
            return False
        self.state, self.slots = self.back.pop()
        return True
