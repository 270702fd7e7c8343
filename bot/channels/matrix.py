"""The Matrix channel: a bot account that chats in rooms, through matrix-nio.

One conversation per person: ``Incoming.user_id`` is the sender's Matrix id
(``@alice:example.org``; the engine turns it into a pseudonym), so that an
administrator named in ``ESSBOT_ADMINS`` as ``matrix:@alice:example.org`` is
recognised, and the same person finds their parcours in any room. Replies go to
the room the message came from. In a room with several people, the bot answers
only when it is mentioned, addressed with a command (``/…``) or replied to.

Matrix has no standard buttons, so choices are rendered as a numbered list;
the user answers with the number or the label, which this module maps back to
the payload of the last choices shown to that person in that room (kept in
``channel_state`` under a pseudonym, so the mapping survives a restart).

Robustness, and why it is built so:

* **No replays, no lost message.** matrix-nio does not persist the sync position
  by itself, and a first sync (or a sync from an old token, after a crash between
  handling an event and saving the token) returns timeline events that were
  already answered (matrix-nio #525). So: the sync token is saved after every
  batch; a first sync ever only catches up (invitations are accepted, old
  messages are not answered); each room keeps the position of the last event it
  acted on (``origin_server_ts`` and the event ids at that instant), claimed in
  memory before the event is handled and saved once it is; and the engine records
  each event id it handles in the transaction of the conversation's new state,
  with the replies (the reply outbox). An event seen again after a crash is not
  handled twice; replies a crash left unsent are sent after the first sync of
  the next run, with the same transaction ids (the homeserver drops a copy that
  had reached it). Events before the bot's own join in a room are never answered.
* **End-to-end encryption** (Tchap's private rooms, Element's direct chats):
  matrix-nio with vodozemac decrypts and encrypts; its store, the device id and
  the access token persist under the data folder (bot.channels.matrix_crypto),
  so a restart is the same device with the same keys. The first sync of each
  run asks for the full state, so that nio knows every room (a reply to a quiet
  room after a restart needs its members and its encryption). After every
  sync the keys are kept in order (one-time keys uploaded, device lists
  queried, Olm sessions claimed, to-device messages sent). A message that
  cannot be decrypted is retried while new keys arrive for a few seconds, then
  its sender is told once, in the room, to send it again.
* **Rate limits.** nio's own retry loops are disabled (``max_limit_exceeded=0``,
  ``max_timeouts=0``) so that this module decides: replies wait the server's
  ``retry_after_ms`` and are retried with the same transaction id (the server
  deduplicates); :meth:`MatrixChannel.deliver` raises :class:`RateLimited`.
* **Reconnection.** The sync loop survives network errors and homeserver
  restarts with an exponential back-off, and logs in again (same device) if
  the access token was invalidated and a password is set.

Logs never contain a user id, a room id or a message: rooms are named by the
first characters of their pseudonym, and matrix-nio's own loggers are filtered
(bot.channels.matrix_log).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    ErrorResponse,
    JoinResponse,
    MegolmEvent,
    ProfileGetDisplayNameResponse,
    RoomGetStateResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
)
from nio.exceptions import EncryptionError, LocalProtocolError, OlmTrustError, SendRetryError

from bot.channels import matrix_log
from bot.channels.base import DeliveryError, RateLimited, RecipientGone, TransientError
from bot.channels.matrix_cross_signing import CrossSigning
from bot.channels.matrix_crypto import (
    CryptoFolder,
    account_key,
    derive_keys,
    file_content,
    store_secret,
)
from bot.channels.matrix_format import notice, render, turn
from bot.channels.matrix_login import NETWORK_ERRORS, MatrixLogin
from bot.channels.matrix_settings import MatrixSettings
from bot.channels.pending import deliver_pending
from bot.channels.retry import RetryPolicy
from bot.config import DEFAULT_DB
from bot.engine.dispatch import Dispatcher
from bot.engine.messages import Document, Incoming, Outgoing

__all__ = ["CHANNEL", "MatrixChannel", "MatrixSettings", "from_env", "render"]

log = logging.getLogger(__name__)

CHANNEL = "matrix"

# The only user-facing texts of this module. French first; both languages when the
# conversation's language is unknown (the person has not talked to the engine yet).
UNDECRYPTABLE_NOTICE = {
    "fr": "Je n'ai pas pu déchiffrer votre dernier message : ses clés de chiffrement ne me "
          "sont pas parvenues (cela arrive avec un message envoyé juste avant que je rejoigne "
          "le salon, ou depuis un nouvel appareil). Pouvez-vous l'envoyer à nouveau ?",
    "en": "I could not decrypt your last message: its encryption keys did not reach me (this "
          "happens with a message sent just before I joined the room, or from a new device). "
          "Could you send it again?",
}

_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
# Ask for more than Synapse's default 10 timeline events per room, so that a short outage
# does not leave a gap; no presence, no account data: the bot does not use them.
_SYNC_FILTER = {
    "presence": {"types": []},
    "account_data": {"types": []},
    "room": {"timeline": {"limit": 100}, "account_data": {"types": []},
             "ephemeral": {"types": []}},
}


def from_env(env: Mapping[str, str], dispatcher: Dispatcher) -> MatrixChannel | None:
    """The runner's entry point: a channel when the MATRIX_* variables are set, else None."""
    settings = MatrixSettings.from_env(env)
    return MatrixChannel(dispatcher, settings) if settings is not None else None


