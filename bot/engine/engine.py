"""The conversation engine: one incoming event in, the messages to send out.

``Engine.handle`` is synchronous and thread-safe. For each message it pins the live
:class:`~bot.engine.snapshot.Snapshot`, loads the conversation from SQLite, takes one
step in the flow's shared state machine in memory (:class:`~bot.engine.turn.Turn`), then
saves the new state with its log events in one short transaction: a crash mid-message
leaves the conversation exactly as it was before it. Messages of one conversation are
handled one at a time (a lock per pseudonym); async channels go through
:class:`bot.engine.dispatch.Dispatcher`, which also keeps their arrival order.

The engine knows features only as :class:`~bot.engine.extension.Extension` objects,
never by name: their commands, their payload prefix, their dialogs, their free-text
answers, their rows to forget.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from bot.engine.commands import CORE_COMMANDS, CommandRegistry, ParsedCommand
from bot.engine.extension import Extension
from bot.engine.messages import Incoming, Outgoing
from bot.engine.snapshot import Snapshot
from bot.engine.turn import Turn
from bot.i18n import translator
from bot.store import Event, Store

log = logging.getLogger(__name__)

RESERVED_PREFIXES = ("c", "s")  # flow choices, the engine's own questions


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
        snapshot: Snapshot,
        store: Store,
        pseudonymize: Callable[[str, str], str],
        extensions: Sequence[Extension] = (),
        default_language: str = "fr",
        is_admin: Callable[[str, str], bool] = lambda channel, user_id: False,
    ):
        self.store = store
        self.pseudonymize = pseudonymize
        self.default_language = default_language
        self.extensions: tuple[Extension, ...] = tuple(extensions)
        self._is_admin = is_admin
        self._by_name: dict[str, Extension] = {}
        for extension in self.extensions:
            name = extension.name
            if not name or ":" in name or name in RESERVED_PREFIXES or name in self._by_name:
                raise ValueError(f"extension name {name!r}: must be unique, without ':', and "
                                 f"not one of {RESERVED_PREFIXES} (flow choices, the engine's "
                                 "own questions)")
            self._by_name[name] = extension
        self.registry = CommandRegistry(
            [*CORE_COMMANDS, *(c for e in self.extensions for c in e.commands)])
        self._owners = {command.id: extension for extension in self.extensions
                        for command in extension.commands}
        self._locks = KeyedLocks()
        self._live_lock = threading.Lock()
        self._snapshot = snapshot

    # -- the live version -------------------------------------------------------------------

    @property
    def snapshot(self) -> Snapshot:
        with self._live_lock:
            return self._snapshot

    def swap(self, snapshot: Snapshot) -> None:
        """Serve another version from now on (live reload).

        Turns already running finish on the snapshot they pinned; the next ones use this
        one. The snapshot was validated as a whole before: flows, content and the
        features' data never come from two versions in one turn.
        """
        with self._live_lock:
            self._snapshot = snapshot

    # -- features -----------------------------------------------------------------------------

    def extension_named(self, name: str) -> Extension | None:
        return self._by_name.get(name)

    def extension_of_payload(self, payload: str) -> Extension | None:
        return self._by_name.get(payload.partition(":")[0])

    def extension_of_command(self, command_id: str) -> Extension | None:
        return self._owners.get(command_id)

    def parse_command(self, text: str) -> ParsedCommand | None:
        return self.registry.parse(text)

    def is_admin(self, channel: str, user_id: str) -> bool:
        """``channel`` and ``user_id`` are raw: seen in memory, never stored."""
        return self._is_admin(channel, user_id)

    def command_list(self, language: str) -> list[tuple[str, str]]:
        """(name, description) of every listed command, for help texts and channel menus."""
        t = translator(language)
        return [(c.name_in(language), t._(c.description)) for c in self.registry.listed()]

    # -- one message ----------------------------------------------------------------------

    def handle(self, incoming: Incoming) -> list[Outgoing]:
        key = self.pseudonymize(incoming.channel, incoming.user_id)
        with self._locks.hold(key):
            turn = Turn(self, self.snapshot, key, incoming)
            try:
                turn.run()  # reads, then works in memory: no database lock is held
                turn.finish()
                with self.store.transaction() as db:
                    turn.commit(db)
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
            turn = Turn(self, self.snapshot, key, incoming)
            turn.conversation = self.store.load_conversation(key)
            if turn.conversation is None:
                return [apology]
            turn.language = turn.conversation.language
            turn.prompt()
        except Exception:  # the apology alone is better than a second failure
            log.exception("could not ask the current question again")
            return [apology]
        return [apology, *turn.replies]
