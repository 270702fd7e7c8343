"""The knowledge base as a feature: the flow actions that recommend, the ``territory``
resolver, the ``/feuille`` command whose work the flow gives (``commands: plan``), and the
buttons of the recommendations (``kb:...``, :mod:`bot.knowledge.cards`).

The buttons carry only an item id or a list's name: the profile is read again from the
conversation's slots, with the slot names the flow gives to its ``recommend`` action (or
to ``commands: plan``). So they keep working after a restart or a live reload, and an old
button gives the same answer as a new one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

from bot.engine.extension import Command
from bot.engine.turn import Turn
from bot.feature import Content, Contribution, Feature
from bot.i18n import N_
from bot.knowledge.cards import (
    CARDS,
    DETAIL,
    KIND_LIST,
    LIST,
    LIST_KINDS,
    MORE,
    MORE_LEVERS,
    PLAN,
    detail_message,
    list_message,
    menu,
)
from bot.knowledge.model import Item, KnowledgeBase
from bot.knowledge.profile import load_territories, names_for_label, territory_resolver
from bot.knowledge.recommend import (
    knowledge_actions,
    localised,
    profile_from_slots,
    recommendations,
    told_here,
)
from bot.knowledge.territory import default_territory_path

RECOMMEND = "recommend"


# Typed as a whole (case, accents and punctuation aside), these ask for the feuille de route:
# « je peux avoir la feuille de route directement ? » got a search answer on another one.
_PLAN_PHRASES = (
    "feuille de route", "feuille de route directement", "fdr", "ma fdr", "la fdr",
    "action plan", "my action plan", "can i have my action plan", "can i have the action plan",
    *(f"{ask}{article} feuille de route{tail}"
      for ask in ("", "je veux ", "je voudrais ", "je peux avoir ", "on peut avoir ",
                  "est ce que je peux avoir ", "envoyez moi ", "donnez moi ")
      for article in ("ma", "la", "notre")
      for tail in ("", " directement", " maintenant", " svp", " stp", " s il vous plait")))


class KnowledgeFeature(Feature):
    name = "kb"
    commands = (Command("plan", "feuille", "plan", N_("recevoir votre feuille de route"),
                        from_flow=True, phrases=_PLAN_PHRASES),)

    def load(self, content: Content) -> Contribution:
        knowledge = content.knowledge
        resolvers = {}
        index = None
        territories = default_territory_path(content.directory)
        if territories.exists():  # without it, flows that resolve territories fail validation
            index = load_territories(territories)
            resolvers["territory"] = territory_resolver(
                index, knowledge.scoring,
                lambda value, t: knowledge.label("programmes", value, t))
        names = functools.partial(names_for_label, index) if index is not None else None
        self.names_for = names
        return Contribution(part=knowledge, actions=knowledge_actions(knowledge, names),
                            resolvers=resolvers)

    # -- the buttons of the recommendations --------------------------------------------------

    def on_payload(self, turn: Turn, payload: str) -> bool:
        kb: KnowledgeBase = turn.part(self.name)
        t = turn.t
        if payload.startswith(DETAIL):
            item = kb.items.get(payload.removeprefix(DETAIL))
            if item is None:
                turn.say(t._("Cette fiche n'existe plus dans la base de connaissances : elle a "
                             "été retirée ou renommée depuis."))
            else:
                turn.reply(detail_message(self.told(turn, kb)(item), t))
                turn.event("recommended", state=turn.conv.state, detail="details",
                           items=(item.id,))
            self.menu_again(turn, kb)
            return True
        if payload == PLAN:
            if not turn.run_flow_command("plan"):
                turn.say(t._("Ce parcours ne propose pas de feuille de route."))
            self.menu_again(turn, kb)
            return True
        if payload == MORE_LEVERS or payload.startswith(KIND_LIST):
            kind = "lever" if payload == MORE_LEVERS else payload.removeprefix(KIND_LIST)
            if kind != "lever" and kind not in LIST_KINDS:
                return False
            args = self.profile_args(turn)
            if args is None:
                turn.say(t._("Ces recommandations correspondent à un parcours qui n'est plus "
                             "en cours. Tapez /recommencer pour un nouveau parcours."))
                turn.prompt()
                return True
            profile = profile_from_slots(turn.slots, args)
            chosen = recommendations(kb, profile, "full", more=MORE)
            if kind == "lever":
                ranked = chosen["lever"][CARDS:CARDS + MORE]
                heading = t._("Autres leviers pour votre profil :")
            else:
                ranked = chosen[kind][:LIST]
                heading = t._(LIST_KINDS[kind][1])
            if ranked:
                ranked = localised(ranked, self.told(turn, kb))
                turn.reply(list_message(kb, ranked, heading, t, start=1))
                turn.event("recommended", state=turn.conv.state, detail=kind,
                           items=tuple(r.item.id for r in ranked))
            else:
                turn.say(t._("Rien de plus à vous proposer ici pour ce profil."))
            self.menu_again(turn, kb, [r.item for r in ranked], without=payload)
            return True
        return False

    def menu_again(self, turn: Turn, kb: KnowledgeBase, shown: list | None = None,
                   without: str | None = None) -> None:
        """Ask the current question again; where the flow recommends (a state with the
        ``recommend`` action), with the recommendations' buttons first."""
        if not any(call.name == RECOMMEND for call in turn.state.actions):
            turn.prompt()
            return
        args = self.profile_args(turn)
        if shown is None and args is not None:
            profile = profile_from_slots(turn.slots, args)
            shown = [r.item for r in recommendations(kb, profile, "full")["lever"][:CARDS]]
        turn.prompt(menu(shown or [], turn.t, without=without))

    def told(self, turn: Turn, kb: KnowledgeBase) -> Callable[[Item], Item]:
        """Items as the conversation's collectivité reads them (:func:`told_here`): its CRESS
        and State services named, a lever's steps those of its level and size, as in the
        feuille de route."""
        args = self.profile_args(turn)
        if args is None:
            return lambda item: item
        profile = profile_from_slots(turn.slots, args)
        names_for = getattr(self, "names_for", None)
        names = names_for(profile.territory) if names_for else None
        return told_here(kb, profile, names, turn.t)

    @staticmethod
    def profile_args(turn: Turn) -> Mapping[str, Any] | None:
        """Which slots hold the profile: the current state's ``recommend`` action, else the
        flow's ``commands: plan``; None if the flow has neither."""
        for call in turn.state.actions:
            if call.name == RECOMMEND:
                return call.args
        for call in turn.flow.commands.get("plan", ()):
            return call.args
        return None
