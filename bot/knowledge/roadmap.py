"""The feuille de route: a personalised action plan, as Markdown and as printable HTML.

Both formats are rendered from one outline (sections of entries), so they
always say the same thing. Sources are gathered into one numbered list, and
each entry points to its sources by number.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.i18n import N_, Translator
from bot.knowledge.model import KnowledgeBase, Source
from bot.knowledge.scoring import Profile, Ranked

STEP_ORDER = ("identifier", "soutenir", "ancrer")
LEVERS_PER_OTHER_STEP = 3
SECTION_TITLES = {
    "lever": N_("Leviers recommandés"),
    "contact": N_("Contacts"),
    "funding": N_("Financements et appuis"),
    "example": N_("Exemples dont s'inspirer"),
}


@dataclass(slots=True)
class Entry:
    title: str
    lines: list[str] = field(default_factory=list)  # plain text, one paragraph each
    link: str | None = None
    sources: list[int] = field(default_factory=list)  # numbers in the source list


@dataclass(slots=True)
class Section:
    title: str
    intro: str = ""
    entries: list[Entry] = field(default_factory=list)


@dataclass(slots=True)
class Outline:
    title: str
    subtitle: str
    profile: list[tuple[str, str]]
    sections: list[Section]
    sources: list[tuple[Source, dt.date]]


def roadmap_filename(profile: Profile, today: dt.date) -> str:
    name = profile.territory or profile.type or "collectivite"
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "collectivite"
    return f"feuille-de-route-ess-{slug}-{today.isoformat()}"


def outline(kb: KnowledgeBase, profile: Profile, chosen: Mapping[str, list[Ranked]],
            t: Translator, today: dt.date) -> Outline:
    rules = kb.scoring
    sources: list[tuple[Source, dt.date]] = []
    numbers: dict[tuple[str, str | None], int] = {}

    def cite(ranked: Ranked) -> list[int]:
        result = []
        for source in ranked.item.sources:
            key = (source.title, source.url)
            if key not in numbers:
                sources.append((source, ranked.item.last_checked))
                numbers[key] = len(sources)
            result.append(numbers[key])
        return result

    def entry(ranked: Ranked) -> Entry:
        item = ranked.item
        lines = [item.summary, t._("Pourquoi : {text}").format(text=rules.reason(ranked, t))]
        if item.audience:
            lines.append(t._("Pour qui : {text}").format(text=item.audience))
        if item.legal_basis:
            lines.append(t._("Base légale : {text}").format(text=item.legal_basis))
        if item.how_to_reach:
            lines.append(t._("Pour les joindre : {text}").format(text=item.how_to_reach))
        return Entry(item.title, lines, item.url, cite(ranked))

    profile_lines = [
        (t._("Collectivité"), kb.label("collectivites", profile.type, t)
         if profile.type else "—"),
        (t._("Territoire"), profile.territory or "—"),
        (t._("Région"), kb.label("regions", profile.region, t) if profile.region else "—"),
        (t._("Taille"), kb.label("sizes", profile.size, t) if profile.size else "—"),
        (t._("Contexte"), ", ".join(kb.label("contexts", c, t)
                                    for c in sorted(profile.contexts)) or "—"),
        (t._("Thèmes"), ", ".join(kb.label("themes", c, t)
                                  for c in sorted(profile.themes)) or "—"),
        (t._("Étape"), kb.label("steps", profile.step, t) if profile.step else "—"),
    ]
    steps = Section(t._("Vos étapes"), t._(
        "La démarche suit trois étapes (ANCT). Vous en êtes à celle marquée « vous êtes ici » ; "
        "les leviers des autres étapes préparent la suite."))
    for step in STEP_ORDER:
        label = kb.label("steps", step, t)
        if step == profile.step:
            levers = chosen.get("lever", [])
            title = t._("{step} — vous êtes ici").format(step=label)
        else:
            other = Profile(profile.type, profile.contexts, profile.themes, step,
                            profile.region, profile.size, profile.territory)
            levers = rules.rank(kb.of_kind("lever"), other, LEVERS_PER_OTHER_STEP)
            title = label
        steps.entries.append(Entry(title, [r.item.title for r in levers]))
    sections = [steps]
    for kind in ("lever", "contact", "funding", "example"):
        ranked = chosen.get(kind, [])
        if ranked:
            sections.append(Section(t._(SECTION_TITLES[kind]),
                                    entries=[entry(r) for r in ranked]))
    place = profile.territory or (kb.label("collectivites", profile.type, t)
                                  if profile.type else "")
    title = t._("Feuille de route ESS") + (f" — {place}" if place else "")
    subtitle = t._("Établie le {date} par essbot. Chaque information renvoie à ses sources, "
                   "numérotées en fin de document.").format(date=t.format_date(today))
    return Outline(title, subtitle, profile_lines, sections, sources)


def roadmap_documents(kb: KnowledgeBase, profile: Profile, chosen: Mapping[str, list[Ranked]],
                      t: Translator, today: dt.date) -> tuple[str, str]:
    """The feuille de route as (Markdown, HTML), from one outline."""
    doc = outline(kb, profile, chosen, t, today)
    return render_markdown(doc, t), render_html(doc, t)


def render_markdown(doc: Outline, t: Translator) -> str:
    out = [f"# {doc.title}", "", f"_{doc.subtitle}_", "", f"## {t._('Votre profil')}", ""]
    out += [f"- **{name}** : {value}" for name, value in doc.profile]
    for section in doc.sections:
        out += ["", f"## {section.title}", ""]
        if section.intro:
            out += [section.intro, ""]
        for entry in section.entries:
            refs = " " + " ".join(f"[{n}]" for n in entry.sources) if entry.sources else ""
            out += [f"### {entry.title}{refs}", ""]
            if section is doc.sections[0]:
                out += [f"- {line}" for line in entry.lines] or [f"- {t._('(aucun levier)')}"]
            else:
                out += [f"{line}  " for line in entry.lines]
                if entry.link:
                    out.append(f"<{entry.link}>")
            out.append("")
    out += [f"## {t._('Sources')}", ""]
    for n, (source, checked) in enumerate(doc.sources, 1):
        where = f" — <{source.url}>" if source.url else ""
        out.append(f"{n}. {source.title}{where} "
                   f"({t._('vérifié le {date}').format(date=t.format_date(checked))})")
    return "\n".join(out).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:48rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1b}
h1{font-size:1.6rem;border-bottom:3px solid #000091;padding-bottom:.3rem}
h2{font-size:1.25rem;color:#000091;margin-top:2rem}h3{font-size:1.05rem;margin-bottom:.2rem}
.refs{font-weight:normal;font-size:.85em;color:#555}.meta{color:#555}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}
dd{margin:0}p{margin:.2rem 0}a{color:#000091;word-break:break-all}
@media print{body{margin:0;max-width:none;font-size:11pt}a{color:#000}
section{break-inside:avoid-page}h2{break-after:avoid}}
""".strip()


