"""Exactly-once handling of updates and the reply outbox (docs/reliability.md).

The engine records each update id it handles, in the transaction of the conversation's
new state, with the turn's replies; the channel acknowledges the replies once sent; a
restart sends what a crash left unsent. A "crash" here is a second App on the same
database while the first one's replies were never acknowledged. The kill -9 test of a
real ``essbot run`` is tests/test_exactly_once_e2e.py.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.admin.purge import purge
from bot.app import App
from bot.channels.base import RecipientGone, TransientError
from bot.channels.pending import deliver_pending
from bot.engine import Choice, Document, Incoming, Outgoing
from bot.engine.dispatch import Dispatcher
from bot.engine.outbox import dump_replies, load_replies
from tests.conftest import raw_db
from tests.telegram_api import BOT_ID, FakeBotAPI
from tests.test_telegram import all_text, telegram

RAW_CHAT = "7700123456789"  # distinctive: finding it in the database file is a leak
RAW_ROOM = "!QwErTyRoomIdOfTheTest:example.org"


def text(user: str, said: str, update: int, channel: str = "telegram",
         reply_to: str | None = None) -> Incoming:
    return Incoming.text_message(channel, user, said, "fr", event_id=f"{BOT_ID}:{update}",
                                 reply_to=reply_to)


def rows(app: App, table: str) -> int:
    return raw_db(app.store).execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def conversation_state(app: App, user: str) -> tuple:
    conversation = app.store.load_conversation(app.pseudonymize("telegram", user))
    return conversation.state, conversation.slots, len(app.store.events())


def file_bytes(db_path: Path) -> bytes:
    return b"".join(path.read_bytes() for path in (db_path, Path(f"{db_path}-wal"))
                    if path.exists())


# -- the engine ---------------------------------------------------------------------------


def test_an_update_seen_again_is_not_handled_twice(app):
    engine = app.engine
    engine.handle(text(RAW_CHAT, "/start", 1))
    first = engine.handle_event(text(RAW_CHAT, "1", 2))
    assert "Quel est votre territoire" in first.replies[0].text and not first.duplicate
    engine.delivered(first.receipt)
    before = conversation_state(app, RAW_CHAT)
    again = engine.handle_event(text(RAW_CHAT, "1", 2))  # "1" again would pick "Passer"
    assert again.duplicate and again.replies == [] and again.receipt is None
    assert conversation_state(app, RAW_CHAT) == before, "nothing changed"
    # Another update with the same text is a new answer: it is handled.
    assert not engine.handle_event(text(RAW_CHAT, "Creuse", 3)).duplicate


def test_replies_wait_in_the_outbox_until_acknowledged(app):
    engine = app.engine
    handled = engine.handle_event(text(RAW_CHAT, "/start", 1))
    assert handled.receipt is not None and rows(app, "reply_outbox") == 1
    assert rows(app, "handled_updates") == 1
    # While this process is sending them, a redelivery does not get them a second time.
    assert engine.handle_event(text(RAW_CHAT, "/start", 1)).replies == []
    engine.delivered(handled.receipt)
    assert rows(app, "reply_outbox") == 0 and rows(app, "handled_updates") == 1
    # Updates without an id (the console, scripts) are handled as before, not recorded.
    engine.handle(Incoming.text_message("console", "local", "/aide"))
    assert rows(app, "handled_updates") == 1 and rows(app, "reply_outbox") == 0


def test_after_a_crash_a_redelivered_update_gets_its_unsent_replies(settings):
    first = App(settings)
    handled = first.engine.handle_event(text(RAW_CHAT, "/start", 1))
    first.close()  # killed before the replies were sent: never acknowledged
    second = App(settings)
    try:
        again = second.engine.handle_event(text(RAW_CHAT, "/start", 1))
        assert again.duplicate and again.replies == handled.replies
        second.engine.delivered(again.receipt)
        assert rows(second, "reply_outbox") == 0
        assert len([e for e in second.store.events() if e["kind"] == "conversation_started"]) \
            == 1
    finally:
        second.close()


def test_a_failed_turn_is_answered_once_with_its_apology(app, monkeypatch):
    engine = app.engine
    engine.handle(text(RAW_CHAT, "/start", 1))

    def broken(self, db):
        raise RuntimeError("disk on fire")

    with monkeypatch.context() as patch:
        patch.setattr("bot.engine.turn.Turn.commit", broken)
        failed = engine.handle_event(text(RAW_CHAT, "1", 2))
    assert "erreur interne" in failed.replies[0].text
    engine.delivered(failed.receipt)
    again = engine.handle_event(text(RAW_CHAT, "1", 2))
    assert again.duplicate and again.replies == []
    assert [e["detail"] for e in app.store.events() if e["kind"] == "error"] == ["RuntimeError"]


def test_replies_are_kept_whole_documents_included():
    replies = [Outgoing("Bonjour <b>", (Choice("c:a:b", "Oui"), Choice("c:a:c", "Non"))),
               Outgoing("Votre feuille", document=Document("f.md", "text/markdown",
                                                           b"\x00\xffdata"))]
    assert load_replies(dump_replies(replies)) == replies


def test_forget_erases_replies_in_hand_and_purge_drops_old_records(app):
    engine = app.engine
    engine.handle_event(text(RAW_CHAT, "/start", 1))  # never acknowledged
    engine.handle(text(RAW_CHAT, "/oublier", 2))
    confirmed = engine.handle_event(text(RAW_CHAT, "Oui, tout effacer", 3))
    assert "tout ce qui était enregistré" in confirmed.replies[0].text
    assert rows(app, "reply_outbox") == 1, "only the confirmation waits to be sent"
    engine.delivered(confirmed.receipt)
    assert rows(app, "handled_updates") == 3
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=4)
    assert purge(app.store, 365, now=later).other == 3
    assert rows(app, "handled_updates") == 0


# -- the channels' side -------------------------------------------------------------------


def test_pending_replies_are_sent_at_start_in_order_per_chat(settings):
    first = App(settings)
    other = "7700999"
    for update, (user, said) in enumerate([(RAW_CHAT, "/start"), (other, "/start"),
                                           (RAW_CHAT, "1"), (other, "/aide"),
                                           ("7700555", "/start")], 1):
        first.engine.handle_event(text(user, said, update))
    first.close()

    second = App(settings)
    sent: list[tuple[str, str]] = []

    async def send(address: str, replies: list[Outgoing], token: str) -> None:
        if address == "7700555":
            raise RecipientGone("blocked")
        await asyncio.sleep(0)
        sent.extend((address, reply.text[:20]) for reply in replies)

    async def scenario():
        with ThreadPoolExecutor(2) as executor:
            return await deliver_pending(Dispatcher(second.engine, executor), "telegram",
                                         send)

    try:
        counts = asyncio.run(scenario())
        assert counts == {"sent": 4, "gone": 1}
        mine = [t for address, t in sent if address == RAW_CHAT]
        assert mine[0].startswith("Bonjour") and mine[-1].startswith("Quel est votre")
        theirs = [t for address, t in sent if address == other]
        assert theirs[0].startswith("Bonjour") and theirs[1].startswith("Voici les")
        assert rows(second, "reply_outbox") == 0
        assert second.engine.pending_replies("telegram") == []
    finally:
        second.close()


def test_replies_are_kept_when_the_network_fails_at_start(app):
    app.engine.handle_event(text(RAW_CHAT, "/start", 1))
    app.engine.handle_event(text(RAW_CHAT, "1", 2))
    fresh = App(app.settings, store=app.store)

    async def down(address, replies, token):
        raise TransientError("unreachable")

    async def scenario():
        return await deliver_pending(Dispatcher(fresh.engine), "telegram", down)

    assert asyncio.run(scenario()) == {"kept": 2}
    assert rows(app, "reply_outbox") == 2


def test_no_raw_chat_or_room_id_in_the_database_file(settings):
    app = App(settings)
    for update, said in enumerate(["/start", "1", "Creuse"], 1):
        app.engine.handle_event(text(RAW_CHAT, said, update))  # none acknowledged
    app.engine.handle_event(text("@agent:example.org", "/start", 99, channel="matrix",
                                 reply_to=RAW_ROOM))
    assert rows(app, "reply_outbox") == 4
    pending = app.outbox.pending("matrix")
    assert [p.address for p in pending] == [RAW_ROOM]  # it opens with the secret...
    app.close()
    data = file_bytes(settings.db_path)
    assert RAW_CHAT.encode() not in data and RAW_ROOM.encode() not in data  # ...only
    assert f"{BOT_ID}:1".encode() not in data, "update ids are stored hashed"


# -- Telegram, in process ---------------------------------------------------------------


class NeverAcknowledging(Dispatcher):
    """Sends, but dies before reporting them sent: stands for a kill -9 in that window."""

    async def delivered(self, receipt: int) -> None:
        return None


def test_telegram_sends_what_a_crash_left_then_ignores_the_redelivered_update(settings):
    chat = int(RAW_CHAT)

    async def scenario():
        api = FakeBotAPI()
        await api.start()
        api.chat(chat)
        try:
            first = App(settings)
            # Handled and committed, then the process died: not sent, not confirmed.
            first.engine.handle_event(Incoming.text_message(
                "telegram", RAW_CHAT, "/start", "fr", event_id=f"{BOT_ID}:41"))
            first.close()
            async with telegram(settings, api) as h:
                # Sent during start, before the first getUpdates.
                assert "Bonjour" in api.texts(chat)[0] and not api.offsets
                await h.settled(api.push(api.make_text(chat, "/start"), update_id=41))
                assert len(api.messages(chat)) == 1, "the redelivered update changes nothing"
                replies = await h.say(chat, "1")
                assert "Quel est votre territoire" in all_text(replies)
        finally:
            await api.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_telegram_replies_sent_but_not_acknowledged_are_sent_again(settings):
    """The documented at-least-once window: sent, then killed before the acknowledgement."""
    chat = int(RAW_CHAT)

    async def scenario():
        api = FakeBotAPI()
        await api.start()
        try:
            app = App(settings)
            with ThreadPoolExecutor(2) as executor:
                async with telegram(settings, api,
                                    dispatcher=NeverAcknowledging(app.engine, executor)) as h:
                    await h.say(chat, "/start")
            assert len(api.messages(chat)) == 1
            async with telegram(settings, api) as h:
                texts = api.texts(chat)
                assert len(texts) == 2 and texts[0] == texts[1], "sent again, once"
                await h.say(chat, "1")
                assert "Quel est votre territoire" in api.texts(chat)[-1]
        finally:
            await api.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))