# -- incoming text ------------------------------------------------------------------------


def strip_reply_fallback(body: str) -> str:
    """Drop the ``> <@someone> quoted text`` lines that replies put before the answer."""
    lines = body.split("\n")
    if not lines or not lines[0].startswith("> "):
        return body
    while lines and lines[0].startswith(">"):
        lines.pop(0)
    return "\n".join(lines).lstrip("\n")


# -- replay protection ----------------------------------------------------------------------


@dataclass
class Position:
    """Where a room's handling stands: the last handled instant and the event ids seen at it.

    ``origin_server_ts`` has a millisecond resolution; two events of the same
    millisecond are told apart by their ids.
    """

    ts: int = -1
    ids: list[str] = field(default_factory=list)

    def covers(self, ts: int, event_id: str) -> bool:
        return ts < self.ts or event_id in self.ids

    def advance(self, ts: int, event_id: str) -> None:
        if ts > self.ts:
            self.ts, self.ids = ts, [event_id]
        elif ts == self.ts and event_id not in self.ids:
            self.ids = [*self.ids[-19:], event_id]

    def dumps(self) -> str:
        return json.dumps({"ts": self.ts, "ids": self.ids})

    @classmethod
    def loads(cls, value: str | None) -> Position:
        if not value:
            return cls()
        data = json.loads(value)
        return cls(int(data["ts"]), list(data["ids"]))


def delivery_error(response: ErrorResponse) -> DeliveryError:
    """Map a Matrix error answer to the channel protocol's exceptions."""
    status = response.transport_response.status if response.transport_response else None
    code = response.status_code
    if code == "M_LIMIT_EXCEEDED" or status == 429:
        return RateLimited((response.retry_after_ms or 1000) / 1000, str(response))
    if code in ("M_FORBIDDEN", "M_NOT_FOUND") or status in (403, 404):
        return RecipientGone(str(response))
    # 5xx, a proxy's error page, an expired token that a new login will fix...
    return TransientError(str(response))


@dataclass
class Pending:
    """A message nio could not decrypt yet: retried at each sync until ``deadline``."""

    room_id: str
    event: MegolmEvent
    deadline: float


