"""The feuilles de route of docs/examples/: three contrasted profiles, as PDF (and the page
images used to look at them). Run by hand after changing the document or its content:

    .venv/bin/python scripts/roadmap_examples.py [--date 2026-11-29] [--png DIR]

The same profiles are timed by benchmarks/roadmap.py. ``--png DIR`` renders every page to
PNG with ``pdftoppm`` (Debian: poppler-utils) to check page breaks and tables by eye.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.i18n import translator  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.knowledge.profile import build_profile, load_territories, names_of  # noqa: E402
from bot.knowledge.recommend import recommendations  # noqa: E402
from bot.knowledge.roadmap import Outline, build_outline, render, roadmap_filename  # noqa: E402
from bot.knowledge.territory import default_territory_path  # noqa: E402


@dataclass(frozen=True)
class Example:
    territory: str
    kind: str | None
    themes: frozenset[str]
    step: str
    why: str


EXAMPLES = (
    Example("Royère-de-Vassivière", "commune", frozenset({"services-proximite", "alimentation"}),
            "identifier", "a rural commune of 565 inhabitants in the Creuse, starting out"),
    Example("59512", "commune", frozenset({"emploi-insertion"}), "soutenir",
            "Roubaix, a city with priority neighbourhoods (QPV), supporting initiatives"),
    Example("93", "departement", frozenset({"emploi-insertion", "sante-social"}), "ancrer",
            "the département of Seine-Saint-Denis, anchoring the ESS for the long term"),
)


def example_outlines(today: dt.date, language: str = "fr") -> list[tuple[Example, str, Outline]]:
    """(example, file name without extension, outline) for each example profile."""
    content = ROOT / "content"
    kb, _ = load_knowledge(content, ROOT)
    index = load_territories(default_territory_path(content))
    t = translator(language)
    result = []
    for example in EXAMPLES:
        found = index.resolve(example.territory, prefer=example.kind)
        place = found.all[0]
        profile = build_profile(kb.scoring, type=example.kind, themes=example.themes,
                                step=example.step, territory=place, index=index)
        chosen = recommendations(kb, profile, "full")
        doc = build_outline(kb, profile, chosen, t, today, names_of(place, index))
        result.append((example, roadmap_filename(profile, today), doc))
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--date", type=dt.date.fromisoformat, default=dt.date.today())
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "examples")
    parser.add_argument("--png", type=Path, default=None, help="folder for page images")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    t = translator("fr")
    for example, name, doc in example_outlines(args.date):
        target = args.out / f"{name}.pdf"
        target.write_bytes(render(doc, t, ".pdf"))
        print(f"Wrote {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}"
              f" ({example.why})")
        if args.png is not None:
            if shutil.which("pdftoppm") is None:
                sys.exit("pdftoppm is missing: apt-get install poppler-utils")
            args.png.mkdir(parents=True, exist_ok=True)
            subprocess.run(["pdftoppm", "-r", "60", "-png", str(target),
                            str(args.png / name)], check=True)


if __name__ == "__main__":
    main()
