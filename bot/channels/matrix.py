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

* **No replays.** matrix-nio does not persist the sync position by itself, and
  a first sync (or a sync from an old token, after a crash between handling an
  event and saving the token) returns timeline events that were already
  answered (matrix-nio #525). So: the sync token is saved after every batch;
  a first sync ever only catches up (invitations are accepted, old messages are
  not answered); and each room keeps, durably, the position of the last event
  it acted on (``origin_server_ts`` and the event ids at that instant), written
  *before* the event is handled. An event at or before that position is never
  handled again. Events before the bot's own join in a room are never answered.
* **Rate limits.** nio's own retry loops are disabled (``max_limit_exceeded=0``,
  ``max_timeouts=0``) so that this module decides: replies wait the server's
  ``retry_after_ms`` and are retried with the same transaction id (the server
  deduplicates); :meth:`MatrixChannel.deliver` raises :class:`RateLimited`.
* **Reconnection.** The sync loop survives network errors and homeserver
  restarts with an exponential back-off, and logs in again (password set-up)
  if the access token was invalidated.
* **Encryption** is not supported (no libolm). In an encrypted room the bot
  sends an unencrypted ``m.notice`` that says so, and logs it.

Logs never contain a user id, a room id or a message: rooms are named by the
first characters of their pseudonym.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import io
import json
import logging
import re
import time
import unicodedata
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    JoinResponse,
    LoginResponse,
    ProfileGetDisplayNameResponse,
    RoomGetStateResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)

from bot.channels.base import DeliveryError, RateLimited, RecipientGone, TransientError
from bot.engine.dispatch import Dispatcher
from bot.engine.messages import Choice, Incoming, Outgoing

log = logging.getLogger(__name__)

CHANNEL = "matrix"

# The only user-facing texts of this module. French first; both languages when the
# conversation's language is unknown (the room has not talked to the engine yet).
ENCRYPTED_NOTICE = {
    "fr": "Ce salon est chiffré de bout en bout : je ne peux pas lire les messages qui y sont "
          "écrits, donc je ne peux pas y répondre. Pour discuter avec moi, créez un salon sans "
          "chiffrement (dans Element : « Nouveau salon », puis désactivez le chiffrement de bout "
          "en bout) et invitez-moi.",
    "en": "This room is end-to-end encrypted: I cannot read the messages written here, so I "
          "cannot answer them. To talk with me, create a room without encryption (in Element: "
          "\"New room\", then turn end-to-end encryption off) and invite me.",
}

_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.)]?\s*$")
_NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError)
# Ask for more than Synapse's default 10 timeline events per room, so that a short outage
# does not leave a gap; no presence, no account data: the bot does not use them.
_SYNC_FILTER = {
    "presence": {"types": []},
    "account_data": {"types": []},
    "room": {"timeline": {"limit": 100}, "account_data": {"types": []},
             "ephemeral": {"types": []}},
}


@dataclass(frozen=True)
class MatrixSettings:
    homeserver: str
    user_id: str
    password: str | None = None
    access_token: str | None = None
    device_id: str | None = None
    # Server names allowed to invite the bot; None allows every server.
    allowed_servers: frozenset[str] | None = None
    device_name: str = "essbot"

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MatrixSettings | None:
        """The settings, or None when the channel is not configured (missing variables)."""
        def get(name: str) -> str | None:
            return (env.get(name) or "").strip() or None

        homeserver, user_id = get("MATRIX_HOMESERVER"), get("MATRIX_USER_ID")
        password, token = get("MATRIX_PASSWORD"), get("MATRIX_ACCESS_TOKEN")
        if not (homeserver and user_id and (password or token)):
            if homeserver or user_id or password or token:
                missing = [name for name, value in (("MATRIX_HOMESERVER", homeserver),
                                                    ("MATRIX_USER_ID", user_id),
                                                    ("MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN",
                                                     password or token)) if not value]
                log.error("matrix channel not started: %s not set", ", ".join(missing))
            return None
        servers = get("MATRIX_ALLOWED_SERVERS")
        allowed = (frozenset(s.strip().lower() for s in servers.split(",") if s.strip())
                   if servers else None)
        return cls(homeserver=homeserver, user_id=user_id, password=password,
                   access_token=token, device_id=get("MATRIX_DEVICE_ID"),
                   allowed_servers=allowed)


