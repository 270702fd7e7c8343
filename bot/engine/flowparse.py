"""Parse and validate ``flows/*.yaml`` into :class:`~bot.engine.flow.Flow` objects.

Validation is the administrators' safety net: every problem names
``file:line:column`` and says what to do. ``transitions`` itself would accept
an unknown target state silently, so nothing reaches it before this passes.
The format is documented in ``docs/flows.md``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.engine.choices import normalize_answer
from bot.engine.conditions import Combination, Condition, ConditionCompiler, Test, suggest
from bot.engine.flow import (
    ActionCall,
    ActionSpec,
    Branch,
    CommandGuard,
    Flow,
    FlowChoice,
    LocalText,
    ParamKind,
    Resolve,
    ResolverSpec,
    Slot,
    SlotType,
    State,
    TextInput,
)
from bot.engine.graph import unreachable_states
from bot.i18n import SOURCE_LANGUAGE, SUPPORTED_LANGUAGES, has_translation
from bot.yamlsrc import (
    MarkedDict,
    MarkedList,
    Position,
    Problem,
    display_name,
    load_marked,
    position_of,
)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MAX_PAYLOAD_BYTES = 64  # Telegram's callback_data limit
FLOW_KEYS = ("id", "title", "start", "slots", "states", "description", "commands", "fallback",
             "question_words", "negation_words")
SLOT_KEYS = ("type", "vocabulary", "values", "multiple", "empty", "early")
STATE_KEYS = ("say", "actions", "choices", "choices_from", "input", "next", "final",
              "renamed_from")
COMMAND_KEYS = ("when", "before", "actions")
CHOICE_KEYS = ("id", "label", "set", "add", "clear", "next", "when", "words")
CHOICES_FROM_KEYS = ("slot", "next")
INPUT_KEYS = ("slot", "min_length", "max_length", "pattern", "error", "resolve", "elsewhere",
              "lead_ins", "next")
RESOLVE_KEYS = ("with", "set")
BRANCH_KEYS = ("if", "goto")


def choice_payload(state: str, choice_id: str) -> str:
    """The opaque payload of a flow choice; the engine checks it against the state."""
    return f"c:{state}:{choice_id}"


@dataclass(frozen=True, slots=True)
class FlowEnvironment:
    """What flows may refer to: vocabularies, knowledge items and engine actions."""

    vocabularies: Mapping[str, Mapping[str, LocalText]] = field(default_factory=dict)
    content_ids: frozenset[str] = frozenset()
    actions: Mapping[str, ActionSpec] = field(default_factory=dict)
    languages: tuple[str, ...] = SUPPORTED_LANGUAGES
    resolvers: Mapping[str, ResolverSpec] = field(default_factory=dict)
    flow_commands: frozenset[str] = frozenset({"plan"})  # commands a flow may give actions to


class FlowParser:
    """Turns one YAML document into a Flow, collecting every problem on the way."""

    def __init__(self, env: FlowEnvironment, source: str, digest: str):
        self.env = env
        self.source = source
        self.digest = digest
        self.problems: list[Problem] = []
        self.slots: dict[str, Slot] = {}
        self.state_names: set[str] = set()
        self._targets: list[tuple[str, Position, str]] = []  # (target, where, from what)
        self.renamed: dict[str, tuple[str, Position]] = {}  # old state -> (new state, where)
        self.draft: Flow | None = None  # built before the graph checks, for diagrams

    # -- helpers ----------------------------------------------------------------------

    def error(self, where: Position, message: str) -> None:
        self.problems.append(Problem(where, message))

    def _check_keys(self, node: MarkedDict, allowed: Iterable[str], what: str) -> None:
        allowed = tuple(allowed)
        for key in node:
            if key not in allowed:
                self.error(node.key_positions[key],
                           suggest(f"key in {what}", key, allowed)
                           + f" Allowed keys: {', '.join(allowed)}.")

    def _mapping(self, value: Any, where: Position, what: str) -> MarkedDict | None:
        if isinstance(value, MarkedDict):
            return value
        self.error(position_of(value, where), f"{what} must be a mapping (key: value lines)")
        return None

    def _id(self, value: Any, where: Position, what: str) -> str | None:
        if isinstance(value, str) and ID_PATTERN.match(value):
            return value
        self.error(where, f"{what} '{value}' must be lower-case letters, digits, '-' or '_' "
                          "(for example: choix_commune)")
        return None

    def text(self, value: Any, where: Position, what: str) -> LocalText | None:
        """Parse user-facing text: {fr: ..., en: ...} or {key: gettext msgid}."""
        where = position_of(value, where)
        languages = self.env.languages
        if isinstance(value, str):
            others = ", ".join(lang for lang in languages if lang != SOURCE_LANGUAGE)
            self.error(where, f"missing translation: {what} has no version in {others}. "
                              "Write it as {fr: \"...\", en: \"...\"}")
            return None
        node = self._mapping(value, where, what)
        if node is None:
            return None
        if "key" in node:
            key = node["key"]
            if len(node) != 1 or not isinstance(key, str):
                self.error(where, f"{what}: 'key' takes one message id and nothing beside it")
                return None
            for lang in languages:
                if not has_translation(key, lang):
                    self.error(node.at("key"), f"missing translation: the message key {key!r} "
                                               f"has no '{lang}' translation in the catalogs "
                                               "(bot/locale/); add it, or write the text "
                                               "inline as {fr: ..., en: ...}")
            return LocalText(key=key)
        ok = True
        for lang in node:
            if lang not in languages:
                self.error(node.key_positions[lang], suggest("language", lang, languages)
                           + f" Supported languages: {', '.join(languages)}.")
                ok = False
            elif isinstance(node[lang], bool):
                # YAML 1.1 reads yes/no/on/off as booleans: a classic trap for 'en: Yes'.
                written = next(w for w in ("Yes", "No", "On", "Off", "True", "False")
                               if (w in ("Yes", "On", "True")) == node[lang])
                self.error(node.at(lang), f"{what} in '{lang}' was read as true/false: "
                                          f"write it in quotes: \"{written}\"")
                ok = False
            elif not isinstance(node[lang], str) or not node[lang].strip():
                self.error(node.at(lang), f"{what} in '{lang}' must be non-empty text")
                ok = False
        for lang in languages:
            if lang not in node:
                self.error(where, f"missing translation: {what} has no '{lang}' version; "
                                  f"add a line '{lang}: ...'")
                ok = False
        return LocalText(texts=dict(node)) if ok else None

    def texts(self, value: Any, where: Position, what: str) -> tuple[LocalText, ...]:
        items = value if isinstance(value, list) else [value]
        parsed = [self.text(item, value.at(i) if isinstance(value, MarkedList) else where, what)
                  for i, item in enumerate(items)]
        return tuple(p for p in parsed if p is not None)

    # -- slots ------------------------------------------------------------------------

    def parse_slots(self, node: Any, where: Position) -> None:
        if node is None:
            return
        node = self._mapping(node, where, "'slots'")
        if node is None:
            return
        for name, spec in node.items():
            at = node.key_positions[name]
            if self._id(name, at, "slot name") is None:
                continue
            spec = self._mapping(spec, node.at(name), f"slot '{name}'")
            if spec is None:
                continue
            self._check_keys(spec, SLOT_KEYS, f"slot '{name}'")
            multiple = spec.get("multiple", False)
            if not isinstance(multiple, bool):
                self.error(spec.at("multiple"), "'multiple' takes true or false")
                multiple = False
            values: dict[str, LocalText] = {}
            vocabulary = spec.get("vocabulary")
            if vocabulary is not None:
                if vocabulary not in self.env.vocabularies:
                    self.error(spec.at("vocabulary"),
                               suggest("content vocabulary", vocabulary, self.env.vocabularies)
                               + " Vocabularies are defined in content/taxonomy.yaml.")
                else:
                    values.update(self.env.vocabularies[vocabulary])
            if "values" in spec:
                declared = self._mapping(spec["values"], spec.at("values"),
                                         f"'values' of slot '{name}'")
                for value_id, label in (declared or MarkedDict()).items():
                    assert declared is not None
                    if self._id(value_id, declared.key_positions[value_id], "value") is None:
                        continue
                    text = self.text(label, declared.at(value_id), f"the label of '{value_id}'")
                    if text is not None:
                        values[value_id] = text
            kind = spec.get("type", "choice" if values or vocabulary else None)
            if kind not in ("choice", "text"):
                self.error(spec.at("type") if "type" in spec else spec.position,
                           f"slot '{name}' needs 'type: text' (typed answers) or "
                           "'values:'/'vocabulary:' (choices)")
                continue
            if kind == "choice" and not values and vocabulary is None:
                self.error(spec.position, f"choice slot '{name}' declares no values")
            empty = (self.text(spec["empty"], spec.at("empty"), f"'empty' of slot '{name}'")
                     if "empty" in spec else None)
            early = spec.get("early", False)
            if early is not False and (early is not True or kind != "choice"):
                self.error(spec.at("early"), "'early' takes true, on a choice slot")
                early = False
            self.slots[name] = Slot(name, SlotType(kind), multiple, values, vocabulary, at,
                                    empty, early)

    def check_value(self, slot_name: str, value: Any) -> str | None:
        slot = self.slots.get(slot_name)
        if slot is None:
            return suggest("slot", slot_name, self.slots) + " Declare it under 'slots:'."
        if slot.type is SlotType.TEXT:
            return None
        if value not in slot.values:
            return (suggest(f"value for slot '{slot_name}'", value, slot.values)
                    + f" Expected one of: {', '.join(slot.values)}.")
        return None

    # -- transitions ------------------------------------------------------------------

    def _target(self, value: Any, where: Position, origin: str) -> str | None:
        if not isinstance(value, str):
            self.error(where, f"{origin}: the target must be a state name")
            return None
        self._targets.append((value, where, origin))
        return value

    def branches(self, value: Any, where: Position, origin: str,
                 conditions: ConditionCompiler) -> tuple[Branch, ...]:
        where = position_of(value, where)
        if isinstance(value, str):
            target = self._target(value, where, origin)
            return (Branch(target),) if target else ()
        if not isinstance(value, MarkedList) or not value:
            self.error(where, f"{origin}: 'next' takes a state name or a list of "
                              "{if: <condition>, goto: <state>}")
            return ()
        result = []
        for i, item in enumerate(value):
            at = value.at(i)
            node = self._mapping(item, at, f"{origin}: a branch of 'next'")
            if node is None:
                continue
            self._check_keys(node, BRANCH_KEYS, "a branch of 'next'")
            if "goto" not in node:
                self.error(at, f"{origin}: a branch needs 'goto: <state>'")
                continue
            condition = None
            if "if" in node:
                condition = conditions.compile(node["if"], node.at("if"), self.problems)
                if condition is None:
                    continue
            elif i != len(value) - 1:
                self.error(at, f"{origin}: only the last branch may omit 'if' "
                               "(the branches after it could never be taken)")
            target = self._target(node["goto"], node.at("goto"), origin)
            if target:
                result.append(Branch(target, condition))
        if result and result[-1].condition is not None:
            self.error(value.at(len(value) - 1),
                       f"{origin}: the last branch of 'next' must have no 'if', so that the "
                       "conversation always has somewhere to go")
        return tuple(result)

    # -- states -----------------------------------------------------------------------

    def parse_choice(self, state: str, node: Any, where: Position,
                     conditions: ConditionCompiler) -> FlowChoice | None:
        node = self._mapping(node, where, f"a choice of state '{state}'")
        if node is None:
            return None
        self._check_keys(node, CHOICE_KEYS, f"a choice of state '{state}'")
        choice_id = self._id(node.get("id"), node.at("id"), "choice id")
        if choice_id is None:
            return None
        origin = f"choice '{choice_id}' of state '{state}'"
        assign = self._assignments(node, "set", origin)
        add = self._assignments(node, "add", origin)
        label = None
        if "label" in node:
            label = self.text(node["label"], node.at("label"), f"the label of {origin}")
        elif len(assign + add) == 1:
            slot_name, value = (assign + add)[0]
            label = self.slots[slot_name].values.get(value)
        if label is None:
            if "label" not in node:
                self.error(node.position, f"{origin} needs a 'label: {{fr: ..., en: ...}}'")
            return None
        when = None
        if "when" in node:
            when = conditions.compile(node["when"], node.at("when"), self.problems)
        if "next" not in node:
            self.error(node.position, f"{origin} needs 'next: <state>'")
            return None
        branches = self.branches(node["next"], node.at("next"), origin, conditions)
        cleared = node.get("clear", [])
        if not isinstance(cleared, list) or any(name not in self.slots for name in cleared):
            self.error(node.at("clear") if "clear" in node else node.position,
                       f"{origin}: 'clear' takes a list of slots, e.g. [contexte]")
            cleared = []
        words = (self.text(node["words"], node.at("words"), f"the words of {origin}")
                 if "words" in node else None)
        return FlowChoice(choice_id, label, branches, assign, add, when, tuple(cleared), words)

    def _assignments(self, node: MarkedDict, key: str, origin: str) -> tuple[tuple[str, str], ...]:
        if key not in node:
            return ()
        spec = self._mapping(node[key], node.at(key), f"'{key}' of {origin}")
        if spec is None:
            return ()
        result = []
        for slot_name, value in spec.items():
            at = spec.at(slot_name)
            error = self.check_value(slot_name, value)
            if error:
                where = spec.key_positions[slot_name] if slot_name not in self.slots else at
                self.error(where, f"{origin}: {error}")
                continue
            slot = self.slots[slot_name]
            if slot.type is SlotType.TEXT:
                self.error(at, f"{origin}: slot '{slot_name}' is typed by the user; "
                               "a choice can only set a choice slot")
            elif key == "set" and slot.multiple:
                self.error(at, f"{origin}: slot '{slot_name}' holds several values: "
                               f"use 'add:' instead of 'set:'")
            elif key == "add" and not slot.multiple:
                self.error(at, f"{origin}: slot '{slot_name}' holds one value: "
                               "use 'set:' instead of 'add:'")
            else:
                result.append((slot_name, value))
        return tuple(result)

    def parse_choices_from(self, state: str, node: Any, where: Position,
                           conditions: ConditionCompiler) -> list[FlowChoice]:
        """One choice per value of a slot; for a multiple slot, values already picked hide."""
        node = self._mapping(node, where, f"'choices_from' of state '{state}'")
        if node is None:
            return []
        self._check_keys(node, CHOICES_FROM_KEYS, "'choices_from'")
        slot = self.slots.get(node.get("slot"))
        if slot is None or slot.type is not SlotType.CHOICE:
            self.error(node.at("slot"), "'choices_from' needs 'slot:' naming a choice slot; "
                       + (suggest("slot", node.get("slot"), self.slots)
                          if slot is None else f"'{slot.name}' is typed by the user"))
            return []
        if "next" not in node:
            self.error(node.position, "'choices_from' needs 'next: <state>'")
            return []
        origin = f"'choices_from' of state '{state}'"
        branches = self.branches(node["next"], node.at("next"), origin, conditions)
        choices = []
        for value, label in slot.values.items():
            if slot.multiple:
                choices.append(FlowChoice(value, label, branches, add=((slot.name, value),),
                                          when=_not_contains(slot.name, value)))
            else:
                choices.append(FlowChoice(value, label, branches, assign=((slot.name, value),)))
        return choices

    def parse_input(self, state: str, node: Any, where: Position,
                    conditions: ConditionCompiler) -> TextInput | None:
        node = self._mapping(node, where, f"'input' of state '{state}'")
        if node is None:
            return None
        self._check_keys(node, INPUT_KEYS, "'input'")
        slot = self.slots.get(node.get("slot"))
        if slot is None or slot.type is not SlotType.TEXT:
            self.error(node.at("slot"), "'input' needs 'slot:' naming a slot of 'type: text'"
                       + ("; " + suggest("slot", node.get("slot"), self.slots)
                          if slot is None else ""))
            return None
        lengths = {}
        for key, default in (("min_length", 1), ("max_length", 200)):
            value = node.get(key, default)
            if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2000:
                self.error(node.at(key), f"'{key}' takes a whole number from 0 to 2000")
                value = default
            lengths[key] = value
        pattern = None
        if "pattern" in node:
            try:
                pattern = re.compile(str(node["pattern"]))
            except re.error as exc:
                self.error(node.at("pattern"),
                           f"'pattern' is not a valid regular expression: {exc}")
        error = self.text(node["error"], node.at("error"), "'error'") if "error" in node else None
        elsewhere = (self.text(node["elsewhere"], node.at("elsewhere"), "'elsewhere'")
                     if "elsewhere" in node else None)
        lead_ins = self.parse_lead_ins(node["lead_ins"], node.at("lead_ins")) \
            if "lead_ins" in node else ()
        if "next" not in node:
            self.error(node.position, "'input' needs 'next: <state>'")
            return None
        resolve = self.parse_resolve(node["resolve"], node.at("resolve")) \
            if "resolve" in node else None
        branches = self.branches(node["next"], node.at("next"), f"'input' of state '{state}'",
                                 conditions)
        return TextInput(slot.name, branches, lengths["min_length"], lengths["max_length"],
                         pattern, error, resolve, elsewhere, lead_ins)

    def parse_lead_ins(self, value: Any, where: Position) -> tuple[re.Pattern[str], ...]:
        """'lead_ins': a list of regular expressions (the words before a typed name), each
        ending at a whole word: « je suis au » is not read « je suis a » + « u … »."""
        if not isinstance(value, list) or not value:
            self.error(where, "'lead_ins' takes a list of regular expressions")
            return ()
        compiled = []
        for index, item in enumerate(value):
            try:
                compiled.append(re.compile(f"(?:{item})(?= )"))
            except re.error as exc:
                at = value.at(index) if isinstance(value, MarkedList) else where
                self.error(at, f"'lead_ins': {item!r} is not a valid regular expression: {exc}")
        return tuple(compiled)

    def parse_resolve(self, value: Any, where: Position) -> Resolve | None:
        node = self._mapping(value, where, "'resolve'")
        if node is None:
            return None
        self._check_keys(node, RESOLVE_KEYS, "'resolve'")
        name = str(node.get("with"))
        spec = self.env.resolvers.get(name)
        if spec is None:
            self.error(node.at("with") if "with" in node else node.position,
                       suggest("resolver", name, self.env.resolvers)
                       + f" Resolvers: {', '.join(sorted(self.env.resolvers)) or 'none'}.")
            return None
        assign: list[tuple[str, str]] = []
        mapping = node.get("set", {})
        if not isinstance(mapping, MarkedDict):
            self.error(node.at("set"), "'set' maps slots to facts, e.g. {collectivite: type}")
            return None
        for slot_name, fact in mapping.items():
            if slot_name not in self.slots:
                self.error(mapping.key_positions[slot_name],
                           suggest("slot", slot_name, self.slots))
            elif fact not in spec.facts:
                self.error(mapping.at(slot_name), suggest(f"fact of '{spec.name}'", fact,
                                                          spec.facts)
                           + f" Facts: {', '.join(sorted(spec.facts))}.")
            else:
                assign.append((slot_name, fact))
        return Resolve(spec.name, tuple(assign))

    def parse_actions(self, state: str, value: Any, where: Position) -> tuple[ActionCall, ...]:
        items = value if isinstance(value, MarkedList) else None
        if items is None:
            self.error(position_of(value, where), "'actions' takes a list, e.g. [recommend]")
            return ()
        calls = []
        for i, item in enumerate(items):
            at = items.at(i)
            if isinstance(item, str):
                name, args, args_at = item, MarkedDict(), at
            elif isinstance(item, MarkedDict) and len(item) == 1:
                ((name, args),) = item.items()
                args_at = item.at(name)
                if args is None:
                    args = MarkedDict()
            else:
                self.error(at, "an action is a name, or {name: {argument: value}}")
                continue
            spec = self.env.actions.get(name)
            if spec is None:
                self.error(at, suggest("action", name, self.env.actions)
                           + f" Available actions: {', '.join(sorted(self.env.actions))}.")
                continue
            if not isinstance(args, MarkedDict):
                self.error(args_at, f"the arguments of action '{name}' must be a mapping")
                continue
            if self._check_action_args(spec, args, args_at):
                calls.append(ActionCall(name, dict(args), at))
        return tuple(calls)

    def _check_action_args(self, spec: ActionSpec, args: MarkedDict, where: Position) -> bool:
        ok = True
        for key in args:
            if key not in spec.params:
                self.error(args.key_positions[key], suggest(f"argument of '{spec.name}'", key,
                                                            spec.params))
                ok = False
                continue
            kind, value, at = spec.params[key], args[key], args.at(key)
            if kind is ParamKind.SLOT and value not in self.slots:
                self.error(at, suggest("slot", value, self.slots) + " Declare it under 'slots:'.")
                ok = False
            elif kind in (ParamKind.CONTENT, ParamKind.CONTENT_LIST):
                ids = value if kind is ParamKind.CONTENT_LIST else [value]
                if not isinstance(ids, list):
                    self.error(at, f"'{key}' takes a list of content ids")
                    ok = False
                    continue
                for j, item_id in enumerate(ids):
                    if item_id not in self.env.content_ids:
                        where_id = ids.at(j) if hasattr(ids, "at") else at
                        self.error(where_id, suggest("content item", item_id,
                                                     self.env.content_ids)
                                   + " Content items are defined in content/*.yaml.")
                        ok = False
            elif kind is ParamKind.TEXT and not isinstance(value, str):
                self.error(at, f"'{key}' takes text")
                ok = False
        for key in sorted(spec.required - set(args)):
            self.error(where, f"action '{spec.name}' needs the argument '{key}'")
            ok = False
        return ok

    def _duplicate(self, state: str, choice: FlowChoice, existing: list[FlowChoice],
                   where: Position) -> bool:
        if any(c.id == choice.id for c in existing):
            self.error(where, f"duplicate choice id '{choice.id}' in state '{state}': "
                              "give each choice its own id")
            return True
        return False

    def parse_state(self, name: str, node: Any, where: Position,
                    conditions: ConditionCompiler) -> State | None:
        if node is None:
            node = MarkedDict()
            node.position, node.key_positions, node.value_positions = where, {}, {}
        node = self._mapping(node, where, f"state '{name}'")
        if node is None:
            return None
        self._check_keys(node, STATE_KEYS, f"state '{name}'")
        if "renamed_from" in node:
            self.parse_renamed(name, node["renamed_from"], node.at("renamed_from"))
        say = self.texts(node["say"], node.at("say"), f"the text of state '{name}'") \
            if "say" in node else ()
        actions = self.parse_actions(name, node["actions"], node.at("actions")) \
            if "actions" in node else ()
        choices: list[FlowChoice] = []
        for key in node:  # choices and choices_from are offered in the order they are written
            if key == "choices_from":
                generated = self.parse_choices_from(name, node[key], node.at(key), conditions)
                choices += [c for c in generated
                            if not self._duplicate(name, c, choices, node.at(key))]
            elif key == "choices":
                raw = node[key]
                if not isinstance(raw, MarkedList):
                    self.error(node.at(key), "'choices' takes a list of choices")
                    continue
                for i, item in enumerate(raw):
                    choice = self.parse_choice(name, item, raw.at(i), conditions)
                    if choice is not None and not self._duplicate(name, choice, choices,
                                                                  raw.at(i)):
                        choices.append(choice)
        for choice in choices:
            payload = choice_payload(name, choice.id)
            if len(payload.encode()) > MAX_PAYLOAD_BYTES:
                self.error(where, f"state name '{name}' and choice id '{choice.id}' are too "
                                  f"long together (at most {MAX_PAYLOAD_BYTES - 3} characters)")
        text_input = None
        if "input" in node:
            text_input = self.parse_input(name, node["input"], node.at("input"), conditions)
        branches: tuple[Branch, ...] = ()
        if "next" in node:
            if choices or text_input:
                self.error(node.at("next"), f"state '{name}' waits for the user, so its 'next' "
                                            "belongs inside each choice or the input")
            else:
                branches = self.branches(node["next"], node.at("next"), f"state '{name}'",
                                         conditions)
        final = node.get("final", False)
        if not isinstance(final, bool):
            self.error(node.at("final"), "'final' takes true or false")
            final = False
        return State(name, where, say, actions, tuple(choices), text_input, branches, final)

    # -- the whole flow ---------------------------------------------------------------

    def parse(self, document: Any) -> Flow | None:
        top = Position(self.source, 1, 1)
        doc = self._mapping(document, top, "a flow file")
        if doc is None:
            return None
        self._check_keys(doc, FLOW_KEYS, "a flow")
        flow_id = self._id(doc.get("id"), doc.at("id"), "flow id")
        title = self.text(doc.get("title"), doc.at("title"), "the flow title") \
            if "title" in doc else None
        if "title" not in doc:
            self.error(doc.position, "a flow needs 'title: {fr: ..., en: ...}'")
        self.parse_slots(doc.get("slots"), doc.at("slots"))
        conditions = ConditionCompiler(set(self.slots), self.check_value)
        states_node = self._mapping(doc.get("states"), doc.at("states"), "'states'")
        states: dict[str, State] = {}
        if states_node is not None:
            self.state_names = {n for n in states_node if isinstance(n, str)}
            for name, node in states_node.items():
                if self._id(name, states_node.key_positions[name], "state name") is None:
                    continue
                state = self.parse_state(name, node, states_node.key_positions[name],
                                         conditions)
                if state is not None:
                    states[name] = state
        start = doc.get("start")
        if start is None:
            self.error(doc.position, "a flow needs 'start: <state>', the first state shown")
        else:
            self._target(start, doc.at("start"), "'start'")
        fallback = doc.get("fallback")
        if fallback is not None:
            self._target(fallback, doc.at("fallback"), "'fallback'")
        for old, (new, where) in self.renamed.items():
            if old in self.state_names:
                self.error(where, f"state '{new}': 'renamed_from' names '{old}', which is still "
                                  f"a state of this flow. Remove '{old}' from 'renamed_from', or "
                                  "rename the state")
        for target, where, origin in self._targets:
            if target not in self.state_names:
                self.error(where, f"{origin}: " + suggest("target state", target,
                                                         self.state_names)
                           + " Fix the name, or add the state under 'states:'.")
        guards: dict[str, CommandGuard] = {}
        commands = self.parse_commands(doc["commands"], doc.at("commands"), conditions,
                                       guards) if "commands" in doc else {}
        question_words, negation_words = (
            self.parse_word_list(key, doc[key], doc.at(key)) if key in doc else None
            for key in ("question_words", "negation_words"))
        if self.problems or flow_id is None or title is None or not isinstance(start, str):
            return None
        flow = Flow(flow_id, title, start, dict(self.slots), states, self.digest, self.source,
                    commands, guards, renamed={old: new for old, (new, _) in self.renamed.items()},
                    fallback=fallback, slots_position=doc.at("slots") if "slots" in doc
                    else doc.position, question_words=question_words,
                    negation_words=negation_words)
        self.draft = flow
        self.check_graph(flow)
        return None if any(p.severity == "error" for p in self.problems) else flow

    def parse_word_list(self, key: str, value: Any, where: Position) -> LocalText | None:
        """``question_words`` (the words that open a sentence asking something even without
        « ? ») or ``negation_words`` (those that say no: « pas », « aucun »), per language,
        comma-separated as a choice's ``words``."""
        text = self.text(value, where, f"'{key}'")
        if text is None or text.texts is None:
            return text
        node = value if isinstance(value, MarkedDict) else None
        for language, words in text.texts.items():
            if any(not normalize_answer(entry) for entry in words.split(",")):
                at = node.at(language) if node is not None else where
                self.error(at, f"'{key}' ({language}): an empty word between two commas; "
                               "write the words as \"comment, pourquoi, c est quoi\"")
                return None
        return text

    def parse_renamed(self, state: str, value: Any, where: Position) -> None:
        """``renamed_from``: the former names of a state, so that conversations left in a
        state under its old name follow it after a live reload instead of restarting."""
        items = value if isinstance(value, list) else [value]
        for i, old in enumerate(items):
            at = value.at(i) if isinstance(value, MarkedList) else position_of(value, where)
            if self._id(old, at, "former state name") is None:
                continue
            if old in self.renamed:
                self.error(at, f"'{old}' appears in 'renamed_from' of both "
                               f"'{self.renamed[old][0]}' and '{state}': keep it in one state")
                continue
            self.renamed[old] = (state, at)

    def parse_commands(self, value: Any, where: Position, conditions: ConditionCompiler,
                       guards: dict[str, CommandGuard]) -> dict[str, tuple[ActionCall, ...]]:
        """``commands:``: per command, a list of actions, or ``{when:, before:, actions:}``
        when the command means something only once ``when`` holds (``before`` is said
        until then)."""
        node = self._mapping(value, where, "'commands'")
        if node is None:
            return {}
        result = {}
        for command, actions in node.items():
            known = sorted(self.env.flow_commands)
            if command not in known:
                self.error(node.key_positions[command],
                           suggest("command", command, known)
                           + " Flows may give actions to: " + ", ".join(known) + ".")
                continue
            at = node.at(command)
            if isinstance(actions, MarkedDict):
                self._check_keys(actions, COMMAND_KEYS, f"command '{command}'")
                for key in COMMAND_KEYS:
                    if key not in actions:
                        self.error(position_of(actions, at), f"command '{command}' needs "
                                   f"'{key}' (keys: {', '.join(COMMAND_KEYS)})")
                if any(key not in actions for key in COMMAND_KEYS):
                    continue
                when = conditions.compile(actions["when"], actions.at("when"), self.problems)
                before = self.text(actions["before"], actions.at("before"),
                                   f"'before' of command '{command}'")
                if when is not None and before is not None:
                    guards[command] = CommandGuard(when, before)
                at, actions = actions.at("actions"), actions["actions"]
            result[command] = self.parse_actions(f"command {command}", actions, at)
        return result

    def check_graph(self, flow: Flow) -> None:
        unreachable = unreachable_states(flow)
        for name, state in flow.states.items():
            if name in unreachable:
                self.error(state.position, f"unreachable state '{name}': no choice, input or "
                                           "'next' leads to it. Link it from another state, "
                                           "or delete it")
            if not state.exits() and not state.final:
                self.error(state.position, f"dead end: state '{name}' has no choices, no input "
                                           "and no 'next'. Add a way out, or mark it "
                                           "'final: true' if the conversation may end here")
        # States that do not wait for the user must not loop among themselves.
        automatic = {n for n, s in flow.states.items() if not s.waits_for_user}
        for name in sorted(automatic):
            path = _automatic_cycle(flow, name, automatic)
            if path:
                self.error(flow.states[name].position,
                           "endless loop: " + " → ".join(path) + " never waits for the user. "
                           "Add a choice or an input on the way")
                break


