"""Broadcasts as a feature: /abonner, /abonnements, /desabonner, /actualites, /publier,
/publieur, their tables and the delivery worker.

The commands open short dialogs in the middle of a conversation (:meth:`Turn.ask`): the
user's place in the flow is left untouched, the dialog's own state is the dialog's data,
and when it ends the current question of the flow is asked again, so the user is back
where they were. Typed numbers and labels are matched by the engine, as for any choice.
A command typed meanwhile cancels the dialog. Writes (subscription, publication) run in
the turn's transaction.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, ClassVar

from bot.broadcast.model import (
    DIMENSIONS,
    LINK_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Draft,
    Targeting,
    as_list,
    parse_date,
)
from bot.broadcast.pacing import Budgets
from bot.broadcast.render import Vocabularies, labels, targeting_text, update_text
from bot.broadcast.service import NAME, BroadcastService, hold_from_env, worker_settings
from bot.broadcast.storage import MIGRATIONS, forget_broadcast_rows
from bot.broadcast.worker import DeliveryWorker
from bot.config import Settings
from bot.engine.choices import normalize_answer
from bot.engine.extension import Audience, Command
from bot.engine.messages import Choice, Outgoing
from bot.engine.turn import Turn
from bot.feature import Content, Contribution, Feature, Runtime
from bot.i18n import N_, Translator
from bot.store import Event, Store, Transaction

log = logging.getLogger(__name__)

PAYLOAD = f"{NAME}:"
_LINK = re.compile(r"^https?://[^\s<>\"]+\.[^\s<>\"]+$")

# Multiple-choice steps: the dialog key holding the selection, and its vocabulary.
PICK_STEPS = {"regions": ("r", "regions"), "themes": ("t", "themes"),
              "types": ("c", "collectivites")}
PICK_QUESTIONS = {
    ("sub", "regions"): N_("Quelles régions voulez-vous suivre ? Choisissez une région pour la "
                           "cocher ou la décocher, puis « Valider ». Sans choix : toutes."),
    ("sub", "themes"): N_("Quels thèmes vous intéressent ? Cochez-les, puis « Valider ». "
                          "Sans choix : tous."),
    ("pub", "regions"): N_("Pour quelles régions ? Cochez-les, puis « Valider ». "
                           "Sans choix : toute la France."),
    ("pub", "themes"): N_("Pour quels thèmes ? Cochez-les, puis « Valider ». Sans choix : "
                          "tous les thèmes."),
    ("pub", "types"): N_("Pour quels types de collectivité ? Cochez-les, puis « Valider ». "
                         "Sans choix : toutes."),
}
SUB_STEPS = ("regions", "themes", "consent")
PUB_STEPS = ("title", "text", "link", "deadline", "regions", "themes", "types", "preview")
TYPED_STEPS = ("title", "text", "link", "deadline")  # answered by typing


class BroadcastFeature(Feature):
    name = NAME
    commands = (
        Command("subscribe", "abonner", "subscribe",
                N_("recevoir les actualités de l'ESS (appels à projets, événements)")),
        Command("subscriptions", "abonnements", "subscriptions", N_("voir vos abonnements")),
        Command("unsubscribe", "desabonner", "unsubscribe", N_("arrêter les actualités")),
        Command("news", "actualites", "news", N_("voir les dernières actualités pour vous")),
        # Publishers' commands: not listed in /aide; others are told they may not.
        Command("publish", "publier", "publish", N_("publier une actualité pour les abonnés"),
                audience=Audience.HIDDEN),
        Command("publisher", "publieur", "publisher", N_("habiliter un compte à publier"),
                audience=Audience.ADMIN),
    )
    # Subscriptions are pre-filled from the profile; /actualites reads it.
    required_slots: ClassVar[Mapping[str, str | None]] = {
        "region": "regions", "themes": "themes", "collectivite": "collectivites"}
    migrations = MIGRATIONS

    def __init__(self, service: BroadcastService, settings: Settings | None = None,
                 today: Callable[[], dt.date] = dt.date.today):
        self.service = service
        self.settings = settings
        self.today = today
        self.worker: DeliveryWorker | None = None

    @classmethod
    def from_settings(cls, settings: Settings, store: Store, vocabularies: Vocabularies
                      ) -> BroadcastFeature:
        return cls(BroadcastService.from_settings(settings, store, vocabularies), settings)

    def vocabularies(self, turn: Turn) -> Vocabularies:
        """The vocabularies of the version this turn serves (they follow live reloads)."""
        return turn.part(self.name) or self.service.vocabularies

    # -- the application side ---------------------------------------------------------------

    def load(self, content: Content) -> Contribution:
        # The vocabularies of the version served: a live reload renames values for
        # broadcasts too.
        return Contribution(part=content.knowledge.vocabularies)

    def forget(self, tx: Transaction, key: str) -> int:
        return forget_broadcast_rows(tx, key)

    def start(self, runtime: Runtime) -> None:
        """The delivery worker, and the replies counted against each channel's budget."""
        settings = worker_settings(self.settings) if self.settings else None
        if settings is None:
            return
        budgets = Budgets(settings.rate)
        runtime.dispatcher.observe(budgets.count_replies)
        service = self.service
        self.worker = DeliveryWorker(service.outbox, service.subscriptions, service.updates,
                                     runtime.channels, budgets, settings, hold_from_env())
        task = runtime.spawn(self.worker.run(), "broadcast-worker")
        task.add_done_callback(_report)

    async def stop(self) -> None:
        if self.worker is not None:
            await self.worker.stop()

    # -- commands ---------------------------------------------------------------------------

    def on_command(self, turn: Turn, command: Command, args: str) -> None:
        handlers: dict[str, Callable[[Turn, str], None]] = {
            "subscribe": self._cmd_subscribe, "subscriptions": self._cmd_subscriptions,
            "unsubscribe": self._cmd_unsubscribe, "news": self._cmd_news,
            "publish": self._cmd_publish, "publisher": self._cmd_publisher}
        handlers[command.id](turn, args)

    def _cmd_subscribe(self, turn: Turn, args: str) -> None:
        current = self.service.subscriptions.get(turn.key)
        slots = turn.slots
        if current is not None:
            regions, themes = list(current.regions), list(current.themes)
        else:  # pre-filled from the profile of the parcours
            known_regions, known_themes = (self._values(turn, "regions"),
                                           self._values(turn, "themes"))
            regions = [r for r in as_list(slots.get("region")) if r in known_regions]
            themes = [v for v in as_list(slots.get("themes")) if v in known_themes]
        turn.say(turn.t._("Abonnez-vous aux actualités de l'ESS : appels à projets et leurs "
                          "dates limites, événements comme le Mois de l'ESS, études, "
                          "évolutions de la loi, publiés par les réseaux de l'ESS (RTES, "
                          "CRESS, Avise, France Active…)."))
        self._ask(turn, {"d": "sub", "s": "regions", "r": regions, "t": themes})

    def _cmd_subscriptions(self, turn: Turn, args: str) -> None:
        t = turn.t
        current = self.service.subscriptions.get(turn.key)
        if current is None:
            turn.say(t._("Vous n'êtes abonné à aucune actualité. Tapez /abonner pour recevoir "
                         "les appels à projets, événements et études de l'ESS."))
        else:
            consent = dt.datetime.fromisoformat(current.consent_at).date()
            turn.say("\n".join([
                t._("Vous recevez les actualités de l'ESS pour :"),
                self._selection_text(turn, Targeting(current.regions, current.themes)),
                t._("Consentement donné le {date}.").format(date=t.format_date(consent)),
                t._("Pour changer vos choix : /abonner. Pour arrêter : /desabonner."),
            ]))
        turn.prompt()

    def _cmd_unsubscribe(self, turn: Turn, args: str) -> None:
        t = turn.t
        if self.service.subscriptions.get(turn.key) is None:
            turn.say(t._("Vous n'êtes abonné à aucune actualité : il n'y a rien à arrêter."))
        else:
            turn.write(lambda db: self.service.subscriptions.unsubscribe(turn.key))
            turn.event("unsubscribed")
            turn.say(t._("C'est fait : vous ne recevrez plus d'actualités. Votre adresse et vos "
                         "choix sont effacés."))
        turn.prompt()

    def _cmd_news(self, turn: Turn, args: str) -> None:
        t = turn.t
        current = self.service.subscriptions.get(turn.key)
        slots = turn.slots
        regions: Sequence[str]
        themes: Sequence[str]
        if current is not None:
            regions, themes = current.regions, current.themes
        else:
            regions, themes = as_list(slots.get("region")), as_list(slots.get("themes"))
        collectivite = slots.get("collectivite") if isinstance(slots.get("collectivite"),
                                                                str) else None
        if current is not None and current.collectivite:
            collectivite = current.collectivite
        found = self.service.updates.latest_for(regions, themes, collectivite,
                                                today=self.today())
        if not found:
            turn.say(t._("Aucune actualité ne correspond à votre profil pour le moment."))
        else:
            turn.say(t._("Les dernières actualités pour votre profil :"))
            for update in found:
                turn.say(update_text(update, t, footer=False))
            if current is None:
                turn.say(t._("Pour les recevoir dès leur parution : /abonner."))
        turn.prompt()

    def _cmd_publish(self, turn: Turn, args: str) -> None:
        t = turn.t
        incoming = turn.incoming
        if not self.service.publishers.may_publish(incoming.channel, incoming.user_id):
            # Logged without the pseudonym: an attempt says nothing about who tried.
            log.warning("broadcast: publication refused to a non-publisher on %s",
                        incoming.channel)
            channel = incoming.channel
            turn.write(lambda db: self.service.store.log(
                None, channel, [Event("publish_refused")]))
            turn.say(t._("Seuls les réseaux de l'ESS habilités peuvent publier des actualités. "
                         "Si vous représentez un réseau (RTES, CRESS, Avise, France Active…), "
                         "demandez à l'administrateur du bot de vous habiliter."))
            turn.prompt()
            return
        turn.say(t._("Nouvelle actualité pour les abonnés. Tapez /aide à tout moment pour "
                     "abandonner."))
        self._ask(turn, {"d": "pub", "s": "title", "r": [], "t": [], "c": []})

    def _cmd_publisher(self, turn: Turn, args: str) -> None:
        t = turn.t
        words = args.split()
        revoke = bool(words) and normalize_answer(words[0]) in ("retirer", "remove", "revoke")
        account = words[-1] if words else ""
        key = self.service.publishers.target_key(account) if account else None
        if key is None:
            turn.say(t._("Pour habiliter un compte : /publieur telegram:12345 (ou "
                         "matrix:@nom:serveur). Pour retirer : /publieur retirer "
                         "telegram:12345. Comptes habilités en chat : {count}.").format(
                count=self.service.publishers.granted_count()))
        elif revoke:
            turn.write(lambda db: self.service.publishers.revoke(key))
            turn.say(t._("Le compte {account} ne peut plus publier.").format(account=account))
        else:
            turn.write(lambda db: self.service.publishers.grant(key, turn.key))
            turn.say(t._("Le compte {account} peut désormais publier avec /publier.").format(
                account=account))
        turn.prompt()

    # -- answers ----------------------------------------------------------------------------

    def on_payload(self, turn: Turn, payload: str) -> bool:
        state = turn.dialog(self.name)
        parts = payload.removeprefix(PAYLOAD).split(":", 2)
        if state is None or "s" not in state or parts[0] != state["s"] or len(parts) < 2:
            # A button of an earlier step, or of a dialog that ended.
            turn.reject("stale_choice", turn.t._("Ce bouton n'est plus valable. Voici la "
                                                 "question en cours :"))
            return True
        self._act(turn, state, parts[1], parts[2] if len(parts) > 2 else None)
        return True

    def on_dialog_text(self, turn: Turn, text: str) -> bool:
        state = turn.dialog(self.name)
        if state is None or "s" not in state:
            return False
        if state["s"] in TYPED_STEPS:
            self._typed(turn, state, text.strip())
        else:
            turn.say(turn.t._("Je n'ai pas compris. Choisissez une option ci-dessous : "
                              "son numéro ou son nom."))
            self._ask(turn, state, again=True)
        return True

    def _act(self, turn: Turn, state: dict[str, Any], action: str, value: str | None) -> None:
        t = turn.t
        step = state["s"]
        if action == "cancel":
            turn.end_dialog()
            turn.say(t._("Abandonné : rien n'a été enregistré."))
            turn.prompt()
            return
        if step in PICK_STEPS:
            key, vocabulary = PICK_STEPS[step]
            selected = list(state.get(key, []))
            if action == "tog" and value in self._values(turn, vocabulary):
                if value in selected:
                    selected.remove(value)
                else:
                    selected.append(value)
                state[key] = selected
                self._ask(turn, state)
                return
            if action == "all":
                state[key] = []
            if action in ("ok", "all"):
                self._next(turn, state)
                return
        elif action == "skip" and step in ("link", "deadline"):
            state[step] = None
            self._next(turn, state)
            return
        elif action == "yes" and step == "consent":
            self._subscribe(turn, state)
            return
        elif action == "pub" and step == "preview":
            self._publish(turn, state)
            return
        self._ask(turn, state, again=True)

    def _typed(self, turn: Turn, state: dict[str, Any], text: str) -> None:
        """A typed answer to title, text, link or deadline: checked, then the next step."""
        t = turn.t
        step = state["s"]
        error = None
        if step == "title":
            if not 3 <= len(text) <= TITLE_MAX:
                error = t._("Le titre doit compter de 3 à {max} caractères.").format(
                    max=TITLE_MAX)
        elif step == "text":
            if not 10 <= len(text) <= TEXT_MAX:
                error = t._("Le texte doit compter de 10 à {max} caractères.").format(
                    max=t.format_number(TEXT_MAX))
        elif step == "link":
            if len(text) > LINK_MAX or not _LINK.match(text):
                error = t._("Ce n'est pas un lien valable : il doit commencer par https:// "
                            "(ou choisissez « Pas de lien »).")
        elif step == "deadline":
            day = parse_date(text)
            if day is None:
                error = t._("Je n'ai pas reconnu cette date : tapez-la sous la forme JJ/MM/AAAA, "
                            "par exemple 15/12/2026 (ou choisissez « Pas de date limite »).")
            elif day < self.today():
                error = t._("Cette date est déjà passée.")
            else:
                text = day.isoformat()
        if error is not None:
            turn.event("invalid_input", detail="validation")
            turn.say(error)
            self._ask(turn, state, again=True)
            return
        state[step] = text
        self._next(turn, state)

    def _next(self, turn: Turn, state: dict[str, Any]) -> None:
        steps = SUB_STEPS if state["d"] == "sub" else PUB_STEPS
        state["s"] = steps[steps.index(state["s"]) + 1]
        self._ask(turn, state)

    # -- asking -----------------------------------------------------------------------------

    def _ask(self, turn: Turn, state: dict[str, Any], again: bool = False) -> None:
        """Show the question of the dialog's current step, and remember the dialog."""
        t = turn.t
        step = state["s"]
        choices = tuple(self._choices(turn, state))
        if step in PICK_STEPS:
            key, vocabulary = PICK_STEPS[step]
            selection = labels(self.vocabularies(turn), vocabulary, state.get(key, []), t,
                               t._("aucune sélection (tout)"))
            text = "\n".join([t._(PICK_QUESTIONS[(state["d"], step)]),
                              t._("Sélection : {values}").format(values=selection)])
        elif step == "consent":
            text = "\n".join([
                t._("Vous recevrez les actualités de l'ESS pour :"),
                self._selection_text(turn, Targeting(tuple(state["r"]), tuple(state["t"]))),
                t._("Pour vous écrire, le bot conserve votre adresse sur cette messagerie, "
                    "chiffrée, avec vos choix et la date de votre accord. Rien d'autre. Vous "
                    "pouvez arrêter à tout moment avec /desabonner, qui efface tout cela."),
                t._("Êtes-vous d'accord ?"),
            ])
        elif step == "preview":
            draft = self._draft(state, t)
            count = len(self.service.updates.recipients(draft.targeting))
            turn.say(t._("Aperçu du message :"))
            turn.say(update_text(draft, t))
            text = "\n".join([targeting_text(draft.targeting, self.vocabularies(turn), t),
                              t._("Destinataires : {count} abonné(s).").format(
                                  count=t.format_number(count)),
                              t._("Publier maintenant ?")])
        else:
            text = {
                "title": t._("Titre de l'actualité ({max} caractères au plus) ?").format(
                    max=TITLE_MAX),
                "text": t._("Texte du message ? (un seul message, {max} caractères au "
                            "plus)").format(max=t.format_number(TEXT_MAX)),
                "link": t._("Lien vers la page de l'appel, de l'événement ou de l'étude ?"),
                "deadline": t._("Date limite (JJ/MM/AAAA) ?"),
            }[step]
        turn.ask(self.name, state, text, choices, free_text=step in TYPED_STEPS)

    def _choices(self, turn: Turn, state: dict[str, Any]) -> list[Choice]:
        t = turn.t
        step = state["s"]
        prefix = f"{PAYLOAD}{step}:"
        cancel = Choice(prefix + "cancel", t._("Annuler"))
        if step in PICK_STEPS:
            key, vocabulary = PICK_STEPS[step]
            selected = set(state.get(key, []))
            options = [Choice(f"{prefix}tog:{value}",
                              ("✓ " if value in selected else "") + label.render(t))
                       for value, label in self.vocabularies(turn).get(vocabulary, {}).items()]
            everything = {"regions": t._("Toutes les régions"), "themes": t._("Tous les thèmes"),
                          "types": t._("Toutes les collectivités")}[step]
            return [*options, Choice(prefix + "all", everything),
                    Choice(prefix + "ok", t._("Valider")), cancel]
        if step == "consent":
            return [Choice(prefix + "yes", t._("J'accepte")), cancel]
        if step == "preview":
            return [Choice(prefix + "pub", t._("Publier")), cancel]
        if step == "link":
            return [Choice(prefix + "skip", t._("Pas de lien")), cancel]
        if step == "deadline":
            return [Choice(prefix + "skip", t._("Pas de date limite")), cancel]
        return [cancel]

    # -- the end of a dialog ----------------------------------------------------------------

    def _subscribe(self, turn: Turn, state: dict[str, Any]) -> None:
        t = turn.t
        slots = turn.slots
        collectivite = slots.get("collectivite")
        collectivite = collectivite if collectivite in self._values(turn, "collectivites") else None
        regions, themes = list(state["r"]), list(state["t"])
        key, incoming, language = turn.key, turn.incoming, turn.language
        turn.write(lambda db: self.service.subscriptions.subscribe(
            key, incoming.channel, incoming.user_id, language, regions, themes, collectivite))
        turn.event("subscribed")
        turn.end_dialog()
        turn.say("\n".join([
            t._("C'est noté : vous recevrez les actualités de l'ESS pour :"),
            self._selection_text(turn, Targeting(tuple(regions), tuple(themes))),
            t._("/abonnements pour les revoir, /desabonner pour arrêter."),
        ]))
        turn.prompt()

    def _publish(self, turn: Turn, state: dict[str, Any]) -> None:
        t = turn.t
        incoming = turn.incoming
        if not self.service.publishers.may_publish(incoming.channel, incoming.user_id):
            turn.end_dialog()  # the right was withdrawn meanwhile
            turn.say(t._("Vous n'êtes plus habilité à publier."))
            turn.prompt()
            return
        draft = self._draft(state, t)
        turn.end_dialog()
        turn.event("published")
        index = len(turn.replies)
        turn.say("")  # replaced once the update has its number, in the transaction

        def publish(db: Transaction) -> None:
            update = self.service.publish(draft, author=turn.key, origin="chat")
            turn.replies[index] = Outgoing(
                t._("Publié : l'actualité n° {id} part vers {count} abonné(s), au rythme "
                    "permis par la messagerie. Suivi : essbot broadcast status {id}").format(
                    id=update.id, count=t.format_number(update.recipients)))

        turn.write(publish)
        turn.prompt()

    # -- helpers ----------------------------------------------------------------------------

    def _values(self, turn: Turn, vocabulary: str) -> set[str]:
        return set(self.vocabularies(turn).get(vocabulary, {}))

    def _draft(self, state: dict[str, Any], t: Translator) -> Draft:
        deadline = state.get("deadline")
        return Draft(title=state["title"], text=state["text"], link=state.get("link") or None,
                     deadline=dt.date.fromisoformat(deadline) if deadline else None,
                     targeting=Targeting(tuple(state["r"]), tuple(state["t"]),
                                         tuple(state["c"])),
                     language=t.language)

    def _selection_text(self, turn: Turn, targeting: Targeting) -> str:
        text = targeting_text(replace(targeting, collectivites=()), self.vocabularies(turn),
                              turn.t)
        return "\n".join(text.splitlines()[:len(DIMENSIONS) - 1])  # regions and themes


def _report(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("the broadcast worker stopped", exc_info=task.exception())
