"""Engine benchmark: N simulated users walk the main flow end to end, with SQLite persistence.

Run by hand (not a test):  python benchmarks/engine.py [--users 2000]

Each mode runs in its own process, so that peak RSS and RSS growth are its own:
- ``engine``: essbot's engine (one shared Machine per flow, state in SQLite);
- ``naive``: the same flow driven by one ``transitions.Machine`` per user, kept in
  memory (no persistence at all), the pattern that pytransitions #146/#434 warn about.
Users advance round-robin, as concurrent users would. Messages are button presses and
typed answers, as a channel would deliver them.
"""

from __future__ import annotations

import argparse
import array
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.conftest import raw_db

# (kind, value): a payload pressed in a state, or typed text
SCRIPT = [
    ("text", "/start"),
    ("choice", "c:accueil:commencer"),
    ("text", "Quimperlé"),  # the territory: resolved, it pre-fills type, size, region...
    ("choice", "c:territoire_trouve:oui"),
    ("choice", "c:contexte_repere:juste"),  # the contexts detected from open data
    ("choice", "c:programmes_choix:continuer"),  # the programmes detected
    ("choice", "c:themes:alimentation"),
    ("choice", "c:themes_suite:continuer"),
    ("choice", "c:etape:identifier"),  # the recommendations and the feuille de route
]
THEMES = ["emploi-insertion", "alimentation", "economie-circulaire", "mobilite", "habitat",
          "culture-tourisme", "services-proximite", "numerique", "transition-ecologique",
          "sante-social", "petite-enfance-jeunesse"]
STEPS = ["identifier", "soutenir", "ancrer"]


def personal(value: str, user: int) -> str:
    """Users differ in theme and step (33 profiles), as real users do."""
    if value == "c:themes:alimentation":
        return f"c:themes:{THEMES[user % len(THEMES)]}"
    if value == "c:etape:identifier":
        return f"c:etape:{STEPS[(user // len(THEMES)) % len(STEPS)]}"
    return value


# What the territory resolver fills for Quimperlé (the naive mode has no resolver).
RESOLVED = {"collectivite": "commune", "taille": "moyenne", "region": "53",
            "contexte": ["urbain"], "programmes": ["pvd", "territoires-industrie"]}


def rss_kib() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def run_engine(users: int) -> dict:
    from bot.app import build_engine
    from bot.config import Settings
    from bot.engine import Incoming

    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(Settings.from_env({}), db_path=Path(tmp) / "bench.db",
                           secret="benchmark-secret-0123456789")
        engine = build_engine(settings)
        for kind, value in SCRIPT:  # warm-up: one conversation, caches filled
            make = Incoming.text_message if kind == "text" else Incoming.choice
            engine.handle(make("bench", "warmup", value))
        # Preallocated before the baseline, so that RSS growth is the engine's alone.
        latencies = array.array("d", bytes(8 * len(SCRIPT) * users))
        baseline = rss_kib()
        started = time.perf_counter()
        n = 0
        half = users // 2
        for group in (range(half), range(half, users)):  # two halves, to see marginal growth
            for kind, value in SCRIPT:
                make = Incoming.text_message if kind == "text" else Incoming.choice
                for user in group:
                    t0 = time.perf_counter()
                    replies = engine.handle(make("bench", str(user), personal(value, user)))
                    latencies[n] = time.perf_counter() - t0
                    n += 1
                    assert replies, "every message gets an answer"
            if group.start == 0:
                middle = rss_kib()
        elapsed = time.perf_counter() - started
        stored = raw_db(engine.store).execute("SELECT count(*) FROM conversations").fetchone()[0]
        done = raw_db(engine.store).execute(
            "SELECT count(*) FROM conversations WHERE state LIKE 'suite_%'").fetchone()[0]
        end = rss_kib()
        engine.store.close()
    latencies = sorted(latencies)
    return {
        "mode": "engine", "users": users, "messages": len(latencies),
        "stored": stored, "completed": done,
        "rate": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mib": (end - baseline) / 1024,
        "rss_growth_per_conversation_bytes": 1024 * (end - middle) / (users - half),
    }