def render_html(doc: Outline, t: Translator) -> str:
    e = html.escape
    out = [f'<!doctype html><html lang="{e(t.language)}"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{e(doc.title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{e(doc.title)}</h1>", f'<p class="meta">{e(doc.subtitle)}</p>',
           f"<h2>{e(t._('Votre profil'))}</h2><dl>"]
    out += [f"<dt>{e(name)}</dt><dd>{e(value)}</dd>" for name, value in doc.profile]
    out.append("</dl>")
    for section in doc.sections:
        out.append(f"<section><h2>{e(section.title)}</h2>")
        if section.intro:
            out.append(f"<p>{e(section.intro)}</p>")
        for entry in section.entries:
            refs = " ".join(f'<a href="#source-{n}">[{n}]</a>' for n in entry.sources)
            out.append(f"<h3>{e(entry.title)} <span class=\"refs\">{refs}</span></h3>")
            if section is doc.sections[0]:
                items = entry.lines or [t._("(aucun levier)")]
                out.append("<ul>" + "".join(f"<li>{e(line)}</li>" for line in items) + "</ul>")
            else:
                out += [f"<p>{e(line)}</p>" for line in entry.lines]
                if entry.link:
                    out.append(f'<p><a href="{e(entry.link)}">{e(entry.link)}</a></p>')
        out.append("</section>")
    out.append(f"<section><h2>{e(t._('Sources'))}</h2><ol>")
    for n, (source, checked) in enumerate(doc.sources, 1):
        link = f' — <a href="{e(source.url)}">{e(source.url)}</a>' if source.url else ""
        when = e(t._("vérifié le {date}").format(date=t.format_date(checked)))
        out.append(f'<li id="source-{n}">{e(source.title)}{link} ({when})</li>')
    out.append("</ol></section></body></html>")
    return "\n".join(out) + "\n"
