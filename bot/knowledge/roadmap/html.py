"""The feuille de route as one printable, accessible HTML page (the PDF is made from it).

Accessibility: ``lang`` set, one ``h1`` and headings in order, a table with a caption and
header cells, links whose text says where they go, colours above WCAG AA contrast, no
image. Print: A4 margins, page numbers and the title in the margins (WeasyPrint and
browsers that support CSS paged media), page breaks before the big sections.
"""

from __future__ import annotations

import functools
import html
from importlib import resources

from bot.i18n import Translator
from bot.knowledge.roadmap.outline import Contact, Outline, SourceKey
from bot.knowledge.roadmap.text import Texts, domain, number_runs, short_date, source_intro


@functools.cache
def stylesheet() -> str:
    return resources.files(__package__).joinpath("roadmap.css").read_text(encoding="utf-8")


def page_rules(x: Texts) -> str:
    """The A4 page box: margins, the title at the top, « Page 2 sur 7 » at the bottom."""
    page, of = _css_string(x.page), _css_string(x.of)
    return (
        "@page { size: A4; margin: 17mm 16mm 19mm 16mm;"
        f" @bottom-right {{ content: \"{page} \" counter(page) \" {of} \" counter(pages);"
        " font-size: 8.5pt; color: #3a3a3a; }"
        " @top-left { content: string(doctitle); font-size: 8.5pt; color: #3a3a3a; } }"
        " @page :first { @top-left { content: none; } }"
    )


def _glued_guillemets(text: str) -> str:
    return text.replace("« ", "«\u00a0").replace(" »", "\u00a0»")