def from_env(env: Mapping[str, str], dispatcher: Dispatcher) -> MatrixChannel | None:
    """The runner's entry point: a channel when the MATRIX_* variables are set, else None."""
    settings = MatrixSettings.from_env(env)
    return MatrixChannel(dispatcher, settings) if settings is not None else None


# -- rendering ------------------------------------------------------------------------------


def render(outgoing: Outgoing) -> dict[str, Any]:
    """An ``m.room.message`` content: plain ``body`` and escaped HTML ``formatted_body``."""
    text = outgoing.text.strip("\n")
    lines = [f"{n}. {choice.label}" for n, choice in enumerate(outgoing.choices, 1)]
    body = "\n\n".join(part for part in (text, "\n".join(lines)) if part)
    formatted = html.escape(text).replace("\n", "<br>")
    if outgoing.choices:
        items = "".join(f"<li>{html.escape(choice.label)}</li>" for choice in outgoing.choices)
        formatted += f"<ol>{items}</ol>"
    return {"msgtype": "m.text", "body": body, "format": "org.matrix.custom.html",
            "formatted_body": formatted}


def notice(text: str) -> dict[str, Any]:
    return {"msgtype": "m.notice", "body": text, "format": "org.matrix.custom.html",
            "formatted_body": html.escape(text).replace("\n", "<br>")}


def normalize(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form, to match a typed label."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", letters).split())


def pick_choice(text: str, choices: list[Choice]) -> Choice | None:
    """The choice a typed number or whole label designates, or None."""
    number = _NUMBER.match(text)
    if number:
        index = int(number.group(1)) - 1
        return choices[index] if 0 <= index < len(choices) else None
    wanted = normalize(text)
    if not wanted:
        return None
    for choice in choices:
        if normalize(choice.label) == wanted:
            return choice
    return None


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


