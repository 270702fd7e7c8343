"""Fit the numeric weights of content/scoring.yaml on the expert sets' TUNE splits, and say
honestly whether fitted weights beat the hand ones on profiles they were not fitted on.

A developer tool (issue 15 §4). It never reads a ``split: test`` profile (the blind splits:
the cases are filtered to ``split: tune`` as soon as they are loaded) and never writes
content/scoring.yaml: each weight vector is applied in memory, with ``dataclasses.replace``
on the loaded :class:`ScoringRules` and :class:`KnowledgeBase`, and measured with the
public :func:`bot.knowledge.evaluation.evaluate`, as tests/test_recommend.py does.

The parameters are every key of ``weights:`` and the three numeric settings beside them that
weigh (``repeated_theme.weight``, ``theme_share.share``, ``expiring.weight``); the counts
(``repeated_theme.served``, ``expiring.days``) are left alone.

Search: coordinate descent from the hand values. For each parameter in turn, the values
hand × (0, 0.5, 0.75, 1, 1.25, 1.5, 2) are tried with the others fixed; the one with the
most groups found on the fitted sets is kept, provided no fitted set shows more avoid hits
than with the hand weights. A weight moves only for a gain of at least ``--min-gain``
groups (1: a strict gain) over its current value, so a tie keeps the hand value; among
candidates of equal figures the hand value is taken first. Passes repeat until one changes
nothing (at most ``--passes``). Every vector's figures are cached per set, and candidates
are measured by a pool of at most two processes.

Cross-validation (leave one set out): fit on three sets' tune splits, measure the fourth's
tune split, for each of the four, against the hand weights on the same held-out split. Then,
with ``--full``, a fit on all four tune splits, its values rounded to halves (a value that
rounds to its hand value, or that was not moved, keeps the hand value) and measured again.

    .venv/bin/python scripts/fit_scoring_weights.py --full --today 2026-11-30 --json out.json

(``--today`` pins the day review dates are read against, as the tests pin it: the
``expiring`` penalty would otherwise move the figures as the calendar turns.) Figures, the
decision and the run time (about five minutes with two processes): docs/content.md,
« Fitted weights (fitw19) ».
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from multiprocessing import Pool
from multiprocessing.pool import Pool as ProcessPool
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import load_knowledge  # noqa: E402
from bot.knowledge.evaluation import Case, evaluate, load_cases, territory_places  # noqa: E402
from bot.knowledge.model import KnowledgeBase  # noqa: E402
from bot.knowledge.scoring import ScoringRules  # noqa: E402

CONTENT = ROOT / "content"
SETS = ("profiles_eval.yaml", "profiles_eval_r2.yaml", "profiles_eval_r3.yaml",
        "profiles_eval_r4.yaml", "profiles_eval_r5.yaml", "profiles_eval_r6.yaml")
MULTIPLES = (0.0, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
# settings beside `weights:` that weigh: (setting, its field)
SETTINGS = (("repeated_theme", "weight"), ("theme_share", "share"), ("expiring", "weight"))

Vector = tuple[float, ...]
Result = dict[str, tuple[int, int, int]]  # set -> (groups found, groups, avoid hits)


def parameter_names(rules: ScoringRules) -> list[str]:
    names = list(rules.weights)
    names += [f"{setting}.{name}" for setting, name in SETTINGS
              if getattr(rules, setting) is not None]
    return names


def hand_vector(rules: ScoringRules) -> Vector:
    values = [float(v) for v in rules.weights.values()]
    values += [float(getattr(getattr(rules, setting), name)) for setting, name in SETTINGS
               if getattr(rules, setting) is not None]
    return tuple(values)


def rules_with(rules: ScoringRules, names: Sequence[str], vector: Vector) -> ScoringRules:
    """The rules with these values, in memory (content/scoring.yaml is never written)."""
    values = dict(zip(names, vector, strict=True))
    weights = {key: values[key] for key in rules.weights}
    changes: dict[str, Any] = {"weights": weights}
    for setting, name in SETTINGS:
        current = getattr(rules, setting)
        if current is not None:
            changes[setting] = dataclasses.replace(current, **{name: values[f"{setting}.{name}"]})
    return dataclasses.replace(rules, **changes)


# -- measuring (one knowledge base per process) ----------------------------------------------

_KB: KnowledgeBase | None = None
_CASES: dict[str, list[Case]] = {}
_NAMES: list[str] = []


def _load(today: dt.date) -> None:
    global _KB, _NAMES
    kb, problems = load_knowledge(CONTENT, ROOT)
    if kb.scoring is None or any(p.severity == "error" for p in problems):
        raise SystemExit("content/ does not load: run `essbot content validate`")
    rules = dataclasses.replace(kb.scoring, today=today)
    _KB = dataclasses.replace(kb, scoring=rules)
    _NAMES = parameter_names(rules)
    places = territory_places(CONTENT)
    for name in SETS:
        path = ROOT / "tests" / "data" / name
        if path.exists():  # tune split only: the blind split is never read further
            _CASES[name] = [c for c in load_cases(path, places) if c.split == "tune"]


def measure(vector: Vector) -> Result:
    """Groups found and avoid hits of each set's tune split with these weights."""
    assert _KB is not None and _KB.scoring is not None
    kb = dataclasses.replace(_KB, scoring=rules_with(_KB.scoring, _NAMES, vector))
    result: Result = {}
    for name, cases in _CASES.items():
        figures = evaluate(kb, cases, show=())["tune"]
        result[name] = (figures.satisfied, figures.groups, figures.avoid_hits)
    return result


