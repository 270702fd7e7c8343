"""Compile a validated Flow into one ``transitions`` Machine, shared by every conversation.

A Machine per user, or ``add_model`` per user, costs memory and time that grow
with the number of users (pytransitions issues #146 and #434). Instead, each
flow gets exactly one Machine driving one *cursor* model. To take a step, the
cursor is loaded with the conversation's state and slots, the trigger fires
(``transitions`` picks the first branch whose condition holds), and the new
state is read back. The conversation itself lives in SQLite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, cast

from transitions import EventData, Machine

from bot.engine.conditions import Condition
from bot.engine.flow import Branch, Flow

ADVANCE = "advance"  # the automatic 'next' of a state that does not wait for the user
SUBMIT = "submit"  # a valid text answer to an input


def choose(choice_id: str) -> str:
    """The trigger fired when the user picks a choice."""
    return f"choose:{choice_id}"


class _Cursor:
    """The single model of a compiled flow; holds one conversation's data during a step."""

    state: str
    slots: dict[str, Any] | None = None
    trigger: Callable[[str], bool]  # added by transitions.Machine


def _condition_callback(condition: Condition) -> Callable[..., bool]:
    def holds(event: EventData) -> bool:
        return condition.holds(cast(_Cursor, event.model).slots or {})

    return holds


class CompiledFlow:
    def __init__(self, flow: Flow):
        self.flow = flow
        self._cursor = _Cursor()
        self._lock = threading.Lock()
        self.machine = Machine(
            model=self._cursor,
            states=list(flow.states),
            initial=flow.start,
            auto_transitions=False,
            send_event=True,
            name=flow.id,
        )
        for state in flow.states.values():
            for choice in state.choices:
                self._add(choose(choice.id), state.name, choice.branches)
            if state.input is not None:
                self._add(SUBMIT, state.name, state.input.branches)
            self._add(ADVANCE, state.name, state.branches)

    def _add(self, trigger: str, source: str, branches: tuple[Branch, ...]) -> None:
        # transitions tries the transitions of a trigger in the order they were added.
        for branch in branches:
            conditions: list[str | Callable[..., bool | None]] | None = (
                [_condition_callback(branch.condition)] if branch.condition else None)
            self.machine.add_transition(trigger, source, branch.target, conditions=conditions)

    def step(self, state: str, slots: dict[str, Any], trigger: str) -> str | None:
        """The state reached from ``state`` by ``trigger`` given ``slots``; None if none."""
        with self._lock:
            cursor = self._cursor
            self.machine.set_state(state, model=cursor)
            cursor.slots = slots
            try:
                moved = cursor.trigger(trigger)
            finally:
                cursor.slots = None
            return cursor.state if moved else None