def _automatic_cycle(flow: Flow, start: str, automatic: set[str]) -> list[str] | None:
    stack = [(start, [start])]
    while stack:
        name, path = stack.pop()
        for branch in flow.states[name].branches:
            if branch.target == start:
                return [*path, start]
            if branch.target in automatic and branch.target not in path:
                stack.append((branch.target, [*path, branch.target]))
    return None


def _not_contains(slot: str, value: str) -> Condition:
    return Combination("not", (Test(slot, "contains", value),))


def parse_flow_text(text: str, source: str, env: FlowEnvironment) -> tuple[Flow | None,
                                                                         list[Problem]]:
    """Parse one flow file's text; returns the flow (None on error) and all problems."""
    digest = hashlib.sha256(text.encode()).hexdigest()[:12]
    try:
        document = load_marked(text, source)
    except Problem as problem:
        return None, [problem]
    parser = FlowParser(env, source, digest)
    flow = parser.parse(document)
    return flow, parser.problems


def load_flows(directory: Path, env: FlowEnvironment,
               display_root: Path | None = None) -> tuple[dict[str, Flow], list[Problem]]:
    """Parse every ``*.yaml`` of a directory; flows with problems are left out."""
    flows: dict[str, Flow] = {}
    problems: list[Problem] = []
    files = sorted(directory.glob("*.yaml")) + sorted(directory.glob("*.yml"))
    if not files:
        problems.append(Problem(Position(str(directory), 1, 1),
                                "no flow file (*.yaml) in this folder"))
    for path in files:
        source = display_name(path, display_root)
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError) as exc:
            problems.append(Problem(Position(source, 1, 1), f"cannot read the file: {exc}"))
            continue
        flow, found = parse_flow_text(text, source, env)
        problems.extend(found)
        if flow is None:
            continue
        if flow.id in flows:
            problems.append(Problem(Position(source, 1, 1),
                                    f"duplicate flow id '{flow.id}', already used by "
                                    f"{flows[flow.id].source}: give each flow its own id"))
            continue
        flows[flow.id] = flow
    return flows, problems
