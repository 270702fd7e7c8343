"""The feuille de route: a personalised action plan for the élus and the services.

One outline (:mod:`.outline`) rendered to Markdown (:mod:`.markdown`), printable HTML
(:mod:`.html`) and PDF (:mod:`.pdf`). See docs/roadmap.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from bot.i18n import Translator
from bot.knowledge.model import KnowledgeBase
from bot.knowledge.roadmap.html import render_html
from bot.knowledge.roadmap.local import LocalNames
from bot.knowledge.roadmap.markdown import render_markdown
from bot.knowledge.roadmap.outline import Outline, build_outline, roadmap_filename
from bot.knowledge.roadmap.pdf import PdfUnavailable, render_pdf
from bot.knowledge.scoring import Profile, Ranked

FORMATS = {".md": "text/markdown", ".html": "text/html", ".htm": "text/html",
           ".pdf": "application/pdf"}


def render(doc: Outline, t: Translator, suffix: str) -> bytes:
    """The document in the format of a file extension (``.md``, ``.html``, ``.pdf``)."""
    suffix = suffix.lower()
    if suffix == ".md":
        return render_markdown(doc, t).encode()
    if suffix in (".html", ".htm"):
        return render_html(doc, t).encode()
    if suffix == ".pdf":
        return render_pdf(render_html(doc, t))
    raise ValueError(f"no format for {suffix!r}: choose among {', '.join(FORMATS)}")


def roadmap_documents(kb: KnowledgeBase, profile: Profile, chosen: Mapping[str, list[Ranked]],
                      t: Translator, today: dt.date, names: LocalNames | None = None
                      ) -> tuple[str, str]:
    """The feuille de route as (Markdown, HTML), from one outline."""
    doc = build_outline(kb, profile, chosen, t, today, names)
    return render_markdown(doc, t), render_html(doc, t)


__all__ = ["FORMATS", "LocalNames", "Outline", "PdfUnavailable", "build_outline", "render",
           "render_html", "render_markdown", "render_pdf", "roadmap_documents",
           "roadmap_filename"]
