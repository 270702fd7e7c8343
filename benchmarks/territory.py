"""Territory index benchmark: accuracy, load time, memory, lookup latency.

Run by hand (not a test):  python benchmarks/territory.py [--queries 5000] [--seed 1]

Prints the accuracy of the resolver on the blind evaluation set
(``tests/data/territory_inputs.yaml``) for each split and category; the size of
``content/territoires/``; the load time of ``territoires.json.gz`` (first load, then the best of
a few); the memory the index holds (RSS growth of the first load, and what tracemalloc counts for
one more, with the context groups built); and the p50/p95/p99/max latency of ``resolve`` over a
seeded mix of queries as agents type them (names exact, lower case without accents, abbreviated
« st », truncated, with one typo, with a département; postal and INSEE codes, SIRENs, EPCI names
with « CC »/« agglo », départements, régions, garbage), over the evaluation set's inputs, and of
what the chat's resolver does for each reading (contexts, programmes, neighbours).
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
import tracemalloc
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import PROJECT_ROOT
from bot.knowledge.profile import find_territories, territory_facts
from bot.knowledge.territory import Territory, TerritoryIndex, default_territory_path
from bot.knowledge.territory_eval import evaluate, load_cases

PATH = default_territory_path(PROJECT_ROOT / "content")
CASES = PROJECT_ROOT / "tests" / "data" / "territory_inputs.yaml"


def rss_kib() -> int:
    """Current resident set size (Linux), in KiB."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() // 1024


def typo(text: str, rng: random.Random) -> str:
    """One deleted, doubled or swapped letter."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return rng.choice([text[:i] + text[i + 1:], text[:i] + text[i] + text[i:],
                       text[:i] + text[i + 1] + text[i] + text[i + 2:]])


def plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def queries(index: TerritoryIndex, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """(kind of query, text) pairs, in a fixed proportion of kinds."""
    communes = [t for t in index.territories if t.kind == "commune"]
    groups = [t for t in index.territories if t.kind in ("epci", "ept")]
    places = [t for t in index.territories if t.kind in ("departement", "region", "com")]
    makers: list[tuple[str, Callable[[Territory], str], list[Territory]]] = [
        ("name", lambda t: t.name, communes),
        ("plain name", lambda t: plain(t.name).replace("saint-", "st "), communes),
        ("prefix", lambda t: t.name[: rng.randint(3, 6)], communes),
        ("typo", lambda t: typo(t.name, rng), communes),
        ("name + dep", lambda t: f"{t.name} {t.departement_code}", communes),
        ("postal code", lambda t: t.postal_codes[0] if t.postal_codes else t.code, communes),
        ("INSEE code", lambda t: t.code, communes),
        ("EPCI name", lambda t: t.name, groups),
        ("EPCI agglo", lambda t: "agglo " + plain(t.name).removeprefix("ca "), groups),
        ("SIREN", lambda t: t.code, groups),
        ("dep/region", lambda t: plain(t.name), places),
        ("dep number", lambda t: t.departement_code or t.code, places),
        ("garbage", lambda t: "".join(rng.choice("xqzw!?#42 ") for _ in range(12)), communes),
    ]
    found = []
    for i in range(count):
        kind, make, pool = makers[i % len(makers)]
        found.append((kind, make(rng.choice(pool))))
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def timed(function, items) -> list[float]:
    """Milliseconds of ``function(item)`` for each item."""
    found = []
    for item in items:
        start = time.perf_counter()
        function(item)
        found.append((time.perf_counter() - start) * 1000)
    return found


def summary(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):.3f}  p95 {percentile(values, 0.95):.3f}  "
            f"p99 {percentile(values, 0.99):.3f}  max {max(values):.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    gc.collect()
    before = rss_kib()
    start = time.perf_counter()
    index = TerritoryIndex.load(PATH)
    first = time.perf_counter() - start
    grown = rss_kib() - before
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        TerritoryIndex.load(PATH)
        timings.append(time.perf_counter() - start)
    gc.collect()
    tracemalloc.start()
    kept = TerritoryIndex.load(PATH)
    kept.context(kept.resolve("Creuse").best[0])  # builds the groups of communes, once
    traced, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept

    folder = sum(f.stat().st_size for f in PATH.parent.iterdir())
    print(f"file: {PATH.relative_to(PROJECT_ROOT)}, {PATH.stat().st_size / 1024:.0f} KiB "
          f"(folder {folder / 1024:.0f} KiB), @etalab/decoupage-administratif {index.version}, "
          f"{len(index)} territories")
    print(f"load: first {first * 1000:.0f} ms, best of 3 more {min(timings) * 1000:.0f} ms")
    print(f"memory: RSS +{grown / 1024:.1f} MiB on first load; tracemalloc "
          f"{traced / 2**20:.1f} MiB held (context groups built), {peak / 2**20:.1f} MiB peak "
          "while loading")

    cases = load_cases(CASES)
    scores = evaluate(index, cases)
    print("accuracy on the blind set (tuned on dev only):")
    for split in ("dev", "test"):
        score = scores[split]
        print(f"  {split:<5} {score.passed}/{score.total} = {score.accuracy:.1%}")
    categories = sorted({case.category for case in cases})
    print(f"  {'category':<18}{'dev':>9}{'test':>9}")
    for category in categories:
        cells = [scores.get(f"{split}/{category}") for split in ("dev", "test")]
        print(f"  {category:<18}" + "".join(
            f"{f'{c.passed}/{c.total}' if c else '-':>9}" for c in cells))

    rng = random.Random(args.seed)
    mix = queries(index, args.queries, rng)
    latencies: dict[str, list[float]] = {}
    hits: dict[str, int] = {}
    for kind, text in mix:
        start = time.perf_counter()
        found = index.resolve(text).all
        latencies.setdefault(kind, []).append((time.perf_counter() - start) * 1000)
        hits[kind] = hits.get(kind, 0) + bool(found)
    everything = [ms for values in latencies.values() for ms in values]
    print(f"resolve over {len(everything)} generated queries (ms): {summary(everything)}")
    print(f"{'kind':<14}{'n':>6}{'found':>7}{'p50':>9}{'p95':>9}{'max':>9}")
    for kind, values in latencies.items():
        print(f"{kind:<14}{len(values):>6}{hits[kind]:>7}{statistics.median(values):>9.3f}"
              f"{percentile(values, 0.95):>9.3f}{max(values):>9.3f}")
    texts = [case.text for case in cases]
    print(f"resolve over the {len(texts)} inputs of the blind set (ms): "
          f"{summary(timed(index.resolve, texts))}")
    chat = timed(lambda text: [territory_facts(t, None, index)
                               for t in find_territories(index, text)], texts)
    print(f"the chat's resolver (readings + contexts + neighbours), same inputs (ms): "
          f"{summary(chat)}")


if __name__ == "__main__":
    main()