def _lower_first(text: str) -> str:
    """« Versée par… » after « Pour l'action 1 : »: « versée par… », an acronym kept."""
    return text if len(text) > 1 and text[1].isupper() else text[:1].lower() + text[1:]


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def render_html(doc: Outline, t: Translator) -> str:
    x = Texts(t)
    def e(text: str) -> str:
        """Escaped, with a non-breaking space inside « »: the PDF never leaves a guillemet
        alone at the start or the end of a line."""
        return html.escape(_glued_guillemets(text))

    def refs(keys: list[SourceKey]) -> str:
        numbers = doc.refs(keys)
        if not numbers:
            return ""
        links = ", ".join(f'<a href="#source-{run[0]}" aria-label="'
                          f'{e(x.sources_link.format(n=run[0]))}">{e(text)}</a>'
                          for run, text in number_runs(numbers))
        return f' <span class="refs">[{links}]</span>'

    def link(url: str | None) -> str:
        return (f'<a class="url" href="{e(url)}">{e(domain(url))}</a>' if url else "")

    def contact(c: Contact) -> str:
        reach = f"{e(x.reach)}{x.colon} {e(c.reach)}" if c.reach else ""
        where = " ".join(p for p in (reach, link(c.link)) if p)
        return (f"<li><span class=\"label\">{e(c.name)}</span> — {e(c.role)}{refs(c.sources)}"
                + (f'<span class="reach">{where}</span>' if where else "") + "</li>")

    out = [
        f'<!doctype html>\n<html lang="{e(doc.language)}">',
        '<head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(doc.title)}</title>",
        f'<meta name="description" content="{e(doc.subtitle)}">',
        '<meta name="generator" content="essbot">',
        f'<meta name="dcterms.created" content="{doc.date.isoformat()}">',
        f"<style>\n{stylesheet()}\n{page_rules(x)}\n</style></head>",
        "<body><main>",
        f"<h1>{e(doc.title)}</h1>",
        f'<p class="meta">{e(doc.subtitle)}</p>',
        f'<section class="summary" aria-labelledby="s-summary"><h2 id="s-summary">'
        f"{e(x.summary)}</h2>",
        f"<h3>{e(x.territory)}</h3>",
        f'<p class="portrait">{e(" ".join(doc.portrait))}</p>' if doc.portrait else "",
        f'<h3>{e(x.priorities)}</h3><div class="box">'
        + (f'<p class="order">{e(doc.order_note)}</p>' if doc.order_note else "")
        + '<ol class="priorities">',
    ]
    for p in doc.priorities:
        who = f' <span class="who">{e(x.carried_by)}{x.colon} {e(p.who)}.</span>' if p.who else ""
        if p.is_lever:
            out.append(f'<li><a class="label" href="#{e(p.anchor)}">{e(p.action)}</a>{who}</li>')
            continue
        out.append(f'<li><span class="label">{e(p.action)}</span> '
                   f'<span class="who">{e(x.lever.capitalize())}{x.colon} '
                   f'<a href="#{e(p.anchor)}">{e(p.lever)}</a>.</span>{who}</li>')
    out.append("</ol>" + ("" if doc.priorities else f"<p>{e(x.no_lever)}</p>")
               + (f'<p class="decide"><span class="label">{e(doc.decision_label)}{x.colon}</span> '
                  f"{e(doc.decision)}{refs(doc.decision_sources)}</p>" if doc.decision else "")
               + "</div>")
    if doc.first_funding:
        out.append(f'<h3>{e(x.first_funding)}</h3><ul class="first-funding">' + "".join(
            f'<li><a class="label" href="#{e(f.anchor)}">{e(f.name)}</a> — {e(f.fits)}'
            f"{x.colon} {e(_lower_first(f.why))}{refs(f.sources)}</li>"
            for f in doc.first_funding) + "</ul>")
    elif doc.first_funding_note and doc.priorities:
        out.append(f"<h3>{e(x.first_funding)}</h3><p>{e(doc.first_funding_note)}</p>")
    out.append(f'<h3>{e(x.first_calls)}</h3><ul class="contacts">')
    out += [contact(c) for c in doc.first_calls]
    out.append("</ul></section>")

    out.append(f'<section class="calendar" aria-labelledby="s-calendar">'
               f'<h2 id="s-calendar">{e(x.calendar)}</h2><p>{e(x.calendar_intro)}</p>')
    for quarter in doc.calendar:
        out.append(f'<div class="quarter"><h3>{e(quarter.title)} — {e(quarter.goal)}</h3><ul>'
                   + "".join(f"<li>{e(task)}{refs(quarter.cited.get(i, []))}</li>"
                             for i, task in enumerate(quarter.tasks)) + "</ul></div>")
    out.append("</section>")

    out.append(f'<section class="levers" aria-labelledby="s-levers">'
               f'<h2 id="s-levers">{e(x.levers)}</h2>')
    for n, lever in enumerate(doc.levers, 1):
        out.append(f'<article class="lever" id="{e(lever.anchor)}">'
                   f"<h3>{n}. {e(lever.title)}{refs(lever.sources)}</h3>"
                   f"<p>{e(lever.summary)}</p>"
                   f'<p><span class="label">{e(x.why)}{x.colon}</span> {e(lever.reason)}</p>')
        if lever.steps:
            out.append(f'<p class="label">{e(x.how)}{x.colon}</p><ol>'
                       + "".join(f"<li>{e(step)}</li>" for step in lever.steps) + "</ol>")
        elif lever.practice:
            out.append(f'<p><span class="label">{e(x.practice)}{x.colon}</span> '
                       f"{e(lever.practice)}</p>")
        for label, value in ((x.first_action, lever.first_action),
                             (x.carried_by, lever.carried_by), (x.cost, lever.cost),
                             (x.legal_basis, lever.legal_basis)):
            if value:
                out.append(f'<p><span class="label">{e(label)}{x.colon}</span> {e(value)}</p>')
        if lever.indicators:
            out.append(f'<p class="label">{e(x.indicators)}{x.colon}</p><ul>'
                       + "".join(f"<li>{e(i)}</li>" for i in lever.indicators) + "</ul>")
        if lever.funding:
            out.append(f'<p><span class="label">{e(x.funding_fit)}{x.colon}</span> ' + ", ".join(
                f'<a href="#{e(anchor)}">{e(name)}</a>' for name, anchor in lever.funding)
                + "</p>")
        out.append("</article>")
    if doc.next_levers and doc.next_step:
        out.append(f"<h3>{e(x.next_step.format(step=doc.next_step))}</h3><ul>" + "".join(
            f"<li>{e(title)}</li>" for title in doc.next_levers) + "</ul>")
    out.append("</section>")

    if doc.funding:
        columns = ("c-name", "c-what", "c-who", "c-apply", "c-link")
        out.append(f'<section class="funding" aria-labelledby="s-funding">'
                   f'<h2 id="s-funding">{e(x.funding)}</h2>'
                   f"<table><caption>{e(x.funding_caption)}</caption><colgroup>"
                   + "".join(f'<col class="{c}">' for c in columns) + "</colgroup><thead><tr>"
                   + "".join(f'<th scope="col">{e(h)}</th>' for h in x.funding_columns)
                   + "</tr></thead><tbody>")
        for row in doc.funding:
            out.append(f'<tr id="{e(row.anchor)}"><th scope="row">{e(row.name)}'
                       f"{refs(row.sources)}</th><td>{e(row.what)}</td>"
                       f"<td>{e(row.audience) or '—'}</td><td>{e(row.apply) or '—'}</td>"
                       f"<td>{link(row.link) or '—'}</td></tr>")
        out.append("</tbody></table></section>")
    if doc.contacts:
        out.append(f'<section aria-labelledby="s-contacts"><h2 id="s-contacts">'
                   f'{e(x.contacts)}</h2><ul class="contacts">'
                   + "".join(contact(c) for c in doc.contacts) + "</ul></section>")
    if doc.examples:
        out.append(f'<section aria-labelledby="s-examples"><h2 id="s-examples">'
                   f"{e(x.examples)}</h2><ul>")
        for example in doc.examples:
            where = f' <span class="reach">{link(example.link)}</span>' if example.link else ""
            out.append(f'<li><span class="label">{e(example.title)}</span>'
                       f"{refs(example.sources)} — {e(example.summary)}{where}</li>")
        out.append("</ul></section>")

    out.append(f'<section class="sources-section" aria-labelledby="s-method">'
               f'<h2 id="s-method">{e(x.method)}</h2><p>{e(x.method_text)}</p>'
               '<dl class="facts">' + "".join(f"<dt>{e(name)}</dt><dd>{e(value)}</dd>"
                                              for name, value in doc.facts) + "</dl>"
               f'<h2 id="s-sources">{e(x.sources)}</h2>'
               f'<p>{e(source_intro(sum(s.official for s in doc.sources), x))}</p>'
               '<ol class="sources">')
    for source in doc.sources:
        # on screen the whole address; on paper its site (the PDF link keeps the address)
        where = (f' — <a class="url" href="{e(source.url)}"><span class="screen">'
                 f'{e(source.url)}</span><span class="paper">{e(domain(source.url))}</span></a>'
                 if source.url else "")
        out.append(f'<li id="source-{source.number}">{e(source.title)}{where} '
                   f"({e(short_date(source.checked, t))})</li>")
    out.append("</ol></section></main></body></html>")
    return "\n".join(part for part in out if part) + "\n"
