"""The in-memory model of a conversation flow, as compiled from ``flows/*.yaml``.

The model is immutable and shared by every conversation; a conversation only
holds a state name and its slot values (see :mod:`bot.engine.conversation`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.engine.conditions import Condition
from bot.engine.messages import Outgoing
from bot.i18n import SOURCE_LANGUAGE, Translator
from bot.yamlsrc import Position

_PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


@dataclass(frozen=True, slots=True)
class LocalText:
    """Text shown to users: per-language strings, or a gettext msgid (``key``)."""

    texts: Mapping[str, str] | None = None
    key: str | None = None

    @property
    def has_placeholders(self) -> bool:
        sources = [self.key] if self.key is not None else list((self.texts or {}).values())
        return any(_PLACEHOLDER.search(text) for text in sources)

    def render(self, t: Translator, values: Mapping[str, str] | None = None) -> str:
        if self.key is not None:
            raw = t.gettext(self.key)
        else:
            assert self.texts is not None
            raw = self.texts.get(t.language) or self.texts[SOURCE_LANGUAGE]
        if values and "{" in raw:
            # Only {slot} placeholders are replaced; any other brace stays as written.
            return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), raw)
        return raw


class SlotType(StrEnum):
    CHOICE = "choice"  # one of declared values: categorical, safe to log
    TEXT = "text"  # typed by the user: never logged


@dataclass(frozen=True, slots=True)
class Slot:
    name: str
    type: SlotType
    multiple: bool = False
    values: Mapping[str, LocalText] = field(default_factory=dict)  # ordered
    vocabulary: str | None = None  # the taxonomy list the values come from, if any
    position: Position | None = None  # where it is declared, for problems about it
    empty: LocalText | None = None  # what messages say while it holds nothing (else « — »)
    early: bool = False  # values typed before its question are kept for it

    def label(self, value: str, t: Translator) -> str:
        text = self.values.get(value)
        return text.render(t) if text else value

    def display(self, value: Any, t: Translator) -> str:
        """A slot value as users read it: labels, joined for multiple slots."""
        if value is None or value == []:
            return self.empty.render(t) if self.empty else "—"
        if isinstance(value, list):
            return ", ".join(self.label(v, t) for v in value)
        if self.type is SlotType.CHOICE:
            return self.label(value, t)
        return str(value)


@dataclass(frozen=True, slots=True)
class Branch:
    """Go to ``target`` if ``condition`` holds (or always, when it is None)."""

    target: str
    condition: Condition | None = None


@dataclass(frozen=True, slots=True)
class FlowChoice:
    id: str
    label: LocalText
    branches: tuple[Branch, ...]
    assign: tuple[tuple[str, str], ...] = ()  # set: slot = value
    add: tuple[tuple[str, str], ...] = ()  # add: value appended to a multiple slot
    when: Condition | None = None  # offered only when this holds
    clear: tuple[str, ...] = ()  # clear: slots emptied (before set and add)
    # words: comma-separated words of a sentence that stand for this choice (« soutenir »
    # in « on veut les soutenir »); a trailing * matches any ending (« structur* »).
    words: LocalText | None = None


@dataclass(frozen=True, slots=True)
class Resolve:
    """Typed text looked up by a named resolver; its facts fill slots (``set``)."""

    resolver: str
    assign: tuple[tuple[str, str], ...]  # (slot, fact)


@dataclass(frozen=True, slots=True)
class TextInput:
    slot: str
    branches: tuple[Branch, ...]
    min_length: int = 1
    max_length: int = 200
    pattern: re.Pattern[str] | None = None
    error: LocalText | None = None
    resolve: Resolve | None = None
    # With ``resolve``: what to say when a name it knows is typed where another question is
    # asked and nothing leads to this one (« Tourcoing » on the results): how to change it.
    elsewhere: LocalText | None = None
    # With ``resolve``: words that may come before the name (« je suis à la mairie de »),
    # regular expressions over the normalized text (lower case, no accents, punctuation as
    # spaces), after an optional greeting; what follows must be one whole name.
    lead_ins: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True, slots=True)
class ActionCall:
    name: str
    args: Mapping[str, Any]
    position: Position


@dataclass(frozen=True, slots=True)
class State:
    name: str
    position: Position
    say: tuple[LocalText, ...] = ()
    actions: tuple[ActionCall, ...] = ()
    choices: tuple[FlowChoice, ...] = ()
    input: TextInput | None = None
    branches: tuple[Branch, ...] = ()  # automatic: taken right after the state is shown
    final: bool = False

    @property
    def waits_for_user(self) -> bool:
        return bool(self.choices or self.input)

    def exits(self) -> list[Branch]:
        """Every branch leaving the state, for validation and diagrams."""
        out = list(self.branches)
        for choice in self.choices:
            out.extend(choice.branches)
        if self.input:
            out.extend(self.input.branches)
        return out


@dataclass(frozen=True, slots=True)
class CommandGuard:
    """A flow command that has a meaning only once ``when`` holds (the feuille de route at
    the end of the parcours): before, ``before`` is said instead of running its actions,
    with ``{remaining}``, the questions left on the shortest way to a final state."""

    when: Condition
    before: LocalText


@dataclass(frozen=True, slots=True)
class Flow:
    id: str
    title: LocalText
    start: str
    slots: Mapping[str, Slot]
    states: Mapping[str, State]
    version: str  # a digest of the source file: changes whenever the file does
    source: str
    # global commands that run flow actions (e.g. /feuille): command id -> actions
    commands: Mapping[str, tuple[ActionCall, ...]] = field(default_factory=dict)
    command_guards: Mapping[str, CommandGuard] = field(default_factory=dict)
    # Live reload: where conversations go when their state no longer exists.
    renamed: Mapping[str, str] = field(default_factory=dict)  # old state -> new (renamed_from)
    fallback: str | None = None  # for removed states; None: the start
    slots_position: Position | None = None  # the 'slots:' key, for problems about slots
    # The words that open a sentence asking something even without « ? » (« comment
    # structurer une SCIC »), comma-separated per language; None: only « ? » says so.
    question_words: LocalText | None = None
    # The words that say no (« pas », « aucun »): a sentence holding one never picks a choice
    # by a label it names (« on n'est pas en montagne »).
    negation_words: LocalText | None = None


# -- actions: named engine functions that flows may call -------------------------------


class ParamKind(StrEnum):
    SLOT = "slot"  # the name of a slot of the flow
    CONTENT = "content"  # the id of a knowledge item
    CONTENT_LIST = "content_list"  # a list of knowledge item ids
    TEXT = "text"  # any string


@dataclass(slots=True)
class ActionContext:
    """What an action may read (a copy of the answers), and where it reports the items it
    showed."""

    flow: Flow
    slots: Mapping[str, Any]
    translator: Translator
    shown_items: list[str] = field(default_factory=list)


ActionFunction = Callable[[ActionContext, Mapping[str, Any]], list[Outgoing]]


@dataclass(frozen=True, slots=True)
class ActionSpec:
    name: str
    run: ActionFunction
    params: Mapping[str, ParamKind] = field(default_factory=dict)
    required: frozenset[str] = frozenset()
    doc: str = ""


# -- resolvers: turn typed text into known entities (a territory...) -----------------------


@dataclass(frozen=True, slots=True)
class Candidate:
    """One entity a resolver found: a label users can tell apart, and its facts."""

    label: str
    facts: Mapping[str, Any]  # fact name -> a string, or a list of strings
    # Other whole names the text found it by (a former name, a commune déléguée's): typed
    # alone, they name it as surely as its label does.
    also: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ResolverSpec:
    """A named lookup that flows may use in an input (``resolve:``).

    ``lookup`` returns the candidates, best first: none (not found), one, or
    several homonyms among which the user picks.
    """

    name: str
    lookup: Callable[[str], list[Candidate]]
    facts: frozenset[str]
    doc: str = ""
