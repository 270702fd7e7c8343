"""From a profile to ranked knowledge items, and the flow actions that show them.

The ranking rules (weights, limits, reasons) are data: ``content/scoring.yaml``,
applied by :mod:`bot.knowledge.scoring`. This module turns slots into a
profile and rankings into messages and documents.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from bot.engine.flow import ActionContext, ActionSpec, ParamKind
from bot.engine.messages import Document, Outgoing
from bot.i18n import N_, Translator
from bot.knowledge.model import Item, KnowledgeBase, Source
from bot.knowledge.roadmap import roadmap_documents, roadmap_filename
from bot.knowledge.scoring import Profile, Ranked

RECOMMENDED_KINDS = ("lever", "funding", "contact", "example")
HEADINGS = {
    "lever": N_("Leviers à actionner"),
    "funding": N_("Financements et appuis"),
    "contact": N_("Contacts utiles"),
    "example": N_("Exemples dont s'inspirer"),
}
PROFILE_PARAMS = {"type": ParamKind.SLOT, "contexts": ParamKind.SLOT, "themes": ParamKind.SLOT,
                  "step": ParamKind.SLOT, "region": ParamKind.SLOT, "size": ParamKind.SLOT,
                  "territory": ParamKind.SLOT, "programmes": ParamKind.SLOT,
                  "places": ParamKind.SLOT}


def recommendations(kb: KnowledgeBase, profile: Profile, limits: str = "full",
                    limit: int | None = None) -> dict[str, list[Ranked]]:
    """The best items of each kind for a profile; ``limits`` is "chat" or "full" (the
    counts of scoring.yaml), ``limit`` the same count for every kind instead."""
    rules = kb.scoring
    if rules is None:
        raise RuntimeError("the ranking rules (content/scoring.yaml) did not load")
    return {kind: rules.rank_with_see_also(
                (), profile, limit if limit is not None else rules.limits[limits][kind],
                kb.ranked(kind, profile))[0]
            for kind in RECOMMENDED_KINDS}


def describe_item(item: Item, t: Translator, number: int | None = None,
                  with_body: bool = False, reason: str | None = None,
                  compact: bool = False) -> str:
    """An item as plain text: title, summary (or body), why, legal basis, contact, sources.

    ``compact`` is the chat's form of a recommendation, read on a phone: no legal basis
    and one source (:func:`chat_source`); the feuille de route sent with it has them all.
    """
    indent = "   " if number is not None else ""
    lines = [f"{number}. {item.title}" if number is not None else item.title]
    lines.append(indent + (item.body.strip() if with_body and item.body else item.summary))
    if reason:
        lines.append(indent + t._("Pourquoi : {text}").format(text=reason))
    if item.audience and with_body:
        lines.append(indent + t._("Pour qui : {text}").format(text=item.audience))
    if item.legal_basis and not compact:
        lines.append(indent + t._("Base légale : {text}").format(text=item.legal_basis))
    if item.how_to_reach:
        lines.append(indent + t._("Pour les joindre : {text}").format(text=item.how_to_reach))
    if item.url:
        lines.append(indent + item.url)
    date = t.format_date(item.last_checked)
    if compact and item.sources:
        source = chat_source(item)
        line = t._("Source (vérifiée le {date}) : {source}").format(
            date=date, source=_source_text(source))
        others = len(item.sources) - 1
        if others:
            line += " " + t.ngettext("(et {n} autre dans la feuille de route)",
                                     "(et {n} autres dans la feuille de route)",
                                     others).format(n=others)
        lines.append(indent + line)
        return "\n".join(lines)
    lines.append(indent + t._("Sources (vérifiées le {date}) :").format(date=date))
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
                   _slot_list(slot("programmes")), _slot_list(slot("places")))


def knowledge_actions(kb: KnowledgeBase) -> dict[str, ActionSpec]:
    """The flow actions backed by the knowledge base: ``recommend``, ``plan`` and ``show``."""

    def recommend(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        t = context.translator
        profile = profile_from_slots(context.slots, args)
        messages = []
        for kind, chosen in recommendations(kb, profile, "chat").items():
            if not chosen:
                continue
            context.shown_items.extend(r.item.id for r in chosen)
            blocks = [describe_item(r.item, t, n, reason=kb.scoring.reason(r, t), compact=True)
                      for n, r in enumerate(chosen, 1)]
            messages.append(Outgoing("\n\n".join([t._(HEADINGS[kind]).upper(), *blocks])))
        if not messages:
            messages.append(Outgoing(t._("Je n'ai pas trouvé de recommandation pour ce profil. "
                                         "Essayez d'autres thèmes, ou contactez la CRESS de "
                                         "votre région.")))
        return messages

    def plan(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        t = context.translator
        profile = profile_from_slots(context.slots, args)
        if profile.step is None:
            return [Outgoing(t._("Votre feuille de route sera prête à la fin du parcours : "
                                 "répondez d'abord aux questions."))]
        chosen = recommendations(kb, profile, "full")
        context.shown_items.extend(r.item.id for ranked in chosen.values() for r in ranked)
        today = dt.date.today()
        name = roadmap_filename(profile, today)
        markdown, page = roadmap_documents(kb, profile, chosen, t, today)
        return [
            Outgoing(t._("Votre feuille de route est prête : les étapes, les leviers, les "
                         "contacts, les financements, les exemples et toutes les sources. "
                         "Tapez /feuille pour la recevoir à nouveau."),
                     document=Document(f"{name}.md", "text/markdown", markdown.encode())),
            Outgoing(t._("La même, en version imprimable (ouvrez-la dans un navigateur, puis "
                         "Imprimer) :"),
                     document=Document(f"{name}.html", "text/html", page.encode())),
        ]

    def show(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        items = [kb.items[item_id] for item_id in args["items"]]
        context.shown_items.extend(item.id for item in items)
        return [Outgoing(describe_item(item, context.translator, with_body=True))
                for item in items]

    return {
        "recommend": ActionSpec(
            "recommend", recommend, params=PROFILE_PARAMS,
            doc="Recommend levers, funding, contacts and examples, each with the reason it "
                "was chosen, for the profile held in the named slots.",
        ),
        "plan": ActionSpec(
            "plan", plan, params=PROFILE_PARAMS,
            doc="Send the feuille de route (Markdown and printable HTML) for the profile held "
                "in the named slots.",
        ),
        "show": ActionSpec(
            "show", show, params={"items": ParamKind.CONTENT_LIST},
            required=frozenset({"items"}),
            doc="Show knowledge items in full, with their sources.",
        ),
    }
