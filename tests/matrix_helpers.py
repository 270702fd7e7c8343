"""What the Matrix end-to-end tests (and benchmarks/matrix.py) share.

* :class:`Bot`: the channel under test on its own engine and database.
* :class:`Agent`: a plain matrix-nio client (no encryption), reading the
  timeline through the server.
* :class:`E2EAgent`: the town hall agent on an Element-like client: matrix-nio
  with encryption (vodozemac), its own crypto store, syncing in the background
  as a real client does (keys uploaded, devices queried, sessions claimed), and
  trusting the devices it meets (``ignore_unverified_devices``), as Element
  does when nobody verified anything.

Waiting is always for a condition with a timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import tempfile
import time
import unicodedata
import urllib.parse
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from nio import (
    AsyncClient,
    AsyncClientConfig,
    DownloadResponse,
    MegolmEvent,
    RoomCreateResponse,
    RoomMessage,
    RoomMessagesResponse,
    RoomPreset,
    RoomSendResponse,
)
from nio.crypto.attachments import decrypt_attachment

from bot.app import build_engine
from bot.channels.matrix import CHANNEL, MatrixChannel, MatrixSettings
from bot.channels.matrix_crypto import TrustPolicy
from bot.channels.matrix_format import turn
from bot.config import Settings
from bot.engine import Incoming
from bot.engine.dispatch import Dispatcher
from tests.synapse import RegisteredUser, Synapse

TIMEOUT = 30.0
MEGOLM = "m.megolm.v1.aes-sha2"
STORE_KEY = "matrix-store-key-for-tests-0123456789"


async def until(predicate, what: str, timeout: float = TIMEOUT):
    """Await ``predicate()`` (sync or async) until it is truthy; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)


def run(scenario, timeout: float = 150):
    return asyncio.run(asyncio.wait_for(scenario, timeout))


# -- the bot --------------------------------------------------------------------------------


class Bot:
    """The channel under test, on its own engine and database, started and stopped at will."""

    def __init__(self, synapse: Synapse, settings: Settings, user: RegisteredUser, **options):
        self.synapse = synapse
        self.settings = settings
        self.user = user
        self.allowed = options.pop("allowed_servers", None)
        self.trust = options.pop("trust", TrustPolicy())
        self.store_key = options.pop("store_key", STORE_KEY)
        self.access_token = options.pop("access_token", None)
        self.reset_cross_signing = options.pop("reset_cross_signing", False)
        self.dispatcher = options.pop("dispatcher", Dispatcher)  # a subclass, for crashes
        self.options = {"sync_timeout_ms": 1_000, "max_backoff": 1.0, **options}
        self.channel: MatrixChannel | None = None

    def matrix_settings(self) -> MatrixSettings:
        return MatrixSettings(
            homeserver=self.synapse.url, user_id=self.user.user_id,
            password=None if self.access_token else self.user.password,
            access_token=self.access_token, allowed_servers=self.allowed,
            store_key=self.store_key, trust=self.trust,
            reset_cross_signing=self.reset_cross_signing)

    async def start(self) -> MatrixChannel:
        self.engine = build_engine(self.settings)
        self.executor = ThreadPoolExecutor(max_workers=2)
        self.channel = MatrixChannel(self.dispatcher(self.engine, self.executor),
                                     self.matrix_settings(), **self.options)
        try:
            await self.channel.start()
        except BaseException:
            await self.channel.stop()
            self.channel = None
            self._close_engine()
            raise
        await until(lambda: self.channel.sync_count >= 1, "the bot's first sync")
        return self.channel

    async def stop(self) -> None:
        if self.channel is not None:
            await self.channel.stop()
            self.channel = None
            self._close_engine()

    def _close_engine(self) -> None:
        self.executor.shutdown(wait=True)
        self.engine.store.close()

    async def settle(self, room_id: str, event_id: str) -> None:
        """Wait until the bot has handled ``event_id`` and sent every reply to it."""
        channel = self.channel
        await until(lambda: channel.handled(room_id, event_id) and not channel.busy,
                    "the bot to answer")

    async def quiet(self) -> None:
        """Wait until the bot has completed two more syncs: whatever it had to do, it did."""
        target = self.channel.sync_count + 2
        await until(lambda: self.channel.sync_count >= target and not self.channel.busy,
                    "two syncs of the bot")