class MatrixChannel:
    """A running Matrix bot account; see the module docstring."""

    name = CHANNEL

    def __init__(self, dispatcher: Dispatcher, settings: MatrixSettings, *,
                 sync_timeout_ms: int = 30_000, max_backoff: float = 30.0,
                 notice_interval: float = 60.0, send_attempts: int = 6):
        self.dispatcher = dispatcher
        self.settings = settings
        self.store = dispatcher.engine.store
        self.pseudonymize = dispatcher.engine.pseudonymize
        self.sync_timeout_ms = sync_timeout_ms
        self.max_backoff = max_backoff
        self.notice_interval = notice_interval  # at most one encryption notice per room per …
        self.send_attempts = send_attempts
        self.user_id = settings.user_id
        self.client: AsyncClient | None = None
        self.display_name: str | None = None
        self.sync_count = 0  # successful syncs, for tests and health checks
        self.busy = False  # True while a sync batch is being handled
        # Keys of this account's own bookkeeping (not of any user), so that changing
        # MATRIX_USER_ID does not resume another account's sync position.
        self._account = hashlib.sha256(settings.user_id.encode()).hexdigest()[:12]
        self._since: str | None = None
        self._positions: dict[str, Position] = {}
        self._choices: dict[str, list[Choice]] = {}
        self._last_notice: dict[str, float] = {}
        self._sent: dict[str, set[str]] = {}  # room -> ids of the bot's recent events
        self._direct: dict[str, str] = {}  # user -> direct room, in memory only
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping.clear()
        config = AsyncClientConfig(max_limit_exceeded=0, max_timeouts=0,
                                   encryption_enabled=False, store_sync_tokens=False)
        self.client = AsyncClient(self.settings.homeserver, self.user_id, config=config)
        await self._authenticate()
        self._since = await self._state("since") or None
        with contextlib.suppress(*_NETWORK_ERRORS):
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
        if self.client is not None:
            await self.client.close()

    async def _authenticate(self) -> None:
        """Log in with the password, or check the access token; raise if refused."""
        client = self.client
        assert client is not None
        device_id = self.settings.device_id or await self._state("device")
        if self.settings.access_token and not self.settings.password:
            client.access_token = self.settings.access_token
            client.user_id = self.user_id
            answer = await self._with_retries(client.whoami)
            if not isinstance(answer, WhoamiResponse):
                raise RuntimeError(f"Matrix refused MATRIX_ACCESS_TOKEN: {answer}")
            if answer.user_id != self.user_id:
                raise RuntimeError("MATRIX_ACCESS_TOKEN belongs to another user than "
                                   "MATRIX_USER_ID")
            client.device_id = answer.device_id or device_id
            return
        # Reuse the device of the previous run: logging in again must not pile up devices.
        client.device_id = device_id
        answer = await self._with_retries(
            lambda: client.login(self.settings.password, device_name=self.settings.device_name))
        if not isinstance(answer, LoginResponse):
            raise RuntimeError(f"Matrix refused the login of MATRIX_USER_ID: {answer}")
        if answer.device_id != device_id:
            await self._set_state("device", answer.device_id)

    async def _with_retries(self, call: Callable[[], Awaitable[Any]], attempts: int = 5) -> Any:
        """A start-up request, retried a few times while the homeserver is unreachable."""
        delay = 0.5
        for attempt in range(attempts):
            try:
                answer = await call()
            except _NETWORK_ERRORS as error:
                if attempt == attempts - 1:
                    raise RuntimeError(f"cannot reach the Matrix homeserver "
                                       f"{self.settings.homeserver}: {error!r}") from error
            else:
                if not (isinstance(answer, ErrorResponse)
                        and answer.status_code == "M_LIMIT_EXCEEDED"):
                    return answer
                delay = (answer.retry_after_ms or 1000) / 1000
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)
        return answer

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
        """Record durably that ``event`` is being handled; False if it already was."""
        position = await self._position(room_id)
        ts, event_id = int(event.get("origin_server_ts", 0)), event.get("event_id", "")
        if position.covers(ts, event_id):
            return False
        position.advance(ts, event_id)
        await asyncio.to_thread(self.store.set_channel_state, CHANNEL,
                                self._room_key(room_id, "position"), position.dumps())
        return True

    def _choices_key(self, room_id: str, sender: str) -> str:
        return f"choices:{self.pseudonymize(CHANNEL, f'{room_id} {sender}')}"

    async def _room_choices(self, room_id: str, sender: str) -> list[Choice]:
        key = self._choices_key(room_id, sender)
        if key not in self._choices:
            value = await asyncio.to_thread(self.store.channel_state, CHANNEL, key)
            self._choices[key] = [Choice(p, label) for p, label in json.loads(value or "[]")]
        return self._choices[key]

    async def _remember_choices(self, room_id: str, sender: str,
                                replies: list[Outgoing]) -> None:
        """The numbered list the user now sees is the last one of these replies (or none)."""
        shown = next((list(o.choices) for o in reversed(replies) if o.choices), [])
        key = self._choices_key(room_id, sender)
        if shown == self._choices.get(key):
            return
        self._choices[key] = shown
        await asyncio.to_thread(
            self.store.set_channel_state, CHANNEL, key,
            json.dumps([[c.payload, c.label] for c in shown], ensure_ascii=False))

    # -- the sync loop -----------------------------------------------------------------------

    async def _sync_loop(self) -> None:
        client = self.client
        assert client is not None
        backoff = initial_backoff = min(0.5, self.max_backoff)
        while not self._stopping.is_set():
            request = asyncio.ensure_future(client.sync(
                timeout=self.sync_timeout_ms, since=self._since, sync_filter=_SYNC_FILTER))
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({request, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not request.done():
                request.cancel()
                with contextlib.suppress(asyncio.CancelledError, *_NETWORK_ERRORS):
                    await request
                break
            try:
                response = request.result()
            except _NETWORK_ERRORS as error:
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
            self.busy = True
            try:
                await self._handle_sync(response, catch_up=self._since is None)
            except Exception:  # a bug must not stop the bot for everybody
                log.exception("matrix: error while handling a sync batch")
            finally:
                self.busy = False
            self._since = response.next_batch
            await self._set_state("since", response.next_batch)
            self.sync_count += 1

    async def _sync_failed(self, response: Any, backoff: float) -> float:
        """Wait as the error asks; return the next back-off."""
        code = getattr(response, "status_code", None)
        if code == "M_LIMIT_EXCEEDED":
            wait = (getattr(response, "retry_after_ms", None) or 1000) / 1000
            log.warning("matrix: sync rate-limited, waiting %.1f s", wait)
            await self._pause(wait)
            return backoff
        if code == "M_UNKNOWN_TOKEN" and self.settings.password:
            log.warning("matrix: access token refused, logging in again")
            with contextlib.suppress(RuntimeError):
                await self._authenticate()
        else:
            log.warning("matrix: sync failed (%s); retrying in %.1f s", response, backoff)
        await self._pause(backoff)
        return min(backoff * 2, self.max_backoff)

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
        await asyncio.gather(*(self._on_room(room_id, [getattr(e, "source", {}) for e in
                                                       info.timeline.events])
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
            with contextlib.suppress(*_NETWORK_ERRORS):
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
        log.info("matrix: joined room %s (%d other member(s))", self._tag(room_id), len(others))
        if encrypted:
            await self._encrypted(room_id, "joined an encrypted room")
        elif len(others) <= 1 and inviter:
            self._direct[inviter] = room_id
            await self._converse(room_id, Incoming.text_message(CHANNEL, inviter, "/start"))

    # -- timeline ----------------------------------------------------------------------------

    def _is_direct(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id) if self.client else None
        return room is None or room.member_count <= 2

    def _is_encrypted(self, room_id: str) -> bool:
        room = self.client.rooms.get(room_id) if self.client else None
        return bool(room and room.encrypted)

    async def _on_room(self, room_id: str, events: list[dict]) -> None:
        # Nothing before the bot's own (latest) join is for it: that is history.
        for index in range(len(events) - 1, -1, -1):
            event = events[index]
            if (event.get("type") == "m.room.member" and event.get("state_key") == self.user_id
                    and event.get("content", {}).get("membership") == "join"):
                events = events[index + 1:]
                break
        for event in events:
            try:
                await self._on_event(room_id, event)
            except Exception:
                log.exception("matrix: error while handling an event (room %s)",
                              self._tag(room_id))

    async def _on_event(self, room_id: str, event: dict) -> None:
        kind = event.get("type")
        if event.get("sender") == self.user_id or ("state_key" in event
                                                    and kind != "m.room.encryption"):
            return
        content = event.get("content") or {}
        if kind == "m.room.encryption":
            if await self._claim(room_id, event):
                await self._encrypted(room_id, "encryption turned on in a room")
            return
        if kind == "m.room.encrypted":
            if await self._claim(room_id, event):
                await self._encrypted(room_id, "encrypted message", event.get("sender"))
            return
        if kind != "m.room.message" or content.get("msgtype") not in ("m.text", "m.emote"):
            return  # notices (other bots), files, reactions...
        relation = content.get("m.relates_to") or {}
        if relation.get("rel_type") == "m.replace":
            return  # an edit of an earlier message, already handled as it was
        text = strip_reply_fallback(str(content.get("body", "")))
        if not self._is_direct(room_id):
            addressed, text = self._addressed(room_id, content, text)
            if not addressed:
                return
        if not await self._claim(room_id, event):
            return
        if self._is_encrypted(room_id):
            await self._encrypted(room_id, "plain message in an encrypted room",
                                  event.get("sender"))
            return
        sender = str(event.get("sender", ""))
        if self._is_direct(room_id):
            self._direct[sender] = room_id
        await self._converse(room_id, await self._incoming(room_id, sender, text))

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
        """A number or a label of the last list shown becomes that choice; anything else, text."""
        choice = pick_choice(text, await self._room_choices(room_id, sender))
        if choice is not None:
            return Incoming.choice(CHANNEL, sender, choice.payload)
        return Incoming.text_message(CHANNEL, sender, text)

    # -- answering ---------------------------------------------------------------------------

    async def _converse(self, room_id: str, incoming: Incoming) -> None:
        """One turn: the engine's replies, sent in order, and the choices remembered."""
        replies = await self.dispatcher.handle(incoming)
        await self._remember_choices(room_id, incoming.user_id, replies)
        for outgoing in replies:
            if not await self._send_patiently(room_id, outgoing):
                return

    async def _encrypted(self, room_id: str, why: str, sender: str | None = None) -> None:
        """Tell the room, in clear, that the bot cannot read it (at most every notice_interval)."""
        now = time.monotonic()
        last = self._last_notice.get(room_id)
        if last is not None and now - last < self.notice_interval:
            log.warning("matrix: %s (room %s); notice already sent", why, self._tag(room_id))
            return
        self._last_notice[room_id] = now
        log.warning("matrix: %s (room %s): encryption is not supported, notice sent",
                    why, self._tag(room_id))
        language = await asyncio.to_thread(self._language, sender) if sender else None
        text = (ENCRYPTED_NOTICE[language] if language in ENCRYPTED_NOTICE
                else ENCRYPTED_NOTICE["fr"] + "\n\n" + ENCRYPTED_NOTICE["en"])
        await self._retrying(room_id, lambda txn: self._put(room_id, notice(text), txn))

    def _language(self, sender: str) -> str | None:
        """The language of the sender's conversation with the engine, if there is one."""
        with contextlib.suppress(Exception):
            conversation = self.store.load_conversation(self.pseudonymize(CHANNEL, sender))
            return getattr(conversation, "language", None)
        return None

    async def _send_patiently(self, room_id: str, outgoing: Outgoing) -> bool:
        """Send one reply, waiting out rate limits; False if the room is gone."""
        if outgoing.text or outgoing.choices:
            content = render(outgoing)
            if not await self._retrying(room_id, lambda txn: self._put(room_id, content, txn)):
                return False
        if outgoing.document is not None:
            document = outgoing.document
            uploaded = await self._retrying(room_id, lambda _txn: self._upload(document))
            if not uploaded:
                return False
            content = self._file_content(document, uploaded)
            return await self._retrying(room_id, lambda txn: self._put(room_id, content, txn))
        return True

    async def _retrying(self, room_id: str, call: Callable[[str], Awaitable[Any]]) -> Any:
        """``call(txn_id)``, again after a rate limit or a transient error; None if it fails.

        The transaction id stays the same across attempts, so that the homeserver
        drops a duplicate if an attempt reached it after all.
        """
        txn = uuid.uuid4().hex
        delay = 0.5
        for attempt in range(1, self.send_attempts + 1):
            try:
                return await call(txn)
            except RateLimited as error:
                log.warning("matrix: rate-limited, waiting %.2f s as asked", error.retry_after)
                await asyncio.sleep(error.retry_after)
            except TransientError as error:
                if attempt == self.send_attempts:
                    log.error("matrix: a reply was lost (room %s): %s", self._tag(room_id), error)
                    return None
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
            except RecipientGone as error:
                log.warning("matrix: cannot write to room %s: %s", self._tag(room_id), error)
                return None
        log.error("matrix: a reply was lost (room %s): still rate-limited", self._tag(room_id))
        return None

    async def _put(self, room_id: str, content: dict[str, Any], txn: str | None = None) -> str:
        """Send one event; its id, or one of the channel protocol's exceptions."""
        assert self.client is not None
        try:
            answer = await self.client.room_send(room_id, "m.room.message", content,
                                                 tx_id=txn or uuid.uuid4().hex,
                                                 ignore_unverified_devices=True)
        except _NETWORK_ERRORS as error:
            raise TransientError(f"network error: {error!r}") from error
        if isinstance(answer, RoomSendResponse):
            sent = self._sent.setdefault(room_id, set())
            if len(sent) > 200:
                sent.clear()
            sent.add(answer.event_id)
            return answer.event_id
        raise delivery_error(answer)

    async def _upload(self, document) -> str:
        """Upload a document to the media repository; its ``mxc://`` URI."""
        assert self.client is not None
        try:
            answer, _keys = await self.client.upload(
                io.BytesIO(document.data), content_type=document.media_type,
                filename=document.filename, filesize=len(document.data))
        except _NETWORK_ERRORS as error:
            raise TransientError(f"network error: {error!r}") from error
        if isinstance(answer, UploadResponse):
            return answer.content_uri
        error = delivery_error(answer)
        raise error if not isinstance(error, RecipientGone) else TransientError(str(answer))

    @staticmethod
    def _file_content(document, url: str) -> dict[str, Any]:
        return {"msgtype": "m.file", "body": document.filename, "filename": document.filename,
                "url": url, "info": {"mimetype": document.media_type,
                                     "size": len(document.data)}}

    # -- pushed messages ---------------------------------------------------------------------

    async def deliver(self, user_id: str, message: Outgoing) -> None:
        """Send ``message`` once to the person ``user_id`` (in their direct room with the bot).

        ``user_id`` is a Matrix user id, as in ``Incoming.user_id``; a room id (``!…``)
        is accepted too. M_LIMIT_EXCEEDED raises :class:`RateLimited` (with
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
            url = await self._upload(message.document)
            await self._put(room_id, self._file_content(message.document, url))
        if message.choices and not user_id.startswith("!"):
            await self._remember_choices(room_id, user_id, [message])

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
        except _NETWORK_ERRORS as error:
            raise TransientError(f"network error: {error!r}") from error
        if isinstance(rooms, ErrorResponse):
            raise delivery_error(rooms)
        raise RecipientGone("no direct room with this user")
