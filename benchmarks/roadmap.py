"""How long the feuille de route takes, per format; run by hand:

    .venv/bin/python benchmarks/roadmap.py [--rounds 5]

For the three profiles of docs/examples/ (scripts/roadmap_examples.py): the outline, the
Markdown, the HTML and the PDF (median and worst of ``rounds``, on one core, after one
warm-up run that imports WeasyPrint and loads the fonts), the PDF's size and pages.
Targets (issue 17): under 1 s for the HTML, under 3 s for the PDF.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from roadmap_examples import EXAMPLES, example_outlines  # noqa: E402

from bot.i18n import translator  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.knowledge.profile import build_profile, load_territories, names_of  # noqa: E402
from bot.knowledge.recommend import recommendations  # noqa: E402
from bot.knowledge.roadmap import build_outline, render_html, render_markdown  # noqa: E402
from bot.knowledge.roadmap.pdf import render_pdf  # noqa: E402
from bot.knowledge.territory import default_territory_path  # noqa: E402


def timed(function, rounds: int) -> tuple[float, float]:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    today = dt.date(2026, 11, 29)
    t = translator("fr")
    content = ROOT / "content"
    kb, _ = load_knowledge(content, ROOT)
    index = load_territories(default_territory_path(content))
    started = time.perf_counter()
    render_pdf(render_html(example_outlines(today)[0][2], t))  # imports WeasyPrint, fonts
    print(f"warm-up (import WeasyPrint, first PDF): {time.perf_counter() - started:.2f} s")
    print(f"{'profile':<24} {'outline':>9} {'markdown':>9} {'html':>9} {'pdf':>9}"
          f" {'pdf max':>9} {'KiB':>6} {'pages':>6}")
    for example in EXAMPLES:
        place = index.resolve(example.territory, prefer=example.kind).all[0]
        names = names_of(place, index)

        def outline(example=example, place=place, names=names):
            profile = build_profile(kb.scoring, type=example.kind, themes=example.themes,
                                    step=example.step, territory=place, index=index)
            return build_outline(kb, profile, recommendations(kb, profile, "full"), t, today,
                                 names)

        doc = outline()
        page = render_html(doc, t)
        pdf = render_pdf(page)
        from pypdf import PdfReader

        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        o, _ = timed(outline, args.rounds)
        m, _ = timed(lambda doc=doc: render_markdown(doc, t), args.rounds)
        h, _ = timed(lambda doc=doc: render_html(doc, t), args.rounds)
        p, p_max = timed(lambda page=page: render_pdf(page), args.rounds)
        print(f"{place.name[:24]:<24} {o * 1000:>7.1f}ms {m * 1000:>7.1f}ms {h * 1000:>7.1f}ms"
              f" {p:>8.2f}s {p_max:>8.2f}s {len(pdf) / 1024:>6.0f} {pages:>6}")
    print("HTML = outline + html (target < 1 s); PDF = outline + html + pdf (target < 3 s).")


if __name__ == "__main__":
    main()