# -- a plain client -------------------------------------------------------------------------


class Agent:
    """The town hall agent: a plain matrix-nio client."""

    def __init__(self, synapse: Synapse, user: RegisteredUser):
        self.user = user
        self.client = AsyncClient(synapse.url, user.user_id, device_id=user.device_id,
                                  config=AsyncClientConfig(max_timeouts=None,
                                                           encryption_enabled=False))
        self.client.access_token = user.access_token

    async def close(self) -> None:
        await self.client.close()

    async def create_room(self, invite: list[str], direct: bool = True,
                          encrypted: bool = False) -> str:
        state = [{"type": "m.room.encryption", "state_key": "",
                  "content": {"algorithm": MEGOLM}}] if encrypted else []
        answer = await self.client.room_create(
            is_direct=direct, invite=invite, initial_state=state,
            preset=RoomPreset.trusted_private_chat if direct else RoomPreset.private_chat)
        assert isinstance(answer, RoomCreateResponse), answer
        return answer.room_id

    async def say(self, room_id: str, text: str, **extra) -> str:
        return await self.send(room_id, "m.room.message", {"msgtype": "m.text", "body": text,
                                                           **extra})

    async def send(self, room_id: str, event_type: str, content: dict) -> str:
        answer = await self.client.room_send(room_id, event_type, content,
                                             tx_id=uuid.uuid4().hex)
        assert isinstance(answer, RoomSendResponse), answer
        return answer.event_id

    async def timeline(self, room_id: str) -> list[dict]:
        answer = await self.client.room_messages(room_id, limit=1000)
        assert isinstance(answer, RoomMessagesResponse), answer
        return [event.source for event in reversed(answer.chunk)]

    async def messages_from(self, room_id: str, sender: str) -> list[dict]:
        return [e for e in await self.timeline(room_id)
                if e["type"] == "m.room.message" and e["sender"] == sender]

    async def membership(self, room_id: str, user_id: str) -> str | None:
        for event in reversed(await self.timeline(room_id)):
            if event["type"] == "m.room.member" and event.get("state_key") == user_id:
                return event["content"].get("membership")
        return None

    async def replies_per_message(self, room_id: str, bot_id: str) -> list[tuple[str, int]]:
        """For each of the agent's messages: its body and the number of bot messages after it."""
        turns: list[list] = []
        for event in await self.timeline(room_id):
            if event["type"] != "m.room.message":
                continue
            if event["sender"] == self.user.user_id:
                turns.append([event["content"]["body"], 0])
            elif event["sender"] == bot_id and turns:
                turns[-1][1] += 1
        return [(body, count) for body, count in turns]


# -- an encrypting client -------------------------------------------------------------------


