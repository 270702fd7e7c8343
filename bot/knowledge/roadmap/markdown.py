"""The feuille de route as Markdown (for a wiki, an e-mail, a diff)."""

from __future__ import annotations

from bot.i18n import Translator
from bot.knowledge.roadmap.outline import Contact, Outline, SourceKey
from bot.knowledge.roadmap.text import Texts, compact_numbers, short_date, source_intro


def render_markdown(doc: Outline, t: Translator) -> str:
    x = Texts(t)
    out = [f"# {doc.title}", "", f"_{doc.subtitle}_", ""]

    def refs(keys: list[SourceKey]) -> str:
        numbers = doc.refs(keys)
        return f" [{compact_numbers(numbers)}]" if numbers else ""

    def contact(c: Contact) -> list[str]:
        lines = [f"- **{c.name}** — {c.role}{refs(c.sources)}"]
        if c.reach:
            lines.append(f"  {x.reach}{x.colon} {c.reach}")
        if c.link:
            lines.append(f"  <{c.link}>")
        return lines

    out += [f"## {x.summary}", "", f"### {x.territory}", ""]
    out += [f"- {line}" for line in doc.portrait] or ["- —"]
    out += ["", f"### {x.priorities}", ""]
    if doc.order_note:
        out += [f"_{doc.order_note}_", ""]
    for n, p in enumerate(doc.priorities, 1):
        who = f" _{x.carried_by}{x.colon} {p.who}._" if p.who else ""
        if p.is_lever:
            out.append(f"{n}. **[{p.action}](#{p.anchor})**{who}")
        else:
            out.append(f"{n}. **{p.action}** {x.lever.capitalize()}{x.colon} "
                       f"[{p.lever}](#{p.anchor}).{who}")
    if not doc.priorities:
        out.append(x.no_lever)
    if doc.decision:
        out += ["", f"**{doc.decision_label}**{x.colon} {doc.decision}{refs(doc.decision_sources)}"]
    if doc.first_funding:
        out += ["", f"### {x.first_funding}", ""]
        out += [f"- **[{f.name}](#{f.anchor})** — {f.fits}{x.colon} "
                f"{f.why[:1].lower() + f.why[1:] if f.why[1:2].islower() else f.why}"
                f"{refs(f.sources)}" for f in doc.first_funding]
    elif doc.first_funding_note and doc.priorities:
        out += ["", f"### {x.first_funding}", "", doc.first_funding_note]
    out += ["", f"### {x.first_calls}", ""]
    for c in doc.first_calls:
        out += contact(c)

    out += ["", f"## {x.calendar}", "", x.calendar_intro, ""]
    for quarter in doc.calendar:
        out += [f"### {quarter.title} — {quarter.goal}", ""]
        out += [f"- {task}{refs(quarter.cited.get(i, []))}"
                for i, task in enumerate(quarter.tasks)]
        out.append("")

    out += [f"## {x.levers}", ""]
    for n, lever in enumerate(doc.levers, 1):
        out += [f'### {n}. {lever.title}{refs(lever.sources)} <a id="{lever.anchor}"></a>', "",
                lever.summary, "", f"**{x.why}**{x.colon} {lever.reason}", ""]
        if lever.steps:
            out += [f"**{x.how}** :", ""]
            out += [f"{i}. {step}" for i, step in enumerate(lever.steps, 1)]
            out.append("")
        elif lever.practice:
            out += [f"**{x.practice}**{x.colon} {lever.practice}", ""]
        for label, value in ((x.first_action, lever.first_action),
                             (x.carried_by, lever.carried_by), (x.cost, lever.cost),
                             (x.legal_basis, lever.legal_basis)):
            if value:
                out += [f"**{label}**{x.colon} {value}", ""]
        if lever.indicators:
            out += [f"**{x.indicators}** :", ""]
            out += [f"- {indicator}" for indicator in lever.indicators]
            out.append("")
        if lever.funding:
            out += [f"**{x.funding_fit}**{x.colon} " + ", ".join(
                f"[{name}](#{anchor})" for name, anchor in lever.funding), ""]
    if doc.next_levers and doc.next_step:
        out += [f"### {x.next_step.format(step=doc.next_step)}", ""]
        out += [f"- {title}" for title in doc.next_levers]
        out.append("")

    if doc.funding:
        out += [f"## {x.funding}", "", f"| {' | '.join(x.funding_columns)} |",
                "|" + "---|" * len(x.funding_columns)]
        for row in doc.funding:
            cells = [f"**{row.name}**{refs(row.sources)}", row.what, row.audience, row.apply,
                     f"<{row.link}>" if row.link else "—"]
            out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
        out.append("")
    if doc.contacts:
        out += [f"## {x.contacts}", ""]
        for c in doc.contacts:
            out += contact(c)
        out.append("")
    if doc.examples:
        out += [f"## {x.examples}", ""]
        for example in doc.examples:
            link = f" <{example.link}>" if example.link else ""
            out.append(f"- **{example.title}**{refs(example.sources)} — {example.summary}{link}")
        out.append("")

    out += [f"## {x.method}", "", x.method_text, ""]
    out += [f"- **{name}**{x.colon} {value}" for name, value in doc.facts]
    out += ["", f"## {x.sources}", "", source_intro(sum(s.official for s in doc.sources), x), ""]
    for source in doc.sources:
        where = f" — <{source.url}>" if source.url else ""
        out.append(f"{source.number}. {source.title}{where} ({short_date(source.checked, t)})")
    return "\n".join(out).rstrip() + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")