def run_naive(users: int) -> dict:
    """One transitions.Machine per user, built from the same compiled flow."""
    from transitions import Machine

    from bot.app import load_all
    from bot.config import Settings
    from bot.engine.machine import ADVANCE, SUBMIT, choose

    flow = load_all(Settings.from_env({})).flows["parcours"]

    class User:
        def __init__(self) -> None:
            self.slots: dict = {}

    def build(model: User) -> Machine:
        machine = Machine(model=model, states=list(flow.states), initial=flow.start,
                          auto_transitions=False, send_event=True)
        for state in flow.states.values():
            pairs = [(choose(c.id), c.branches) for c in state.choices]
            if state.input:
                pairs.append((SUBMIT, state.input.branches))
            pairs.append((ADVANCE, state.branches))
            for trigger, branches in pairs:
                for branch in branches:
                    condition = branch.condition
                    conditions = ([lambda e, c=condition: c.holds(e.model.slots)]
                                  if condition else None)
                    machine.add_transition(trigger, state.name, branch.target,
                                           conditions=conditions)
        return machine

    def step(model: User, trigger: str) -> None:
        model.trigger(trigger)
        while not flow.states[model.state].waits_for_user and flow.states[model.state].branches:
            model.trigger(ADVANCE)

    models: dict[int, User] = {}
    machines: dict[int, Machine] = {}
    latencies = array.array("d")
    baseline = rss_kib()
    started = time.perf_counter()
    for kind, script_value in SCRIPT:
        for user in range(users):
            value = personal(script_value, user)
            t0 = time.perf_counter()
            if value == "/start":
                models[user] = User()
                machines[user] = build(models[user])
            elif kind == "text":
                models[user].slots["territoire"] = value
                models[user].slots.update(RESOLVED)
                step(models[user], SUBMIT)
            else:
                choice_id = value.split(":", 2)[2]
                state = flow.states[models[user].state]
                choice = next(c for c in state.choices if c.id == choice_id)
                for slot, v in choice.assign:
                    models[user].slots[slot] = v
                for slot, v in choice.add:
                    models[user].slots.setdefault(slot, []).append(v)
                step(models[user], choose(choice_id))
            latencies.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    growth = rss_kib() - baseline
    done = sum(1 for m in models.values() if m.state.startswith("suite_"))
    latencies = sorted(latencies)
    return {
        "mode": "naive", "users": users, "messages": len(latencies), "stored": 0,
        "completed": done, "rate": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[int(0.99 * (len(latencies) - 1))],
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_growth_mib": growth / 1024,
        "rss_growth_per_conversation_bytes": 1024 * growth / users,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--mode", choices=["engine", "naive"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.mode:
        result = run_engine(args.users) if args.mode == "engine" else run_naive(args.users)
        print(json.dumps(result))
        return
    rows = []
    for mode in ("engine", "naive"):
        # taskset pins the run to one core, as the targets are stated for one core.
        command = [sys.executable, __file__, "--mode", mode, "--users", str(args.users)]
        if os.path.exists("/usr/bin/taskset"):
            command = ["taskset", "-c", "0", *command]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
        rows.append(json.loads(out.strip().splitlines()[-1]))
    print(f"{args.users} users x {len(SCRIPT)} messages, one core\n")
    print(f"{'mode':8} {'msg/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'peak RSS':>10} "
          f"{'RSS growth':>11} {'RSS/conv':>10} {'completed':>10} {'in SQLite':>10}")
    for r in rows:
        print(f"{r['mode']:8} {r['rate']:9.0f} {r['p50_ms']:8.3f} {r['p99_ms']:8.3f} "
              f"{r['peak_rss_mib']:8.1f}MB {r['rss_growth_mib']:9.1f}MB "
              f"{r['rss_growth_per_conversation_bytes']:9.0f}B "
              f"{r['completed']:>10} {r['stored']:>10}")
    print("\nRSS/conv: engine, growth over the second half of the users (the first half warms\n"
          "SQLite's bounded page cache); naive, growth over all users.")
    engine = rows[0]
    print("\nTargets (engine): >= 2000 msg/s, p99 < 5 ms, RSS growth < 1 KB per conversation")
    print(f"  rate {'OK' if engine['rate'] >= 2000 else 'MISSED'}, "
          f"p99 {'OK' if engine['p99_ms'] < 5 else 'MISSED'}, "
          f"RSS {'OK' if engine['rss_growth_per_conversation_bytes'] < 1024 else 'MISSED'}")


if __name__ == "__main__":
    main()
