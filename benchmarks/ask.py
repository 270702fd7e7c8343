"""Free-text question latency over the whole knowledge base; run by hand:

    .venv/bin/python benchmarks/ask.py [--rounds 20]

Prints the index build time, p50 / p95 / max of one search (the questions of
tests/data/questions.yaml, each asked ``rounds`` times) and the top-1 / top-3 accuracy.
Target: p95 under 20 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.knowledge import load_knowledge  # noqa: E402
from bot.qa import build_searcher  # noqa: E402
from bot.qa.evaluate import evaluate, load_questions  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    content = ROOT / "content"
    started = time.perf_counter()
    knowledge, _ = load_knowledge(content)
    loaded = time.perf_counter()
    searcher, _ = build_searcher(knowledge, content)
    built = time.perf_counter()
    questions = load_questions(ROOT / "tests" / "data" / "questions.yaml")
    timings = []
    for _ in range(args.rounds):
        for question in questions:
            start = time.perf_counter()
            searcher.search(question.text, 3)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"knowledge base: {len(knowledge.items)} items, "
          f"{len(searcher.index.postings)} stems, {len(questions)} questions")
    print(f"content load: {(loaded - started) * 1000:.0f} ms; "
          f"index build: {(built - loaded) * 1000:.0f} ms")
    print(f"search over {len(timings)} runs: p50 {statistics.median(timings):.2f} ms, "
          f"p95 {p95:.2f} ms, max {timings[-1]:.2f} ms (target: p95 < 20 ms)")
    print(f"accuracy: {evaluate(searcher, questions)}")


if __name__ == "__main__":
    main()
