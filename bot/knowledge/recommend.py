"""From a profile to ranked knowledge items, and the flow actions that show them.

The ranking rules (weights, limits, reasons) are data: ``content/scoring.yaml``,
applied by :mod:`bot.knowledge.scoring`. This module turns slots into a
profile and rankings into messages and documents.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Mapping
from typing import Any

from bot.engine.flow import ActionContext, ActionSpec, ParamKind
from bot.engine.messages import Document, Outgoing
from bot.i18n import N_, Translator
from bot.knowledge.acting import acted_here, here_for
from bot.knowledge.cards import CARDS, LIST_KINDS, MORE, cards_message, menu
from bot.knowledge.freshness import caution
from bot.knowledge.model import RECOMMENDED_KINDS, Item, KnowledgeBase, Source
from bot.knowledge.partners import LocalBodies, local_bodies, localised_item, regional_cress
from bot.knowledge.roadmap import (
    LocalNames,
    PdfUnavailable,
    build_outline,
    render_html,
    render_pdf,
    roadmap_filename,
)
from bot.knowledge.scoring import Profile, Ranked, areas_from_slot

log = logging.getLogger(__name__)

HEADINGS = {
    "lever": N_("Leviers à actionner"),
    "funding": N_("Financements et appuis"),
    "contact": N_("Contacts utiles"),
    "example": N_("Exemples dont s'inspirer"),
}
PROFILE_PARAMS = {"type": ParamKind.SLOT, "contexts": ParamKind.SLOT, "themes": ParamKind.SLOT,
                  "step": ParamKind.SLOT, "region": ParamKind.SLOT, "size": ParamKind.SLOT,
                  "territory": ParamKind.SLOT, "programmes": ParamKind.SLOT,
                  "places": ParamKind.SLOT, "areas": ParamKind.SLOT,
                  "competences": ParamKind.SLOT}


def recommendations(kb: KnowledgeBase, profile: Profile, limits: str = "full",
                    limit: int | None = None, more: int = 0) -> dict[str, list[Ranked]]:
    """The best items of each kind for a profile; ``limits`` is "chat" or "full" (the
    counts of scoring.yaml), ``limit`` the same count for every kind instead; ``more``
    levers after them (« Autres leviers »).

    The first levers are the top list of ``limits`` itself, ``more`` or not: the chat's
    cards and the feuille de route's and ``essbot recommend``'s levers are the same, and the
    others follow in the order of a longer list (its places for a share of the list, a theme
    or the step alone, would otherwise reorder the first five)."""
    rules = kb.scoring
    if rules is None:
        raise RuntimeError("the ranking rules (content/scoring.yaml) did not load")
    chosen: dict[str, list[Ranked]] = {}
    for kind in RECOMMENDED_KINDS:
        scored = kb.ranked(kind, profile)
        count = limit if limit is not None else rules.limits[limits][kind]
        top = rules.rank_with_see_also((), profile, count, scored)[0]
        if kind == "lever" and more:
            longer = rules.rank_with_see_also((), profile, count + more, scored)[0]
            families = {r.item.family for r in top if r.item.family is not None}
            top += [r for r in longer if r not in top and
                    (r.item.family is None or r.item.family not in families)][:more]
        chosen[kind] = top
    return chosen


def territory_bodies(kb: KnowledgeBase, profile: Profile, names: LocalNames | None
                     ) -> LocalBodies | None:
    """The CRESS and the State's services that the content's « la CRESS de votre région » and
    « la DDETS » stand for in the profile's territory (the same words as the feuille de
    route); None when neither is known."""
    cress = regional_cress(kb, profile.region)
    if names is None and cress is None:
        return None
    return local_bodies(names.departement_code if names else None,
                        names.departement_of if names else None,
                        names.region if names else None, cress.title if cress else None,
                        names.departement_council if names else None, profile.region,
                        names.region_council if names else None,
                        names.other_departements if names else ())


def told_here(kb: KnowledgeBase, profile: Profile, names: LocalNames | None, t: Translator
              ) -> Callable[[Item], Item]:
    """An item as the profile's collectivité reads it, in the chat, ``essbot recommend`` and
    the feuille de route alike: named for its territory (:func:`territory_bodies`) and, for a
    lever, worded as it acts on it (:func:`bot.knowledge.acting.acted_here`)."""
    bodies = territory_bodies(kb, profile, names)
    here = here_for(kb, profile, names, t)

    def told(item: Item) -> Item:
        return acted_here(localised_item(item, bodies) if bodies else item, here)
    return told


def localised(ranked: list[Ranked], told: Callable[[Item], Item]) -> list[Ranked]:
    """Ranked items as :func:`told_here` words them."""
    return [dataclasses.replace(r, item=told(r.item)) for r in ranked]


def describe_item(item: Item, t: Translator, number: int | None = None,
                  with_body: bool = False, reason: str | None = None) -> str:
    """An item as plain text: title, summary (or body), why, legal basis, contact, sources
    (``essbot recommend``, the answers to questions)."""
    indent = "   " if number is not None else ""
    lines = [f"{number}. {item.title}" if number is not None else item.title]
    lines.append(indent + (item.body.strip() if with_body and item.body else item.summary))
    warning = caution(item, t)
    if warning:
        lines.append(indent + warning)
    if reason:
        lines.append(indent + t._("Pourquoi : {text}").format(text=reason))
    if item.audience and with_body:
        lines.append(indent + t._("Pour qui : {text}").format(text=item.audience))
    if item.legal_basis:
        lines.append(indent + t._("Base légale : {text}").format(text=item.legal_basis))
    if item.how_to_reach:
        lines.append(indent + t._("Pour les joindre : {text}").format(text=item.how_to_reach))
    if item.url:
        lines.append(indent + item.url)
    lines.append(indent + t._("Sources (vérifiées le {date}) :").format(
        date=t.format_date(item.last_checked)))
    for source in item.sources:
        lines.append(indent + "– " + _source_text(source))
    return "\n".join(lines)


def chat_source(item: Item) -> Source:
    """The source a compact description shows: the first one with a link, else the first."""
    return next((source for source in item.sources if source.url), item.sources[0])


def _source_text(source: Source) -> str:
    return source.title + (f" — {source.url}" if source.url else "")


def _slot_list(value: Any) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(value)
    return frozenset([value]) if value else frozenset()


def profile_from_slots(slots: Mapping[str, Any], args: Mapping[str, str]) -> Profile:
    def slot(name: str) -> Any:
        return slots.get(args[name]) if name in args else None

    return Profile(slot("type"), _slot_list(slot("contexts")), _slot_list(slot("themes")),
                   slot("step"), slot("region"), slot("size"), slot("territory"),
                   _slot_list(slot("programmes")), _slot_list(slot("places")),
                   areas_from_slot(slot("areas")), _slot_list(slot("competences")))


def plan_documents(kb: KnowledgeBase, profile: Profile, t: Translator, today: dt.date,
                   names: LocalNames | None) -> tuple[list[Document], list[str]]:
    """The feuille de route to send in chat: the PDF, then the HTML (or the HTML alone when
    PDF files cannot be made here), and the ids of the items it holds."""
    chosen = recommendations(kb, profile, "full")
    doc = build_outline(kb, profile, chosen, t, today, names)
    name = roadmap_filename(profile, today)
    page = render_html(doc, t)
    documents = [Document(f"{name}.html", "text/html", page.encode())]
    try:
        documents.insert(0, Document(f"{name}.pdf", "application/pdf", render_pdf(page)))
    except PdfUnavailable as exc:
        log.warning("%s", exc)
    return documents, [r.item.id for ranked in chosen.values() for r in ranked]


def knowledge_actions(kb: KnowledgeBase,
                      names_for: Callable[[str | None], LocalNames | None] | None = None
                      ) -> dict[str, ActionSpec]:
    """The flow actions backed by the knowledge base: ``recommend``, ``plan`` and ``show``.

    ``names_for`` gives the feuille de route the real names around the territory whose
    label a conversation holds.
    """

    def recommend(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        t = context.translator
        profile = profile_from_slots(context.slots, args)
        chosen = recommendations(kb, profile, "full", more=MORE)
        names = names_for(profile.territory) if names_for is not None else None
        levers = localised(chosen["lever"], told_here(kb, profile, names, t))
        if not levers:
            return [Outgoing(t._("Je n'ai pas trouvé de levier pour ce profil. Essayez "
                                 "d'autres thèmes, ou contactez la CRESS de votre région."),
                             menu([], t, more_levers=False))]
        context.shown_items.extend(r.item.id for r in levers[:CARDS])
        counts = {kind: len(chosen[kind]) for kind in LIST_KINDS}
        return [cards_message(kb, levers, counts, t)]

    def plan(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        t = context.translator
        profile = profile_from_slots(context.slots, args)
        if profile.step is None:
            return [Outgoing(t._("Votre feuille de route sera prête à la fin du parcours : "
                                 "répondez d'abord aux questions."))]
        names = names_for(profile.territory) if names_for is not None else None
        documents, shown = plan_documents(kb, profile, t, dt.date.today(), names)
        context.shown_items.extend(shown)
        captions = {
            "application/pdf": t._("Votre feuille de route, à transmettre à vos élus : "
                                   "l'essentiel en page 1, un calendrier sur douze mois, "
                                   "chaque levier pas à pas, les financements et les sources."),
            "text/html": t._("La même, en page web imprimable (ouvrez-la dans un navigateur). "
                             "Tapez /feuille pour la recevoir à nouveau."),
        }
        return [Outgoing(captions[d.media_type], document=d) for d in documents]

    def show(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        items = [kb.items[item_id] for item_id in args["items"]]
        context.shown_items.extend(item.id for item in items)
        t = context.translator
        return [Outgoing(describe_item(item, t, with_body=True) if item.kind == "glossary"
                         else compact_item(item, t)) for item in items]

    return {
        "recommend": ActionSpec(
            "recommend", recommend, params=PROFILE_PARAMS,
            doc="Recommend levers for the profile held in the named slots: three short cards "
                "(title, why, a first action) and buttons for details, other levers, funding, "
                "contacts, examples and the feuille de route.",
        ),
        "plan": ActionSpec(
            "plan", plan, params=PROFILE_PARAMS,
            doc="Send the feuille de route (PDF and printable HTML) for the profile held in "
                "the named slots.",
        ),
        "show": ActionSpec(
            "show", show, params={"items": ParamKind.CONTENT_LIST},
            required=frozenset({"items"}),
            doc="Show knowledge items: a short card (a glossary entry in full).",
        ),
    }


def compact_item(item: Item, t: Translator) -> str:
    """An item in a few lines: title, summary, a first action, one source."""
    lines = [item.title, item.summary]
    if item.first_action:
        lines.append(t._("➜ Pour commencer : {action}").format(action=item.first_action))
    if item.sources:
        lines.append(t._("Source : {title}").format(title=chat_source(item).title))
    return "\n".join(lines)