class MatrixChannel:
    """A running Matrix bot account; see the module docstring."""

    name = CHANNEL

    def __init__(self, dispatcher: Dispatcher, settings: MatrixSettings, *,
                 sync_timeout_ms: int = 30_000, max_backoff: float = 30.0,
                 notice_interval: float = 60.0, send_attempts: int = 6,
                 undecryptable_grace: float = 5.0, typing_after: float = 0.5):
        self.dispatcher = dispatcher
        self.settings = settings
        self.store = dispatcher.engine.store
        self.pseudonymize = dispatcher.engine.pseudonymize
        self.sync_timeout_ms = sync_timeout_ms
        self.max_backoff = max_backoff
        self.notice_interval = notice_interval  # at most one "undecryptable" notice per room per …
        self.send_attempts = send_attempts
        # Rate limits wait exactly what the server asks (retry_after_ms); others back off.
        self.retry = RetryPolicy(attempts=send_attempts, max_delay=max_backoff)
        # How long a message that cannot be decrypted waits for its keys before its sender
        # is asked to send it again (keys usually come in the same sync; sometimes just after).
        self.undecryptable_grace = undecryptable_grace
        # A turn longer than this shows « essbot is typing… » until its replies are sent
        # (a feuille de route takes seconds; a quick answer costs no extra request).
        self.typing_after = typing_after
        self.user_id = settings.user_id
        self.client: AsyncClient | None = None
        self.folder: CryptoFolder | None = None
        self.login: MatrixLogin | None = None
        self.cross_signing: CrossSigning | None = None
        self.display_name: str | None = None
        self.sync_count = 0  # successful syncs, for tests and health checks
        self.busy = False  # True while a sync batch is being handled
        # Keys of this account's own bookkeeping (not of any user), so that changing
        # MATRIX_USER_ID does not resume another account's sync position.
        self._account = account_key(settings.user_id)
        self._since: str | None = None
        self._full_state = True  # the first sync of each run asks for every room's state
        self._positions: dict[str, Position] = {}
        self._unsaved: set[str] = set()  # rooms whose position moved since it was saved
        self._pending_sent = False  # replies a crash left unsent: sent after the 1st sync
        self._last_notice: dict[str, float] = {}
        self._noticed: set[tuple[str, str, str]] = set()  # (room, sender, megolm session)
        self._pending: list[Pending] = []
        self._greet: dict[str, str] = {}  # room joined -> inviter, greeted once nio knows it
        self._sent: dict[str, set[str]] = {}  # room -> ids of the bot's recent events
        self._direct: dict[str, str] = {}  # user -> direct room, in memory only
        self._keys_lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping.clear()
        matrix_log.install()
        data_dir = self._data_dir()
        secret = await asyncio.to_thread(store_secret, self.settings.store_key,
                                         self.settings.essbot_secret, data_dir)
        self.folder = CryptoFolder(data_dir, self._account, derive_keys(secret))
        await asyncio.to_thread(self.folder.prepare)
        self.login = MatrixLogin(self.settings, self.folder, lambda: self._state("device"),
                                 self.max_backoff)
        self.client = await self.login.connect()
        self.cross_signing = CrossSigning(self.settings.homeserver, self.user_id,
                                          self.folder.path, self.folder.keys.session_key,
                                          self.settings.password,
                                          self.settings.reset_cross_signing)
        self._since = await self._state("since") or None
        self._full_state = True
        self._pending_sent = False
        with contextlib.suppress(*NETWORK_ERRORS):
            name = await self.client.get_displayname()
            if isinstance(name, ProfileGetDisplayNameResponse):
                self.display_name = name.displayname
        self._task = asyncio.create_task(self._sync_loop(), name="matrix-sync")

    async def stop(self) -> None:
        self._stopping.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        await self.dispatcher.flush()
        if self.client is not None:
            await self.client.close()

    def _data_dir(self) -> Path:
        """The folder of the database: the crypto store lives beside it."""
        path = getattr(self.store, "path", None)
        return Path(path).parent if path and path != ":memory:" else DEFAULT_DB.parent

    async def _pause(self, seconds: float) -> None:
        """Sleep, unless asked to stop."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)

    # -- bookkeeping -------------------------------------------------------------------------

    async def _state(self, key: str) -> str | None:
        return await asyncio.to_thread(self.store.channel_state, CHANNEL,
                                       f"{self._account}:{key}")

    async def _set_state(self, key: str, value: str) -> None:
        await asyncio.to_thread(self.store.set_channel_state, CHANNEL,
                                f"{self._account}:{key}", value)

    def _tag(self, room_id: str) -> str:
        """A room's name in logs: the start of its pseudonym."""
        return self.pseudonymize(CHANNEL, room_id)[:8]

    def _room_key(self, room_id: str, what: str) -> str:
        return f"room:{self.pseudonymize(CHANNEL, room_id)}:{what}"

    async def _position(self, room_id: str) -> Position:
        if room_id not in self._positions:
            value = await asyncio.to_thread(self.store.channel_state, CHANNEL,
                                            self._room_key(room_id, "position"))
            self._positions[room_id] = Position.loads(value)
        return self._positions[room_id]

    def handled(self, room_id: str, event_id: str) -> bool:
        """Whether this run has claimed ``event_id`` (for tests: pair it with ``busy``)."""
        position = self._positions.get(room_id)
        return bool(position and event_id in position.ids)

    async def _claim(self, room_id: str, event: dict) -> bool:
        """Claim ``event`` for this run; False if it was handled already.

        The claim is saved once the event is handled (:meth:`_save_position`): a crash in
        between leaves the event to be handled on the next run, where the engine's record
        of the event id tells whether it was (so it is answered once, not at most once).
        """
        position = await self._position(room_id)
        ts, event_id = int(event.get("origin_server_ts", 0)), event.get("event_id", "")
        if position.covers(ts, event_id):
            return False
        position.advance(ts, event_id)
        self._unsaved.add(room_id)
        return True

    async def _save_position(self, room_id: str) -> None:
        if room_id in self._unsaved:
            self._unsaved.discard(room_id)
            await asyncio.to_thread(self.store.set_channel_state, CHANNEL,
                                    self._room_key(room_id, "position"),
                                    self._positions[room_id].dumps())

    # -- the sync loop -----------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        backoff = initial_backoff = min(0.5, self.max_backoff)
        while not self._stopping.is_set():
            client = self.client
            assert client is not None
            timeout = self.sync_timeout_ms
            if self._pending:  # come back by the first deadline, even if nothing happens
                remaining = min(p.deadline for p in self._pending) - time.monotonic()
                timeout = max(0, min(timeout, int(remaining * 1000)))
            request = asyncio.ensure_future(client.sync(
                timeout=timeout, since=self._since, sync_filter=_SYNC_FILTER,
                full_state=True if self._full_state else None))
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not request.done():
                request.cancel()
                with contextlib.suppress(asyncio.CancelledError, *NETWORK_ERRORS):
                    await request
                break
            try:
                response = request.result()
            except NETWORK_ERRORS as error:
                log.warning("matrix: homeserver unreachable (%s); retrying in %.1f s",
                            type(error).__name__, backoff)
                await self._pause(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            if not isinstance(response, SyncResponse):
                backoff = await self._sync_failed(response, backoff)
                continue
            if backoff > initial_backoff:
                log.warning("matrix: connected again")
            backoff = initial_backoff
            self._full_state = False
            self.busy = True
            try:
                await self._keep_keys(response)
                if not self._pending_sent:  # nio now knows the rooms: before anything new
                    self._pending_sent = True
                    await self._deliver_pending()
                await self._handle_sync(response, catch_up=self._since is None)
            except Exception:  # a bug must not stop the bot for everybody
                log.exception("matrix: error while handling a sync batch")
            finally:
                self.busy = False
            self._since = response.next_batch
            await self._set_state("since", response.next_batch)
            self.sync_count += 1
            if self.sync_count == 1:
                log.info("matrix: in sync, %d room(s) joined", len(client.rooms))

    async def _deliver_pending(self) -> None:
        """The replies the last run left unsent; a failure here must not skip the batch."""
        try:
            await deliver_pending(self.dispatcher, self.name, self._send_pending)
        except Exception:  # they stay in the outbox for the next start
            log.exception("matrix: error while sending the replies left by the last run")

    async def _sync_failed(self, response: Any, backoff: float) -> float:
        """Wait as the error asks; return the next back-off."""
        code = getattr(response, "status_code", None)
        if code == "M_LIMIT_EXCEEDED":
            wait = (getattr(response, "retry_after_ms", None) or 1000) / 1000
            log.warning("matrix: sync rate-limited, waiting %.1f s", wait)
            await self._pause(wait)
            return backoff
        if (code == "M_UNKNOWN_TOKEN" and self.settings.password and self.client is not None
                and self.login is not None):
            log.warning("matrix: access token refused, logging in again (same device)")
            with contextlib.suppress(RuntimeError):
                await self.login.login(self.client, self.client.device_id)
        else:
            log.warning("matrix: sync failed (%s); retrying in %.1f s", response, backoff)
        await self._pause(backoff)
        return min(backoff * 2, self.max_backoff)

    async def _keep_keys(self, response: SyncResponse) -> None:
        """What nio's sync_forever does after each sync, so that encryption keeps working.

        One-time keys are uploaded again when the server runs low (each new Olm
        session with the bot uses one), the device is cross-signed once its keys are
        on the server (bot.channels.matrix_cross_signing), device lists of the people
        in encrypted rooms are queried when they change, Olm sessions are claimed for
        devices that need a new one, and queued to-device messages (key request
        cancellations, repaired sessions) are sent.
        """
        client = self.client
        assert client is not None and client.olm is not None
        if response.device_key_count.signed_curve25519 == 0 and client.olm_account_shared:
            # nio 0.26 ignores a count of 0 (it tests the count for truth), so a pool
            # emptied between two syncs would never be filled again: tell it.
            client.olm.uploaded_key_count = 0
        try:
            if client.should_upload_keys:
                answer = await client.keys_upload()
                if isinstance(answer, ErrorResponse):
                    log.warning("matrix: encryption keys not uploaded (%s)", answer)
            if (self.cross_signing is not None and not self.cross_signing.done
                    and client.olm_account_shared):
                await self.cross_signing.ensure(client.access_token, client.device_id)
            async with self._keys_lock:
                if client.should_query_keys:
                    await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
            await client.send_to_device_messages()
        except NETWORK_ERRORS as error:
            log.warning("matrix: encryption keys not updated (%s); the next sync retries",
                        type(error).__name__)

    async def _handle_sync(self, response: SyncResponse, catch_up: bool) -> None:
        """Invitations first, then every joined room's new events, rooms concurrently."""
        for room_id, info in response.rooms.invite.items():
            try:
                await self._on_invite(room_id, [getattr(e, "source", {}) for e in
                                                info.invite_state])
            except Exception:
                log.exception("matrix: error while handling an invitation (room %s)",
                              self._tag(room_id))
        if catch_up:
            # The very first sync of this account: the timelines are history, answered or not
            # by someone else long ago. Only the position is kept (by the caller).
            log.warning("matrix: first sync, %d room(s) joined; earlier messages are not "
                        "answered", len(response.rooms.join))
            return
        await self._retry_pending()
        await asyncio.gather(*(self._on_room(room_id, list(info.timeline.events))
                               for room_id, info in response.rooms.join.items()))

    # -- invitations -------------------------------------------------------------------------

    async def _on_invite(self, room_id: str, invite_state: list[dict]) -> None:
        client = self.client
        assert client is not None
        # (matrix-nio drops the content of stripped state events: the invitation is the
        # bot's own member event, and its sender the inviter.)
        inviter = next((e.get("sender", "") for e in invite_state
                        if e.get("type") == "m.room.member"
                        and e.get("state_key") == self.user_id), "")
        server = inviter.partition(":")[2].lower()
        allowed = self.settings.allowed_servers
        if allowed is not None and server not in allowed:
            log.warning("matrix: invitation from server %r rejected (not in "
                        "MATRIX_ALLOWED_SERVERS)", server)
            with contextlib.suppress(*NETWORK_ERRORS):
                await client.room_leave(room_id)
            return
        joined = await client.join(room_id)
        if not isinstance(joined, JoinResponse):
            log.warning("matrix: could not join an invited room (%s)", joined)
            return
        state = await client.room_get_state(room_id)
        events = state.events if isinstance(state, RoomGetStateResponse) else []
        encrypted = any(e.get("type") == "m.room.encryption" for e in events)
        others = {e.get("state_key") for e in events
                  if e.get("type") == "m.room.member" and e.get("state_key") != self.user_id
                  and e.get("content", {}).get("membership") in ("join", "invite")}
        log.info("matrix: joined %s room %s (%d other member(s))",
                 "an encrypted" if encrypted else "a", self._tag(room_id), len(others))
        if len(others) <= 1 and inviter:
            # Greet once the next sync has told nio about the room (its members and its
            # encryption): nio cannot send to a room it has not synced.
            self._direct[inviter] = room_id
            self._greet[room_id] = inviter

    # -- timeline ----------------------------------------------------------------------------

    def _is_direct(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id) if self.client else None
        return room is None or room.member_count <= 2

    def _is_encrypted(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id) if self.client else None
        return bool(room and room.encrypted)

    async def _on_room(self, room_id: str, events: list[Any]) -> None:
        # Nothing before the bot's own (latest) join is for it: that is history.
        for index in range(len(events) - 1, -1, -1):
            source = getattr(events[index], "source", None) or {}
            if (source.get("type") == "m.room.member" and source.get("state_key") == self.user_id
                    and (source.get("content") or {}).get("membership") == "join"):
                events = events[index + 1:]
                break
        for event in events:
            try:
                await self._on_event(room_id, event)
            except Exception:
                log.exception("matrix: error while handling an event (room %s)",
                              self._tag(room_id))
            await self._save_position(room_id)
        inviter = self._greet.pop(room_id, None)
        if inviter is not None and self.client is not None and room_id in self.client.rooms:
            try:
                await self._converse(room_id, Incoming.text_message(CHANNEL, inviter, "/start"))
            except Exception:
                log.exception("matrix: error while greeting (room %s)", self._tag(room_id))

    async def _on_event(self, room_id: str, event: Any) -> None:
        source = getattr(event, "source", None) or {}
        if source.get("sender") == self.user_id or "state_key" in source:
            return
        if isinstance(event, MegolmEvent):  # nio could not decrypt it (yet)
            if await self._claim(room_id, source):
                await self._undecryptable(room_id, event)
            return
        await self._on_message(room_id, event, source)

    async def _on_message(self, room_id: str, event: Any, source: dict,
                          claimed: bool = False) -> None:
        """A text message (in clear, or decrypted by nio): to the engine if it is for the bot."""
        content = source.get("content") or {}
        if source.get("type") != "m.room.message" or content.get("msgtype") not in ("m.text",
                                                                                     "m.emote"):
            return  # notices (other bots), files, reactions, other encryption algorithms...
        relation = content.get("m.relates_to") or {}
        if relation.get("rel_type") == "m.replace":
            return  # an edit of an earlier message, already handled as it was
        text = strip_reply_fallback(str(content.get("body", "")))
        if not self._is_direct(room_id):
            addressed, text = self._addressed(room_id, content, text)
            if not addressed:
                return
        if not claimed and not await self._claim(room_id, source):
            return
        decrypted = bool(getattr(event, "decrypted", False))
        if self._is_encrypted(room_id) and not decrypted:
            # Clients never write in clear in an encrypted room; the homeserver could.
            log.warning("matrix: a message in clear in an encrypted room was ignored (room %s)",
                        self._tag(room_id))
            return
        if decrypted and not self.settings.trust.accepts(event):
            log.warning("matrix: a message from a device that is not verified was ignored "
                        "(MATRIX_TRUST=verified, room %s)", self._tag(room_id))
            return
        sender = str(source.get("sender", ""))
        if self._is_direct(room_id):
            self._direct[sender] = room_id
        incoming = await self._incoming(room_id, sender, text)
        event_id = source.get("event_id")
        if isinstance(event_id, str) and event_id:
            incoming = replace(incoming, event_id=event_id, reply_to=room_id)
        await self._converse(room_id, incoming)

    def _addressed(self, room_id: str, content: dict, text: str) -> tuple[bool, str]:
        """In a room with several people: is the bot addressed? And the text without its name."""
        names = [re.escape(self.user_id), re.escape(self.user_id.partition(":")[0]),
                 re.escape(self.user_id.partition(":")[0].lstrip("@"))]
        if self.display_name:
            names.insert(0, re.escape(self.display_name))
        name = re.compile(rf"(?<![\w@])(?:{'|'.join(names)})(?!\w)\s*[:,]?\s*", re.I)
        mentioned = self.user_id in ((content.get("m.mentions") or {}).get("user_ids") or [])
        mentioned |= f"matrix.to/#/{self.user_id}" in str(content.get("formatted_body", ""))
        reply_to = ((content.get("m.relates_to") or {}).get("m.in_reply_to") or {})
        mentioned |= reply_to.get("event_id") in self._sent.get(room_id, set())
        mentioned |= bool(name.search(text))
        cleaned = name.sub("", text, count=1).strip() if mentioned else text.strip()
        if cleaned.startswith("/"):
            return True, cleaned
        if mentioned:
            return True, cleaned or "/start"
        return False, text

    async def _incoming(self, room_id: str, sender: str, text: str) -> Incoming:
        """Typed text as it is: the engine reads a number or a label of the list shown last."""
        return Incoming.text_message(CHANNEL, sender, text)

    # -- messages that cannot be decrypted ---------------------------------------------------

    async def _undecryptable(self, room_id: str, event: MegolmEvent) -> None:
        """Ask for the keys, and wait for them a little before telling the sender."""
        assert self.client is not None
        # Spec'd key request: to the bot's own other devices (nio accepts forwarded keys
        # from those only). The sender's client shares its new session with the bot when
        # it writes again, which is why the notice asks for the message again.
        with contextlib.suppress(LocalProtocolError, *NETWORK_ERRORS):
            await self.client.request_room_key(event)
        log.warning("matrix: a message could not be decrypted yet (room %s); waiting %.0f s "
                    "for its keys", self._tag(room_id), self.undecryptable_grace)
        self._pending.append(Pending(room_id, event,
                                     time.monotonic() + self.undecryptable_grace))

    async def _retry_pending(self) -> None:
        """Decrypt the waiting messages whose keys came; tell the senders of the late ones."""
        if not self._pending or self.client is None:
            return
        waiting, self._pending = self._pending, []
        now = time.monotonic()
        for pending in waiting:
            try:
                decrypted = self.client.decrypt_event(pending.event)
            except EncryptionError:
                decrypted = None
            try:
                if decrypted is not None:
                    log.info("matrix: a message was decrypted once its keys came (room %s)",
                             self._tag(pending.room_id))
                    await self._on_message(pending.room_id, decrypted,
                                           getattr(decrypted, "source", None) or {},
                                           claimed=True)
                elif now >= pending.deadline:
                    await self._tell_undecryptable(pending.room_id, pending.event)
                else:
                    self._pending.append(pending)
            except Exception:
                log.exception("matrix: error while handling a message that was not decrypted "
                              "(room %s)", self._tag(pending.room_id))

    async def _tell_undecryptable(self, room_id: str, event: MegolmEvent) -> None:
        """Ask the sender, once per Megolm session (and room interval), to send it again."""
        key = (room_id, event.sender, event.session_id)
        now = time.monotonic()
        last = self._last_notice.get(room_id)
        if key in self._noticed or (last is not None and now - last < self.notice_interval):
            log.warning("matrix: a message could not be decrypted (room %s); notice already "
                        "sent", self._tag(room_id))
            return
        if len(self._noticed) > 10_000:
            self._noticed.clear()
        self._noticed.add(key)
        self._last_notice[room_id] = now
        log.warning("matrix: a message could not be decrypted (room %s); its sender is asked "
                    "to send it again", self._tag(room_id))
        language = await asyncio.to_thread(self._language, event.sender)
        text = (UNDECRYPTABLE_NOTICE[language] if language in UNDECRYPTABLE_NOTICE
                else UNDECRYPTABLE_NOTICE["fr"] + "\n\n" + UNDECRYPTABLE_NOTICE["en"])
        await self._retrying(room_id, lambda txn: self._put(room_id, notice(text), txn))

    def _language(self, sender: str) -> str | None:
        """The language of the sender's conversation with the engine, if there is one."""
        with contextlib.suppress(Exception):
            conversation = self.store.load_conversation(self.pseudonymize(CHANNEL, sender))
            return getattr(conversation, "language", None)
        return None

    # -- answering ---------------------------------------------------------------------------

    async def _converse(self, room_id: str, incoming: Incoming) -> None:
        """One turn: the engine's replies, sent in order, then reported delivered."""
        handling = asyncio.ensure_future(self.dispatcher.handle_event(incoming))
        typing = False
        try:
            done, _ = await asyncio.wait({handling}, timeout=self.typing_after)
            if not done:
                typing = await self._typing(room_id, True)
            handled = await handling
            for index, outgoing in enumerate(turn(handled.replies)):
                txn = f"essbot.{handled.token}.{index}" if handled.token else None
                if not await self._send_patiently(room_id, outgoing, txn):
                    break
        except asyncio.CancelledError:
            handling.cancel()
            raise
        finally:
            if typing:
                await self._typing(room_id, False)
        if handled.receipt is not None:  # sent, or given up (the room is gone...)
            await self.dispatcher.delivered(handled.receipt)

    async def _typing(self, room_id: str, typing: bool) -> bool:
        """Show or clear the bot's typing notification; True if the server took it."""
        if self.client is None or room_id not in self.client.rooms:
            return False
        with contextlib.suppress(*NETWORK_ERRORS):
            answer = await self.client.room_typing(room_id, typing, timeout=30_000)
            return not isinstance(answer, ErrorResponse)
        return False

    async def _send_pending(self, room_id: str, replies: list[Outgoing], token: str) -> None:
        """Replies a crash left unsent, with the transaction ids of the first attempt."""
        for index, outgoing in enumerate(turn(replies)):
            txn = f"essbot.{token}.{index}"
            await self._send_patiently(room_id, outgoing, txn, raising=True)

    async def _send_patiently(self, room_id: str, outgoing: Outgoing, txn: str | None = None,
                              raising: bool = False) -> bool:
        """Send one reply, waiting out rate limits; False if the room is gone.

        ``txn``: the base of its transaction ids, stable across restarts (the homeserver
        drops a send it has already seen from this device). ``raising``: raise the
        :class:`DeliveryError` instead of returning False.
        """
        if outgoing.text or outgoing.choices:
            content = render(outgoing)
            if not await self._retrying(room_id, lambda t: self._put(room_id, content, t),
                                        txn and f"{txn}.text", raising):
                return False
        if outgoing.document is not None:
            document = outgoing.document
            encrypt = self._is_encrypted(room_id)
            uploaded = await self._retrying(room_id,
                                            lambda _txn: self._upload(document, encrypt),
                                            raising=raising)
            if not uploaded:
                return False
            content = file_content(document.filename, document.media_type, len(document.data),
                                   *uploaded)
            return await self._retrying(room_id, lambda t: self._put(room_id, content, t),
                                        txn and f"{txn}.file", raising) is not None
        return True

    async def _retrying(self, room_id: str, call: Callable[[str], Awaitable[Any]],
                        txn: str | None = None, raising: bool = False) -> Any:
        """``call(txn_id)``, again after a rate limit or a transient error; None if it fails.

        The transaction id stays the same across attempts, so that the homeserver
        drops a duplicate if an attempt reached it after all.
        """
        txn = txn or uuid.uuid4().hex
        try:
            return await self.retry.run(f"matrix: a send (room {self._tag(room_id)})",
                                        lambda: call(txn), log)
        except RecipientGone as error:
            log.warning("matrix: cannot write to room %s: %s", self._tag(room_id), error)
            if raising:
                raise
        except DeliveryError as error:
            log.error("matrix: a reply was lost (room %s): %s", self._tag(room_id), error)
            if raising:
                raise
        return None

    async def _put(self, room_id: str, content: dict[str, Any], txn: str | None = None) -> str:
        """Send one event (encrypted in an encrypted room); its id, or a protocol exception."""
        client = self.client
        assert client is not None
        if room_id not in client.rooms:
            raise RecipientGone("the bot is not in this room")
        try:
            await self._prepare(room_id)
            answer = await self._room_send(room_id, content, txn or uuid.uuid4().hex)
        except NETWORK_ERRORS as error:
            raise TransientError(f"network error: {error!r}") from error
        except (SendRetryError, LocalProtocolError, OlmTrustError, EncryptionError) as error:
            raise TransientError(f"encryption: {type(error).__name__}") from error
        if isinstance(answer, RoomSendResponse):
            sent = self._sent.setdefault(room_id, set())
            if len(sent) > 200:
                sent.clear()
            sent.add(answer.event_id)
            return answer.event_id
        raise delivery_error(answer)

    async def _prepare(self, room_id: str) -> None:
        """Before writing to an encrypted room: its members, their devices, the trust policy.

        nio would fetch members and devices itself; doing it here lets the trust
        policy decide about every device before nio shares the room key.
        """
        client = self.client
        assert client is not None
        room = client.rooms[room_id]
        if not room.encrypted:
            return
        if not room.members_synced:
            answer = await client.joined_members(room_id)
            if isinstance(answer, ErrorResponse):
                raise delivery_error(answer)
        async with self._keys_lock:
            if client.should_query_keys:
                answer = await client.keys_query()
                if isinstance(answer, ErrorResponse):
                    raise TransientError(f"device keys not fetched: {answer}")
        self.settings.trust.apply(client, list(room.users))

    async def _room_send(self, room_id: str, content: dict[str, Any], txn: str) -> Any:
        client = self.client
        assert client is not None
        share = self.settings.trust.share_with_unverified
        try:
            return await client.room_send(room_id, "m.room.message", content, tx_id=txn,
                                          ignore_unverified_devices=share)
        except OlmTrustError:
            # A device nio met while sending (members refreshed meanwhile): decide, again.
            self.settings.trust.apply(client, list(client.rooms[room_id].users))
            return await client.room_send(room_id, "m.room.message", content, tx_id=txn,
                                          ignore_unverified_devices=share)

    async def _upload(self, document: Document, encrypt: bool
                      ) -> tuple[str, dict[str, Any] | None]:
        """Upload a document (encrypted for an encrypted room): its ``mxc://`` URI and keys."""
        assert self.client is not None
        try:
            answer, keys = await self.client.upload(
                io.BytesIO(document.data), content_type=document.media_type,
                filename=document.filename, filesize=len(document.data), encrypt=encrypt)
        except NETWORK_ERRORS as error:
            raise TransientError(f"network error: {error!r}") from error
        if isinstance(answer, UploadResponse):
            return answer.content_uri, keys
        refused = delivery_error(answer)
        raise refused if not isinstance(refused, RecipientGone) else TransientError(str(answer))

    # -- pushed messages ---------------------------------------------------------------------

    async def deliver(self, user_id: str, message: Outgoing) -> None:
        """Send ``message`` once to the person ``user_id`` (in their direct room with the bot).

        ``user_id`` is a Matrix user id, as in ``Incoming.user_id``; a room id (``!…``)
        is accepted too. In an encrypted room the message and its document are
        encrypted. M_LIMIT_EXCEEDED raises :class:`RateLimited` (with
        ``retry_after_ms``); forbidden, not in the room, or no direct room with that
        person :class:`RecipientGone`; network errors and 5xx :class:`TransientError`.
        Not retried here: the caller paces.
        """
        if self.client is None:
            raise TransientError("the Matrix channel is not started")
        room_id = user_id if user_id.startswith("!") else await self._direct_room(user_id)
        if message.text or message.choices:
            await self._put(room_id, render(message))
        if message.document is not None:
            document = message.document
            uploaded = await self._upload(document, self._is_encrypted(room_id))
            await self._put(room_id, file_content(document.filename, document.media_type,
                                                  len(document.data), *uploaded))

    async def _direct_room(self, user_id: str) -> str:
        """The room where only the bot and ``user_id`` are: seen this run, or asked the server.

        Never stored: the database would otherwise hold a raw id.
        """
        assert self.client is not None
        if user_id in self._direct:
            return self._direct[user_id]
        try:
            rooms = await self.client.joined_rooms()
            for room_id in getattr(rooms, "rooms", []):
                members = await self.client.joined_members(room_id)
                ids = {m.user_id for m in getattr(members, "members", [])}
                if ids == {self.user_id, user_id}:
                    self._direct[user_id] = room_id
                    return room_id
        except NETWORK_ERRORS as error:
            raise TransientError(f"network error: {error!r}") from error
        if isinstance(rooms, ErrorResponse):
            raise delivery_error(rooms)
        raise RecipientGone("no direct room with this user")
