from __future__ import annotations

import pytest

from bot.engine.conditions import ConditionCompiler
from bot.yamlsrc import Position, load_marked

SLOTS = {"type": None, "themes": None}


def compile_condition(text: str):
    problems = []
    compiler = ConditionCompiler(set(SLOTS), lambda slot, value: None)
    condition = compiler.compile(load_marked(text, "c.yaml"), Position("c.yaml", 1, 1), problems)
    assert problems == []
    return condition


@pytest.mark.parametrize("text,slots,expected", [
    ("{type: commune}", {"type": "commune"}, True),
    ("{type: commune}", {"type": "epci"}, False),
    ("{type: {ne: commune}}", {"type": "epci"}, True),
    ("{type: {in: [commune, epci]}}", {"type": "epci"}, True),
    ("{type: {not_in: [commune, epci]}}", {"type": "region"}, True),
    ("{themes: {contains: mobilite}}", {"themes": ["habitat", "mobilite"]}, True),
    ("{themes: {contains: mobilite}}", {"themes": ["habitat"]}, False),
    ("{themes: {contains: mobilite}}", {}, False),
    ("{themes: {empty: true}}", {}, True),
    ("{themes: {empty: true}}", {"themes": []}, True),
    ("{themes: {filled: true}}", {"themes": ["habitat"]}, True),
    ("{type: commune, themes: {filled: true}}", {"type": "commune", "themes": []}, False),
    ("{any: [{type: commune}, {type: epci}]}", {"type": "epci"}, True),
    ("{all: [{type: commune}, {themes: {empty: false}}]}", {"type": "commune",
                                                           "themes": ["x"]}, True),
    ("{not: {type: commune}}", {"type": "commune"}, False),
])
def test_condition_semantics(text, slots, expected):
    assert compile_condition(text).holds(slots) is expected


@pytest.mark.parametrize("text,message", [
    ("{typ: commune}", "unknown slot 'typ'. Did you mean 'type'?"),
    ("{type: {equals: commune}}", "unknown operator 'equals'"),
    ("{type: {in: commune}}", "'in' takes a non-empty list of values"),
    ("{themes: {empty: oui}}", "'empty' takes true or false"),
    ("{any: []}", "'any' takes a non-empty list of conditions"),
    ("[type]", "a condition must be a mapping"),
])
def test_condition_errors(text, message):
    problems = []
    compiler = ConditionCompiler(set(SLOTS), lambda slot, value: None)
    assert compiler.compile(load_marked(text, "c.yaml"), Position("c.yaml", 1, 1),
                            problems) is None
    assert any(message in p.message for p in problems), [p.message for p in problems]
