"""From a profile to ranked knowledge items, and the flow actions that show them.

Scoring is deliberately simple and deterministic: an item restricted to other
types of collectivité, other territory contexts or (for levers) another step
is left out; the rest is ranked by what it shares with the profile, then by id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.engine.flow import ActionContext, ActionSpec, ParamKind
from bot.engine.messages import Outgoing
from bot.i18n import N_, Translator
from bot.knowledge.model import Item, KnowledgeBase

STEP_WEIGHT, THEME_WEIGHT, CONTEXT_WEIGHT, TYPE_WEIGHT, GENERIC_THEME_WEIGHT = 3, 2, 1, 1, 0.5
LIMITS = {"lever": 3, "funding": 2, "contact": 2, "example": 2}
HEADINGS = {
    "lever": N_("Leviers à actionner"),
    "funding": N_("Financements et appuis"),
    "contact": N_("Contacts utiles"),
    "example": N_("Exemples dont s'inspirer"),
}


@dataclass(frozen=True, slots=True)
class Profile:
    type: str | None = None
    contexts: frozenset[str] = frozenset()
    themes: frozenset[str] = frozenset()
    step: str | None = None
    region: str | None = None


def score(item: Item, profile: Profile) -> float | None:
    """How well an item fits a profile; None when it does not apply at all."""
    types = item.restricts("collectivites")
    if types and profile.type and profile.type not in types:
        return None
    contexts = item.restricts("contexts")
    if contexts and not contexts & profile.contexts:
        return None
    if item.region is not None and item.region != profile.region:
        return None
    total = 0.0
    steps = item.restricts("steps")
    if steps and profile.step:
        if profile.step in steps:
            total += STEP_WEIGHT
        elif item.kind == "lever":
            return None
    themes = item.restricts("themes")
    total += THEME_WEIGHT * len(themes & profile.themes) if themes else GENERIC_THEME_WEIGHT
    total += CONTEXT_WEIGHT * len(contexts & profile.contexts) if contexts else 0
    total += TYPE_WEIGHT if types and profile.type in types else 0
    return total


def rank(items: Iterable[Item], profile: Profile, limit: int) -> list[Item]:
    scored = [(s, item) for item in items if (s := score(item, profile)) is not None]
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [item for _, item in scored[:limit]]


def describe_item(item: Item, t: Translator, number: int | None = None,
                  with_body: bool = False) -> str:
    """An item as plain text: title, summary (or body), legal basis, contact, sources."""
    indent = "   " if number is not None else ""
    lines = [f"{number}. {item.title}" if number is not None else item.title]
    lines.append(indent + (item.body.strip() if with_body and item.body else item.summary))
    if item.legal_basis:
        lines.append(indent + t._("Base légale : {text}").format(text=item.legal_basis))
    if item.how_to_reach:
        lines.append(indent + t._("Pour les joindre : {text}").format(text=item.how_to_reach))
    if item.url:
        lines.append(indent + item.url)
    lines.append(indent + t._("Sources (vérifiées le {date}) :").format(
        date=t.format_date(item.last_checked)))
    for source in item.sources:
        lines.append(indent + f"– {source.title}" + (f" — {source.url}" if source.url else ""))
    return "\n".join(lines)


def _slot_list(value: Any) -> frozenset[str]:
    if isinstance(value, list):
        return frozenset(value)
    return frozenset([value]) if value else frozenset()


def profile_from_slots(slots: Mapping[str, Any], args: Mapping[str, str]) -> Profile:
    def slot(name: str) -> Any:
        return slots.get(args[name]) if name in args else None

    return Profile(slot("type"), _slot_list(slot("contexts")), _slot_list(slot("themes")),
                   slot("step"), slot("region"))


def knowledge_actions(kb: KnowledgeBase) -> dict[str, ActionSpec]:
    """The flow actions backed by the knowledge base: ``recommend`` and ``show``."""

    def recommend(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        t = context.translator
        profile = profile_from_slots(context.conversation.slots, args)
        messages = []
        for kind, limit in LIMITS.items():
            chosen = rank(kb.of_kind(kind), profile, limit)
            if not chosen:
                continue
            context.shown_items.extend(item.id for item in chosen)
            blocks = [describe_item(item, t, n) for n, item in enumerate(chosen, 1)]
            messages.append(Outgoing("\n\n".join([t._(HEADINGS[kind]).upper(), *blocks])))
        if not messages:
            messages.append(Outgoing(t._("Je n'ai pas trouvé de recommandation pour ce profil. "
                                         "Essayez d'autres thèmes, ou contactez la CRESS de "
                                         "votre région.")))
        return messages

    def show(context: ActionContext, args: Mapping[str, Any]) -> list[Outgoing]:
        items = [kb.items[item_id] for item_id in args["items"]]
        context.shown_items.extend(item.id for item in items)
        return [Outgoing(describe_item(item, context.translator, with_body=True))
                for item in items]

    return {
        "recommend": ActionSpec(
            "recommend", recommend,
            params={"type": ParamKind.SLOT, "contexts": ParamKind.SLOT,
                    "themes": ParamKind.SLOT, "step": ParamKind.SLOT, "region": ParamKind.SLOT},
            doc="Recommend levers, funding, contacts and examples for the profile held in "
                "the named slots.",
        ),
        "show": ActionSpec(
            "show", show, params={"items": ParamKind.CONTENT_LIST},
            required=frozenset({"items"}),
            doc="Show knowledge items in full, with their sources.",
        ),
    }
