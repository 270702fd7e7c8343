"""The conversation engine: one incoming event in, the messages to send out.

``Engine.handle`` is synchronous and thread-safe. For each message it pins the live
:class:`~bot.engine.snapshot.Snapshot`, loads the conversation from SQLite, takes one
step in the flow's shared state machine in memory (:class:`~bot.engine.turn.Turn`), then
saves the new state with its log events in one short transaction: a crash mid-message
leaves the conversation exactly as it was before it. Messages of one conversation are
handled one at a time (a lock per pseudonym); async channels go through
:class:`bot.engine.dispatch.Dispatcher`, which also keeps their arrival order.

An update that carries the network's id (``Incoming.event_id``) is handled exactly once:
the same transaction records it and keeps the turn's replies in the reply outbox until
the channel reports them delivered (:meth:`Engine.delivered`); an update seen again
changes nothing (:meth:`Engine.handle_event`). The ids and addresses stay opaque here.

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
from bot.engine.outbox import Handled, PendingReplies, dump_replies, load_replies
from bot.engine.snapshot import Snapshot
from bot.engine.turn import Turn
from bot.i18n import translator
from bot.store import Event, Store, Transaction
from bot.store.replies import PendingRow, ReplyOutbox

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
        outbox: ReplyOutbox | None = None,
    ):
        self.store = store
        # Without an outbox (scripts, some tests) update ids are ignored: at-least-once.
        self.outbox = outbox
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
        # Receipts handed to a channel in this process and not yet acknowledged: a
        # redelivered update does not get them a second time while they are being sent.
        self._in_hand: set[int] = set()
        self._in_hand_lock = threading.Lock()

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
        """The replies to one update (for callers that send nothing back: see
        :meth:`handle_event`)."""
        handled = self.handle_event(incoming)
        if handled.receipt is not None:  # nobody will report them delivered
            self.delivered(handled.receipt)
        return handled.replies

    def handle_event(self, incoming: Incoming) -> Handled:
        """Handle one update once; the channel sends the replies, then :meth:`delivered`."""
        key = self.pseudonymize(incoming.channel, incoming.user_id)
        event = self._event_key(incoming)
        with self._locks.hold(key):
            if event is not None and self.outbox is not None \
                    and self.outbox.is_handled(incoming.channel, event):
                return self._duplicate(incoming.channel, event)
            turn = Turn(self, self.snapshot, key, incoming)
            try:
                turn.run()  # reads, then works in memory: no database lock is held
                turn.finish()
                with self.store.transaction() as db:
                    turn.commit(db)
                    receipt = self._record(db, incoming, event, key, turn.replies)
            except Exception as exc:
                # Nothing was written, or the transaction rolled back: the conversation is
                # exactly as it was before this message.
                log.exception("error while handling a %s message", incoming.channel)
                return self._failed(key, incoming, event, turn.language, exc)
            return self._handled(turn.replies, receipt, event)

    def delivered(self, *receipts: int) -> None:
        """The channel sent the replies of ``receipts`` (or gave up on them): drop them."""
        if self.outbox is not None:
            self.outbox.acknowledge(*receipts)
        with self._in_hand_lock:
            self._in_hand.difference_update(receipts)

    def pending_replies(self, channel: str) -> list[PendingReplies]:
        """Replies of ``channel`` that were never acknowledged (a crash), oldest first;
        from now on in the caller's hands (acknowledge them with :meth:`delivered`)."""
        if self.outbox is None:
            return []
        rows = self.outbox.pending(channel)
        with self._in_hand_lock:
            rows = [row for row in rows if row.receipt not in self._in_hand]
            self._in_hand.update(row.receipt for row in rows)
        return [item for row in rows if (item := self._open(row)) is not None]

    # -- exactly once ------------------------------------------------------------------------

    def _event_key(self, incoming: Incoming) -> str | None:
        """The stored form of the update's id: a keyed hash, never the network's id."""
        if incoming.event_id is None or self.outbox is None:
            return None
        return self.pseudonymize(incoming.channel, f"\x1eupdate\x1f{incoming.event_id}")[:32]

    def _record(self, db: Transaction, incoming: Incoming, event: str | None, key: str,
                replies: list[Outgoing]) -> int | None:
        if event is None or self.outbox is None:
            return None
        return self.outbox.record(db, incoming.channel, event, key, incoming.address,
                                  dump_replies(replies) if replies else None)

    def _handled(self, replies: list[Outgoing], receipt: int | None,
                 event: str | None) -> Handled:
        if receipt is not None:
            with self._in_hand_lock:
                self._in_hand.add(receipt)
        return Handled(replies, receipt=receipt, token=event)

    def _duplicate(self, channel: str, event: str) -> Handled:
        log.info("a %s update was delivered again: not handled twice", channel)
        row = self.outbox.pending_of(channel, event) if self.outbox is not None else None
        with self._in_hand_lock:
            if row is None or row.receipt in self._in_hand:  # being sent right now
                return Handled(duplicate=True, token=event)
            self._in_hand.add(row.receipt)
        pending = self._open(row)
        if pending is None:
            return Handled(duplicate=True, token=event)
        return Handled(pending.replies, duplicate=True, receipt=pending.receipt, token=event)

    def _open(self, row: PendingRow) -> PendingReplies | None:
        try:
            replies = load_replies(row.replies)
        except (ValueError, KeyError, TypeError):  # written by another version, or damaged
            log.error("undelivered replies could not be read and were dropped")
            self.delivered(row.receipt)
            return None
        return PendingReplies(row.receipt, row.address, replies, row.event)

    def _failed(self, key: str, incoming: Incoming, event: str | None, language: str,
                exc: Exception) -> Handled:
        """The apology, recorded as the update's answer when that still works."""
        replies = self._apology(key, incoming, language)
        error = [Event("error", detail=type(exc).__name__)]
        try:
            with self.store.transaction() as db:
                self.store.log(key, incoming.channel, error)
                receipt = self._record(db, incoming, event, key, replies)
        except Exception:  # the database itself fails: answer anyway, at least once
            log.exception("could not record a failed %s message", incoming.channel)
            return Handled(replies)
        return self._handled(replies, receipt, event)

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
