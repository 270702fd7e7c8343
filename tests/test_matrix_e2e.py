"""The Matrix channel in end-to-end encrypted rooms, as on Tchap, against a real Synapse.

The agent is :class:`~tests.matrix_helpers.E2EAgent`: matrix-nio with
encryption, its own crypto store, syncing in the background like Element. It
reads only what it could decrypt; ``server_events`` shows what the homeserver
holds (the bot's events must be ``m.room.encrypted`` there).
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from nio import TypingNoticeEvent

from bot.channels.matrix_crypto import CryptoStoreError, TrustPolicy
from bot.engine.dispatch import Dispatcher
from bot.engine.messages import Document, Outgoing
from tests.conftest import TEST_SECRET, raw_db
from tests.matrix_helpers import (
    MEGOLM,
    Bot,
    E2EAgent,
    answer_to,
    expected_replies,
    run,
    until,
)
from tests.synapse import RegisteredUser, Synapse


def bodies(events) -> list[str]:
    return [e.source["content"].get("body", "") for e in events]


def assert_all_encrypted(agent: E2EAgent, room_id: str, sender: str) -> int:
    """Every message of ``sender`` in the room is ``m.room.encrypted`` on the server."""
    kinds = [e["type"] for e in agent.server_events(room_id)
             if e["sender"] == sender and "state_key" not in e]
    assert kinds and set(kinds) == {"m.room.encrypted"}, kinds
    return len(kinds)


def assert_cross_signed(synapse: Synapse, token: str, bot_id: str) -> str:
    """The bot's device is signed by its self-signing key, itself signed by its master key,
    as a client sees them (checked with Synapse's signedjson, not the bot's own code).
    Returns the master key."""
    from signedjson.key import decode_verify_key_bytes
    from signedjson.sign import verify_signed_json
    from unpaddedbase64 import decode_base64

    answer = synapse.request("POST", "/_matrix/client/v3/keys/query",
                             {"device_keys": {bot_id: []}}, token=token)

    def key_of(section: str):
        [public] = answer[section][bot_id]["keys"].values()
        return public, decode_verify_key_bytes(f"ed25519:{public}", decode_base64(public))

    master, master_key = key_of("master_keys")
    _, self_signing_key = key_of("self_signing_keys")
    assert answer["master_keys"][bot_id]["usage"] == ["master"]
    verify_signed_json(answer["self_signing_keys"][bot_id], bot_id, master_key)
    [device] = answer["device_keys"][bot_id].values()  # one device: no new one per start
    verify_signed_json(device, bot_id, self_signing_key)  # raises if not signed
    return master


async def direct_chat_with_greeting(agent: E2EAgent, bot_id: str) -> str:
    room_id = await agent.create_direct_chat(bot_id)
    await until(lambda: agent.messages_from(room_id, bot_id), "the bot's greeting, decrypted")
    await agent.wait_member(room_id, bot_id)
    greeting = agent.messages_from(room_id, bot_id)[0]
    assert greeting.decrypted and "\n1. " in greeting.source["content"]["body"]
    return room_id


def test_an_encrypted_direct_chat_created_like_element_walks_the_whole_parcours(
        synapse, settings, tmp_path):
    """Greeting, every question answered by number or label, the feuille de route as an
    encrypted file: everything the bot sends is encrypted and decrypted by the agent."""
    bot = Bot(synapse, settings, synapse.register())
    agent = E2EAgent(synapse, synapse.register(), tmp_path / "agent")
    bot_id = bot.user.user_id
    sent: list[str] = []

    async def scenario():
        await bot.start()
        await agent.start()
        try:
            room_id = await direct_chat_with_greeting(agent, bot_id)
            for step in range(30):
                said = agent.messages_from(room_id, bot_id)
                if any("recommandations" in body for body in bodies(said)):
                    break
                text = answer_to(said[-1].source["content"], step)
                sent.append(text)
                await bot.settle(room_id, await agent.say(room_id, text))
                count = len(said)
                await until(lambda n=count: len(agent.messages_from(room_id, bot_id)) > n,
                            "the answer, decrypted")
            else:
                raise AssertionError(f"no recommendations after {sent}")
            sent.append("/feuille")
            await bot.settle(room_id, await agent.say(room_id, "/feuille"))
            expected = list(zip(sent, expected_replies(settings, sent), strict=True))
            await until(lambda: agent.replies_per_message(room_id, bot_id) == expected,
                        "every answer, decrypted")
            assert agent.undecrypted(room_id) == []
            assert any(t.isdigit() for t in sent) and any(t.isupper() for t in sent)

            files = [e.source["content"] for e in agent.messages_from(room_id, bot_id)
                     if e.source["content"].get("msgtype") == "m.file"]
            assert files, "no feuille de route"
            for content in files:
                assert "url" not in content and content["file"]["url"].startswith("mxc://")
                data = await agent.download(content)
                assert len(data) == content["info"]["size"]
            assert sorted(c["info"]["mimetype"] for c in files) == ["application/pdf",
                                                                    "text/html"]
            pdf = next(c for c in files if c["info"]["mimetype"] == "application/pdf")
            assert (await agent.download(pdf)).startswith(b"%PDF-")
            page = next(c for c in files if c["info"]["mimetype"] == "text/html")
            assert "Feuille de route" in (await agent.download(page)).decode()
            # The media repository holds ciphertext only.
            downloaded = await agent.client.download(mxc=page["file"]["url"])
            assert b"Feuille de route" not in downloaded.body

            assert_all_encrypted(agent, room_id, bot_id)
            # Cross-signed by its owner, so that Element does not treat it as insecure.
            assert_cross_signed(synapse, agent.access_token, bot_id)
            dump = "\n".join(raw_db(bot.engine.store).iterdump())
            assert room_id not in dump and agent.user.user_id not in dump
        finally:
            await bot.stop()
            await agent.close()

    run(scenario(), timeout=240)


class SlowDispatcher(Dispatcher):
    """An engine that takes a while over « lent » (a feuille de route on a busy server)."""

    async def handle_event(self, incoming):
        if incoming.text == "lent":
            await asyncio.sleep(1.5)
        return await super().handle_event(incoming)


def test_the_bot_shows_it_is_typing_while_a_long_turn_is_prepared(synapse, settings, tmp_path):
    """A turn of seconds: the agent sees « the bot is typing », then the answer, then no
    more typing. A quick turn sends no typing notification at all."""
    bot = Bot(synapse, settings, synapse.register(), dispatcher=SlowDispatcher)
    agent = E2EAgent(synapse, synapse.register(), tmp_path / "agent")
    bot_id = bot.user.user_id
    seen: list[tuple[list[str], int]] = []  # (who types, messages of the bot so far)

    async def scenario():
        await bot.start()
        await agent.start()

        async def on_typing(room, event):
            seen.append((list(event.users), len(agent.messages_from(room.room_id, bot_id))))

        agent.client.add_ephemeral_callback(on_typing, TypingNoticeEvent)
        try:
            room_id = await direct_chat_with_greeting(agent, bot_id)
            count = len(agent.messages_from(room_id, bot_id))
            await bot.settle(room_id, await agent.say(room_id, "1"))
            await until(lambda: len(agent.messages_from(room_id, bot_id)) > count, "the answer")
            await bot.quiet()
            assert not any(bot_id in users for users, _ in seen)  # quick: no typing
            count = len(agent.messages_from(room_id, bot_id))
            await bot.settle(room_id, await agent.say(room_id, "lent"))
            await until(lambda: len(agent.messages_from(room_id, bot_id)) > count, "the answer")
            await until(lambda: seen and bot_id not in seen[-1][0], "the typing to stop")
            typing = [n for users, n in seen if bot_id in users]
            assert typing and typing[0] == count  # typing shown before the answer came
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


class EssbotRun:
    """``essbot run`` in a subprocess, with the Matrix channel logged in by password."""

    def __init__(self, synapse: Synapse, user: RegisteredUser, folder: Path):
        self.folder = folder
        self.env = {**os.environ, "ESSBOT_SECRET": TEST_SECRET,
                    "ESSBOT_DB": str(folder / "run.db"), "TELEGRAM_BOT_TOKEN": "",
                    "ESSBOT_LOG_LEVEL": "INFO", "MATRIX_HOMESERVER": synapse.url,
                    "MATRIX_USER_ID": user.user_id, "MATRIX_PASSWORD": user.password}
        self.process: subprocess.Popen | None = None
        self.runs = 0

    def start(self) -> None:
        self.runs += 1
        with open(self.folder / f"stderr-{self.runs}.log", "wb") as stderr:
            self.process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=self.env,
                                            cwd=self.folder, stdout=subprocess.DEVNULL,
                                            stderr=stderr)

    async def started(self) -> None:
        """Until the channel has made its first sync (the log says so)."""
        await until(lambda: ("channel matrix started" in self.log(self.runs)
                             and "matrix: in sync" in self.log(self.runs))
                    or self.process.poll() is not None, "essbot run to start", timeout=60)
        assert self.process.poll() is None, self.log(self.runs)

    def stop(self, sig: int) -> int:
        self.process.send_signal(sig)
        return self.process.wait(timeout=30)

    def log(self, run: int | None = None) -> str:
        runs = [run] if run else range(1, self.runs + 1)
        return "".join((self.folder / f"stderr-{n}.log").read_text(encoding="utf-8")
                       for n in runs if (self.folder / f"stderr-{n}.log").exists())

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def bot_devices(synapse: Synapse, admin: RegisteredUser, user_id: str) -> set[str]:
    path = f"/_synapse/admin/v2/users/{user_id}/devices"
    return {d["device_id"] for d in synapse.request("GET", path, token=admin.access_token)
            ["devices"]}


def test_restarts_by_sigterm_and_sigkill_replay_nothing_and_decryption_goes_on(
        synapse, admin, settings, tmp_path):
    """`essbot run` stopped cleanly, then killed, with messages written while it is away:
    each message is answered once, encrypted, by the same device with the same keys."""
    user = synapse.register()
    essbot = EssbotRun(synapse, user, tmp_path)
    agent = E2EAgent(synapse, synapse.register(), tmp_path / "agent")
    texts = ["1", "commune", "Pont-Aven", "rural"]
    expected = list(zip(texts, expected_replies(settings, texts), strict=True))

    async def scenario():
        await agent.start()
        essbot.start()
        await essbot.started()
        devices = bot_devices(synapse, admin, user.user_id)
        room_id = await direct_chat_with_greeting(agent, user.user_id)
        master = assert_cross_signed(synapse, agent.access_token, user.user_id)
        replies = lambda: agent.replies_per_message(room_id, user.user_id)  # noqa: E731
        await agent.say(room_id, texts[0])
        await until(lambda: replies() == expected[:1], "the first answer")

        assert essbot.stop(signal.SIGTERM) == 0
        await agent.say(room_id, texts[1])  # written while the bot is away
        essbot.start()
        await essbot.started()
        await until(lambda: replies() == expected[:2], "the answer after SIGTERM")

        await asyncio.sleep(1.5)  # let the sync after the answer be saved, or not: either way
        essbot.stop(signal.SIGKILL)
        await agent.say(room_id, texts[2])
        essbot.start()
        await essbot.started()
        await until(lambda: replies() == expected[:3], "the answer after SIGKILL")
        await agent.say(room_id, texts[3])
        await until(lambda: replies() == expected, "the last answer")
        await asyncio.sleep(2)  # anything answered twice would show up by now
        assert replies() == expected
        assert agent.undecrypted(room_id) == []
        assert_all_encrypted(agent, room_id, user.user_id)
        assert bot_devices(synapse, admin, user.user_id) == devices  # no device per restart
        # The same identity after the restarts.
        assert assert_cross_signed(synapse, agent.access_token, user.user_id) == master
        return room_id

    try:
        room_id = run(scenario())
        assert essbot.stop(signal.SIGTERM) == 0
    finally:
        essbot.kill()
        run(agent.close())
    log = essbot.log()
    assert log.count("logged in (device") == 1, log  # then restored: no new login
    assert log.count("cross-signing identity created") == 1
    assert log.count("this device is cross-signed") == 1
    assert "Traceback" not in log
    assert user.user_id not in log and agent.user.user_id not in log and room_id not in log
    assert ":localhost" not in log  # nio's own INFO lines name rooms and users: filtered
    crypto = tmp_path / "matrix"
    modes = {path.relative_to(tmp_path): stat.S_IMODE(path.stat().st_mode)
             for path in [crypto, *crypto.rglob("*")]}
    assert modes and all(mode == (0o700 if (tmp_path / p).is_dir() else 0o600)
                         for p, mode in modes.items()), modes
    assert any(p.name == "crypto.db" for p in modes) and any(p.name == "session" for p in modes)


def test_an_undecryptable_message_waits_for_its_keys_then_gets_one_notice(
        synapse, settings, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    bot = Bot(synapse, settings, synapse.register(), undecryptable_grace=3.0, notice_interval=0)
    bot_id = bot.user.user_id
    agent: E2EAgent | None = None

    async def scenario():
        nonlocal agent
        await bot.start()  # (its log filter on: the agent's nio logs are filtered too)
        agent = E2EAgent(synapse, synapse.register(), tmp_path / "agent")
        await agent.start()
        try:
            room_id = await direct_chat_with_greeting(agent, bot_id)
            turns = lambda: agent.replies_per_message(room_id, bot_id)  # noqa: E731
            # Keys that come after the message: Synapse gives at most 100 to-device
            # messages per sync, so the room key of a message sent behind 120 others
            # reaches the bot one sync after the message.
            await bot.stop()
            [device] = agent.client.device_store.active_user_devices(bot_id)
            for number in range(120):
                agent.send_to_device(bot_id, device.id, "org.essbot.test.filler",
                                     {"n": number})
            late = await agent.say(room_id, "1")
            await bot.start()
            await bot.settle(room_id, late)
            await until(lambda: turns()[-1][1] > 0, "the late message to be answered")
            assert "waiting 3 s for its keys" in caplog.text
            assert "decrypted once its keys came" in caplog.text

            # Keys that never come (a session the bot never received): one notice, after
            # the grace period, for two messages of that session.
            content = {"algorithm": MEGOLM, "device_id": agent.device_id,
                       "sender_key": agent.client.olm.account.identity_keys["curve25519"],
                       "session_id": secrets.token_urlsafe(32).rstrip("="),
                       "ciphertext": secrets.token_urlsafe(120).rstrip("=")}
            for _ in range(2):
                await bot.settle(room_id, agent.send_raw(room_id, "m.room.encrypted", content))
            notices = await until(
                lambda: [e for e in agent.messages_from(room_id, bot_id)
                         if e.source["content"]["msgtype"] == "m.notice"], "the notice")
            await bot.quiet()
            [notice] = [e for e in agent.messages_from(room_id, bot_id)
                        if e.source["content"]["msgtype"] == "m.notice"]
            assert notice is notices[0] and notice.decrypted
            assert "déchiffrer votre dernier message" in notice.source["content"]["body"]
            assert "envoyer à nouveau" in notice.source["content"]["body"]

            # A message in clear in an encrypted room is not answered (a client never
            # writes one; a homeserver could).
            agent.send_raw(room_id, "m.room.message", {"msgtype": "m.text", "body": "/aide"})
            # And the conversation goes on.
            before = len(agent.messages_from(room_id, bot_id))
            await bot.settle(room_id, await agent.say(room_id, "/aide"))
            await until(lambda: len(agent.messages_from(room_id, bot_id)) > before,
                        "the answer to /aide")
            assert [count > 0 for _, count in turns()[-2:]] == [False, True]
            assert "in clear in an encrypted room was ignored" in caplog.text
            assert_all_encrypted(agent, room_id, bot_id)
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())
    assert bot_id not in caplog.text and agent.user.user_id not in caplog.text


def test_a_broadcast_reaches_an_encrypted_chat_encrypted_after_a_restart(
        synapse, settings, tmp_path):
    """Subscribed in an encrypted direct chat, then the bot restarts (the room is quiet, nio
    knows it only from the full-state sync): the update arrives once, encrypted."""
    from tests.broadcast_support import publish_and_deliver

    bot = Bot(synapse, settings, synapse.register())
    agent = E2EAgent(synapse, synapse.register(), tmp_path / "agent")
    bot_id = bot.user.user_id

    async def scenario():
        await bot.start()
        await agent.start()
        try:
            room_id = await direct_chat_with_greeting(agent, bot_id)
            for text in ("/abonner", "Valider", "Valider", "J'accepte"):
                await bot.settle(room_id, await agent.say(room_id, text))
            await until(lambda: any("C'est noté" in b for b in
                                    bodies(agent.messages_from(room_id, bot_id))),
                        "the subscription")
            await bot.stop()
            channel = await bot.start()
            assert await publish_and_deliver(bot.engine, channel, "Mois de l'ESS 2026",
                                             "Le programme est en ligne.") == {"sent": 1}
            await until(lambda: any(b.startswith("📣 Mois de l'ESS") for b in
                                    bodies(agent.messages_from(room_id, bot_id))),
                        "the update, decrypted")

            # A document pushed to the person: an encrypted file.
            document = Document("appel.md", "text/markdown", "# Appel à projets\n".encode())
            await channel.deliver(agent.user.user_id, Outgoing("Pièce jointe", document=document))
            sent = await until(lambda: [e.source["content"] for e in
                                        agent.messages_from(room_id, bot_id)
                                        if e.source["content"]["msgtype"] == "m.file"],
                               "the file")
            assert "url" not in sent[-1] and await agent.download(sent[-1]) == document.data
            assert sum(b.startswith("📣 Mois de l'ESS") for b in
                       bodies(agent.messages_from(room_id, bot_id))) == 1
            assert agent.undecrypted(room_id) == []
            assert_all_encrypted(agent, room_id, bot_id)
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


def test_in_an_encrypted_group_the_bot_answers_when_addressed_and_rotates_its_session(
        synapse, settings, tmp_path):
    bot = Bot(synapse, settings, synapse.register())
    agent = E2EAgent(synapse, synapse.register(), tmp_path / "agent")
    colleague = E2EAgent(synapse, synapse.register(), tmp_path / "colleague")
    bot_id = bot.user.user_id

    def sessions(room_id: str) -> list[str]:
        return [e["content"]["session_id"] for e in agent.server_events(room_id)
                if e["sender"] == bot_id and e["type"] == "m.room.encrypted"]

    async def scenario():
        await bot.start()
        await agent.start()
        await colleague.start()
        try:
            room_id = await agent.create_group([bot_id, colleague.user.user_id])
            await colleague.join(room_id)
            await agent.wait_member(room_id, bot_id)
            await agent.wait_member(room_id, colleague.user.user_id)
            await bot.quiet()
            assert agent.messages_from(room_id, bot_id) == []  # no greeting in a group

            await agent.say(room_id, "bonjour à tous")  # not for the bot: not even claimed
            localpart = bot_id.split(":")[0].lstrip("@")
            await bot.settle(room_id, await agent.say(room_id, f"{localpart}: bonjour"))
            for reader in (agent, colleague):  # both members can read the answer
                await until(lambda r=reader: r.messages_from(room_id, bot_id),
                            "the answer, decrypted by every member")
            assert [n > 0 for _, n in agent.replies_per_message(room_id, bot_id)] == [False,
                                                                                      True]
            first = set(sessions(room_id))
            assert len(first) == 1

            # A member leaves: the bot's next message uses a new Megolm session.
            await colleague.client.room_leave(room_id)
            await until(lambda: colleague.user.user_id not in agent.client.rooms[room_id].users,
                        "the colleague to leave")
            await bot.quiet()
            await bot.settle(room_id, await agent.say(room_id, "/aide"))
            await until(lambda: len(set(sessions(room_id))) == 2, "a new session")
            assert agent.undecrypted(room_id) == []
        finally:
            await bot.stop()
            await agent.close()
            await colleague.close()

    run(scenario())


def test_one_time_keys_used_by_new_sessions_are_replenished(synapse, settings, tmp_path):
    bot = Bot(synapse, settings, synapse.register())
    other = synapse.register()

    def counts() -> int:
        answer = synapse.request("POST", "/_matrix/client/v3/keys/upload", {},
                                 token=bot.channel.client.access_token)
        return answer["one_time_key_counts"].get("signed_curve25519", 0)

    async def scenario():
        await bot.start()
        try:
            full = counts()
            assert full > 0
            device = bot.channel.client.device_id
            for _ in range(full):  # every new Olm session with the bot takes one key
                synapse.request("POST", "/_matrix/client/v3/keys/claim", {
                    "one_time_keys": {bot.user.user_id: {device: "signed_curve25519"}}},
                    token=other.access_token)
            assert counts() == 0
            await bot.quiet()
            assert counts() >= full // 2
        finally:
            await bot.stop()

    run(scenario())


def test_verified_mode_answers_only_listed_devices(synapse, settings, tmp_path, caplog):
    """MATRIX_TRUST=verified: the device whose key is listed is answered and can read the bot;
    another device of the same person is neither answered nor given the bot's keys."""
    caplog.set_level(logging.WARNING, logger="bot.channels.matrix")
    person = synapse.register()
    agent = E2EAgent(synapse, person, tmp_path / "agent")
    bot = Bot(synapse, settings, synapse.register(),
              trust=TrustPolicy("verified", frozenset({agent.ed25519})))
    phone = E2EAgent.another_device(synapse, person, tmp_path / "phone")
    bot_id = bot.user.user_id

    async def scenario():
        await bot.start()
        await agent.start()
        await phone.start()
        try:
            room_id = await direct_chat_with_greeting(agent, bot_id)
            await until(lambda: room_id in phone.client.rooms, "the second device")
            await bot.settle(room_id, await phone.say(room_id, "1"))
            await bot.quiet()
            assert "not verified was ignored" in caplog.text
            assert [n for _, n in agent.replies_per_message(room_id, bot_id)] == [0]

            await bot.settle(room_id, await agent.say(room_id, "1"))
            await until(lambda: agent.replies_per_message(room_id, bot_id)[-1][1] > 0,
                        "the answer to the listed device")
            await until(lambda: len(phone.events.get(room_id, [])) >= 4, "the phone to sync")
            from_bot = phone.messages_from(room_id, bot_id)
            assert from_bot and all(e in phone.undecrypted(room_id) for e in from_bot)
        finally:
            await bot.stop()
            await agent.close()
            await phone.close()

    run(scenario())