class E2EAgent:
    """An agent on an Element-like client: encrypts, decrypts, syncs in the background.

    ``events[room_id]`` holds every message event of the room as this client
    received it, in timeline order: decrypted ones as nio's decrypted events
    (``.decrypted`` is True), those it could not decrypt as ``MegolmEvent``.
    """

    def __init__(self, synapse: Synapse, user: RegisteredUser, store_dir: Path,
                 device_id: str | None = None, access_token: str | None = None):
        self.synapse = synapse
        self.user = user
        self.device_id = device_id or user.device_id
        self.access_token = access_token or user.access_token
        store_dir.mkdir(parents=True, exist_ok=True)
        config = AsyncClientConfig(encryption_enabled=True, store_sync_tokens=True,
                                   max_timeouts=None)
        self.client = AsyncClient(synapse.url, user.user_id, device_id=self.device_id,
                                  store_path=str(store_dir), config=config)
        self.client.restore_login(user.user_id, self.device_id, self.access_token)
        self.events: dict[str, list] = {}
        self.client.add_event_callback(self._on_event, (RoomMessage, MegolmEvent))
        self._arrived = asyncio.Event()
        self._task: asyncio.Task | None = None

    @classmethod
    def another_device(cls, synapse: Synapse, user: RegisteredUser,
                       store_dir: Path) -> E2EAgent:
        """The same person on a second device (a new login)."""
        answer = synapse.request("POST", "/_matrix/client/v3/login", {
            "type": "m.login.password", "password": user.password,
            "identifier": {"type": "m.id.user", "user": user.user_id}})
        return cls(synapse, user, store_dir, answer["device_id"], answer["access_token"])

    async def _on_event(self, room, event) -> None:
        self.events.setdefault(room.room_id, []).append(event)
        self._arrived.set()

    async def wait(self, predicate, what: str, timeout: float = TIMEOUT):
        """Until ``predicate()`` is truthy, checked as each message arrives (no polling delay,
        for measurements); fail after ``timeout``."""
        deadline = time.monotonic() + timeout
        while not (result := predicate()):
            self._arrived.clear()
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), remaining)
        return result

    @property
    def ed25519(self) -> str:
        return self.client.olm.account.identity_keys["ed25519"]

    async def start(self) -> E2EAgent:
        self._task = asyncio.create_task(self.client.sync_forever(timeout=500,
                                                                  full_state=True))
        await until(lambda: self.client.olm_account_shared and self.client.next_batch,
                    "the agent's keys to be uploaded")
        return self

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self.client.close()

    # -- rooms --

    async def create_direct_chat(self, bot_id: str, encrypted: bool = True) -> str:
        """A direct chat as Element creates one: ``is_direct``, the ``trusted_private_chat``
        preset, encryption in the initial state, the bot invited; then wait for the room."""
        state = [{"type": "m.room.encryption", "state_key": "",
                  "content": {"algorithm": MEGOLM}}] if encrypted else []
        answer = await self.client.room_create(
            is_direct=True, invite=[bot_id], preset=RoomPreset.trusted_private_chat,
            initial_state=state)
        assert isinstance(answer, RoomCreateResponse), answer
        await until(lambda: answer.room_id in self.client.rooms, "the agent to see its room")
        return answer.room_id

    async def create_group(self, invite: list[str]) -> str:
        answer = await self.client.room_create(
            invite=invite, preset=RoomPreset.private_chat,
            initial_state=[{"type": "m.room.encryption", "state_key": "",
                            "content": {"algorithm": MEGOLM}}])
        assert isinstance(answer, RoomCreateResponse), answer
        await until(lambda: answer.room_id in self.client.rooms, "the agent to see its room")
        return answer.room_id

    async def join(self, room_id: str) -> None:
        await until(lambda: room_id in self.client.invited_rooms, "the invitation")
        await self.client.join(room_id)
        await until(lambda: room_id in self.client.rooms, "the agent to join")

    async def wait_member(self, room_id: str, user_id: str) -> None:
        """Until this client has seen ``user_id`` join (its next message is shared with them)."""
        await until(lambda: room_id in self.client.rooms
                    and user_id in self.client.rooms[room_id].users
                    and not self.client.rooms[room_id].users[user_id].invited,
                    "the member to join")

    async def say(self, room_id: str, text: str, **extra) -> str:
        answer = await self.client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": text, **extra},
            tx_id=uuid.uuid4().hex, ignore_unverified_devices=True)
        assert isinstance(answer, RoomSendResponse), answer
        return answer.event_id

    def send_raw(self, room_id: str, event_type: str, content: dict) -> str:
        """An event sent as given, without nio encrypting it (what a broken client sends)."""
        path = (f"/_matrix/client/v3/rooms/{urllib.parse.quote(room_id)}/send/"
                f"{event_type}/{uuid.uuid4().hex}")
        return self.synapse.request("PUT", path, content, token=self.access_token)["event_id"]

    def send_to_device(self, user_id: str, device_id: str, event_type: str,
                       content: dict) -> None:
        path = f"/_matrix/client/v3/sendToDevice/{event_type}/{uuid.uuid4().hex}"
        self.synapse.request("PUT", path, {"messages": {user_id: {device_id: content}}},
                             token=self.access_token)

    def server_events(self, room_id: str) -> list[dict]:
        """The room's events as the homeserver stores them (encrypted ones stay encrypted)."""
        path = (f"/_matrix/client/v3/rooms/{urllib.parse.quote(room_id)}/messages"
                f"?dir=b&limit=1000")
        chunk = self.synapse.request("GET", path, token=self.access_token)["chunk"]
        return list(reversed(chunk))

    # -- what the agent read --

    def messages_from(self, room_id: str, sender: str) -> list:
        return [e for e in self.events.get(room_id, []) if e.sender == sender]

    def undecrypted(self, room_id: str) -> list:
        return [e for e in self.events.get(room_id, []) if isinstance(e, MegolmEvent)]

    def replies_per_message(self, room_id: str, bot_id: str) -> list[tuple[str, int]]:
        """For each of the agent's messages: its body and the number of bot messages after it."""
        turns: list[list] = []
        for event in self.events.get(room_id, []):
            if event.sender == self.user.user_id:
                turns.append([event.source["content"].get("body"), 0])
            elif event.sender == bot_id and turns:
                turns[-1][1] += 1
        return [(body, count) for body, count in turns]

    async def download(self, content: dict) -> bytes:
        """An attachment's bytes: decrypted when the event carried ``file`` (its keys)."""
        encrypted = content.get("file")
        url = encrypted["url"] if encrypted else content["url"]
        answer = await self.client.download(mxc=url)
        assert isinstance(answer, DownloadResponse), answer
        if not encrypted:
            return answer.body
        return decrypt_attachment(answer.body, encrypted["key"]["k"],
                                  encrypted["hashes"]["sha256"], encrypted["iv"])


