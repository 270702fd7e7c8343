"""Measure ``essbot ask`` against a question set with expected items and direct answers.

The blind set is ``tests/data/questions_eval.yaml``: its header defines the rules applied
here (right item among the first 3, direct answer containing every expected string once
case, accents and spaces are ignored, ``a|b`` alternatives, ``expect: []`` must be refused,
``first_kind``, planned ids missing from the content scored as must-refuse and listed as
coverage gaps). Each question has a ``split``: tune on ``dev`` only; ``test`` is reported.

Used by tests/test_ask.py and benchmarks/ask.py. ``ask`` is any callable that returns
what ``essbot ask --json --top 3`` prints, so the measure is the interface users see.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

Ask = Callable[[str], list[dict]]


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    expected: tuple[str, ...]  # empty: the base has no answer, and must say so
    answer_contains: tuple[str, ...] = ()
    first_kind: str | None = None
    split: str = "dev"
    category: str = ""
    planned: tuple[str, ...] = ()  # expected ids the content does not hold (yet)


@dataclass
class Evaluation:
    answerable: int = 0
    top1: int = 0
    top3: int = 0
    unanswerable: int = 0
    refused: int = 0  # questions the base cannot answer, correctly left without an answer
    with_answer: int = 0  # questions with answer_contains
    answered: int = 0  # ... whose direct answer contains the expected strings
    with_kind: int = 0
    right_kind: int = 0
    misses: list[str] = field(default_factory=list)
    gaps: list[str] = field(default_factory=list)  # questions about planned items only

    @staticmethod
    def rate(part: int, whole: int) -> float:
        return part / whole if whole else 1.0

    @property
    def top1_rate(self) -> float:
        return self.rate(self.top1, self.answerable)

    @property
    def top3_rate(self) -> float:
        return self.rate(self.top3, self.answerable)

    @property
    def refusal_rate(self) -> float:
        return self.rate(self.refused, self.unanswerable)

    @property
    def answer_rate(self) -> float:
        return self.rate(self.answered, self.with_answer)

    @property
    def kind_rate(self) -> float:
        return self.rate(self.right_kind, self.with_kind)

    def __str__(self) -> str:
        return (f"top-1 {self.top1_rate:.1%} ({self.top1}/{self.answerable}), "
                f"top-3 {self.top3_rate:.1%} ({self.top3}/{self.answerable}), "
                f"direct answers {self.answer_rate:.1%} ({self.answered}/{self.with_answer}), "
                f"refused {self.refusal_rate:.1%} ({self.refused}/{self.unanswerable}), "
                f"funding first {self.right_kind}/{self.with_kind}")


def load_questions(path: Path, known: Collection[str] | None = None,
                   split: str | None = None) -> list[Question]:
    """The questions of a file (of one ``split`` if given).

    With ``known`` (the content's item ids), expected ids outside it are moved to
    ``planned``: a question left with no expected id must then be refused.
    """
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    questions = []
    for entry in data["questions"]:
        if split and entry.get("split", "dev") != split:
            continue
        expected = tuple(entry.get("expect") or ())
        planned: tuple[str, ...] = ()
        if known is not None:
            planned = tuple(i for i in expected if i not in known)
            expected = tuple(i for i in expected if i in known)
        questions.append(Question(
            entry["q"], expected, tuple(str(s) for s in entry.get("answer_contains") or ()),
            entry.get("first_kind"), entry.get("split", "dev"), entry.get("category", ""),
            planned))
    return questions


def squeeze(text: str) -> str:
    """Lower case, no accents, no whitespace at all (the set's comparison rule)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and not c.isspace())


def contains_all(answer: str, expected: Iterable[str]) -> bool:
    text = squeeze(answer)
    return all(any(squeeze(alt) in text for alt in wanted.split("|")) for wanted in expected)


def direct_answer(results: list[dict]) -> str:
    """The direct answer shown first: the ``answer`` of the first result, if any."""
    if results and isinstance(results[0].get("answer"), dict):
        return str(results[0]["answer"].get("text", ""))
    return ""


def evaluate(ask: Ask, questions: list[Question]) -> Evaluation:
    """Score ``ask`` on ``questions`` (see the module docstring for the rules)."""
    result = Evaluation()
    for question in questions:
        results = ask(question.text)[:3]
        ids = [r["id"] for r in results]
        if not question.expected:
            result.unanswerable += 1
            if question.planned:
                result.gaps.append(f"{question.text!r}: planned {list(question.planned)}")
            if ids:
                result.misses.append(f"[refuse] {question.text!r}: got "
                                     f"{[(r['id'], r['score']) for r in results]}")
            else:
                result.refused += 1
            continue
        result.answerable += 1
        if ids and ids[0] in question.expected:
            result.top1 += 1
        if any(i in question.expected for i in ids):
            result.top3 += 1
        else:
            result.misses.append(f"[top3] {question.text!r}: expected "
                                 f"{list(question.expected)}, got "
                                 f"{[(r['id'], r['score']) for r in results]}")
        if question.answer_contains:
            result.with_answer += 1
            answer = direct_answer(results)
            if contains_all(answer, question.answer_contains):
                result.answered += 1
            else:
                result.misses.append(f"[answer] {question.text!r}: wanted "
                                     f"{list(question.answer_contains)}, got {answer!r}")
        if question.first_kind:
            result.with_kind += 1
            if results and results[0]["kind"] == question.first_kind:
                result.right_kind += 1
            else:
                result.misses.append(f"[kind] {question.text!r}: first "
                                     f"{results[0]['id'] if results else None}")
    return result