def test_a_wrong_store_key_or_a_token_from_another_client_stops_with_a_clear_error(
        synapse, settings, tmp_path):
    user = synapse.register()
    borrowed = synapse.register()

    async def scenario():
        for options in ({}, {"access_token": user.access_token}):  # password, then token
            first = Bot(synapse, settings, user, store_key="the-first-key-0123456789", **options)
            await first.start()
            await first.stop()
            wrong = Bot(synapse, settings, user, store_key="another-key-0123456789", **options)
            with pytest.raises(CryptoStoreError, match="cannot be opened with the current key"):
                await wrong.start()

        # A token whose device already has keys of its own (copied from Element, say).
        element = E2EAgent(synapse, borrowed, tmp_path / "element")
        await element.start()
        await element.close()
        taken = Bot(synapse, settings, borrowed, access_token=borrowed.access_token)
        with pytest.raises(RuntimeError, match="already has encryption keys"):
            await taken.start()

    run(scenario())


def test_a_cross_signing_identity_made_elsewhere_is_kept_unless_reset(synapse, settings, caplog):
    """Someone set up "recovery" on the bot's account with Element: the bot does not sign its
    device with an identity it lacks, and says so; MATRIX_RESET_CROSS_SIGNING replaces it."""
    from signedjson.sign import SignatureVerifyException

    from bot.channels.matrix_cross_signing import CrossSigningKeys, public_key

    caplog.set_level(logging.WARNING, logger="bot.channels.matrix")
    user, other = synapse.register(), synapse.register()
    elsewhere = CrossSigningKeys.generate()
    synapse.request("POST", "/_matrix/client/v3/keys/device_signing/upload",
                    elsewhere.uploads(user.user_id), token=user.access_token)

    async def scenario():
        bot = Bot(synapse, settings, user)
        await bot.start()
        await bot.quiet()
        await bot.stop()
        assert "cross-signing identity created elsewhere" in caplog.text
        with pytest.raises(SignatureVerifyException):
            assert_cross_signed(synapse, other.access_token, user.user_id)

        bot = Bot(synapse, settings, user, reset_cross_signing=True)
        await bot.start()
        await bot.quiet()
        await bot.stop()
        master = assert_cross_signed(synapse, other.access_token, user.user_id)
        assert master != public_key(elsewhere.master)
        assert "identity was replaced" in caplog.text

    run(scenario())