class Measurer:
    """Measures vectors with a pool of processes, each vector once."""

    def __init__(self, pool: ProcessPool) -> None:
        self.pool = pool
        self.cache: dict[Vector, Result] = {}
        self.measured = 0

    def __call__(self, vectors: Sequence[Vector]) -> list[Result]:
        new = list(dict.fromkeys(v for v in vectors if v not in self.cache))
        if new:
            for vector, result in zip(new, self.pool.map(measure, new), strict=True):
                self.cache[vector] = result
            self.measured += len(new)
        return [self.cache[v] for v in vectors]


# -- search ----------------------------------------------------------------------------------

def fit(measurer: Measurer, names: Sequence[str], hand: Vector, sets: Sequence[str],
        passes: int, min_gain: int = 1, log: bool = True) -> Vector:
    """Coordinate descent on ``sets`` from the hand vector (module docstring); a value moves
    only for at least ``min_gain`` groups more than the current one."""
    limit = {s: r[2] for s, r in measurer([hand])[0].items()}  # avoid hits may not rise

    def objective(result: Result) -> int | None:
        if any(result[s][2] > limit[s] for s in sets):
            return None
        return sum(result[s][0] for s in sets)

    current = hand
    for number in range(passes):
        moved = False
        for i, name in enumerate(names):
            if hand[i] == 0:
                continue
            values = [round(hand[i] * m, 6) for m in MULTIPLES]
            # preference on a tie: the hand value, then the current one, then the grid's order
            values.sort(key=lambda v: (v != hand[i], v != current[i]))
            candidates = [(*current[:i], v, *current[i + 1:]) for v in values]
            scored = [(objective(r), n) for n, r in enumerate(measurer(candidates))]
            best = max((s, -n) for s, n in scored if s is not None)
            if best[0] < (objective(measurer([current])[0]) or 0) + min_gain:
                continue
            chosen = candidates[-best[1]]
            if chosen != current:
                if log:
                    print(f"    pass {number + 1}: {name} {current[i]:g} -> {chosen[i]:g} "
                          f"({objective(measurer([current])[0])} -> {best[0]})", flush=True)
                moved = True
                current = chosen
        if not moved:
            break
    return current


