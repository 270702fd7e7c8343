"""The Matrix channel, end to end, against a real Synapse started on 127.0.0.1.

One homeserver serves the whole session (tests/synapse.py); every test
registers its own bot and agent accounts, so tests do not see each other's rooms.
A matrix-nio client plays the town hall agent, in rooms without encryption
(encrypted rooms: tests/test_matrix_e2e.py). Nothing is mocked: the bot is the
channel of bot/channels/matrix.py on the real engine and a fresh SQLite database.

Waiting is always for a condition with a timeout. To know that the bot has
finished answering an event, a test waits until the channel has claimed the
event and is no longer busy with the sync batch that carried it (replies are
sent inside that batch).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest
from nio import DownloadResponse

from bot.app import App
from bot.channels.base import Channel, RateLimited, RecipientGone, TransientError
from bot.channels.matrix import CHANNEL, from_env, render
from bot.engine.dispatch import Dispatcher
from bot.engine.messages import Choice, Document, Incoming, Outgoing
from bot.store import Store
from tests.conftest import TEST_SECRET, raw_db
from tests.matrix_helpers import (
    TIMEOUT,
    Agent,
    Bot,
    answer_to,
    dm_with_greeting,
    expected_replies,
    run,
    until,
)

# -- the homeserver -------------------------------------------------------------------------


# -- rendering, without a server --------------------------------------------------------------


def test_choices_are_a_numbered_list_in_plain_and_escaped_html():
    content = render(Outgoing("Choose <b>one</b> & go\nnow",
                              (Choice("c:a:x", "Économie <circulaire>"), Choice("c:a:y", "Autre"))))
    assert content["body"] == ("Choose <b>one</b> & go\nnow\n\n1. Économie <circulaire>\n"
                               "2. Autre")
    assert content["format"] == "org.matrix.custom.html"
    assert content["formatted_body"] == ("Choose &lt;b&gt;one&lt;/b&gt; &amp; go<br>now"
                                         "<ol><li>Économie &lt;circulaire&gt;</li>"
                                         "<li>Autre</li></ol>")


def test_from_env_needs_the_homeserver_the_user_and_a_secret(engine):
    dispatcher = Dispatcher(engine)
    assert from_env({}, dispatcher) is None
    assert from_env({"MATRIX_HOMESERVER": "http://h", "MATRIX_USER_ID": "@b:h"},
                    dispatcher) is None
    channel = from_env({"MATRIX_HOMESERVER": "http://h", "MATRIX_USER_ID": "@b:h",
                        "MATRIX_ACCESS_TOKEN": "t", "MATRIX_DEVICE_ID": "D",
                        "MATRIX_ALLOWED_SERVERS": "h, Example.org"}, dispatcher)
    assert isinstance(channel, Channel) and channel.name == "matrix"
    assert channel.settings.allowed_servers == {"h", "example.org"}
    assert channel.settings.device_id == "D"


# -- end to end -----------------------------------------------------------------------------


def test_invitation_greeting_and_the_whole_parcours(synapse, settings):
    """Answer every question, with numbers and with labels typed loosely, up to the end."""
    bot = Bot(synapse, settings, synapse.register())
    agent = Agent(synapse, synapse.register())
    sent: list[str] = []

    async def scenario():
        await bot.start()
        try:
            room_id = await dm_with_greeting(agent, bot)
            assert await agent.membership(room_id, bot.user.user_id) == "join"
            greeting = (await agent.messages_from(room_id, bot.user.user_id))[-1]["content"]
            assert "\n1. " in greeting["body"] and "<ol><li>" in greeting["formatted_body"]
            for step in range(30):
                said = await agent.messages_from(room_id, bot.user.user_id)
                if any("recommandations" in m["content"]["body"] for m in said):
                    break
                text = answer_to(said[-1]["content"], step)
                sent.append(text)
                await bot.settle(room_id, await agent.say(room_id, text))
            else:
                raise AssertionError(f"no recommendations after {sent}")
            assert any(t.isdigit() for t in sent) and any(t.isupper() for t in sent)
            # Only pseudonyms in the database: no room id, no user id.
            dump = "\n".join(raw_db(bot.engine.store).iterdump())
            assert room_id not in dump and agent.user.user_id not in dump
            # Exactly one reply set per message, as the engine alone would answer.
            turns = await agent.replies_per_message(room_id, bot.user.user_id)
            assert turns == list(zip(sent, expected_replies(settings, sent), strict=True))
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


def test_a_restart_replays_nothing_even_from_an_old_sync_token(synapse, settings):
    user = synapse.register()
    bot = Bot(synapse, settings, user)
    agent = Agent(synapse, synapse.register())
    texts = ["1", "commune", "Pont-Aven", "rural"]
    counts = expected_replies(settings, texts)

    async def scenario():
        await bot.start()
        try:
            room_id = await dm_with_greeting(agent, bot)
            old_token, account = bot.channel._since, bot.channel._account
            for text in texts[:2]:
                await bot.settle(room_id, await agent.say(room_id, text))

            # A clean restart, with a message written while the bot is away.
            await bot.stop()
            away = await agent.say(room_id, texts[2])
            await bot.start()
            await bot.settle(room_id, away)

            # A crash between answering and saving the sync token: the homeserver sends
            # the same events again (matrix-nio #525). Nothing is answered twice.
            await bot.stop()
            store = Store(settings.db_path)
            store.set_channel_state(CHANNEL, f"{account}:since", old_token)
            store.close()
            await bot.start()
            await bot.quiet()
            await bot.settle(room_id, await agent.say(room_id, texts[3]))
            turns = await agent.replies_per_message(room_id, user.user_id)
            assert turns == list(zip(texts, counts, strict=True))
        finally:
            await bot.stop()

        # A new installation of the same account (new database, no sync token): the
        # first sync is history; the bot answers only what comes next.
        fresh = Bot(synapse, replace(settings, db_path=settings.db_path.with_name("new.db")),
                    user)
        await fresh.start()
        try:
            await fresh.quiet()
            assert await agent.replies_per_message(room_id, user.user_id) == turns
            event_id = await agent.say(room_id, "/aide")
            await fresh.settle(room_id, event_id)
            assert (await agent.replies_per_message(room_id, user.user_id))[-1][1] >= 1
        finally:
            await fresh.stop()
            await agent.close()

    run(scenario())


class NeverAcknowledging(Dispatcher):
    """Sends the replies, then dies before reporting them sent (a kill -9 in that window)."""

    async def delivered(self, receipt: int) -> None:
        return None


def test_replies_a_crash_left_are_sent_once_after_the_restart(synapse, settings):
    """Two crashes: after sending a turn's replies but before acknowledging them (sent
    again at the restart with the same transaction ids: the homeserver drops them), and
    after the engine committed a turn but before anything was sent (sent after the first
    sync, and the event, seen again, is not handled twice)."""
    user = synapse.register()
    agent = Agent(synapse, synapse.register())
    texts = ["1", "Creuse"]
    counts = expected_replies(settings, texts)

    async def scenario():
        crashing = Bot(synapse, settings, user, dispatcher=NeverAcknowledging)
        await crashing.start()
        try:
            room_id = await dm_with_greeting(agent, crashing)
            await crashing.settle(room_id, await agent.say(room_id, texts[0]))
        finally:
            await crashing.stop()
        # While the bot is down, the agent answers; a process handles it and dies at once.
        event_id = await agent.say(room_id, texts[1])
        app = App(settings)
        try:
            app.engine.handle_event(Incoming.text_message(
                CHANNEL, agent.user.user_id, texts[1], event_id=event_id, reply_to=room_id))
            assert len(app.outbox.pending(CHANNEL)) == 2  # "1" sent, "Creuse" not
        finally:
            app.close()

        bot = Bot(synapse, settings, user)
        await bot.start()
        try:
            await bot.quiet()
            turns = await agent.replies_per_message(room_id, user.user_id)
            assert turns == list(zip(texts, counts, strict=True)), turns
            assert raw_db(bot.engine.store).execute(
                "SELECT count(*) FROM reply_outbox").fetchone()[0] == 0
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


def test_the_bot_reconnects_after_the_homeserver_restarts(synapse, settings, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.matrix")
    bot = Bot(synapse, settings, synapse.register())
    agent = Agent(synapse, synapse.register())

    async def scenario():
        await bot.start()
        try:
            room_id = await dm_with_greeting(agent, bot)
            before = len(await agent.messages_from(room_id, bot.user.user_id))
            await asyncio.to_thread(synapse.stop)
            with pytest.raises(TransientError):  # deliver() reports the outage
                await bot.channel.deliver(room_id, Outgoing("hello"))
            await asyncio.to_thread(synapse.start)
            event_id = await agent.say(room_id, "1")
            await bot.settle(room_id, event_id)
            assert len(await agent.messages_from(room_id, bot.user.user_id)) > before
            assert "homeserver unreachable" in caplog.text
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


def test_in_a_group_room_the_bot_answers_only_when_addressed(synapse, settings):
    bot = Bot(synapse, settings, synapse.register())
    agent = Agent(synapse, synapse.register())
    colleague = synapse.register()

    async def scenario():
        await bot.start()
        try:
            room_id = await agent.create_room([bot.user.user_id, colleague.user_id],
                                              direct=False)
            await until(lambda: _is(agent.membership(room_id, bot.user.user_id), "join"),
                        "the bot to join")
            await bot.quiet()
            assert await agent.messages_from(room_id, bot.user.user_id) == []  # no greeting

            await agent.say(room_id, "1")  # to the colleague: not for the bot
            await agent.say(room_id, "bonjour à tous")
            localpart = bot.user.user_id.split(":")[0].lstrip("@")
            addressed = await agent.say(room_id, f"{localpart}: bonjour")
            await bot.settle(room_id, addressed)
            turns = await agent.replies_per_message(room_id, bot.user.user_id)
            assert [count > 0 for _, count in turns] == [False, False, True]

            pill = await agent.say(
                room_id, "1", **{"m.mentions": {"user_ids": [bot.user.user_id]}})
            await bot.settle(room_id, pill)
            command = await agent.say(room_id, "/aide")
            await bot.settle(room_id, command)
            turns = await agent.replies_per_message(room_id, bot.user.user_id)
            assert [count > 0 for _, count in turns] == [False, False, True, True, True]
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


async def _is(awaitable, value) -> bool:
    return await awaitable == value


def test_an_invitation_from_a_server_not_allowed_is_rejected(synapse, settings, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.matrix")
    bot = Bot(synapse, settings, synapse.register(), allowed_servers=frozenset({"example.org"}))
    agent = Agent(synapse, synapse.register())

    async def scenario():
        await bot.start()
        try:
            room_id = await agent.create_room([bot.user.user_id])
            await until(lambda: _is(agent.membership(room_id, bot.user.user_id), "leave"),
                        "the bot to reject the invitation")
            await bot.quiet()
            assert await agent.messages_from(room_id, bot.user.user_id) == []
            assert "invitation from server 'localhost' rejected" in caplog.text
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


def test_rate_limits_are_honoured_and_delivery_errors_mapped(synapse, settings, admin, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.matrix")
    bot = Bot(synapse, settings, synapse.register())
    agent = Agent(synapse, synapse.register())
    counts = expected_replies(settings, ["/aide"])

    async def scenario():
        await bot.start()
        try:
            room_id = await dm_with_greeting(agent, bot)
            channel = bot.channel
            # A document: uploaded, then sent as m.file.
            document = Document("feuille.md", "text/markdown", b"# Feuille de route\n")
            await channel.deliver(room_id, Outgoing("Votre feuille de route", document=document))
            sent = (await agent.messages_from(room_id, bot.user.user_id))[-1]["content"]
            assert sent["msgtype"] == "m.file" and sent["body"] == "feuille.md"
            assert sent["info"] == {"mimetype": "text/markdown", "size": len(document.data)}
            downloaded = await agent.client.download(mxc=sent["url"])
            assert isinstance(downloaded, DownloadResponse) and downloaded.body == document.data

            # One message per second at most: a reply set of several messages waits its turn.
            await asyncio.to_thread(synapse.override_ratelimit, admin.access_token,
                                    bot.user.user_id, 1, 1)
            try:
                await asyncio.sleep(1.1)  # let the bucket empty
                began = time.monotonic()
                await bot.settle(room_id, await agent.say(room_id, "/aide"))
                assert (await agent.replies_per_message(room_id, bot.user.user_id))[-1] == (
                    "/aide", counts[0])
                if counts[0] > 1:
                    assert "failed (RateLimited); retry 1" in caplog.text
                    assert time.monotonic() - began >= 0.5
                with pytest.raises(RateLimited) as limited:
                    for _ in range(3):
                        await channel.deliver(room_id, Outgoing("ping"))
                assert 0 < limited.value.retry_after <= 2
            finally:
                await asyncio.to_thread(synapse.override_ratelimit, admin.access_token,
                                        bot.user.user_id, None)

            # To a person: in their direct room, found on the server if not seen this run.
            channel._direct.clear()
            await channel.deliver(agent.user.user_id, Outgoing("Un appel à projets s'ouvre"))
            last = (await agent.messages_from(room_id, bot.user.user_id))[-1]["content"]
            assert last["body"] == "Un appel à projets s'ouvre"

            # A room the bot is not in (left, kicked, never invited), or nobody to write to.
            elsewhere = await agent.create_room([], direct=False)
            with pytest.raises(RecipientGone):
                await channel.deliver(elsewhere, Outgoing("still there?"))
            with pytest.raises(RecipientGone):
                await channel.deliver(f"@nobody:{synapse.server_name}", Outgoing("hello?"))
        finally:
            await bot.stop()
            await agent.close()

    run(scenario())


def test_essbot_run_starts_the_matrix_channel_from_the_environment(synapse, tmp_path):
    user = synapse.register()
    agent = Agent(synapse, synapse.register())
    env = {**os.environ, "ESSBOT_SECRET": TEST_SECRET, "ESSBOT_DB": str(tmp_path / "run.db"),
           "TELEGRAM_BOT_TOKEN": "", "MATRIX_HOMESERVER": synapse.url,
           "MATRIX_USER_ID": user.user_id, "MATRIX_ACCESS_TOKEN": user.access_token,
           "MATRIX_ALLOWED_SERVERS": synapse.server_name}
    with open(tmp_path / "stderr.log", "wb") as stderr:
        process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=tmp_path,
                                   stdout=subprocess.DEVNULL, stderr=stderr)

    async def scenario():
        try:
            room_id = await agent.create_room([user.user_id])
            await until(lambda: agent.messages_from(room_id, user.user_id), "the greeting")
        finally:
            await agent.close()

    try:
        run(scenario())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    log = (tmp_path / "stderr.log").read_text(encoding="utf-8")
    assert "channel matrix started" in log and "Traceback" not in log
    assert user.user_id not in log  # logs name no account


def test_telegram_and_matrix_run_together_on_one_engine_and_database(synapse, settings):
    """`essbot run` with both channels configured: one process, one engine, one database."""
    from bot.runner import Runner
    from tests.telegram_api import TOKEN, FakeBotAPI

    user = synapse.register()
    agent = Agent(synapse, synapse.register())
    app = App(settings)

    async def scenario():
        api = FakeBotAPI()
        await api.start()
        runner = Runner(app, {
            "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": api.base_url,
            "MATRIX_HOMESERVER": synapse.url, "MATRIX_USER_ID": user.user_id,
            "MATRIX_ACCESS_TOKEN": user.access_token})
        serving = asyncio.create_task(runner.serve())
        try:
            assert sorted(c.name for c in runner.channels) == ["matrix", "telegram"]
            room_id = await agent.create_room([user.user_id])
            await until(lambda: agent.messages_from(room_id, user.user_id), "the Matrix greeting")
            api.text(1001, "/start")
            await api.wait_messages(1001, 1, timeout=TIMEOUT)
            await agent.say(room_id, "1")  # « Commencer »
            await until(lambda: _count_at_least(agent, room_id, user.user_id, 2),
                        "the Matrix answer")
        finally:
            runner.request_stop()
            await asyncio.wait_for(serving, 60)
            await agent.close()
            await api.close()

    run(scenario())
    store = Store(settings.db_path)
    try:
        channels = [row[0] for row in raw_db(store).execute(
            "SELECT channel FROM conversations ORDER BY channel")]
        assert channels == ["matrix", "telegram"]
        states = {row[0]: row[1] for row in raw_db(store).execute(
            "SELECT channel, state FROM conversations")}
        assert states["matrix"] == "territoire" and states["telegram"] == "accueil"
    finally:
        store.close()


async def _count_at_least(agent: Agent, room_id: str, sender: str, count: int) -> bool:
    return len(await agent.messages_from(room_id, sender)) >= count
