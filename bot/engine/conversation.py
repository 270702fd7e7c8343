"""The persisted state of one conversation: small, plain data, restored for each message."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

BACK_STACK_LIMIT = 50


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
        self.back.append((self.state, copy.deepcopy(self.slots)))
        del self.back[:-BACK_STACK_LIMIT]

    def pop_back(self) -> bool:
        if not self.back:
            return False
        self.state, self.slots = self.back.pop()
        return True