def halves(names: Sequence[str], hand: Vector, fitted: Vector) -> Vector:
    """Fitted values rounded to halves; an unmoved value, or one that rounds back to its hand
    value, keeps the hand value (0.25 stays 0.25)."""
    rounded = []
    for h, f in zip(hand, fitted, strict=True):
        r = round(f * 2) / 2
        rounded.append(h if f == h or r == round(h * 2) / 2 else r)
    return tuple(rounded)


def changes(names: Sequence[str], hand: Vector, vector: Vector) -> dict[str, tuple[float, float]]:
    return {n: (h, v) for n, h, v in zip(names, hand, vector, strict=True) if h != v}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--passes", type=int, default=3, help="most passes per fit (3)")
    parser.add_argument("--min-gain", type=int, default=1,
                        help="groups a move must win on the fitted sets (1)")
    parser.add_argument("--processes", type=int, default=2, choices=(1, 2))
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the day review dates are read against (default: today)")
    parser.add_argument("--full", action="store_true",
                        help="also fit on all four tune splits and round to halves")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    started = time.monotonic()
    _load(args.today)
    assert _KB is not None and _KB.scoring is not None
    names, hand = _NAMES, hand_vector(_KB.scoring)
    sets = list(_CASES)
    report: dict[str, object] = {"today": args.today.isoformat(), "parameters": names,
                                 "hand": dict(zip(names, hand, strict=True)), "folds": []}
    with Pool(args.processes, initializer=_load, initargs=(args.today,)) as pool:
        measurer = Measurer(pool)
        hand_result = measurer([hand])[0]
        print("hand weights, tune splits: " + ", ".join(
            f"{s} {r[0]}/{r[1]} ({r[2]} avoid)" for s, r in hand_result.items()), flush=True)
        rows = []
        for held_out in sets:
            fitted_on = [s for s in sets if s != held_out]
            print(f"fold: fit on {', '.join(fitted_on)}; held out {held_out}", flush=True)
            fitted = fit(measurer, names, hand, fitted_on, args.passes, args.min_gain)
            result = measurer([fitted])[0]
            rows.append((held_out, hand_result[held_out], result[held_out]))
            report["folds"].append({  # type: ignore[attr-defined]
                "held_out": held_out, "hand": hand_result[held_out],
                "fitted": result[held_out],
                "fitted_on": {s: (hand_result[s][0], result[s][0]) for s in fitted_on},
                "changes": changes(names, hand, fitted)})
        print("\nLeave-one-set-out, held-out tune split: hand -> fitted (groups; avoid hits)")
        for held_out, h, f in rows:
            print(f"  {held_out:24} {h[0]:4}/{h[1]} ({h[2]}) -> {f[0]:4}/{f[1]} ({f[2]})  "
                  f"{f[0] - h[0]:+d}")
        gain = sum(f[0] - h[0] for _, h, f in rows)
        worst = min(f[0] - h[0] for _, h, f in rows)
        new_avoid = any(f[2] > h[2] for _, h, f in rows)
        carries = gain > 0 and worst >= -2 and not new_avoid
        print(f"  total {gain:+d} groups; worst set {worst:+d}; new avoid hit: {new_avoid} "
              f"-> fitting {'CARRIES' if carries else 'does NOT carry'}")
        report.update(cv_gain=gain, cv_worst=worst, cv_new_avoid=new_avoid, carries=carries)
        if args.full:
            print("full fit on all four tune splits", flush=True)
            fitted = fit(measurer, names, hand, sets, args.passes, args.min_gain)
            rounded = halves(names, hand, fitted)
            for label, vector in (("fitted", fitted), ("rounded", rounded)):
                result = measurer([vector])[0]
                print(f"  {label}: " + ", ".join(f"{s} {r[0]}/{r[1]} ({r[2]} avoid)"
                                                 for s, r in result.items()))
                print(f"    changes: {changes(names, hand, vector)}")
                report[label] = {"changes": changes(names, hand, vector), "figures": result}
        seconds = time.monotonic() - started
        print(f"{measurer.measured} vectors measured in {seconds:.0f} s", flush=True)
        report.update(vectors=measurer.measured, seconds=round(seconds))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
