"""The conversation engine: one incoming event in, the messages to send out.

``Engine.handle`` is synchronous and thread-safe. For each message it loads the
conversation from SQLite, takes one step in the flow's shared state machine in
memory, then saves the new state with its log events in one short transaction:
a crash mid-message leaves the conversation exactly as it was before it.
Messages of one conversation are handled one at a time (a lock per pseudonym);
async channels go through :class:`bot.engine.dispatch.Dispatcher`, which also
keeps their arrival order.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from bot.engine.commands import COMMANDS, ParsedCommand, parse_command
from bot.engine.conversation import Conversation, copy_slots
from bot.engine.flow import (
    ActionCall,
    ActionContext,
    ActionSpec,
    Candidate,
    Flow,
    FlowChoice,
    ResolverSpec,
    SlotType,
    State,
)
from bot.engine.flowparse import choice_payload
from bot.engine.machine import ADVANCE, SUBMIT, CompiledFlow, choose
from bot.engine.messages import Choice, Incoming, Kind, Outgoing
from bot.i18n import LANGUAGE_NAMES, SUPPORTED_LANGUAGES, Translator, normalize_language, translator
from bot.store import Event, Store

log = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
REPROMPT_MAX_TEXT = 280  # longer texts of a state are not repeated when it is asked again
MAX_AUTOMATIC_STEPS = 20  # validation forbids loops; this only bounds a bug's damage
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\ufffe\uffff]")
_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
LANGUAGE_PAYLOAD = "s:lang:"
FORGET_YES, FORGET_NO = "s:forget:yes", "s:forget:no"
PICK_PAYLOAD = "s:pick:"  # the user picks one of several candidates a resolver found
PICK_PENDING = "pick:"  # conversation.pending = "pick:" + JSON of the candidates


@dataclass(frozen=True, slots=True)
class QuestionContext:
    """What the free-text hook may know: where the user is, never who they are."""

    flow: Flow
    state: str
    slots: Mapping[str, object]
    translator: Translator
    explicit: bool = False  # asked with /question: answer it, even to say there is no answer
    # typed where an answer was expected, and not a valid one: answer only if sure, else None
    only_if_relevant: bool = False


class QuestionHook(Protocol):
    """Answers free text that is not an expected answer; None means 'not mine'."""

    def __call__(self, text: str, context: QuestionContext) -> list[Outgoing] | None: ...


class PayloadHandler(Protocol):
    """Answers the choices of a registered payload prefix (see ``Engine.route_payloads``).

    Gets the whole payload; returns the messages to show before the current question is
    asked again, or None when the payload is not one it made (it is then refused as forged).
    It cannot change the conversation: it sees a copy of the slots.
    """

    def __call__(self, payload: str, context: QuestionContext) -> list[Outgoing] | None: ...


class AdminHandler(Protocol):
    """Administrators' commands (``/stats``, ``/recharger``, ``/version``): see bot.admin.

    ``is_admin`` sees the raw (channel, user_id) of the message in memory only; it is
    never stored.
    """

    def is_admin(self, channel: str, user_id: str) -> bool: ...

    def run(self, command: str, args: str, t: Translator) -> list[Outgoing]: ...


class Extension(Protocol):
    """A feature that brings global commands and short dialogs of its own (bot.broadcast).

    It runs the commands whose ids are in ``command_ids``. A dialog keeps its state in
    ``conversation.pending`` as ``"<prefix>:..."`` and its buttons' payloads start with
    ``"s:<prefix>:"``; ``on_answer`` gets them (a payload, or typed text) and returns False
    when they are not its own. It works through the turn: ``say``, ``prompt``, ``event``,
    ``writes`` (functions run in the turn's transaction), ``conversation``, ``incoming``
    (the raw id is in memory only), ``key`` (the pseudonym), ``t``.
    """

    prefix: str
    command_ids: frozenset[str]

    def on_command(self, turn: _Turn, command_id: str, args: str) -> None: ...

    def on_answer(self, turn: _Turn, payload: str | None, text: str | None) -> bool: ...


def normalize_answer(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form used to match typed answers."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", letters).split())


class KeyedLocks:
    """One lock per key, created on demand and dropped when nobody holds or awaits it."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[str, list] = {}  # key -> [lock, users]

    @contextmanager
    def hold(self, key: str) -> Iterator[None]:
        with self._guard:
            entry = self._locks.setdefault(key, [threading.Lock(), 0])
            entry[1] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._guard:
                entry[1] -= 1
                if entry[1] == 0:
                    del self._locks[key]

    def __len__(self) -> int:
        return len(self._locks)


class Engine:
    def __init__(
        self,
        flows: Mapping[str, Flow],
        main_flow: str,
        store: Store,
        pseudonymize: Callable[[str, str], str],
        actions: Mapping[str, ActionSpec] | None = None,
        question_hook: QuestionHook | None = None,
        default_language: str = "fr",
        resolvers: Mapping[str, ResolverSpec] | None = None,
    ):
        if main_flow not in flows:
            raise ValueError(f"the main flow {main_flow!r} is not among the loaded flows")
        self.flows = dict(flows)
        self.compiled = {flow_id: CompiledFlow(flow) for flow_id, flow in flows.items()}
        self.main_flow = main_flow
        self.store = store
        self.pseudonymize = pseudonymize
        self.actions = dict(actions or {})
        self.question_hook = question_hook
        self.default_language = default_language
        self.resolvers = dict(resolvers or {})
        self._locks = KeyedLocks()
        self._live_lock = threading.Lock()  # swap() and pinned() see flows and actions together
        self.admin: AdminHandler | None = None
        self.payload_handlers: dict[str, PayloadHandler] = {}
        self.extensions: list[Extension] = []

    def route_payloads(self, prefix: str, handler: PayloadHandler) -> None:
        """Send the choices whose payload starts with ``prefix`` to ``handler``.

        For buttons that are not flow choices, such as « Détails » under the answer to a
        free-text question: they are valid in any state and never move the conversation.
        """
        if prefix.startswith(("c:", "s:")) or not prefix.endswith(":"):
            raise ValueError(f"payload prefix {prefix!r}: must end with ':' and not be 'c:' "
                             "(flow choices) or 's:' (the engine's own questions)")
        self.payload_handlers[prefix] = handler

    def handle(self, incoming: Incoming) -> list[Outgoing]:
        key = self.pseudonymize(incoming.channel, incoming.user_id)
        with self._locks.hold(key):
            turn = _Turn(self, key, incoming)
            try:
                turn.run()  # reads, then works in memory: no database lock is held
                with self.store.transaction():
                    turn.commit()
            except Exception as exc:
                # Nothing was written, or the transaction rolled back: the conversation is
                # exactly as it was before this message.
                log.exception("error while handling a %s message", incoming.channel)
                self.store.log(key, incoming.channel,
                               [Event("error", detail=type(exc).__name__)])
                return self._apology(key, incoming, turn.language)
            return turn.replies

    def _apology(self, key: str, incoming: Incoming, language: str) -> list[Outgoing]:
        """After a failed message: say so, and ask the (unchanged) current question again."""
        t = translator(language)
        apology = Outgoing(t._("Désolé, une erreur interne m'empêche de répondre. Votre "
                               "parcours est conservé : réessayez dans un instant, ou tapez "
                               "/aide."))
        try:
            turn = _Turn(self, key, incoming)
            turn.conversation = self.store.load_conversation(key)
            if turn.conversation is None:
                return [apology]
            turn.language = turn.conversation.language
            turn.prompt()
        except Exception:  # the apology alone is better than a second failure
            log.exception("could not ask the current question again")
            return [apology]
        return [apology, *turn.replies]

    def swap(self, flows: Mapping[str, Flow], actions: Mapping[str, ActionSpec] | None = None,
             resolvers: Mapping[str, ResolverSpec] | None = None) -> None:
        """Serve new flows (and the actions and resolvers bound to new content) from now on.

        Live reload: the new version is compiled first, then swapped in under a lock that
        :meth:`pinned` also takes, so a turn sees either the old set or the new one, never a
        mix. Turns already running finish on the version they started with.
        """
        if self.main_flow not in flows:
            raise ValueError(f"the main flow {self.main_flow!r} is not among the new flows")
        compiled = {flow_id: CompiledFlow(flow) for flow_id, flow in flows.items()}
        with self._live_lock:
            self.flows, self.compiled = dict(flows), compiled
            if actions is not None:
                self.actions = dict(actions)
            if resolvers is not None:
                self.resolvers = dict(resolvers)

    def pinned(self) -> _PinnedEngine:
        """This engine with the flows, actions and resolvers live now, for one turn."""
        with self._live_lock:
            return _PinnedEngine(self, self.flows, self.compiled, self.actions, self.resolvers)

    def extension(self, command_id: str | None = None, pending: str | None = None,
                  payload: str | None = None) -> Extension | None:
        """The extension that runs this command, owns this pending dialog or payload."""
        for extension in self.extensions:
            if command_id is not None and command_id in extension.command_ids:
                return extension
            if pending is not None and pending.startswith(extension.prefix + ":"):
                return extension
            if payload is not None and payload.startswith(f"s:{extension.prefix}:"):
                return extension
        return None

    def is_admin(self, incoming: Incoming) -> bool:
        return self.admin is not None and self.admin.is_admin(incoming.channel, incoming.user_id)

    def command_list(self, language: str) -> list[tuple[str, str]]:
        """(name, description) of every global command, for help texts and channel menus."""
        t = translator(language)
        return [(c.name_in(language), t._(c.description)) for c in COMMANDS]


class _PinnedEngine:
    """The engine as one turn sees it: a live reload during the turn does not reach it."""

    def __init__(self, engine: Engine, flows: dict[str, Flow], compiled: dict[str, CompiledFlow],
                 actions: dict[str, ActionSpec], resolvers: dict[str, ResolverSpec]):
        self._engine = engine
        self.flows, self.compiled, self.actions, self.resolvers = (flows, compiled, actions,
                                                                   resolvers)

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


class _Turn:
    """The handling of one incoming message; discarded afterwards."""

    def __init__(self, engine: Engine, key: str, incoming: Incoming):
        self.engine = engine.pinned()
        self.key = key
        self.incoming = incoming
        self.replies: list[Outgoing] = []
        self.events: list[Event] = []
        self.conversation: Conversation | None = None
        self.forgotten = False
        self.writes: list[Callable[[], object]] = []  # extensions' writes, in the transaction
        self.language = (normalize_language(incoming.locale) or engine.default_language)

    # -- small helpers ------------------------------------------------------------------

    @property
    def t(self) -> Translator:
        return translator(self.language)

    @property
    def flow(self) -> Flow:
        return self.engine.flows[self.conversation.flow_id]

    @property
    def state(self) -> State:
        return self.flow.states[self.conversation.state]

    def say(self, text: str, choices: tuple[Choice, ...] = ()) -> None:
        self.replies.append(Outgoing(text, choices))

    def event(self, kind: str, **fields) -> None:
        flow = self.conversation.flow_id if self.conversation else None
        self.events.append(Event(kind, flow=fields.pop("flow", flow), **fields))

    # -- the turn -----------------------------------------------------------------------

    def run(self) -> None:
        incoming = self.incoming
        text = _CONTROL.sub("", incoming.text).strip() if incoming.kind is Kind.TEXT else ""
        command = parse_command(text) if text.startswith("/") else None
        self.conversation = self.engine.store.load_conversation(self.key)
        if self.conversation is None:
            if command and command.command and command.command.id == "forget":
                self.say(self.t._("Je n'ai rien enregistré à votre sujet : il n'y a rien à "
                                  "effacer."))
                return
            self.begin()
            if command is None or (command.command and command.command.id == "start"):
                return  # a first message, whatever it says, is answered by the welcome
        else:
            self.language = self.conversation.language
            if self.recover_missing_state() and command is None:
                return  # the message answered a question that is gone: show where they are
        if incoming.kind is Kind.TEXT and len(incoming.text) > MAX_TEXT_LENGTH:
            self.event("invalid_input", state=self.conversation.state, detail="too_long")
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

    def commit(self) -> None:
        """Write what the turn decided; called inside one transaction."""
        store = self.engine.store
        if self.forgotten:
            store.forget(self.key)
        elif self.conversation is not None:
            self.conversation.flow_version = self.flow.version
            store.save_conversation(self.conversation)
            store.log(self.key, self.incoming.channel, self.events)
        for write in self.writes:
            write()

    def begin(self) -> None:
        flow = self.engine.flows[self.engine.main_flow]
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
        conversation = self.conversation
        flow = self.engine.flows.get(conversation.flow_id)
        if flow is not None and conversation.flow_version != flow.version:
            # /retour must not lead to a state that is gone.
            conversation.back = [(flow.renamed.get(state, state), slots)
                                 for state, slots in conversation.back
                                 if flow.renamed.get(state, state) in flow.states]
        if flow is not None and conversation.state in flow.states:
            return False
        old_state = conversation.state
        if flow is None:
            flow = self.engine.flows[self.engine.main_flow]
            target = flow.start
            conversation.back.clear()
        else:
            target = flow.renamed.get(old_state) or flow.fallback or flow.start
        self.event("state_missing", flow=flow.id, state=old_state, target=target)
        conversation.flow_id, conversation.pending = flow.id, None
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
        slots = self.conversation.slots
        return [c for c in state.choices if c.when is None or c.when.holds(slots)]

    def slot_values(self) -> dict[str, str]:
        t = self.t
        return {name: slot.display(self.conversation.slots.get(name), t)
                for name, slot in self.flow.slots.items()}

    def render(self, state_name: str, entering: bool) -> None:
        """Show a state: its texts, the output of its actions (on entry), its choices."""
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
            if state.final:
                self.event("completed", state=state_name)
        choices = tuple(Choice(choice_payload(state_name, c.id), c.label.render(t))
                        for c in self.available_choices(state))
        if choices:
            if len(self.replies) > first and self.replies[-1].document is None:
                last = self.replies[-1]
                self.replies[-1] = Outgoing(last.text, choices)
            else:
                self.say(t._("Choisissez une option :"), choices)

    def prompt(self) -> None:
        """Ask the current question again, without re-running its actions."""
        self.render(self.conversation.state, entering=False)

    def run_actions(self, calls: tuple[ActionCall, ...], state_name: str) -> None:
        """Run flow actions (of a state, or of a command); log the items they showed."""
        for call in calls:
            context = ActionContext(self.flow, self.conversation, self.t)
            self.replies.extend(self.engine.actions[call.name].run(context, call.args))
            if context.shown_items:
                self.event("recommended", state=state_name, detail=call.name,
                           items=tuple(context.shown_items))

    # -- moving in the flow -------------------------------------------------------------

    def move(self, target: str, via: str) -> None:
        conversation = self.conversation
        compiled = self.engine.compiled[conversation.flow_id]
        for _ in range(MAX_AUTOMATIC_STEPS):
            self.event("transition", state=conversation.state, target=target, detail=via)
            conversation.state = target
            self.render(target, entering=True)
            state = self.state
            if state.waits_for_user or not state.branches:
                return
            target = compiled.step(conversation.state, conversation.slots, ADVANCE)
            via = "automatic"
        raise RuntimeError(f"more than {MAX_AUTOMATIC_STEPS} automatic steps in a row")

    def apply_choice(self, choice: FlowChoice) -> None:
        conversation = self.conversation
        slots = copy_slots(conversation.slots)
        for slot in choice.clear:
            slots.pop(slot, None)
        for slot, value in choice.assign:
            slots[slot] = value
        for slot, value in choice.add:
            values = slots.setdefault(slot, [])
            if value not in values:
                values.append(value)
        target = self.engine.compiled[conversation.flow_id].step(
            conversation.state, slots, choose(choice.id))
        if target is None:
            raise RuntimeError(f"no branch of choice {choice.id!r} applies")
        conversation.push_back()
        conversation.slots = slots
        for slot, value in (*choice.assign, *choice.add):
            self.event("slot_set", state=conversation.state, slot=slot, value=value)
        self.move(target, via="choice")

    def on_payload(self, payload: str) -> None:
        conversation = self.conversation
        if payload.startswith("s:"):
            self.on_system_answer(payload)
            return
        for prefix, handler in self.engine.payload_handlers.items():
            if payload.startswith(prefix):
                self.on_routed_payload(prefix, handler, payload)
                return
        conversation.pending = None
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

    def question_context(self, explicit: bool = False,
                         only_if_relevant: bool = False) -> QuestionContext:
        conversation = self.conversation
        return QuestionContext(self.flow, conversation.state, copy_slots(conversation.slots),
                               self.t, explicit, only_if_relevant)

    def on_routed_payload(self, prefix: str, handler: PayloadHandler, payload: str) -> None:
        """A button of a registered handler: its answer, then the current question again."""
        answer = handler(payload, self.question_context())
        if answer is None:
            self.reject("forged_choice", self.t._("Je n'ai pas reconnu ce choix."))
            return
        self.event("payload", state=self.conversation.state, detail=prefix.rstrip(":"))
        self.replies.extend(answer)
        self.prompt()

    def ask_question(self, text: str) -> None:
        """``/question ...``: always answered here, whatever the current state expects."""
        t = self.t
        hook = self.engine.question_hook
        if not text:
            self.say(t._("Posez votre question après la commande, par exemple : /question "
                         "c'est quoi un PTCE ?"))
        elif hook is None:
            self.say(t._("Je ne sais pas encore répondre aux questions libres."))
        else:
            answer = hook(text, self.question_context(explicit=True))
            if answer:
                self.event("question", state=self.conversation.state)
                self.replies.extend(answer)
            else:
                self.say(t._("Je n'ai pas de réponse à cette question. Tapez /aide pour voir "
                             "ce que je sais faire."))
        self.prompt()

    def answer_as_question(self, text: str, only_if_relevant: bool = True) -> bool:
        """Typed text that is not a valid answer may be a question (« c'est quoi un EPT ? »).

        ``only_if_relevant`` goes to the hook: see :class:`QuestionContext`.
        """
        hook = self.engine.question_hook
        if hook is None:
            return False
        answer = hook(text, self.question_context(only_if_relevant=only_if_relevant))
        if not answer:
            return False
        self.event("question", state=self.conversation.state)
        self.replies.extend(answer)
        self.prompt()
        return True

    def reject(self, reason: str, message: str) -> None:
        """Refuse an input: say why, ask the current question again, change nothing."""
        self.event("invalid_input", state=self.conversation.state, detail=reason)
        self.say(message)
        self.prompt()

    def on_text(self, text: str) -> None:
        conversation = self.conversation
        if conversation.pending:
            if self.on_pending_text(text):
                return
            conversation.pending = None
        state = self.state
        if state.input is not None:
            # An input state may offer choices too ("Passer"): a number or a whole label.
            choice = self.match_choice(state, text, whole_label=True) if state.choices else None
            if choice is not None:
                self.apply_choice(choice)
            else:
                self.on_input(state, text)
            return
        choice = self.match_choice(state, text)
        if choice is not None:
            self.apply_choice(choice)
            return
        if self.answer_as_question(text, only_if_relevant=False):
            return
        if state.choices:
            message = self.t._("Je n'ai pas compris votre réponse. Touchez un bouton, ou tapez "
                               "le numéro ou le libellé d'une option.")
        else:
            message = self.t._("Je n'ai pas compris. Tapez /aide pour voir ce que je sais "
                               "faire, ou /recommencer pour un nouveau parcours.")
        self.reject("unexpected_text", message)

    def match_choice(self, state: State, text: str,
                     whole_label: bool = False) -> FlowChoice | None:
        choices = self.available_choices(state)
        number = _NUMBER.match(text)
        if number:
            index = int(number.group(1)) - 1
            return choices[index] if 0 <= index < len(choices) else None
        wanted = normalize_answer(text)
        t = self.t
        labels = [(choice, normalize_answer(choice.label.render(t))) for choice in choices]
        for choice, label in labels:
            if wanted in (label, normalize_answer(choice.id)):
                return choice
        if whole_label:
            return None
        # A part of one label only ("emploi" for "Emploi et insertion") is enough.
        partial = [choice for choice, label in labels
                   if len(wanted) >= 3 and f" {wanted} " in f" {label} "]
        return partial[0] if len(partial) == 1 else None

    def on_input(self, state: State, text: str) -> None:
        spec = state.input
        ok = spec.min_length <= len(text) <= spec.max_length and (
            spec.pattern is None or spec.pattern.fullmatch(text) is not None)
        if not ok:
            if self.answer_as_question(text):
                return
            message = (spec.error.render(self.t) if spec.error else
                       self.t._("Cette réponse ne convient pas (entre {min} et {max} "
                                "caractères).").format(min=spec.min_length, max=spec.max_length))
            self.reject("validation", message)
            return
        if spec.resolve is not None:
            self.resolve_input(state, text)
            return
        self.accept_input(state, text)

    def resolve_input(self, state: State, text: str) -> None:
        """Look the text up; one candidate is taken, several are offered, none refused."""
        spec = state.input
        candidates = self.engine.resolvers[spec.resolve.resolver].lookup(text)
        if not candidates:
            if self.answer_as_question(text):
                return
            message = (spec.error.render(self.t) if spec.error else
                       self.t._("Je n'ai rien trouvé sous ce nom. Vérifiez l'orthographe, "
                                "ou essayez autrement."))
            self.reject("not_found", message)
            return
        if len(candidates) == 1:
            self.accept_input(state, candidates[0].label, candidates[0])
            return
        self.conversation.pending = PICK_PENDING + json.dumps(
            [[c.label, dict(c.facts)] for c in candidates], ensure_ascii=False)
        self.event("disambiguation", state=state.name, detail=str(len(candidates)))
        choices = [Choice(f"{PICK_PAYLOAD}{i}", c.label) for i, c in enumerate(candidates)]
        choices.append(Choice(f"{PICK_PAYLOAD}none", self.t._("Aucune : je retape")))
        self.say(self.t._("Plusieurs réponses correspondent. Laquelle est la bonne ?"),
                 tuple(choices))

    def pending_candidates(self) -> list[Candidate]:
        pending = self.conversation.pending or ""
        if not pending.startswith(PICK_PENDING):
            return []
        try:
            return [Candidate(label, facts)
                    for label, facts in json.loads(pending.removeprefix(PICK_PENDING))]
        except (ValueError, TypeError):
            return []

    def pick(self, candidates: list[Candidate], index: int | None) -> None:
        """The user picked ``candidates[index]`` (None: none of them), the pending list."""
        self.conversation.pending = None
        state = self.state
        if index is None or state.input is None or state.input.resolve is None:
            self.prompt()
            return
        self.accept_input(state, candidates[index].label, candidates[index])

    def accept_input(self, state: State, text: str, found: Candidate | None = None) -> None:
        spec = state.input
        slots = copy_slots(self.conversation.slots)
        slots[spec.slot] = text
        filled = [spec.slot]
        if found is not None:
            for slot_name, fact in spec.resolve.assign:
                if self.fill_slot(slots, slot_name, found.facts.get(fact)):
                    filled.append(slot_name)
        target = self.engine.compiled[self.conversation.flow_id].step(
            self.conversation.state, slots, SUBMIT)
        if target is None:
            raise RuntimeError(f"no branch of the input of {state.name!r} applies")
        self.conversation.push_back()
        self.conversation.slots = slots
        for slot_name in filled:
            # Typed text is never logged: only the fact that the slot was filled, and the
            # value of categorical slots.
            slot = self.flow.slots[slot_name]
            value = slots.get(slot_name) if slot.type is SlotType.CHOICE else None
            self.event("slot_set", state=state.name, slot=slot_name,
                       value=",".join(value) if isinstance(value, list) else value)
        self.move(target, via="input")

    def fill_slot(self, slots: dict, slot_name: str, value) -> bool:
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

    # -- commands and system questions ----------------------------------------------------

    def run_command(self, parsed: ParsedCommand) -> None:
        conversation = self.conversation
        t = self.t
        command = parsed.command
        conversation.pending = None
        if command is not None and command.admin and not self.engine.is_admin(self.incoming):
            command = None  # exactly the answer to an unknown command: it reveals nothing
        if command is None:
            self.event("invalid_input", state=conversation.state, detail="unknown_command")
            self.say(t._("Je ne connais pas la commande /{name}. Tapez /aide pour voir la "
                         "liste des commandes.").format(name=parsed.name))
            self.prompt()
            return
        self.event("command", state=conversation.state, detail=command.id)
        match command.id:
            case "start":
                if conversation.state == self.flow.start and not conversation.back:
                    self.render(conversation.state, entering=True)
                else:
                    self.say(t._("Vous reprenez votre parcours là où vous l'aviez laissé. "
                                 "Pour repartir de zéro, tapez /recommencer."))
                    self.prompt()
            case "help":
                lines = [t._("Voici les commandes disponibles à tout moment :")]
                lines += [f"/{name} — {description}"
                          for name, description in self.engine.command_list(self.language)]
                lines.append(t._("Pour répondre, touchez un bouton, ou tapez le numéro ou le "
                                 "libellé d'une option."))
                self.say("\n".join(lines))
                self.prompt()
            case "back":
                if conversation.pop_back():
                    self.event("transition", state=conversation.state, detail="back")
                    self.prompt()
                else:
                    self.say(t._("Vous êtes déjà au début du parcours."))
                    self.prompt()
            case "restart":
                flow = self.engine.flows[self.engine.main_flow]
                conversation.flow_id, conversation.state = flow.id, flow.start
                conversation.slots, conversation.back = {}, []
                self.event("restart", flow=flow.id, state=flow.start)
                self.render(flow.start, entering=True)
            case "language":
                wanted = normalize_language(parsed.args) or self.language_from_text(parsed.args)
                if wanted:
                    self.set_language(wanted)
                else:
                    conversation.pending = "language"
                    self.say(t._("Dans quelle langue voulez-vous continuer ?"),
                             tuple(Choice(LANGUAGE_PAYLOAD + code, LANGUAGE_NAMES[code])
                                   for code in SUPPORTED_LANGUAGES))
            case "plan":
                calls = self.flow.commands.get("plan", ())
                if not calls:
                    self.say(t._("Ce parcours ne propose pas de feuille de route."))
                self.run_actions(calls, conversation.state)
                self.prompt()
            case "question":
                self.ask_question(parsed.args)
            case "stats" | "reload" | "version":
                self.replies.extend(self.engine.admin.run(command.id, parsed.args, t))
            case "forget":
                conversation.pending = "forget"
                self.say(t._("Voulez-vous effacer tout ce qui est enregistré à votre sujet "
                              "(votre parcours et son historique) ? C'est définitif."),
                         (Choice(FORGET_YES, t._("Oui, tout effacer")),
                          Choice(FORGET_NO, t._("Non, garder"))))
            case _:
                extension = self.engine.extension(command_id=command.id)
                if extension is None:
                    self.say(t._("Cette commande n'est pas disponible sur ce service."))
                    self.prompt()
                else:
                    extension.on_command(self, command.id, parsed.args)

    @staticmethod
    def language_from_text(text: str) -> str | None:
        wanted = normalize_answer(text)
        for code, name in LANGUAGE_NAMES.items():
            if wanted in (code, normalize_answer(name)):
                return code
        return None

    def set_language(self, language: str) -> None:
        self.conversation.language = self.language = language
        self.conversation.pending = None
        self.event("language", value=language)
        self.say(self.t._("Très bien, je vous parle désormais en français."))
        self.prompt()

    def on_system_answer(self, payload: str) -> None:
        pending = self.conversation.pending
        extension = self.engine.extension(payload=payload)
        if extension is not None and extension.on_answer(self, payload, None):
            return
        if payload.startswith(LANGUAGE_PAYLOAD) and pending == "language":
            language = payload.removeprefix(LANGUAGE_PAYLOAD)
            if language in SUPPORTED_LANGUAGES:
                self.set_language(language)
                return
        elif payload in (FORGET_YES, FORGET_NO) and pending == "forget":
            self.answer_forget(payload == FORGET_YES)
            return
        elif payload.startswith(PICK_PAYLOAD) and pending and pending.startswith(PICK_PENDING):
            picked = payload.removeprefix(PICK_PAYLOAD)
            candidates = self.pending_candidates()
            if picked == "none":
                self.pick(candidates, None)
                return
            if picked.isdigit() and int(picked) < len(candidates):
                self.pick(candidates, int(picked))
                return
        self.conversation.pending = None
        self.reject("stale_choice", self.t._("Ce bouton n'est plus valable. Voici la question "
                                             "en cours :"))

    def on_pending_text(self, text: str) -> bool:
        """Typed answer to a system question; False when the text answers something else."""
        pending = self.conversation.pending
        extension = self.engine.extension(pending=pending) if pending else None
        if extension is not None:
            return extension.on_answer(self, None, text)
        wanted = normalize_answer(text)
        if pending == "language":
            number = _NUMBER.match(text)
            if number and 1 <= int(number.group(1)) <= len(SUPPORTED_LANGUAGES):
                self.set_language(SUPPORTED_LANGUAGES[int(number.group(1)) - 1])
                return True
            language = self.language_from_text(text)
            if language:
                self.set_language(language)
                return True
        elif pending and pending.startswith(PICK_PENDING):
            candidates = self.pending_candidates()
            number = _NUMBER.match(text)
            if number and 1 <= int(number.group(1)) <= len(candidates) + 1:
                index = int(number.group(1)) - 1
                self.pick(candidates, index if index < len(candidates) else None)
                return True
            for index, candidate in enumerate(candidates):
                if wanted == normalize_answer(candidate.label):
                    self.pick(candidates, index)
                    return True
        elif pending == "forget":
            if wanted in ("1", "oui", "yes", normalize_answer(self.t._("Oui, tout effacer"))):
                self.answer_forget(True)
                return True
            if wanted in ("2", "non", "no", normalize_answer(self.t._("Non, garder"))):
                self.answer_forget(False)
                return True
        return False

    def answer_forget(self, confirmed: bool) -> None:
        self.conversation.pending = None
        if not confirmed:
            self.event("command", state=self.conversation.state, detail="forget_cancelled")
            self.say(self.t._("D'accord, rien n'a été effacé."))
            self.prompt()
            return
        self.forgotten = True  # commit() erases everything stored under this pseudonym
        self.say(self.t._("C'est fait : tout ce qui était enregistré à votre sujet a été effacé. "
                          "Tapez /start si vous voulez reprendre un parcours."))
