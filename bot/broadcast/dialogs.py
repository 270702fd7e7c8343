"""The chat side of broadcasts: /abonner, /abonnements, /desabonner, /actualites, /publier,
/publieur.

These are short dialogs in the middle of a conversation: the user's place in the flow is
left untouched, the dialog's own state lives in ``conversation.pending`` (``bc:`` + JSON),
and when it ends the current question of the flow is asked again, so the user is back
where they were. A command typed meanwhile cancels the dialog, as for the engine's own
questions. Writes (subscription, publication) run in the turn's transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from bot.broadcast.model import DIMENSIONS, Draft, Targeting, as_list
from bot.broadcast.render import Vocabularies, labels, targeting_text, update_text
from bot.broadcast.service import BroadcastService
from bot.engine.engine import normalize_answer
from bot.engine.messages import Choice, Outgoing
from bot.i18n import N_, Translator
from bot.store import Event

log = logging.getLogger(__name__)

PREFIX = "bc"
PENDING = PREFIX + ":"
PAYLOAD = f"s:{PREFIX}:"
TITLE_MAX, TEXT_MAX, LINK_MAX = 120, 3000, 500
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
_LINK = re.compile(r"^https?://[^\s<>\"]+\.[^\s<>\"]+$")
_DATE_FR = re.compile(r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$")

# Multiple-choice steps: the dialog key holding the selection, and its vocabulary.
PICK_STEPS = {"regions": ("r", "regions"), "themes": ("t", "themes"),
              "types": ("c", "collectivites")}
PICK_QUESTIONS = {
    ("sub", "regions"): N_("Quelles régions voulez-vous suivre ? Touchez une région pour la "
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


class BroadcastChat:
    """The :class:`~bot.engine.engine.Extension` of broadcasts."""

    prefix = PREFIX
    command_ids = frozenset({"subscribe", "subscriptions", "unsubscribe", "news", "publish",
                             "publisher"})

    def __init__(self, service: BroadcastService,
                 today: Callable[[], dt.date] = dt.date.today):
        self.service = service
        self.today = today

    @property
    def vocabularies(self) -> Vocabularies:
        return self.service.vocabularies

    # -- commands ---------------------------------------------------------------------------

    def on_command(self, turn, command_id: str, args: str) -> None:
        getattr(self, f"_cmd_{command_id}")(turn, args)

    def _cmd_subscribe(self, turn, args: str) -> None:
        current = self.service.subscriptions.get(turn.key)
        slots = turn.conversation.slots
        if current is not None:
            regions, themes = list(current.regions), list(current.themes)
        else:  # pre-filled from the profile of the parcours
            regions = [r for r in as_list(slots.get("region")) if r in self._values("regions")]
            themes = [v for v in as_list(slots.get("themes")) if v in self._values("themes")]
        turn.say(turn.t._("Abonnez-vous aux actualités de l'ESS : appels à projets et leurs "
                          "dates limites, événements comme le Mois de l'ESS, études, "
                          "évolutions de la loi, publiés par les réseaux de l'ESS (RTES, "
                          "CRESS, Avise, France Active…)."))
        self._ask(turn, {"d": "sub", "s": "regions", "r": regions, "t": themes})

    def _cmd_subscriptions(self, turn, args: str) -> None:
        t = turn.t
        current = self.service.subscriptions.get(turn.key)
        if current is None:
            turn.say(t._("Vous n'êtes abonné à aucune actualité. Tapez /abonner pour recevoir "
                         "les appels à projets, événements et études de l'ESS."))
        else:
            consent = dt.datetime.fromisoformat(current.consent_at).date()
            turn.say("\n".join([
                t._("Vous recevez les actualités de l'ESS pour :"),
                self._selection_text(t, Targeting(current.regions, current.themes)),
                t._("Consentement donné le {date}.").format(date=t.format_date(consent)),
                t._("Pour changer vos choix : /abonner. Pour arrêter : /desabonner."),
            ]))
        turn.prompt()

    def _cmd_unsubscribe(self, turn, args: str) -> None:
        t = turn.t
        if self.service.subscriptions.get(turn.key) is None:
            turn.say(t._("Vous n'êtes abonné à aucune actualité : il n'y a rien à arrêter."))
        else:
            turn.writes.append(lambda: self.service.subscriptions.unsubscribe(turn.key))
            turn.event("unsubscribed")
            turn.say(t._("C'est fait : vous ne recevrez plus d'actualités. Votre adresse et vos "
                         "choix sont effacés."))
        turn.prompt()

    def _cmd_news(self, turn, args: str) -> None:
        t = turn.t
        current = self.service.subscriptions.get(turn.key)
        slots = turn.conversation.slots
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

    def _cmd_publish(self, turn, args: str) -> None:
        t = turn.t
        incoming = turn.incoming
        if not self.service.publishers.may_publish(incoming.channel, incoming.user_id):
            # Logged without the pseudonym: an attempt says nothing about who tried.
            log.warning("broadcast: publication refused to a non-publisher on %s",
                        incoming.channel)
            channel = incoming.channel
            turn.writes.append(lambda: self.service.store.log(
                None, channel, [Event("publish_refused")]))
            turn.say(t._("Seuls les réseaux de l'ESS habilités peuvent publier des actualités. "
                         "Si vous représentez un réseau (RTES, CRESS, Avise, France Active…), "
                         "demandez à l'administrateur du bot de vous habiliter."))
            turn.prompt()
            return
        turn.say(t._("Nouvelle actualité pour les abonnés. Tapez /aide à tout moment pour "
                     "abandonner."))
        self._ask(turn, {"d": "pub", "s": "title", "r": [], "t": [], "c": []})

    def _cmd_publisher(self, turn, args: str) -> None:
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
            turn.writes.append(lambda: self.service.publishers.revoke(key))
            turn.say(t._("Le compte {account} ne peut plus publier.").format(account=account))
        else:
            turn.writes.append(lambda: self.service.publishers.grant(key, turn.key))
            turn.say(t._("Le compte {account} peut désormais publier avec /publier.").format(
                account=account))
        turn.prompt()

    # -- answers ----------------------------------------------------------------------------

    def on_answer(self, turn, payload: str | None, text: str | None) -> bool:
        state = self._state(turn)
        if state is None:
            return False
        if payload is not None:
            parts = payload.removeprefix(PAYLOAD).split(":", 2)
            if parts[0] != state["s"] or len(parts) < 2:
                return False  # a button of an earlier step: the engine says it is stale
            self._act(turn, state, parts[1], parts[2] if len(parts) > 2 else None)
            return True
        text = (text or "").strip()
        step = state["s"]
        if step in ("title", "text", "link", "deadline"):
            # Typed answers: only a whole button label counts ("Pas de lien"), not a number.
            action = self._match(turn, state, text, whole_label=True, numbers=False)
            if action is not None:
                self._act(turn, state, *action)
            else:
                self._typed(turn, state, text)
            return True
        action = self._match(turn, state, text)
        if action is None:
            turn.say(turn.t._("Je n'ai pas compris. Touchez un bouton, ou tapez le numéro ou le "
                              "libellé d'une option."))
            self._ask(turn, state, again=True)
        else:
            self._act(turn, state, *action)
        return True

    def _state(self, turn) -> dict[str, Any] | None:
        pending = turn.conversation.pending or ""
        if not pending.startswith(PENDING):
            return None
        try:
            state = json.loads(pending.removeprefix(PENDING))
        except ValueError:
            return None
        return state if isinstance(state, dict) and "s" in state else None

    def _match(self, turn, state, text: str, whole_label: bool = False, numbers: bool = True
               ) -> tuple[str, str | None] | None:
        """The (action, value) a typed answer stands for: a number, a label, or a word."""
        choices = self._choices(turn.t, state)
        number = _NUMBER.match(text) if numbers else None
        if number:
            index = int(number.group(1)) - 1
            return _split(choices[index].payload) if 0 <= index < len(choices) else None
        wanted = normalize_answer(text)
        if not wanted:
            return None
        labelled = [(c, normalize_answer(c.label.removeprefix("✓ "))) for c in choices]
        for choice, label in labelled:
            if wanted == label:
                return _split(choice.payload)
        if whole_label:
            return None
        partial = [c for c, label in labelled if len(wanted) >= 3 and f" {wanted} " in
                   f" {label} "]
        return _split(partial[0].payload) if len(partial) == 1 else None

    def _act(self, turn, state: dict[str, Any], action: str, value: str | None) -> None:
        t = turn.t
        step = state["s"]
        if action == "cancel":
            turn.conversation.pending = None
            turn.say(t._("Abandonné : rien n'a été enregistré."))
            turn.prompt()
            return
        if step in PICK_STEPS:
            key, vocabulary = PICK_STEPS[step]
            selected = list(state.get(key, []))
            if action == "tog" and value in self._values(vocabulary):
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

    def _typed(self, turn, state: dict[str, Any], text: str) -> None:
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
                            "(ou touchez « Pas de lien »).")
        elif step == "deadline":
            day = parse_date(text)
            if day is None:
                error = t._("Je n'ai pas reconnu cette date : tapez-la sous la forme JJ/MM/AAAA, "
                            "par exemple 15/12/2026 (ou touchez « Pas de date limite »).")
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

    def _next(self, turn, state: dict[str, Any]) -> None:
        steps = SUB_STEPS if state["d"] == "sub" else PUB_STEPS
        state["s"] = steps[steps.index(state["s"]) + 1]
        self._ask(turn, state)

    # -- asking -----------------------------------------------------------------------------

    def _ask(self, turn, state: dict[str, Any], again: bool = False) -> None:
        """Show the question of the dialog's current step, and remember the dialog."""
        t = turn.t
        step = state["s"]
        turn.conversation.pending = PENDING + json.dumps(state, ensure_ascii=False)
        choices = tuple(self._choices(t, state))
        if step in PICK_STEPS:
            key, vocabulary = PICK_STEPS[step]
            selection = labels(self.vocabularies, vocabulary, state.get(key, []), t,
                               t._("aucune sélection (tout)"))
            text = "\n".join([t._(PICK_QUESTIONS[(state["d"], step)]),
                              t._("Sélection : {values}").format(values=selection)])
        elif step == "consent":
            text = "\n".join([
                t._("Vous recevrez les actualités de l'ESS pour :"),
                self._selection_text(t, Targeting(tuple(state["r"]), tuple(state["t"]))),
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
            text = "\n".join([targeting_text(draft.targeting, self.vocabularies, t),
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
        turn.say(text, choices)

    def _choices(self, t: Translator, state: dict[str, Any]) -> list[Choice]:
        step = state["s"]
        prefix = f"{PAYLOAD}{step}:"
        cancel = Choice(prefix + "cancel", t._("Annuler"))
        if step in PICK_STEPS:
            key, vocabulary = PICK_STEPS[step]
            selected = set(state.get(key, []))
            options = [Choice(f"{prefix}tog:{value}",
                              ("✓ " if value in selected else "") + label.render(t))
                       for value, label in self.vocabularies.get(vocabulary, {}).items()]
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

    def _subscribe(self, turn, state: dict[str, Any]) -> None:
        t = turn.t
        slots = turn.conversation.slots
        collectivite = slots.get("collectivite")
        collectivite = collectivite if collectivite in self._values("collectivites") else None
        regions, themes = list(state["r"]), list(state["t"])
        key, incoming, language = turn.key, turn.incoming, turn.language
        turn.writes.append(lambda: self.service.subscriptions.subscribe(
            key, incoming.channel, incoming.user_id, language, regions, themes, collectivite))
        turn.event("subscribed")
        turn.conversation.pending = None
        turn.say("\n".join([
            t._("C'est noté : vous recevrez les actualités de l'ESS pour :"),
            self._selection_text(t, Targeting(tuple(regions), tuple(themes))),
            t._("/abonnements pour les revoir, /desabonner pour arrêter."),
        ]))
        turn.prompt()

    def _publish(self, turn, state: dict[str, Any]) -> None:
        t = turn.t
        incoming = turn.incoming
        if not self.service.publishers.may_publish(incoming.channel, incoming.user_id):
            turn.conversation.pending = None  # the right was withdrawn meanwhile
            turn.say(t._("Vous n'êtes plus habilité à publier."))
            turn.prompt()
            return
        draft = self._draft(state, t)
        turn.conversation.pending = None
        turn.event("published")
        index = len(turn.replies)
        turn.say("")  # replaced once the update has its number, in the transaction

        def publish() -> None:
            update = self.service.publish(draft, author=turn.key, origin="chat")
            turn.replies[index] = Outgoing(
                t._("Publié : l'actualité n° {id} part vers {count} abonné(s), au rythme "
                    "permis par la messagerie. Suivi : essbot broadcast status {id}").format(
                    id=update.id, count=t.format_number(update.recipients)))

        turn.writes.append(publish)
        turn.prompt()

    # -- helpers ----------------------------------------------------------------------------

    def _values(self, vocabulary: str) -> set[str]:
        return set(self.vocabularies.get(vocabulary, {}))

    def _draft(self, state: dict[str, Any], t: Translator) -> Draft:
        deadline = state.get("deadline")
        return Draft(title=state["title"], text=state["text"], link=state.get("link") or None,
                     deadline=dt.date.fromisoformat(deadline) if deadline else None,
                     targeting=Targeting(tuple(state["r"]), tuple(state["t"]),
                                         tuple(state["c"])),
                     language=t.language)

    def _selection_text(self, t: Translator, targeting: Targeting) -> str:
        text = targeting_text(replace(targeting, collectivites=()), self.vocabularies, t)
        return "\n".join(text.splitlines()[:len(DIMENSIONS) - 1])  # regions and themes


def _split(payload: str) -> tuple[str, str | None]:
    parts = payload.removeprefix(PAYLOAD).split(":", 2)
    return parts[1], parts[2] if len(parts) > 2 else None


def parse_date(text: str) -> dt.date | None:
    """15/12/2026, 15-12-2026, 15.12.2026 or 2026-12-15."""
    match = _DATE_FR.match(text)
    try:
        if match:
            day, month, year = (int(g) for g in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None
