"""Conversation scripts: administrators' tests of the flows, written in YAML.

A script is what a user would type, and what the bot should answer::

    name: Une commune rurale qui débute
    language: fr
    steps:
      - send: /start
        reply: "économie sociale et solidaire"
        state: accueil
      - press: Commencer              # a button, by its label (or a part of it)
        state: collectivite
      - send: Pont-Aven
        slots: {territoire: Pont-Aven}

``essbot flows test`` runs every script of ``flows/tests/`` against the flows and
content on disk, each in a fresh conversation of an in-memory database, and
prints what differs, with the ``file:line`` of the step. The format is
documented in ``docs/admin.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.app import build_engine
from bot.config import Settings
from bot.engine import Engine, Incoming, Outgoing
from bot.engine.choices import normalize_answer
from bot.engine.conditions import suggest
from bot.engine.conversation import Conversation
from bot.i18n import SUPPORTED_LANGUAGES
from bot.store import Store
from bot.yamlsrc import (
    MarkedDict,
    MarkedList,
    Position,
    Problem,
    display_name,
    load_marked_file,
)

SCRIPT_KEYS = ("name", "language", "steps", "description")
ACTIONS = ("send", "press")
CHECKS = ("reply", "reply_matches", "no_reply", "choices", "state", "slots")
STEP_KEYS = (*ACTIONS, *CHECKS)
SCRIPT_CHANNEL = "script"
SCRIPT_SECRET = "essbot-conversation-scripts"  # pseudonyms of test users only


@dataclass(frozen=True, slots=True)
class Step:
    position: Position
    action: str  # "send" or "press"
    text: str
    checks: dict[str, Any]

    def describe(self) -> str:
        return f'{self.action} "{self.text}"'


@dataclass(frozen=True, slots=True)
class Script:
    source: str
    name: str
    language: str
    steps: tuple[Step, ...]


@dataclass(slots=True)
class ScriptResult:
    script: Script
    steps_run: int = 0
    failed_step: Step | None = None
    step_number: int = 0
    differences: list[str] = field(default_factory=list)
    replies: list[Outgoing] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.failed_step is None


# -- reading scripts ----------------------------------------------------------------------


def script_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for pattern in ("*.yaml", "*.yml") for p in path.rglob(pattern))
        else:
            files.append(path)
    return files


def _strings(value: Any) -> list[str] | None:
    items = value if isinstance(value, list) else [value]
    if all(isinstance(item, str | int | float) and not isinstance(item, bool)
           for item in items):
        return [str(item) for item in items]
    return None


def load_script(path: Path, root: Path | None = None) -> tuple[Script | None, list[Problem]]:
    source = display_name(path, root)
    try:
        document = load_marked_file(path, root)
    except Problem as problem:
        return None, [problem]
    except OSError as exc:
        return None, [Problem(Position(source, 1, 1), f"cannot read the file: {exc}")]
    problems: list[Problem] = []
    top = Position(source, 1, 1)
    if not isinstance(document, MarkedDict):
        return None, [Problem(top, "a script is a mapping with 'steps:' (see docs/admin.md)")]
    for key in document:
        if key not in SCRIPT_KEYS:
            problems.append(Problem(document.key_positions[key],
                                    suggest("key in a script", key, SCRIPT_KEYS)))
    language = document.get("language", "fr")
    if language not in SUPPORTED_LANGUAGES:
        problems.append(Problem(document.at("language"),
                                suggest("language", language, SUPPORTED_LANGUAGES)))
    raw_steps = document.get("steps")
    if not isinstance(raw_steps, MarkedList) or not raw_steps:
        problems.append(Problem(document.at("steps"), "a script needs 'steps:', a list of "
                                                      "{send: ...} or {press: ...}"))
        return None, problems
    steps = []
    for i, raw in enumerate(raw_steps):
        at = raw_steps.at(i)
        step = _parse_step(raw, at, problems)
        if step is not None:
            steps.append(step)
    if problems:
        return None, problems
    name = str(document.get("name") or path.stem)
    return Script(source, name, language, tuple(steps)), []


def _parse_step(raw: Any, at: Position, problems: list[Problem]) -> Step | None:
    if not isinstance(raw, MarkedDict):
        problems.append(Problem(at, "a step is a mapping: {send: \"text\"} or "
                                    "{press: \"button label\"}, with what to expect"))
        return None
    for key in raw:
        if key not in STEP_KEYS:
            problems.append(Problem(raw.key_positions[key],
                                    suggest("key in a step", key, STEP_KEYS)
                                    + f" Allowed keys: {', '.join(STEP_KEYS)}."))
    actions = [key for key in ACTIONS if key in raw]
    if len(actions) != 1:
        problems.append(Problem(at, "a step needs exactly one of 'send:' (a typed message) "
                                    "or 'press:' (a button)"))
        return None
    action = actions[0]
    text = raw[action]
    if isinstance(text, bool) or not isinstance(text, str | int | float):
        problems.append(Problem(raw.at(action), f"'{action}' takes text (in quotes if it is "
                                                "yes/no/true/false)"))
        return None
    checks: dict[str, Any] = {}
    for key in CHECKS:
        if key not in raw:
            continue
        value = raw[key]
        if key == "slots":
            if not isinstance(value, MarkedDict):
                problems.append(Problem(raw.at(key), "'slots' maps slot names to values, e.g. "
                                                     "{collectivite: commune}"))
                continue
            checks[key] = dict(value)
        elif key == "state":
            if not isinstance(value, str):
                problems.append(Problem(raw.at(key), "'state' takes a state name"))
                continue
            checks[key] = value
        else:
            strings = _strings(value)
            if strings is None:
                problems.append(Problem(raw.at(key), f"'{key}' takes text, or a list of texts"))
                continue
            if key == "reply_matches":
                for pattern in strings:
                    try:
                        re.compile(pattern)
                    except re.error as exc:
                        problems.append(Problem(raw.at(key), f"invalid regular expression "
                                                             f"{pattern!r}: {exc}"))
            checks[key] = strings
    return Step(raw.position, action, str(text), checks)


# -- running them -------------------------------------------------------------------------


def script_engine(settings: Settings) -> Engine:
    """The real flows and content, with a throw-away database and test pseudonyms."""
    settings = replace(settings, db_path=Path(":memory:"), secret=SCRIPT_SECRET)
    return build_engine(settings, Store(":memory:"))


def _flat(text: str) -> str:
    return " ".join(text.split()).casefold()


def _reply_text(replies: list[Outgoing]) -> str:
    lines = []
    for reply in replies:
        lines.append(reply.text)
        lines += [f"  [{choice.label}]" for choice in reply.choices]
    return "\n".join(lines)


def _check(step: Step, replies: list[Outgoing], conversation: Conversation | None
           ) -> list[str]:
    """What differs between the step's expectations and what the bot did."""
    differences: list[str] = []
    text = "\n".join(reply.text for reply in replies)
    labels = [choice.label for reply in replies for choice in reply.choices]
    for expected in step.checks.get("reply", []):
        if _flat(expected) not in _flat(text):
            differences.append(f'reply: expected to contain "{expected}"')
    for pattern in step.checks.get("reply_matches", []):
        if re.search(pattern, text, re.S) is None:
            differences.append(f"reply: expected to match /{pattern}/")
    for unwanted in step.checks.get("no_reply", []):
        if _flat(unwanted) in _flat(text):
            differences.append(f'reply: expected NOT to contain "{unwanted}"')
    for expected in step.checks.get("choices", []):
        if not any(_flat(expected) in _flat(label) for label in labels):
            differences.append(f'choices: expected a button "{expected}"; buttons: '
                               + (", ".join(f'"{label}"' for label in labels) or "none"))
    state = conversation.state if conversation else None
    if "state" in step.checks and step.checks["state"] != state:
        differences.append(f"state:\n  - expected: {step.checks['state']}\n  + got:      "
                           f"{state}")
    slots = conversation.slots if conversation else {}
    for name, expected in step.checks.get("slots", {}).items():
        got = slots.get(name)
        wanted = [str(v) for v in expected] if isinstance(expected, list) else expected
        if got != wanted and not (expected is not None and str(expected) == got):
            differences.append(f"slot {name}:\n  - expected: {_show(expected)}\n"
                               f"  + got:      {_show(got)}")
    return differences


