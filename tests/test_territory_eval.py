"""The territory resolver on the blind evaluation set (tests/data/territory_inputs.yaml).

The set was written by another engineer before the resolver existed; the resolver was tuned
on its dev split only. Issue 14 asks for at least 97 % on each split; ``benchmarks/territory.py``
prints the figures per category.
"""

from __future__ import annotations

import pytest

from bot.config import PROJECT_ROOT
from bot.knowledge.territory import TerritoryIndex, default_territory_path
from bot.knowledge.territory_eval import evaluate, identities, load_cases

CASES = PROJECT_ROOT / "tests" / "data" / "territory_inputs.yaml"
# The second blind set (462 inputs written on 2026-11-30, ninth session, by someone who never
# ran the resolver): untuned, at 9f8a8a3, dev 90.0 % (279/310), test 92.8 % (141/152). Issue 14
# asks for 97 % on each split: not reached on this set untuned. After terr27, tuned on its dev
# split only (names inside sentences, a département after a homonym, sound-alike spellings,
# four-digit postal codes, cited acronyms and Polynesian islands): dev 99.7 % (309/310), test
# 99.3 % (151/152); the first set's test split rose from 97.1 % to 98.6 % (207/210) with it.
CASES_R2 = PROJECT_ROOT / "tests" / "data" / "territory_inputs_r2.yaml"
R2_FLOORS = {"dev": 0.99, "test": 0.99}


@pytest.fixture(scope="module")
def scores():
    index = TerritoryIndex.load(default_territory_path(PROJECT_ROOT / "content"))
    return evaluate(index, load_cases(CASES))


def test_the_set_is_large_and_split(scores):
    assert scores["dev"].total + scores["test"].total >= 300
    assert scores["test"].total >= 100


@pytest.mark.parametrize("split", ["dev", "test"])
def test_accuracy_is_at_least_97_percent(scores, split):
    score = scores[split]
    failures = "\n".join(f"{case.category}: {case.text[:60]!r} -> {answer[:3]}"
                         for case, answer in score.failures)
    assert score.accuracy >= 0.97, f"{split}: {score.passed}/{score.total}\n{failures}"


@pytest.mark.parametrize("split", list(R2_FLOORS))
def test_the_second_set_keeps_its_figures(split):
    index = TerritoryIndex.load(default_territory_path(PROJECT_ROOT / "content"))
    score = evaluate(index, load_cases(CASES_R2))[split]
    assert score.total >= (300 if split == "dev" else 150)
    assert score.accuracy >= R2_FLOORS[split], f"{split}: {score.passed}/{score.total}"


def test_a_reading_names_the_same_collectivite_under_its_other_codes():
    index = TerritoryIndex.load(default_territory_path(PROJECT_ROOT / "content"))
    guyane = index.get("departement", "973")
    assert {("region", "03"), ("departement", "973")} <= identities(guyane)
    assert ("departement", "75") in identities(index.get("commune", "75056"))
    assert ("commune", "97801") in identities(index.get("com", "978"))