# -- the reference and the parcours -----------------------------------------------------------


def expected_replies(settings: Settings, texts: list[str]) -> list[int]:
    """How many messages the bot sends for each text, on a fresh conversation after /start.

    The same engine as the bot's (which reads typed numbers and labels itself), on a scratch
    database: the reference to detect a reply set sent twice, or not at all.
    """
    with tempfile.TemporaryDirectory() as scratch:
        engine = build_engine(replace(settings, db_path=Path(scratch) / "reference.db"))
        try:
            engine.handle(Incoming.text_message(CHANNEL, "reference", "/start"))
            counts = []
            for text in texts:
                replies = turn(engine.handle(Incoming.text_message(CHANNEL, "reference", text)))
                counts.append(sum((bool(o.text or o.choices)) + (o.document is not None)
                                  for o in replies))
            return counts
        finally:
            engine.store.close()


def answer_to(content: dict, step: int) -> str:
    """The first option of the last list, as its number or as its label in capitals without
    accents (in turn); a place name where the bot asks for text."""
    options = re.findall(r"^1\. (.+)$", content["body"], re.M)
    if not options:
        return "Pont-Aven"
    if step % 2 == 0:
        return "1"
    label = unicodedata.normalize("NFKD", options[-1])
    return "".join(c for c in label if not unicodedata.combining(c)).upper()


async def dm_with_greeting(agent: Agent, bot: Bot) -> str:
    """The agent opens a direct room with the bot; returns it once the bot has greeted."""
    room_id = await agent.create_room([bot.user.user_id])
    greeting = await until(lambda: agent.messages_from(room_id, bot.user.user_id),
                           "the bot's greeting")
    await until(lambda: not bot.channel.busy, "the bot to finish greeting")
    assert greeting[0]["content"]["msgtype"] == "m.text"
    return room_id
