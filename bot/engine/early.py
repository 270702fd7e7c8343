"""Answers typed before their question (docs/flows.md: the slot key `early`): which questions
ask a slot, whether one of them still lies ahead, and which single value a sentence names."""

from __future__ import annotations

from typing import Any

from bot.engine.choices import normalize_answer, opens_with_words, says_words
from bot.engine.flow import Flow
from bot.i18n import SUPPORTED_LANGUAGES, Translator, translator

# Longer than this, a sentence says more than one answer: it is left to the search.
MAX_WORDS = 12


def asking_states(flow: Flow, slot: str) -> set[str]:
    """The states with a choice that sets or adds to the slot (its questions)."""
    return {state.name for state in flow.states.values()
            if any(name == slot for choice in state.choices
                   for name, _ in (*choice.assign, *choice.add))}


def states_ahead(flow: Flow, state_name: str, slots: dict[str, Any]) -> set[str]:
    """The states the conversation may still reach from ``state_name``: every answer of a
    question is followed, but a state that moves on by itself takes the branch it would take
    with the answers given so far (no contrat de ville ahead where no QPV is known)."""
    seen: set[str] = set()
    todo = [state_name]
    while todo:
        state = flow.states.get(todo.pop())
        if state is None:
            continue
        if state.waits_for_user or state.name == state_name:
            branches = state.exits()
        else:
            taken = next((b for b in state.branches
                          if b.condition is None or b.condition.holds(slots)), None)
            branches = [taken] if taken is not None else []
        for branch in branches:
            if branch.target not in seen:
                seen.add(branch.target)
                todo.append(branch.target)
    return seen


def asks(flow: Flow, text: str) -> bool:
    """Whether a sentence asks something: a « ? », or, without one, the flow's
    ``question_words`` in any of its languages at its start (« comment structurer une
    SCIC »): a question for the search, not an answer kept for later."""
    if "?" in text:
        return True
    words = flow.question_words
    return words is not None and any(
        opens_with_words(text, words.render(translator(language)))
        for language in SUPPORTED_LANGUAGES)


def denies(flow: Flow, text: str) -> bool:
    """Whether a sentence holds one of the flow's ``negation_words`` (any language)."""
    words = flow.negation_words
    return words is not None and any(says_words(text, words.render(translator(language)))
                                     for language in SUPPORTED_LANGUAGES)


def value_by_words(flow: Flow, slot: str, states: set[str], text: str,
                   t: Translator) -> str | None:
    """The one value of a single-valued slot whose choice's ``words`` the sentence holds
    (« on débute », « on a un contrat de ville signé »); None when it holds none, those of
    several values, or asks something."""
    said = normalize_answer(text)
    if not said or len(said.split()) > MAX_WORDS or asks(flow, text):
        return None
    found = {value for name in states for choice in flow.states[name].choices
             if choice.words is not None and says_words(text, choice.words.render(t))
             for assigned, value in choice.assign if assigned == slot}
    return found.pop() if len(found) == 1 else None
