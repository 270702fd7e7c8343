"""Measure the answers against a list of questions with their expected items.

Used by tests/test_ask.py and benchmarks/ask.py; the list is tests/data/questions.yaml.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.qa.search import RELEVANT, Searcher


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    expected: tuple[str, ...]  # empty: the base has no answer, and must say so


@dataclass
class Evaluation:
    answerable: int = 0
    top1: int = 0
    top3: int = 0
    unanswerable: int = 0
    refused: int = 0  # unanswerable questions correctly left without an answer
    misses: list[str] = field(default_factory=list)

    @property
    def top1_rate(self) -> float:
        return self.top1 / self.answerable if self.answerable else 0.0

    @property
    def top3_rate(self) -> float:
        return self.top3 / self.answerable if self.answerable else 0.0

    def __str__(self) -> str:
        return (f"top-1 {self.top1_rate:.1%} ({self.top1}/{self.answerable}), "
                f"top-3 {self.top3_rate:.1%} ({self.top3}/{self.answerable}), "
                f"no-answer {self.refused}/{self.unanswerable}")


def load_questions(path: Path) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Question(entry["q"], tuple(entry.get("expect") or ())) for entry in data["questions"]]


def evaluate(searcher: Searcher, questions: list[Question],
             threshold: float = RELEVANT) -> Evaluation:
    """Top-1 and top-3 among answers above ``threshold``; refusals of the unanswerable."""
    result = Evaluation()
    for question in questions:
        found = searcher.search(question.text, top=3)
        hits = [h for h in found if h.score >= threshold]
        ids = [h.item.id for h in hits]
        if not question.expected:
            result.unanswerable += 1
            if ids:
                result.misses.append(f"{question.text!r}: expected no answer, got {ids}")
            else:
                result.refused += 1
            continue
        result.answerable += 1
        if ids and ids[0] in question.expected:
            result.top1 += 1
        if any(i in question.expected for i in ids):
            result.top3 += 1
        else:
            result.misses.append(f"{question.text!r}: expected {list(question.expected)}, "
                                 f"got {[(h.item.id, h.score) for h in found]}")
        if ids and ids[0] not in question.expected and any(i in question.expected for i in ids):
            result.misses.append(f"  (top-3 only) {question.text!r}: {ids}")
    return result
