"""The persisted state of one conversation: small, plain data, restored for each message."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.engine.choices import Offered

BACK_STACK_LIMIT = 50
ENGINE = ""  # the owner of the engine's own dialogs (language, forget, homonyms)


def copy_slots(slots: dict[str, Any]) -> dict[str, Any]:
    """A copy that owns its lists (slot values are strings or lists of strings)."""
    return {name: list(value) if isinstance(value, list) else value
            for name, value in slots.items()}


@dataclass(frozen=True, slots=True)
class Dialog:
    """A short question outside the flow, waiting for its answer.

    ``owner`` is the extension that asked (``""`` for the engine itself), ``data`` what it
    needs to go on (plain JSON values).
    """

    owner: str
    data: dict[str, Any]

    def dumps(self) -> str:
        return json.dumps({"o": self.owner, "d": self.data}, ensure_ascii=False)

    @classmethod
    def loads(cls, text: str | None) -> Dialog | None:
        """A stored dialog; the formats of earlier versions are read too, junk is dropped."""
        if not text:
            return None
        if text in ("language", "forget"):  # before one dialog mechanism served every feature
            return cls(ENGINE, {"q": text})
        if text.startswith("pick:"):
            return cls._legacy(ENGINE, text.removeprefix("pick:"), "candidates", "pick")
        if text.startswith("bc:"):
            try:
                data = json.loads(text.removeprefix("bc:"))
            except ValueError:
                return None
            return cls("bc", data) if isinstance(data, dict) else None
        try:
            value = json.loads(text)
        except ValueError:
            return None
        if not isinstance(value, dict) or not isinstance(value.get("o"), str) \
                or not isinstance(value.get("d"), dict):
            return None
        return cls(value["o"], value["d"])

    @classmethod
    def _legacy(cls, owner: str, raw: str, key: str, question: str) -> Dialog | None:
        try:
            return cls(owner, {"q": question, key: json.loads(raw)})
        except ValueError:
            return None


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
    dialog: Dialog | None = None  # a question outside the flow awaiting its answer
    offered: Offered = field(default_factory=Offered)  # the choices the user sees last
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
