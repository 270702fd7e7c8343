"""Recommendations as a phone screen shows them: short cards, details on demand.

The recommendations turn shows at most three cards (title, why, one first action) and a
menu: « Détails » per card, the other levers, the funding, the contacts, the examples, the
feuille de route. Each button is a payload of the knowledge feature (``kb:...``), handled
in :mod:`bot.knowledge.feature`; nothing about it is remembered but the flow's slots, so
the buttons keep working after a restart. Details give the how-to, the legal basis and the
sources as links (:class:`~bot.engine.messages.Link`), never as raw long addresses.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.messages import Choice, Link, Outgoing
from bot.i18n import N_, Translator
from bot.knowledge.freshness import caution, with_caution
from bot.knowledge.model import Item, KnowledgeBase
from bot.knowledge.roadmap.outline import first_sentence
from bot.knowledge.scoring import Ranked

PREFIX = "kb:"
DETAIL = PREFIX + "d:"  # + item id
MORE_LEVERS = PREFIX + "more"
KIND_LIST = PREFIX + "k:"  # + funding | contact | example
PLAN = PREFIX + "plan"
CARDS = 3  # cards shown first
MORE = 5  # levers shown by « Autres leviers »
LIST = 3  # items shown by « Financements », « Contacts », « Exemples »
CARDS_BUDGET = 2000  # characters of the cards message, its choices included
LABEL_LENGTH = 40
MAX_PAYLOAD = 64  # bytes (Telegram's callback data)
LIST_KINDS = {
    "funding": (N_("Financements"), N_("Financements et appuis pour votre profil :")),
    "contact": (N_("Contacts"), N_("Contacts utiles pour votre profil :")),
    "example": (N_("Exemples"), N_("Exemples dont s'inspirer :")),
}


def short(title: str, length: int = LABEL_LENGTH) -> str:
    """A title cut at a word boundary to fit a button."""
    if len(title) <= length:
        return title
    cut = title[:length - 1]
    if " " in cut[length // 2:]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:'’(-") + "…"


def detail_choice(item: Item, t: Translator) -> Choice | None:
    payload = DETAIL + item.id
    if len(payload.encode()) > MAX_PAYLOAD:
        return None
    return Choice(payload, t._("Détails : {title}").format(title=short(item.title)))


def menu(shown: Sequence[Item], t: Translator, without: str | None = None,
         kinds: Sequence[str] = tuple(LIST_KINDS), more_levers: bool = True
         ) -> tuple[Choice, ...]:
    """« Détails » for the items just shown, then the other lists and the feuille de route;
    ``without`` leaves out the list just shown (a payload)."""
    choices = [c for item in shown if (c := detail_choice(item, t)) is not None]
    if more_levers and without != MORE_LEVERS:
        choices.append(Choice(MORE_LEVERS, t._("Autres leviers")))
    choices += [Choice(KIND_LIST + kind, t._(LIST_KINDS[kind][0])) for kind in kinds
                if KIND_LIST + kind != without]
    choices.append(Choice(PLAN, t._("Ma feuille de route")))
    return tuple(choices)


def _card(n: int, ranked: Ranked, reason: str | None, action_length: int, t: Translator
          ) -> str:
    item = ranked.item
    lines = [f"{n}. {item.title}"]
    if reason:
        lines.append(reason)
    warning = caution(item, t)
    if warning:
        lines.append(warning)
    if item.first_action:
        lines.append(t._("➜ Pour commencer : {action}").format(
            action=first_sentence(item.first_action, action_length)))
    else:
        lines.append(t._("➜ En bref : {text}").format(
            text=first_sentence(item.summary, action_length)))
    return "\n".join(lines)


def cards_message(kb: KnowledgeBase, levers: Sequence[Ranked],
                  counts: dict[str, int], t: Translator) -> Outgoing:
    """The first recommendations: at most three cards, a line on the rest, the menu.

    Kept under :data:`CARDS_BUDGET` characters, choices included: the reasons go first,
    then the first actions get shorter.
    """
    rules = kb.scoring
    assert rules is not None
    top = list(levers[:CARDS])
    choices = menu([r.item for r in top], t, kinds=[k for k in LIST_KINDS if counts.get(k)],
                   more_levers=len(levers) > CARDS)
    labels = sum(len(c.label) + 4 for c in choices)
    footer = _footer(counts, t)
    text = ""
    for with_reason, length in ((True, 200), (False, 200), (False, 120), (False, 70)):
        blocks = [_card(n, r, rules.reason(r, t) if with_reason else None, length, t)
                  for n, r in enumerate(top, 1)]
        text = "\n\n".join([*blocks, footer])
        if len(text) + labels <= CARDS_BUDGET:
            break
    return Outgoing(text, choices)


def _footer(counts: dict[str, int], t: Translator) -> str:
    parts = []
    if counts.get("funding"):
        parts.append(t.ngettext("{n} financement", "{n} financements",
                                counts["funding"]).format(n=counts["funding"]))
    if counts.get("contact"):
        parts.append(t.ngettext("{n} contact", "{n} contacts",
                                counts["contact"]).format(n=counts["contact"]))
    if counts.get("example"):
        parts.append(t.ngettext("{n} exemple", "{n} exemples",
                                counts["example"]).format(n=counts["example"]))
    lines = []
    if parts:
        lines.append(t._("Aussi pour vous : {list}.").format(list=t.join(parts)))
    lines.append(t._("« Détails » : comment faire, la base légale et les sources. « Ma feuille "
                     "de route » : le document complet à transmettre à vos élus (PDF)."))
    return "\n".join(lines)


def list_message(kb: KnowledgeBase, ranked: Sequence[Ranked], heading: str, t: Translator,
                 start: int = 1) -> Outgoing:
    """A short list: title and one line each (how to reach a contact or a funding tool)."""
    rules = kb.scoring
    assert rules is not None
    lines = [heading]
    for n, r in enumerate(ranked, start):
        item = r.item
        lines.append("")
        lines.append(f"{n}. {item.title}")
        if item.kind == "lever":
            lines.append(rules.reason(r, t))
        if item.first_action:
            lines.append(t._("➜ Pour commencer : {action}").format(
                action=first_sentence(item.first_action, 200)))
        elif item.how_to_reach:
            lines.append(t._("➜ Pour les joindre : {text}").format(
                text=first_sentence(item.how_to_reach, 200)))
        else:
            lines.append(first_sentence(item.summary, 200))
    return Outgoing("\n".join(lines))


def detail_message(item: Item, t: Translator) -> Outgoing:
    """An item in full, for a « Détails » button: what, how, who, cost, law, sources."""
    lines = [item.title.upper(), with_caution(item.summary, item, t)]
    links: list[Link] = []
    if item.how_to:
        lines += ["", t._("Comment faire :")]
        lines += [f"{n}. {step}" for n, step in enumerate(item.how_to, 1)]
    elif item.body:
        lines += ["", item.body.strip()]
    labelled = (
        (t._("Pour commencer : {text}"), item.first_action),
        (t._("Qui porte : {text}"), item.carried_by),
        (t._("Coût indicatif : {text}"), item.cost),
        (t._("Pour qui : {text}"), item.audience),
        (t._("Base légale : {text}"), item.legal_basis),
        (t._("Pour les joindre : {text}"), item.how_to_reach),
    )
    extra = [template.format(text=value) for template, value in labelled if value]
    if item.indicators:
        extra.append(t._("Indicateurs à suivre :"))
        extra += [f"– {indicator}" for indicator in item.indicators]
    if extra:
        lines += ["", *extra]
    if item.url:
        site = t._("Site : {name}").format(name=_host(item.url))
        lines.append(site)
        links.append(Link(site, item.url))
    lines += ["", t._("Sources (vérifiées le {date}) :").format(
        date=t.format_date(item.last_checked))]
    for source in item.sources:
        lines.append(f"– {source.title}")
        if source.url:
            links.append(Link(source.title, source.url))
    return Outgoing("\n".join(lines), links=tuple(links))


def _host(url: str) -> str:
    from bot.knowledge.roadmap.text import domain

    return domain(url)
