"""One incoming message, handled: :class:`Turn`, the public face of a conversation turn.

The engine creates a turn per message, pinned to one :class:`~bot.engine.snapshot.Snapshot`;
the turn reads the conversation, works in memory, and the engine writes what it decided
in one transaction. Features act on the conversation only through the public methods of
:class:`Turn` (``say``, ``ask``, ``prompt``, ``event``, ``write``, ``dialog``...).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bot.engine.choices import (
    GO_ON_LABELS,
    NOT_KNOWING,
    NOT_KNOWING_LABELS,
    YES_WORDS,
    Offered,
    normalize_answer,
    says_words,
)
from bot.engine.commands import ParsedCommand
from bot.engine.conversation import ENGINE, Conversation, Dialog, copy_slots
from bot.engine.early import MAX_WORDS, asking_states, asks, denies, states_ahead, value_by_words
from bot.engine.extension import Audience, Command, FreeText
from bot.engine.flow import (
    ActionCall,
    ActionContext,
    Candidate,
    Flow,
    FlowChoice,
    SlotType,
    State,
    TextInput,
)
from bot.engine.flowparse import choice_payload
from bot.engine.graph import questions_to_end
from bot.engine.machine import ADVANCE, SUBMIT, choose
from bot.engine.messages import Choice, Incoming, Kind, Outgoing
from bot.engine.several import picked_in, values_named
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator, normalize_language, translator
from bot.store import Event, Transaction

if TYPE_CHECKING:
    from bot.engine.engine import Engine
    from bot.engine.snapshot import Snapshot

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
REPROMPT_MAX_TEXT = 280  # longer texts of a state are not repeated when it is asked again
MAX_AUTOMATIC_STEPS = 20  # validation forbids loops; this only bounds a bug's damage
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
SYSTEM = "s:"  # payloads of the engine's own questions
LANGUAGE_PAYLOAD = "s:lang:"
FORGET_YES, FORGET_NO = "s:forget:yes", "s:forget:no"
PICK_PAYLOAD = "s:pick:"  # the user picks one of several candidates a resolver found
# Greetings and thanks typed alone, SMS spellings included: the question again (after
# « Avec plaisir ! » for thanks), not « Je n'ai pas compris ».
GREETINGS = frozenset({"bonjour", "bjr", "bonsoir", "bsr", "salut", "slt", "coucou", "hello",
                       "hi", "good morning"})
THANKS = frozenset({"merci", "merci beaucoup", "mci", "thanks", "thank you"})


_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")  # « (976, Mayotte) » after a name


def is_whole_name(label: str, wanted: str) -> bool:
    """Whether ``wanted`` (normalized) is the whole of an entity's label, or of its name
    before the parenthesis that qualifies it (« sada » for « Sada (976, Mayotte) »; not
    « bon » for « Bon-Encontre (47, …) »)."""
    return wanted in (normalize_answer(label), normalize_answer(_QUALIFIER.sub("", label)))


def names_whole(candidate: Candidate, wanted: str) -> bool:
    """Whether ``wanted`` (normalized) is the whole of one of the candidate's names: its label
    or a name it was also found by (« saint dizier leyrenne » for Saint-Dizier-Masbaraud)."""
    return any(is_whole_name(name, wanted) for name in (candidate.label, *candidate.also))


class Turn:
    """The handling of one incoming message; discarded afterwards."""

    def __init__(self, engine: Engine, snapshot: Snapshot, key: str, incoming: Incoming):
        self._engine = engine
        self.snapshot = snapshot
        self.key = key  # the pseudonym
        self.incoming = incoming  # the raw id is in memory only, never stored
        self.replies: list[Outgoing] = []
        self.events: list[Event] = []
        self.conversation: Conversation | None = None
        self.forgotten = False
        self._writes: list[Callable[[Transaction], object]] = []
        # How typed text may pick among the choices of the last question shown.
        self._free_text_question, self._numbers_pick = False, True
        self.language = normalize_language(incoming.locale) or engine.default_language
        self.language_changed = False  # by this turn: the labels shown before are stale
        self._pending_pick: list[Candidate] = []  # offered before this text (on_text)

    # -- what features use ---------------------------------------------------------------

    @property
    def t(self) -> Translator:
        return translator(self.language)

    @property
    def conv(self) -> Conversation:
        assert self.conversation is not None, "the conversation is loaded first"
        return self.conversation

    @property
    def flow(self) -> Flow:
        return self.snapshot.flows[self.conv.flow_id]

    @property
    def state(self) -> State:
        return self.flow.states[self.conv.state]

    @property
    def slots(self) -> dict[str, Any]:
        """A copy of the conversation's answers (changing it changes nothing)."""
        return copy_slots(self.conv.slots)

    @property
    def is_admin(self) -> bool:
        return self._engine.is_admin(self.incoming.channel, self.incoming.user_id)

    def part(self, name: str) -> Any:
        """The data a feature loaded for the snapshot this turn serves."""
        return self.snapshot.part(name)

    def say(self, text: str, choices: tuple[Choice, ...] = ()) -> None:
        self.replies.append(Outgoing(text, choices))

    def reply(self, *messages: Outgoing) -> None:
        self.replies.extend(messages)

    def event(self, kind: str, **fields: Any) -> None:
        flow = self.conversation.flow_id if self.conversation else None
        self.events.append(Event(kind, flow=fields.pop("flow", flow), **fields))

    def write(self, function: Callable[[Transaction], object]) -> None:
        """Run ``function`` in the transaction that saves this turn (after the state)."""
        self._writes.append(function)

    def ask(self, owner: str, data: Mapping[str, Any], text: str,
            choices: tuple[Choice, ...] = (), free_text: bool = False) -> None:
        """Ask a question outside the flow; its answer goes back to ``owner``.

        A pressed (or typed) choice comes as a payload to ``on_payload``; other typed text
        to ``on_dialog_text``. ``free_text``: the question takes typed text, so a number or
        a part of a label is not read as a choice (only a whole label is).
        """
        self.conv.dialog = Dialog(owner, dict(data))
        self._free_text_question, self._numbers_pick = free_text, not free_text
        self.say(text, choices)

    def dialog(self, owner: str) -> dict[str, Any] | None:
        """The data of ``owner``'s dialog if it is the one waiting, else None."""
        dialog = self.conv.dialog
        return dict(dialog.data) if dialog is not None and dialog.owner == owner else None

    def end_dialog(self) -> None:
        self.conv.dialog = None

    def prompt(self, choices: tuple[Choice, ...] = ()) -> None:
        """Ask the current question of the flow again, without re-running its actions;
        ``choices``: a feature's own, offered before the state's. Without them, the buttons
        its actions had added (« Financements », « Ma feuille de route »...) come again:
        an aside (a question, /feuille) must not take away the menu the user was reading."""
        state = self.conv.state
        self.render(state, entering=False, extra=choices or self.menu_of(state))

    def menu_of(self, state_name: str) -> tuple[Choice, ...]:
        """The choices, other than the state's own, that the user last saw beside this
        state's question (none if they saw something else last, or in another language)."""
        own = {choice_payload(state_name, c.id)
               for c in self.available_choices(self.flow.states[state_name])}
        offered = self.conv.offered.choices
        if (not own or self.language_changed
                or not own <= {choice.payload for choice in offered}):
            return ()
        return tuple(choice for choice in offered if choice.payload not in own)

    def greet_back(self) -> None:
        """A greeting typed alone: a word back and the current question's options, without
        its texts again (the welcome said twice, word for word, read as a duplicate)."""
        state_name = self.conv.state
        choices = self.menu_of(state_name) + tuple(
            Choice(choice_payload(state_name, c.id), c.label.render(self.t))
            for c in self.available_choices(self.state))
        if not choices:
            self.prompt()
            return
        self._free_text_question, self._numbers_pick = self.state.input is not None, True
        self.say(self.t._("Bonjour ! Choisissez une option ci-dessous : son numéro ou son nom."),
                 choices)

    def run_flow_command(self, command_id: str) -> bool:
        """Run the actions the flow gives to a command (``commands:``); False if none."""
        calls = self.flow.commands.get(command_id, ())
        guard = self.flow.command_guards.get(command_id)
        if calls and guard is not None and not guard.when.holds(self.conv.slots):
            remaining = questions_to_end(self.flow, self.conv.state) or 1
            self.say(guard.before.render(self.t, {**self.slot_values(),
                                                  "remaining": self.t.format_number(remaining)}))
            return True
        self.run_actions(calls, self.conv.state)
        return bool(calls)

    def reject(self, reason: str, message: str) -> None:
        """Refuse an input: say why, ask the current question again, change nothing."""
        self.event("invalid_input", state=self.conv.state, detail=reason)
        self.say(message)
        self.prompt()

    # -- the turn ------------------------------------------------------------------------

    def run(self) -> None:
        incoming = self.incoming
        text = _CONTROL.sub("", incoming.text).strip() if incoming.kind is Kind.TEXT else ""
        command = self._engine.parse_command(text) if text.startswith("/") else None
        self.conversation = self._engine.store.load_conversation(self.key)
        if self.conversation is None:
            if command and command.command and command.command.id == "forget":
                self.say(self.t._("Je n'ai rien enregistré à votre sujet : il n'y a rien à "
                                  "effacer."))
                return
            self.begin()
            if command is None and text and self.take_a_name_typed_early(self.state, text):
                return  # « bonjour, je suis à la mairie de Faux-la-Montagne » as a first message
            if command is None or (command.command and command.command.id == "start"):
                return  # a first message, whatever it says, is answered by the welcome
        else:
            self.language = self.conversation.language
            if self.recover_missing_state() and command is None:
                return  # the message answered a question that is gone: show where they are
        if incoming.kind is Kind.TEXT and len(incoming.text) > MAX_TEXT_LENGTH:
            self.event("invalid_input", state=self.conv.state, detail="too_long")
            self.say(self.t._("Votre message est trop long (plus de {limit} caractères). "
                              "Pouvez-vous le raccourcir ?").format(
                limit=self.t.format_number(MAX_TEXT_LENGTH)))
            self.prompt()
        elif command is not None:
            self.run_command(command)
        elif incoming.kind is Kind.CHOICE:
            self.on_payload(incoming.payload)
        elif not text:
            self.prompt()
        else:
            self.on_text(text)

    def finish(self) -> None:
        """Remember what the user now sees, to read a typed number or label next time."""
        if self.conversation is not None and not self.forgotten:
            self.conversation.offered = Offered.last_of(self.replies, self._free_text_question,
                                                        self._numbers_pick)

    def commit(self, db: Transaction) -> None:
        """Write what the turn decided; called inside one transaction."""
        store = self._engine.store
        if self.forgotten:
            store.forget(self.key, [e.forget for e in self._engine.extensions])
        elif self.conversation is not None:
            self.conversation.flow_version = self.flow.version
            store.save_conversation(self.conversation)
            store.log(self.key, self.incoming.channel, self.events)
        for write in self._writes:
            write(db)

    def begin(self) -> None:
        flow = self.snapshot.main
        self.conversation = Conversation(
            key=self.key, channel=self.incoming.channel, flow_id=flow.id, state=flow.start,
            flow_version=flow.version, language=self.language,
        )
        self.event("conversation_started", state=flow.start)
        self.render(flow.start, entering=True)

    def recover_missing_state(self) -> bool:
        """Bring a conversation onto the live flow after a reload; True if it had to move.

        A state that was renamed is followed (``renamed_from``); a removed one leads to the
        flow's ``fallback`` state, or its start; a removed flow to the main flow's start.
        The user is told, and shown the question where they now are.
        """
        conversation = self.conv
        flow = self.snapshot.flows.get(conversation.flow_id)
        if flow is not None and conversation.flow_version != flow.version:
            # /retour must not lead to a state that is gone.
            conversation.back = [(flow.renamed.get(state, state), slots)
                                 for state, slots in conversation.back
                                 if flow.renamed.get(state, state) in flow.states]
        if flow is not None and conversation.state in flow.states:
            return False
        old_state = conversation.state
        if flow is None:
            flow = self.snapshot.main
            target = flow.start
            conversation.back.clear()
        else:
            target = flow.renamed.get(old_state) or flow.fallback or flow.start
        self.event("state_missing", flow=flow.id, state=old_state, target=target)
        conversation.flow_id, conversation.dialog = flow.id, None
        if target == flow.start and old_state not in flow.renamed:
            conversation.back.clear()
            self.say(self.t._("Le parcours a été modifié depuis votre dernier passage : "
                              "nous reprenons au début."))
        else:
            self.say(self.t._("Le parcours a été mis à jour depuis votre dernier passage. "
                              "Vos réponses sont conservées ; vous reprenez ici :"))
        self.move(target, via="migrated")
        return True

    # -- rendering ----------------------------------------------------------------------

    def available_choices(self, state: State) -> list[FlowChoice]:
        slots = self.conv.slots
        return [c for c in state.choices if c.when is None or c.when.holds(slots)]

    def slot_values(self) -> dict[str, str]:
        t = self.t
        return {name: slot.display(self.conv.slots.get(name), t)
                for name, slot in self.flow.slots.items()}

    def render(self, state_name: str, entering: bool, extra: tuple[Choice, ...] = (),
               again: bool = False) -> None:
        """Show a state: its texts, the output of its actions (on entry), its choices.

        ``again``: shown as on entry (its actions run), but it was entered before: not
        counted as completed a second time (the parcours resumed by /start).

        Choices an action put on the last message (a feature's buttons) come first, then
        the state's, in one list: a typed number means the same on every channel.
        """
        flow = self.flow
        state = flow.states[state_name]
        t = self.t
        values = self.slot_values() if any(text.has_placeholders for text in state.say) else None
        first = len(self.replies)
        for text in state.say:
            rendered = text.render(t, values)
            # Asked again, a long explanation is noise: the choices carry the question.
            if entering or len(rendered) <= REPROMPT_MAX_TEXT or not state.choices:
                self.say(rendered)
        if entering:
            self.run_actions(state.actions, state_name)
            if state.final and not again:
                self.event("completed", state=state_name)
        # A typed answer is expected: a number still picks from the list (« 1. Passer »).
        self._free_text_question, self._numbers_pick = state.input is not None, True
        choices = extra + tuple(Choice(choice_payload(state_name, c.id), c.label.render(t))
                                for c in self.available_choices(state))
        if choices:
            if len(self.replies) > first and self.replies[-1].document is None:
                last = self.replies[-1]
                self.replies[-1] = replace(last, choices=last.choices + choices)
            else:
                self.say(t._("Choisissez une option :"), choices)

    def run_actions(self, calls: tuple[ActionCall, ...], state_name: str) -> None:
        """Run flow actions (of a state, or of a command); log the items they showed."""
        for call in calls:
            context = ActionContext(self.flow, self.slots, self.t)
            self.replies.extend(self.snapshot.actions[call.name].run(context, call.args))
            if context.shown_items:
                self.event("recommended", state=state_name, detail=call.name,
                           items=tuple(context.shown_items))

    # -- moving in the flow -------------------------------------------------------------

    def move(self, target: str, via: str) -> None:
        conversation = self.conv
        compiled = self.snapshot.compiled[conversation.flow_id]
        next_target: str | None = target
        for _ in range(MAX_AUTOMATIC_STEPS):
            if next_target is None:
                raise RuntimeError(f"no automatic branch of {conversation.state!r} applies")
            self.event("transition", state=conversation.state, target=next_target, detail=via)
            conversation.state = next_target
            self.render(next_target, entering=True)
            state = self.state
            if state.waits_for_user or not state.branches:
                return
            next_target = compiled.step(conversation.state, conversation.slots, ADVANCE)
            via = "automatic"
        raise RuntimeError(f"more than {MAX_AUTOMATIC_STEPS} automatic steps in a row")

    def slots_after(self, choice: FlowChoice, before: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
        """The slots as the choice leaves them (cleared, set, added to)."""
        slots = copy_slots(self.conv.slots if before is None else before)
        for slot in choice.clear:
            slots.pop(slot, None)
        for slot, value in choice.assign:
            slots[slot] = value
        for slot, value in choice.add:
            values = slots.setdefault(slot, [])
            if value not in values:
                values.append(value)
        return slots

    def apply_choice(self, choice: FlowChoice, *before: FlowChoice) -> None:
        """Take the choice, after ``before`` (the other answers of one message: « insertion
        et alimentation »), in one step that /retour undoes at once."""
        conversation = self.conv
        slots = conversation.slots
        for one in (*before, choice):
            slots = self.slots_after(one, slots)
        target = self.snapshot.compiled[conversation.flow_id].step(
            conversation.state, slots, choose(choice.id))
        if target is None:
            raise RuntimeError(f"no branch of choice {choice.id!r} applies")
        conversation.push_back()
        conversation.slots = slots
        for one in (*before, choice):
            for slot, value in (*one.assign, *one.add):
                self.event("slot_set", state=conversation.state, slot=slot, value=value)
        self.move(target, via="choice")

    def several_choices(self, state: State, text: str) -> tuple[list[FlowChoice],
                                                                list[FlowChoice]]:
        """The choices that add to a slot which one message lists several of (« insertion et
        alimentation », « 2 et 3 » at the themes), each answer picking one as if typed alone,
        and those among them whose values the slot already holds (« cités de l'emploi et
        villages d'avenir » where the first was found); nothing when it lists fewer than two
        or one answer picks nothing such."""
        adding = {choice_payload(state.name, c.id): c for c in self.available_choices(state)
                  if c.add}
        held = self.held_choices(state)
        held_offered = Offered(tuple(Choice(payload, choice.label.render(self.t))
                                     for payload, choice in held.items()), numbers=False)

        def pick(part: str) -> str | None:
            picked = self.conv.offered.match(part)
            if picked is not None and picked.payload in adding:
                return picked.payload
            picked = held_offered.match(part) if picked is None else None
            return picked.payload if picked is not None else None

        found = picked_in(text, pick)
        if len(found) < 2 or not any(payload in adding for payload in found):
            return [], []
        return ([adding[payload] for payload in found if payload in adding],
                [held[payload] for payload in found if payload in held])

    def held_choices(self, state: State) -> dict[str, FlowChoice]:
        """The state's choices that are not offered because the slot they add to already
        holds their values (« Cités de l'emploi », found in the published lists), by
        payload."""
        offered = {choice.id for choice in self.available_choices(state)}
        slots = self.conv.slots
        return {choice_payload(state.name, choice.id): choice for choice in state.choices
                if choice.add and choice.id not in offered
                and all(value in (slots.get(slot) or []) for slot, value in choice.add)}

    def already_held(self, state: State, text: str) -> bool:
        """Values the question adds to its slot, named although the slot already holds them
        (« cités de l'emploi » where the lists found it), maybe followed by what goes on
        (« cités de l'emploi c bon »): « Déjà retenu : … », then the choice that goes on, or
        the question again. False when the text is not such."""
        held = self.held_choices(state)
        if not held:
            return False
        offered = Offered(tuple(Choice(payload, choice.label.render(self.t))
                                for payload, choice in held.items()), numbers=False)

        def pick(part: str) -> str | None:
            picked = offered.match(part)
            return picked.payload if picked is not None else None

        own = {choice_payload(state.name, c.id): c for c in self.available_choices(state)
               if not c.add}
        words = text.split()
        # what goes on after the values first: « cités de l'emploi c bon » is close enough
        # to the label alone to be read as a slip of the keyboard
        for cut in (*range(1, len(words)), len(words)):
            found = picked_in(" ".join(words[:cut]), pick)
            tail = " ".join(words[cut:])
            after = self.conv.offered.match(tail) if tail else None
            if not found or (tail and (after is None or after.payload not in own)):
                continue
            self.say(self.t._("Déjà retenu : {values}.").format(
                values=", ".join(held[payload].label.render(self.t) for payload in found)))
            if after is not None:
                self.apply_choice(own[after.payload])
            else:
                self.prompt()
            return True
        return False

    def keep_for_later(self, state: State, text: str) -> bool:
        """Values of an ``early`` slot typed before its question (« insertion et
        alimentation » at the territory question, « on débute » at the themes): kept in the
        slot, said so, and the current question asked again. Only while one of its questions
        lies ahead and this one does not ask it; a single value only by its choice's
        ``words``, and never over another one already given. Named again: « déjà noté »."""
        ahead = states_ahead(self.flow, state.name, self.conv.slots)
        for name, slot in self.flow.slots.items():
            asking = asking_states(self.flow, name) if slot.early else set()
            if state.name in asking or not asking & ahead:
                continue
            if slot.multiple:
                values = values_named(slot, text, self.t)
            else:
                one = value_by_words(self.flow, name, asking, text, self.t)
                values = [one] if one is not None else []
            held = self.conv.slots.get(name)
            kept = list(held) if isinstance(held, list) else [held] if held else []
            new = [value for value in values if value not in kept]
            if not values or (new and kept and not slot.multiple):
                continue
            if not new:
                self.say(self.t._("Déjà noté : {values}. J'y reviendrai à la question qui s'y "
                                  "rapporte ; pour l'instant :").format(
                    values=slot.display(values, self.t)))
                self.prompt()
                return True
            self.conv.slots = {**copy_slots(self.conv.slots),
                               name: kept + new if slot.multiple else new[0]}
            for value in new:
                self.event("slot_set", state=state.name, slot=name, value=value)
            self.say(self.t._("Noté pour plus tard : {values}. J'y reviendrai à la question "
                              "qui s'y rapporte ; pour l'instant :").format(
                values=slot.display(new, self.t)))
            self.prompt()
            return True
        return False

    # -- payloads (pressed buttons, or typed answers that picked one) --------------------

    def on_payload(self, payload: str) -> None:
        if payload.startswith(SYSTEM):
            self.on_system_answer(payload)
            return
        extension = self._engine.extension_of_payload(payload)
        if extension is not None:
            if extension.on_payload(self, payload):
                self.event("payload", state=self.conv.state, detail=extension.name)
            else:
                self.reject("forged_choice", self.t._("Je n'ai pas reconnu ce choix."))
            return
        conversation = self.conv
        conversation.dialog = None
        parts = payload.split(":", 2)
        if len(parts) != 3 or parts[0] != "c":
            self.reject("forged_choice", self.t._("Je n'ai pas reconnu ce choix."))
            return
        _, state_name, choice_id = parts
        if state_name != conversation.state:
            self.reject("stale_choice", self.t._("Ce bouton correspond à une question "
                                                 "précédente. Voici la question en cours :"))
            return
        for choice in self.available_choices(self.state):
            if choice.id == choice_id:
                self.apply_choice(choice)
                return
        self.reject("forged_choice", self.t._("Ce choix n'est pas proposé ici."))

    # -- typed text ---------------------------------------------------------------------

    def on_text(self, text: str) -> None:
        conversation = self.conv
        picked = conversation.offered.match(text)
        if picked is not None:
            self.on_payload(picked.payload)
            return
        dialog = conversation.dialog
        # the candidates offered just before (« Roubaix », « Bousignies »): kept if the text
        # names no territory either (« oui »), rather than lost with a « not found »
        self._pending_pick = self.pending_candidates()
        if dialog is not None:
            owner = self._engine.extension_named(dialog.owner)
            if owner is not None and owner.on_dialog_text(self, text):
                return
            conversation.dialog = None  # the text answers something else
        # « feuille de route », « retour » typed where no button says it: the command, even
        # where a name is typed (« retour » was read as the commune of Retournac).
        named = self._engine.registry.by_phrase(text)
        if named is not None:
            self.run_command(named)
            return
        state = self.state
        if state.input is not None:
            self.on_input(state, text)
            return
        said = normalize_answer(text)
        if said in THANKS:
            self.say(self.t._("Avec plaisir !"))
            self.prompt()
            return
        if said in GREETINGS:
            self.greet_back()
            return
        worded = self.choice_by_words(state, text) or self.choice_in_other_language(state, text)
        if worded is not None:
            self.apply_choice(worded)
            return
        several, held = self.several_choices(state, text)
        if several:
            if held:
                self.say(self.t._("Déjà retenu : {values}.").format(
                    values=", ".join(choice.label.render(self.t) for choice in held)))
            self.apply_choice(several[-1], *several[:-1])
            return
        if self.keep_for_later(state, text) or self.already_held(state, text):
            return
        if self.unsure_or_ambiguous(state, said):
            return
        in_sentence = self.label_in_sentence(state, text)
        if in_sentence is not None:
            self.apply_choice(in_sentence)
            return
        other = self.choice_elsewhere(text) if state.choices else None
        if other is not None:
            # « continuer » where nothing continues: a question search would only find noise.
            # What they typed is quoted (« oui », not another question's « Oui, c'est bien
            # ça »), as the label when it is the whole label.
            said = other if normalize_answer(other) == normalize_answer(text) else text
            self.reject("unexpected_text", self.t._(
                "« {answer} » ne répond pas à cette question. Choisissez une option ci-dessous : "
                "son numéro ou son nom.").format(answer=said))
            return
        if state.choices and self.take_a_name_typed_early(state, text):
            return
        if self.answer_free_text(text, FreeText.UNEXPECTED):
            return
        hint = self.name_typed_elsewhere(text)
        if hint is not None:
            self.reject("typed_elsewhere", hint)
            return
        if state.choices:
            message = self.t._("Je n'ai pas compris votre réponse. Choisissez une option "
                               "ci-dessous : son numéro ou son nom.")
        else:
            message = self.t._("Je n'ai pas compris. Tapez /aide pour voir ce que je sais "
                               "faire, ou /recommencer pour un nouveau parcours.")
        self.reject("unexpected_text", message)

    def label_in_sentence(self, state: State, text: str) -> FlowChoice | None:
        """The one offered choice that adds to a slot whose whole label a short sentence
        holds (« on est en montagne aussi » at the contexts), or None: when it names none or
        several, asks something, or says no (the flow's ``negation_words``: « on n'est pas en
        montagne »)."""
        said = f" {normalize_answer(text)} "
        if len(said.split()) > MAX_WORDS or asks(self.flow, text) or denies(self.flow, text):
            return None
        found = [choice for choice in self.available_choices(state) if choice.add
                 and f" {normalize_answer(choice.label.render(self.t))} " in said]
        return found[0] if len(found) == 1 else None

    def unsure_or_ambiguous(self, state: State, said: str) -> bool:
        """« je ne sais pas » where no choice says it (the step question), or a bare « oui »
        where the question offers more values or going on (« Un autre thème, ou « Continuer »
        ? »): how to answer, and the question again, rather than « ne répond pas à cette
        question » with another question's label. False for any other text."""
        offered = self.available_choices(state)
        if said in NOT_KNOWING or said in NOT_KNOWING_LABELS:
            if not offered:
                return False
            self.reject("unsure", self.t._(
                "Si vous hésitez, choisissez la réponse la plus proche de votre situation "
                "(son numéro ou son nom) : vous pourrez revenir sur ce choix avec /retour."))
            return True
        if said not in YES_WORDS or not any(choice.add for choice in offered):
            return False
        go_on = [choice.label.render(self.t) for choice in offered if not choice.add
                 and normalize_answer(choice.label.render(self.t)).split()[-1:]
                 and normalize_answer(choice.label.render(self.t)).split()[-1] in GO_ON_LABELS]
        if len(go_on) != 1:
            return False
        self.reject("ambiguous_yes", self.t._(
            "Pour en ajouter un autre, choisissez-le dans la liste (son numéro ou son nom) ; "
            "pour passer à la suite, choisissez « {go_on} ».").format(go_on=go_on[0]))
        return True

    def fits(self, spec: TextInput, text: str) -> bool:
        """The text has the length and the form the input asks for."""
        return spec.min_length <= len(text) <= spec.max_length and (
            spec.pattern is None or spec.pattern.fullmatch(text) is not None)

    def looked_up(self, spec: TextInput, text: str) -> tuple[str, list[Candidate]]:
        """The text normalized, and what the input's resolver finds for it (nothing when the
        text does not have the input's form)."""
        assert spec.resolve is not None
        wanted = normalize_answer(text)
        if not wanted or not self.fits(spec, text):
            return wanted, []
        return wanted, self.snapshot.resolvers[spec.resolve.resolver].lookup(text)

    def names_whole(self, spec: TextInput, text: str) -> list[Candidate]:
        """What the input's resolver finds whose whole name the text is (« sada » for « Sada
        (976, Mayotte) »), not what only resembles it (« cress »)."""
        wanted, candidates = self.looked_up(spec, text)
        return [c for c in candidates if names_whole(c, wanted)]

    def name_typed_elsewhere(self, text: str) -> str | None:
        """The flow's hint (an input's ``elsewhere``) when the text is a name that input looks
        up, typed where nothing leads to it (« Tourcoing » on the results), else None."""
        for state in self.flow.states.values():
            spec = state.input
            if spec is None or spec.resolve is None or spec.elsewhere is None:
                continue
            if self.names_whole(spec, text):
                return spec.elsewhere.render(self.t, {**self.slot_values(), "answer": text})
        return None

    def take_a_name_typed_early(self, state: State, text: str) -> bool:
        """A name typed one question early (« faux la montagne » at the welcome's buttons, another
        commune where the one found is to be confirmed, « bjr je sui a la mairie de sada »):
        when exactly one offered choice leads straight to a question that looks names up, and
        the text is exactly one name it knows (the whole name, after the input's ``lead_ins``
        if any; not a word that only sounds like places: « cress »), take that choice and the
        name at once. /retour then goes back to the question the name answered."""
        routes = []
        for choice in self.available_choices(state):
            if len(choice.branches) != 1 or choice.branches[0].condition is not None:
                continue
            target = self.flow.states.get(choice.branches[0].target)
            if target is not None and target.input is not None and target.input.resolve:
                routes.append((choice, target))
        if len(routes) != 1:
            return False
        choice, target = routes[0]
        spec = target.input
        assert spec is not None
        names = self.names_in(spec, text)
        if not (self.names_whole(spec, text) or self.names_whole(spec, names[0])
                or len(names) > 1):
            return False  # neither a whole name (after a greeting: « bonjour, Faux-la-Montagne »)
                          # nor opened by a lead-in: a question, a word
        found = next((one for one in map(functools.partial(self.one_name, spec), names)
                      if one is not None), None)
        # « Marsac »: several communes bear the name; « Val de Drôme »: the village, and the
        # intercommunalité whose name starts with it, offered beside it
        wanted, candidates = self.looked_up(spec, names[-1])
        homonyms = len(candidates) > 1 and any(names_whole(c, wanted) for c in candidates)
        if found is None and not homonyms:
            return False
        self.go_straight_to(choice, target)
        if found is None:  # the user picks one
            self.resolve_input(target, names[-1])
        else:
            self.accept_input(target, found.label, found)
        return True

    def go_straight_to(self, choice: FlowChoice, target: State) -> None:
        """Take the choice that leads to the target question, as if it had been pressed."""
        conversation = self.conv
        slots = self.slots_after(choice)
        conversation.push_back()
        conversation.slots = slots
        self.event("transition", state=conversation.state, target=target.name,
                   detail="typed_early")
        conversation.state = target.name

    def one_name(self, spec: TextInput, text: str | None) -> Candidate | None:
        """The one entity the input's resolver finds for the text, if the text is its whole
        name, or its whole name after more of the input's ``lead_ins`` (« conseil
        departemental de la creuse », « ept boucle nord de seine »: the resolver reads the
        kind, the name is whole); None when it finds none, several, or only names the text
        resembles."""
        wanted, candidates = self.looked_up(spec, text or "")
        if len(candidates) != 1:
            return None
        names = [wanted]
        while (rest := self.after_lead_in(spec, names[-1], greeting=False)) and rest != names[-1]:
            names.append(rest)
        return candidates[0] if any(names_whole(candidates[0], n) for n in names) else None

    def names_in(self, spec: TextInput, text: str) -> list[str]:
        """The text without its greeting, then after each ``lead_in`` that opens what is left
        (« bjr je suis au conseil departemental de la creuse », « conseil departemental de la
        creuse », « creuse »); then the same before a ``lead_in`` that closes it (« ept boucle
        nord de seine, je suis chargé de mission »: the name first, the job after)."""
        names = self.chain_of_lead_ins(spec, self.after_greeting(text))
        for name in list(names):
            head = self.before_closing_lead_in(spec, name)
            if head is not None:
                names += [one for one in self.chain_of_lead_ins(spec, head) if one not in names]
        if len(names) > 1:
            # an introduction that says more before the name, after a comma (« je suis
            # secrétaire de mairie dans un petit village de la Creuse, Saint-Yrieix-la-
            # Montagne »): each part after a comma may be the name
            for part in text.split(",")[1:]:
                names += [one for one in self.chain_of_lead_ins(spec, normalize_answer(part))
                          if one and one not in names]
        return names

    def chain_of_lead_ins(self, spec: TextInput, said: str) -> list[str]:
        """The text, then what follows each ``lead_in`` that opens what is left."""
        names = [said]
        while (rest := self.after_lead_in(spec, names[-1], greeting=False)) and rest != names[-1]:
            names.append(rest)
        return names

    @staticmethod
    def before_closing_lead_in(spec: TextInput, said: str) -> str | None:
        """What comes before the longest run of whole words that a ``lead_in`` matches
        entirely at the end of the text (« boucle nord de seine » + « je suis charge de
        mission »), or None when no lead-in closes it."""
        words = said.split()
        for start in range(1, len(words)):
            tail = " ".join(words[start:])
            for lead_in in spec.lead_ins:  # each ends before a space (a whole word)
                match = lead_in.match(tail + " ")
                if match and match.end() == len(tail):
                    return " ".join(words[:start])
        return None

    @staticmethod
    def after_greeting(text: str) -> str:
        said = normalize_answer(text)
        for word in sorted(GREETINGS, key=len, reverse=True):
            if said.startswith(word + " "):
                return said[len(word) + 1:]
        return said

    @staticmethod
    def after_lead_in(spec: TextInput, text: str, greeting: bool = True) -> str | None:
        """What follows an optional greeting and one of the input's ``lead_ins`` (« bjr je sui
        a la mairie de » + « sada »), or None when no lead-in opens the text."""
        said = Turn.after_greeting(text) if greeting else normalize_answer(text)
        for lead_in in spec.lead_ins:
            match = lead_in.match(said)
            if match and said[match.end():].startswith(" "):
                return said[match.end():].strip()
        return None

    def choice_by_words(self, state: State, text: str) -> FlowChoice | None:
        """The one offered choice whose ``words`` the sentence holds (« on veut les soutenir »
        at the step question); None when it holds none or those of several, or asks
        something (a « ? »: « comment les soutenir ? » is a question)."""
        if "?" in text:
            return None
        found = [choice for choice in self.available_choices(state)
                 if choice.words is not None and says_words(text, choice.words.render(self.t))]
        return found[0] if len(found) == 1 else None

    def choice_in_other_language(self, state: State, text: str) -> FlowChoice | None:
        """The one offered choice whose whole label in another language the text is
        (« start », « no », « food » in a French conversation), or None."""
        wanted = normalize_answer(text)
        if not wanted:
            return None
        found = [choice for choice in self.available_choices(state)
                 if any(wanted == normalize_answer(choice.label.render(translator(language)))
                        for language in SUPPORTED_LANGUAGES if language != self.language)]
        return found[0] if len(found) == 1 else None

    def choice_elsewhere(self, text: str) -> str | None:
        """The label of a flow choice that typed text names exactly (« continuer », « oui »)
        although the current question does not offer it, or None."""
        wanted = normalize_answer(text)
        if not wanted:
            return None
        for state in self.flow.states.values():
            for choice in state.choices:
                label = choice.label.render(self.t)
                if wanted in (normalize_answer(label), normalize_answer(choice.id)):
                    return label
        return None

    def answer_free_text(self, text: str, why: FreeText) -> bool:
        """Offer text that nothing expected to the extensions (a question, maybe)."""
        return any(extension.on_free_text(self, text, why)
                   for extension in self._engine.extensions)

    def on_input(self, state: State, text: str) -> None:
        spec = state.input
        assert spec is not None
        ok = spec.min_length <= len(text) <= spec.max_length and (
            spec.pattern is None or spec.pattern.fullmatch(text) is not None)
        if not ok:
            if self.answer_free_text(text, FreeText.SURE_ONLY):
                return
            message = (spec.error.render(self.t) if spec.error else
                       self.t._("Cette réponse ne convient pas (entre {min} et {max} "
                                "caractères).").format(min=spec.min_length, max=spec.max_length))
            self.reject("validation", message)
            return
        if spec.resolve is not None:
            # « je suis à la mairie de Sada », « Sada, je suis secrétaire de mairie » typed
            # here too
            introduced = next((one for one in map(functools.partial(self.one_name, spec),
                                                  self.names_in(spec, text)[1:])
                               if one is not None), None)
            if introduced is not None:
                self.accept_input(state, introduced.label, introduced)
                return
            if not self.names_whole(spec, text) and self.keep_for_later(state, text):
                return
            self.resolve_input(state, text)
            return
        self.accept_input(state, text)

    def resolve_input(self, state: State, text: str) -> None:
        """Look the text up; one candidate is taken, several are offered, none refused."""
        spec = state.input
        assert spec is not None and spec.resolve is not None
        candidates = self.snapshot.resolvers[spec.resolve.resolver].lookup(text)
        if not candidates:
            # « Continuer » where a name is asked: another question's button, not a question
            # to search (it found the Service civique)
            other = self.choice_elsewhere(text)
            if other is not None and not self._pending_pick:
                said = other if normalize_answer(other) == normalize_answer(text) else text
                self.reject("unexpected_text", self.t._(
                    "« {answer} » ne répond pas à cette question.").format(answer=said))
                return
            if other is None and self.answer_free_text(text, FreeText.SURE_ONLY):
                return
            if self._pending_pick:  # « oui » at « Laquelle est la bonne ? »: ask it again
                self.event("invalid_input", state=state.name, detail="not_a_pick")
                self.offer(self._pending_pick, self.t._(
                    "« {answer} » ne désigne aucune des réponses proposées. Choisissez-en une "
                    "(son numéro ou son nom), ou tapez un autre nom.").format(answer=text))
                return
            message = (spec.error.render(self.t) if spec.error else
                       self.t._("Je n'ai rien trouvé sous ce nom. Vérifiez l'orthographe, "
                                "ou essayez autrement."))
            self.reject("not_found", message)
            return
        if len(candidates) == 1:
            self.accept_input(state, candidates[0].label, candidates[0])
            return
        self.event("disambiguation", state=state.name, detail=str(len(candidates)))
        self.offer(candidates, self.t._("Plusieurs réponses correspondent. Laquelle est la "
                                        "bonne ?"))

    def offer(self, candidates: list[Candidate], text: str) -> None:
        """Ask which of several candidates is meant (or none: the user types again)."""
        choices = [Choice(f"{PICK_PAYLOAD}{i}", c.label) for i, c in enumerate(candidates)]
        choices.append(Choice(f"{PICK_PAYLOAD}none", self.t._("Aucune : je retape")))
        self.ask(ENGINE, {"q": "pick", "candidates": [[c.label, dict(c.facts)]
                                                      for c in candidates]},
                 text, tuple(choices))

    def accept_input(self, state: State, text: str, found: Candidate | None = None) -> None:
        spec = state.input
        assert spec is not None
        slots = copy_slots(self.conv.slots)
        slots[spec.slot] = text
        filled = [spec.slot]
        if found is not None and spec.resolve is not None:
            for slot_name, fact in spec.resolve.assign:
                if self.fill_slot(slots, slot_name, found.facts.get(fact)):
                    filled.append(slot_name)
        target = self.snapshot.compiled[self.conv.flow_id].step(self.conv.state, slots, SUBMIT)
        if target is None:
            raise RuntimeError(f"no branch of the input of {state.name!r} applies")
        self.conv.push_back()
        self.conv.slots = slots
        for slot_name in filled:
            # Typed text is never logged: only the fact that the slot was filled, and the
            # value of categorical slots.
            slot = self.flow.slots[slot_name]
            value = slots.get(slot_name) if slot.type is SlotType.CHOICE else None
            self.event("slot_set", state=state.name, slot=slot_name,
                       value=",".join(value) if isinstance(value, list) else value)
        self.move(target, via="input")

    def fill_slot(self, slots: dict[str, Any], slot_name: str, value: Any) -> bool:
        """Put a resolver's fact into a slot if it is a value the slot accepts."""
        slot = self.flow.slots[slot_name]
        values = value if isinstance(value, list) else [value]
        values = [str(v) for v in values if v is not None and v != ""]
        if slot.type is SlotType.CHOICE:
            values = [v for v in values if v in slot.values]
        if not values:
            return False
        if slot.multiple:
            current = slots.setdefault(slot_name, [])
            current.extend(v for v in values if v not in current)
        else:
            slots[slot_name] = values[0]
        return True

    # -- commands and the engine's own questions -------------------------------------------

    def run_command(self, parsed: ParsedCommand) -> None:
        conversation = self.conv
        t = self.t
        command = parsed.command
        conversation.dialog = None
        if command is not None and command.audience is Audience.ADMIN and not self.is_admin:
            command = None  # exactly the answer to an unknown command: it reveals nothing
        if command is None:
            self.event("invalid_input", state=conversation.state, detail="unknown_command")
            self.say(t._("Je ne connais pas la commande /{name}. Tapez /aide pour voir la "
                         "liste des commandes.").format(name=parsed.name))
            self.prompt()
            return
        self.event("command", state=conversation.state, detail=command.id)
        owner = None if command.from_flow else self._engine.extension_of_command(command.id)
        if owner is not None:
            owner.on_command(self, command, parsed.args)
            return
        self.run_core_command(command, parsed.args)

    def run_core_command(self, command: Command, args: str) -> None:
        conversation = self.conv
        t = self.t
        match command.id:
            case "start":
                if conversation.state == self.flow.start and not conversation.back:
                    self.render(conversation.state, entering=True)
                else:
                    # The state as on entry (its cards and its menu), not the last list shown
                    # before leaving (the contacts' list came back, numbered otherwise).
                    self.say(t._("Reprenons où vous en étiez. Pour repartir de zéro, tapez "
                                 "/recommencer."))
                    self.render(conversation.state, entering=True, again=True)
            case "help":
                lines = [t._("Voici les commandes disponibles à tout moment :")]
                lines += [f"/{name} — {description}"
                          for name, description in self._engine.command_list(self.language)]
                lines.append(t._("Pour répondre, choisissez une option de la question en "
                                 "cours : son numéro ou son nom."))
                self.say("\n".join(lines))
                self.prompt()
            case "back":
                if conversation.pop_back():
                    self.event("transition", state=conversation.state, detail="back")
                else:
                    self.say(t._("Vous êtes déjà au début du parcours."))
                self.prompt()
            case "restart":
                flow = self.snapshot.main
                conversation.flow_id, conversation.state = flow.id, flow.start
                conversation.slots, conversation.back = {}, []
                self.event("restart", flow=flow.id, state=flow.start)
                self.render(flow.start, entering=True)
            case "language":
                wanted = normalize_language(args) or self.language_from_text(args)
                if wanted:
                    self.set_language(wanted)
                else:
                    self.ask(ENGINE, {"q": "language"},
                             t._("Dans quelle langue voulez-vous continuer ?"),
                             tuple(Choice(LANGUAGE_PAYLOAD + code, LANGUAGE_NAMES[code])
                                   for code in SUPPORTED_LANGUAGES))
            case "forget":
                self.ask(ENGINE, {"q": "forget"},
                         t._("Voulez-vous effacer tout ce qui est enregistré à votre sujet "
                             "(votre parcours et son historique) ? C'est définitif."),
                         (Choice(FORGET_YES, t._("Oui, tout effacer")),
                          Choice(FORGET_NO, t._("Non, garder"))))
            case _ if command.from_flow:
                if not self.run_flow_command(command.id):
                    self.say(t._("Ce parcours ne propose pas cette commande."))
                self.prompt()
            case _:  # pragma: no cover - every core command is above
                raise ValueError(f"no handler for the command {command.id!r}")

    @staticmethod
    def language_from_text(text: str) -> str | None:
        wanted = normalize_answer(text)
        for code, name in LANGUAGE_NAMES.items():
            if wanted in (code, normalize_answer(name)):
                return code
        return None

    def set_language(self, language: str) -> None:
        self.conv.language = self.language = language
        self.language_changed = True
        self.conv.dialog = None
        self.event("language", value=language)
        self.say(self.t._("Très bien, je vous parle désormais en français."))
        self.prompt()

    def on_system_answer(self, payload: str) -> None:
        question = (self.dialog(ENGINE) or {}).get("q")
        if payload.startswith(LANGUAGE_PAYLOAD) and question == "language":
            language = payload.removeprefix(LANGUAGE_PAYLOAD)
            if language in SUPPORTED_LANGUAGES:
                self.set_language(language)
                return
        elif payload in (FORGET_YES, FORGET_NO) and question == "forget":
            self.answer_forget(payload == FORGET_YES)
            return
        elif payload.startswith(PICK_PAYLOAD) and question == "pick":
            picked = payload.removeprefix(PICK_PAYLOAD)
            candidates = self.pending_candidates()
            if picked == "none":
                self.pick(candidates, None)
                return
            if picked.isdigit() and int(picked) < len(candidates):
                self.pick(candidates, int(picked))
                return
        self.conv.dialog = None
        self.reject("stale_choice", self.t._("Ce bouton n'est plus valable. Voici la question "
                                             "en cours :"))

    def pending_candidates(self) -> list[Candidate]:
        raw = (self.dialog(ENGINE) or {}).get("candidates") or []
        try:
            return [Candidate(str(label), dict(facts)) for label, facts in raw]
        except (ValueError, TypeError):
            return []

    def pick(self, candidates: list[Candidate], index: int | None) -> None:
        """The user picked ``candidates[index]`` (None: none of them)."""
        self.conv.dialog = None
        state = self.state
        if index is None or state.input is None or state.input.resolve is None:
            self.prompt()
            return
        self.accept_input(state, candidates[index].label, candidates[index])

    def answer_forget(self, confirmed: bool) -> None:
        self.conv.dialog = None
        if not confirmed:
            self.event("command", state=self.conv.state, detail="forget_cancelled")
            self.say(self.t._("D'accord, rien n'a été effacé."))
            self.prompt()
            return
        self.forgotten = True  # commit() erases everything stored under this pseudonym
        self.say(self.t._("C'est fait : tout ce qui était enregistré à votre sujet a été effacé. "
                          "Tapez /start si vous voulez reprendre un parcours."))