def _show(value: Any) -> str:
    if value is None:
        return "(empty)"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def run_script(engine: Engine, script: Script, user_id: str) -> ScriptResult:
    result = ScriptResult(script)
    replies: list[Outgoing] = []
    key = engine.pseudonymize(SCRIPT_CHANNEL, user_id)
    for number, step in enumerate(script.steps, start=1):
        if step.action == "press":
            choice = _find_choice(replies, step.text)
            if choice is None:
                labels = [c.label for r in replies for c in r.choices]
                result.failed_step, result.step_number = step, number
                result.differences = [f'press: no button "{step.text}"; buttons: '
                                      + (", ".join(f'"{label}"' for label in labels)
                                         or "none")]
                result.replies = replies
                return result
            incoming = Incoming.choice(SCRIPT_CHANNEL, user_id, choice, script.language)
        else:
            incoming = Incoming.text_message(SCRIPT_CHANNEL, user_id, step.text,
                                             script.language)
        replies = engine.handle(incoming)
        result.steps_run = number
        differences = _check(step, replies, engine.store.load_conversation(key))
        if differences:
            result.failed_step, result.step_number = step, number
            result.differences, result.replies = differences, replies
            return result
    return result


def _find_choice(replies: list[Outgoing], wanted: str) -> str | None:
    """The payload of the button labelled ``wanted``: whole label first, then a part."""
    choices = [c for reply in replies for c in reply.choices]
    target = normalize_answer(wanted)
    for choice in choices:
        if normalize_answer(choice.label) == target:
            return choice.payload
    partial = [c for c in choices if target and target in normalize_answer(c.label)]
    return partial[0].payload if partial else None


# -- reporting ------------------------------------------------------------------------------


def format_failure(result: ScriptResult) -> str:
    step = result.failed_step
    assert step is not None
    lines = [f"FAIL {step.position.file}:{step.position.line}: {result.script.name}",
             f"  step {result.step_number}: {step.describe()}"]
    for difference in result.differences:
        lines += ["    " + line for line in difference.splitlines()]
    if any(d.startswith(("reply", "choices", "press")) for d in result.differences):
        lines.append("    the bot answered:")
        lines += ["    | " + line for line in (_reply_text(result.replies) or "(nothing)")
                  .splitlines()]
    return "\n".join(lines)


def run_paths(settings: Settings, paths: list[Path],
              root: Path | None = None) -> tuple[list[ScriptResult], list[Problem]]:
    """Load every script under ``paths`` and run them against one engine."""
    scripts, problems = [], []
    for path in script_files(paths):
        script, found = load_script(path, root)
        problems += found
        if script is not None:
            scripts.append(script)
    if not scripts:
        return [], problems
    engine = script_engine(settings)
    try:
        results = [run_script(engine, script, f"script-{i}")
                   for i, script in enumerate(scripts)]
    finally:
        engine.store.close()
    return results, problems
