"""A small declarative condition language over slots (never ``eval``).

Forms, as written in YAML::

    {collectivite: commune}                   # equals (shorthand)
    {collectivite: {in: [commune, epci]}}     # eq, ne, in, not_in
    {contexte: {contains: qpv}}               # a multiple-choice slot holds the value
    {themes: {empty: true}}                   # empty: true/false ; filled: true/false
    {all: [...]}  {any: [...]}  {not: {...}}  # combinators

Several keys in one mapping must all hold. Conditions are compiled once into
small objects; the engine only calls :meth:`Condition.holds`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from bot.yamlsrc import Position, Problem, position_of

Slots = Mapping[str, Any]

OPERATORS = ("eq", "ne", "in", "not_in", "contains", "empty", "filled")
COMBINATORS = ("all", "any", "not")


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@dataclass(frozen=True, slots=True)
class Test:
    """One test of one slot."""

    slot: str
    operator: str
    operand: Any

    def holds(self, slots: Slots) -> bool:
        value = slots.get(self.slot)
        match self.operator:
            case "eq":
                return value == self.operand
            case "ne":
                return value != self.operand
            case "in":
                return value in self.operand
            case "not_in":
                return value not in self.operand
            case "contains":
                return isinstance(value, list) and self.operand in value
            case "empty":
                return _is_empty(value) == bool(self.operand)
            case "filled":
                return (not _is_empty(value)) == bool(self.operand)
        raise AssertionError(self.operator)  # compile() accepts no other operator

    def describe(self) -> str:
        return f"{self.slot} {self.operator} {self.operand}"

    def slots(self) -> set[str]:
        return {self.slot}


@dataclass(frozen=True, slots=True)
class Combination:
    combinator: str  # all | any | not
    parts: tuple[Condition, ...]

    def holds(self, slots: Slots) -> bool:
        if self.combinator == "all":
            return all(part.holds(slots) for part in self.parts)
        if self.combinator == "any":
            return any(part.holds(slots) for part in self.parts)
        return not self.parts[0].holds(slots)

    def describe(self) -> str:
        if self.combinator == "not":
            return f"not ({self.parts[0].describe()})"
        return f" {'and' if self.combinator == 'all' else 'or'} ".join(
            part.describe() for part in self.parts
        )

    def slots(self) -> set[str]:
        return set().union(*(part.slots() for part in self.parts))


Condition = Test | Combination

# Checks a (slot, value) pair against the slot's declared values; returns an error or None.
ValueCheck = Callable[[str, Any], str | None]


class ConditionCompiler:
    """Compiles YAML conditions, reporting problems with their position."""

    def __init__(self, known_slots: set[str], check_value: ValueCheck):
        self.known_slots = known_slots
        self.check_value = check_value

    def compile(self, spec: Any, where: Position, problems: list[Problem]) -> Condition | None:
        where = position_of(spec, where)
        if not isinstance(spec, Mapping) or not spec:
            problems.append(Problem(where, "a condition must be a mapping such as "
                                           "{collectivite: commune} or {any: [...]}"))
            return None
        parts: list[Condition] = []
        for key, value in spec.items():
            # Errors about a name point at the name; errors about a value at the value.
            key_at = getattr(spec, "key_positions", {}).get(key, where)
            value_at = spec.at(key) if hasattr(spec, "at") else where
            part = self._compile_entry(str(key), value, key_at, value_at, problems)
            if part is not None:
                parts.append(part)
        if len(parts) != len(spec):
            return None
        return parts[0] if len(parts) == 1 else Combination("all", tuple(parts))

    def _compile_entry(self, key: str, value: Any, key_at: Position, at: Position,
                       problems: list[Problem]) -> Condition | None:
        if key in ("all", "any"):
            if not isinstance(value, list) or not value:
                problems.append(Problem(at, f"'{key}' takes a non-empty list of conditions"))
                return None
            parts = [self.compile(item, value.at(i) if hasattr(value, "at") else at, problems)
                     for i, item in enumerate(value)]
            if any(part is None for part in parts):
                return None
            return Combination(key, tuple(parts))  # type: ignore[arg-type]
        if key == "not":
            part = self.compile(value, at, problems)
            return None if part is None else Combination("not", (part,))
        if key not in self.known_slots:
            problems.append(Problem(key_at, suggest("slot", key, self.known_slots)
                                    + " Declare it under 'slots:' or fix the name."))
            return None
        if not isinstance(value, Mapping):
            return self._test(key, "eq", value, at, problems)
        if len(value) != 1:
            problems.append(Problem(at, f"the test of slot '{key}' must have exactly one "
                                        f"operator among: {', '.join(OPERATORS)}"))
            return None
        ((operator, operand),) = value.items()
        return self._test(key, str(operator), operand, at, problems)

    def _test(self, slot: str, operator: str, operand: Any, at: Position,
              problems: list[Problem]) -> Test | None:
        if operator not in OPERATORS:
            problems.append(Problem(at, suggest("operator", operator, OPERATORS)))
            return None
        if operator in ("empty", "filled"):
            if not isinstance(operand, bool):
                problems.append(Problem(at, f"'{operator}' takes true or false"))
                return None
            return Test(slot, operator, operand)
        if operator in ("in", "not_in"):
            if not isinstance(operand, list) or not operand:
                problems.append(Problem(at, f"'{operator}' takes a non-empty list of values"))
                return None
            values = tuple(operand)
        else:
            values = (operand,)
        ok = True
        for item in values:
            error = self.check_value(slot, item)
            if error:
                problems.append(Problem(at, error))
                ok = False
        if not ok:
            return None
        return Test(slot, operator, values if operator in ("in", "not_in") else operand)


def suggest(what: str, name: object, known: Iterable[object]) -> str:
    """An 'unknown X' message with a 'did you mean' hint; shared by the validators."""
    message = f"unknown {what} '{name}'."
    close = get_close_matches(str(name), [str(k) for k in known], n=1)
    if close:
        message += f" Did you mean '{close[0]}'?"
    return message
