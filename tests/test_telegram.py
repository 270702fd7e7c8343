"""The Telegram channel end to end: the real python-telegram-bot client against a fake Bot API.

Every test runs its own event loop (``asyncio.run``), its own fake server on 127.0.0.1 and
its own database; nothing leaves the loopback. Waits are on conditions, with timeouts.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import html
import logging
import time
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor

import aiohttp
import pytest

from bot.app import App, build_engine
from bot.channels.base import RateLimited, RecipientGone, TransientError
from bot.channels.telegram import RetryPolicy, TelegramChannel, from_env
from bot.channels.telegram_format import (
    REDACTOR,
    install_token_redaction,
    keyboard_markup,
    merge_turn,
    split_text,
)
from bot.config import Settings
from bot.engine import Choice, Document, Incoming, Outgoing
from bot.engine.dispatch import Dispatcher
from bot.engine.outbox import Handled
from bot.runner import Runner
from tests.telegram_api import BOT_USERNAME, TOKEN, FakeBotAPI, Sent, parse_html

ALICE, BOB = 1001, 1002
GROUP = -100500


def aio(test):
    """Run an async test in its own event loop, with a global time limit."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        async def limited():
            return await asyncio.wait_for(test(*args, **kwargs), 30)
        asyncio.run(limited())

    return run


class Harness:
    """A fake Bot API server, the engine on the test database, and a running channel."""

    def __init__(self, api: FakeBotAPI, channel: TelegramChannel):
        self.api = api
        self.channel = channel

    async def settled(self, update_id: int, timeout: float = 8.0) -> None:
        """Wait until an update is handled, confirmed, and its replies sent."""
        await self.api.wait_for(
            lambda: update_id not in self.api.pending_updates and self.channel.idle,
            timeout, f"update {update_id} to be handled")

    async def say(self, chat_id: int, text: str, **kwargs) -> list[Sent]:
        before = len(self.api.messages(chat_id))
        await self.settled(self.api.text(chat_id, text, **kwargs))
        return self.api.messages(chat_id)[before:]

    async def press(self, chat_id: int, label: str, **kwargs) -> list[Sent]:
        """Press, on the last keyboard the chat received, the button whose label contains
        ``label``: the callback data is the one the bot really sent."""
        message = self.api.last_with_buttons(chat_id)
        button = next((b for b in message.buttons if label in b["text"]), None)
        assert button is not None, f"no button {label!r} in {message.labels}"
        return await self.press_data(chat_id, message, button["callback_data"], **kwargs)

    async def press_data(self, chat_id: int, message: Sent, data: str, **kwargs) -> list[Sent]:
        before = len(self.api.messages(chat_id))
        await self.settled(self.api.press(chat_id, message, data, **kwargs))
        return self.api.messages(chat_id)[before:]


@contextlib.asynccontextmanager
async def telegram(settings: Settings, api: FakeBotAPI | None = None, *,
                   dispatcher: Dispatcher | None = None, **options) -> AsyncIterator[Harness]:
    own_api = api is None
    if api is None:
        api = FakeBotAPI()
        await api.start()
    engine = build_engine(settings) if dispatcher is None else dispatcher.engine
    executor = ThreadPoolExecutor(4)
    dispatcher = dispatcher or Dispatcher(engine, executor)
    options = {"poll_timeout": 5, "request_timeout": 2.0, "drain_timeout": 5.0,
               "retry": RetryPolicy(attempts=5, base_delay=0.05, max_delay=0.2), **options}
    channel = TelegramChannel(TOKEN, dispatcher, api_base_url=api.base_url, **options)
    await channel.start()
    try:
        yield Harness(api, channel)
    finally:
        await channel.stop()
        executor.shutdown(wait=True)
        engine.store.close()
        if own_api:
            await api.close()


def all_text(messages: list[Sent]) -> str:
    return "\n".join(m.text for m in messages)


async def walk_to_themes(h: Harness, chat_id: int) -> None:
    await h.say(chat_id, "/start")
    await h.press(chat_id, "Commencer")
    await h.press(chat_id, "Intercommunalité")
    await h.say(chat_id, "Pays de Vitré")
    await h.press(chat_id, "Rural")
    await h.press(chat_id, "Continuer")


# -- the parcours ------------------------------------------------------------------------


@aio
async def test_whole_parcours_by_buttons(settings):
    async with telegram(settings) as h:
        replies = await h.say(ALICE, "/start")
        assert "économie sociale et solidaire" in all_text(replies)
        assert replies[-1].labels == ["Commencer", "Comment se déroule le parcours ?"]
        welcome = replies[-1]
        await h.press(ALICE, "Commencer")
        # The pressed question shows the choice and has no keyboard any more.
        assert welcome.text.endswith("✔ Commencer") and welcome.reply_markup is None
        assert "<b>Commencer</b>" in welcome.html
        await h.say(ALICE, "Quimperlé")
        await h.press(ALICE, "Oui")
        await h.press(ALICE, "Rural")
        await h.press(ALICE, "Continuer")
        await h.press(ALICE, "Continuer")  # the national programmes
        await h.press(ALICE, "Alimentation")
        await h.press(ALICE, "Économie circulaire")
        assert "Alimentation, Économie circulaire" in h.api.texts(ALICE)[-1]
        await h.press(ALICE, "Continuer")
        replies = await h.press(ALICE, "Nous débutons")
        text = all_text(replies)
        # One message: the introduction and three cards, the buttons under them.
        assert len(replies) == 1 and "1. " in text and "➜ " in text
        assert len(text) + sum(len(label) for label in replies[0].labels) <= 2500
        assert "Ma feuille de route" in replies[0].labels
        # Every message was HTML; every pressed question lost its keyboard: only the one
        # answered by typing (the territory) and the last one keep theirs.
        sends = h.api.calls_of("sendMessage", ALICE)
        assert all(c.params["parse_mode"] == "HTML" for c in sends)
        live = [m for m in h.api.messages(ALICE) if m.buttons]
        assert [m.labels for m in live] == [["Passer cette question"],
                                            h.api.last_with_buttons(ALICE).labels]
        assert len([m for m in h.api.messages(ALICE) if "✔" in m.text]) == 9
        assert len(h.api.calls_of("answerCallbackQuery")) == 9
        assert not h.api.calls_of("editMessageReplyMarkup")


TYPED = ["/start", "commencer", "Quimperlé", "oui", "rural", "continuer", "continuer",
         "alimentation", "continuer"]


@aio
async def test_whole_parcours_by_typed_text(settings):
    async with telegram(settings) as h:
        for line in TYPED:
            replies = await h.say(ALICE, line)
            assert len(replies) == 1, "one message per turn"
        replies = await h.say(ALICE, "3")
        # The recommendations: one message (the introduction and three cards) with the
        # buttons of the cards and of the question; the feuille de route on demand.
        assert len(replies) == 1 and replies[0].text.startswith("Voici mes recommandations")
        assert "\n\n1. " in replies[0].text and replies[0].buttons
        replies = await h.say(ALICE, "Ma feuille de route")
        documents = [m.document["filename"] for m in replies if m.document]
        assert [name.rsplit(".", 1)[1] for name in documents] == ["pdf", "html"]
        assert "feuille de route" in replies[0].text  # the caption
        assert replies[-1].buttons and not any(m.buttons for m in replies[:-1])
        # Keyboards of questions answered by typing are left as they are (no extra call).
        assert not h.api.calls_of("editMessageReplyMarkup", ALICE)
        assert len([m for m in h.api.messages(ALICE) if m.buttons]) == 11


@aio
async def test_a_keyboard_left_by_a_typed_answer_is_harmless(settings):
    async with telegram(settings) as h:
        await h.say(ALICE, "/start")
        welcome = h.api.last_with_buttons(ALICE)
        await h.say(ALICE, "commencer")  # typed: the welcome keeps its keyboard
        assert welcome.buttons and not welcome.edits
        data = next(b["callback_data"] for b in welcome.buttons if "Commencer" in b["text"])
        replies = await h.press_data(ALICE, welcome, data)
        # The engine says the button is no longer valid and asks the current question
        # again; the old keyboard is removed then, without a mark.
        assert "Quel est votre territoire" in replies[-1].text
        assert "précédente" in all_text(replies) or "plus valable" in all_text(replies)
        assert welcome.reply_markup is None and "✔" not in welcome.text
        replies = await h.say(ALICE, "Quimperlé")  # nothing moved
        assert "J'ai trouvé : Quimperlé" in all_text(replies)


@aio
async def test_old_keyboards_can_be_removed_after_typed_answers(settings):
    async with telegram(settings, remove_old_keyboards=True) as h:
        for line in TYPED:
            await h.say(ALICE, line)
        # One live keyboard per chat: those of questions answered by typing were removed.
        assert len([m for m in h.api.messages(ALICE) if m.buttons]) == 1
        assert len(h.api.calls_of("editMessageReplyMarkup", ALICE)) == len(TYPED) - 1


@aio
async def test_a_timeout_is_retried_and_documents_are_sent(settings):
    async with telegram(settings, request_timeout=0.5) as h:
        h.api.fail("sendMessage", chat_id=ALICE, delay=2)  # a timeout, then a retry
        replies = await h.say(ALICE, "/start")
        assert len(replies) == 1 and replies[0].labels[0] == "Commencer"
        await h.press(ALICE, "Commencer")
        assert replies[0].text.endswith("✔ Commencer")
        document = Document("f.md", "text/markdown", b"# F\n")
        await h.channel.deliver(str(ALICE), Outgoing("Le fichier", document=document))
        assert h.api.messages(ALICE)[-1].document["data"] == b"# F\n"


@aio
async def test_updates_of_one_chat_are_handled_in_order(settings):
    async with telegram(settings) as h:
        lines = ["/start", "commencer", "Quimperlé", "oui", "rural", "continuer", "continuer"]
        ids = [h.api.text(ALICE, line) for line in lines]  # one batch, no waiting in between
        ids += [h.api.text(BOB, line) for line in lines[:3]]
        for update_id in ids:
            await h.settled(update_id)
        texts = h.api.texts(ALICE)
        assert "Quel est votre territoire" in "\n".join(texts)
        assert "thème" in texts[-1].lower()
        assert "J'ai trouvé : Quimperlé" in h.api.texts(BOB)[-1]


# -- webhook -----------------------------------------------------------------------------


@aio
async def test_webhook_mode_checks_the_secret(settings):
    url = "https://bot.example.org/essbot/telegram"
    async with telegram(settings, webhook_url=url, webhook_secret="s3cr3t-token",
                        port=0) as h:
        assert h.api.webhook["url"] == url
        assert h.api.webhook["secret_token"] == "s3cr3t-token"
        endpoint = f"http://127.0.0.1:{h.channel.webhook_port}/essbot/telegram"
        update = {**h.api.make_text(ALICE, "/start"), "update_id": 7}
        async with aiohttp.ClientSession() as session:
            for headers in ({}, {"X-Telegram-Bot-Api-Secret-Token": "wrong"}):
                async with session.post(endpoint, json=update, headers=headers) as response:
                    assert response.status == 403
            assert not h.api.calls_of("sendMessage")
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cr3t-token"}
            async with session.post(endpoint, json=update, headers=headers) as response:
                assert response.status == 200
            await h.api.wait_messages(ALICE, 1)
            assert "économie sociale et solidaire" in h.api.texts(ALICE)[0]
            welcome = h.api.last_with_buttons(ALICE)
            press = {**h.api.make_press(ALICE, welcome, welcome.buttons[0]["callback_data"]),
                     "update_id": 8}
            async with session.post(endpoint, json=press, headers=headers) as response:
                assert response.status == 200
            messages = await h.api.wait_messages(ALICE, 2)
            assert "Quel est votre territoire" in messages[-1].text
            for body in (b"{not json", b"[1, 2]"):
                async with session.post(endpoint, data=body, headers=headers) as response:
                    assert response.status == 400
            # Not what the Bot API describes (no chat): acknowledged, so that Telegram does
            # not send it again and again, and ignored.
            odd = {"update_id": 9, "message": {"message_id": 1, "date": 1, "text": "?"}}
            async with session.post(endpoint, json=odd, headers=headers) as response:
                assert response.status == 200
            assert len(h.api.messages(ALICE)) == 2
            async with session.get(endpoint, headers=headers) as response:
                assert response.status == 405
        assert not h.api.offsets, "no getUpdates in webhook mode"


# -- persistence and acknowledgement ---------------------------------------------------


@aio
async def test_a_restart_in_the_middle_of_a_conversation(settings):
    api = FakeBotAPI()
    await api.start()
    try:
        async with telegram(settings, api) as h:
            await h.say(ALICE, "/start")
            await h.press(ALICE, "Commencer")
            assert "Quel est votre territoire" in api.texts(ALICE)[-1]
        async with telegram(settings, api) as h:  # a new process: same database, same bot
            replies = await h.say(ALICE, "Quimperlé")
            assert "J'ai trouvé : Quimperlé" in all_text(replies)
            await h.press(ALICE, "Oui")
            assert "Rural" in api.last_with_buttons(ALICE).labels
            await h.press(ALICE, "Rural")  # a keyboard sent by the new process
            assert "Continuer" in api.last_with_buttons(ALICE).labels
    finally:
        await api.close()


class BlockingDispatcher(Dispatcher):
    """Never finishes a turn: stands for a process killed while an update is in hand."""

    def __init__(self, engine):
        super().__init__(engine)
        self.entered = asyncio.Event()

    async def handle_event(self, incoming: Incoming) -> Handled:
        self.entered.set()
        await asyncio.Event().wait()
        return Handled()


@aio
async def test_an_update_in_hand_when_the_bot_stops_is_not_lost(settings):
    api = FakeBotAPI()
    await api.start()
    try:
        engine = build_engine(settings)
        blocking = BlockingDispatcher(engine)
        async with telegram(settings, api, dispatcher=blocking, drain_timeout=0.2):
            update_id = api.text(ALICE, "/start")
            await asyncio.wait_for(blocking.entered.wait(), 5)
        assert update_id in api.pending_updates, "not confirmed to Telegram"
        assert not api.messages(ALICE)
        async with telegram(settings, api) as h:
            await h.settled(update_id)
            assert "économie sociale et solidaire" in api.texts(ALICE)[0]
            assert update_id not in api.pending_updates
    finally:
        await api.close()


# -- bad buttons -----------------------------------------------------------------------


@aio
async def test_forged_and_stale_callback_data_reprompt_without_moving(settings):
    async with telegram(settings) as h:
        await h.say(ALICE, "/start")
        welcome = h.api.last_with_buttons(ALICE)
        await h.press(ALICE, "Commencer")
        question = h.api.last_with_buttons(ALICE)
        # The old button (its keyboard is gone, but a client could still send its data).
        replies = await h.press_data(ALICE, welcome, "c:accueil:commencer")
        assert "question précédente" in all_text(replies)
        for data in ["c:collectivite:nulle_part", "s:lang:xx", "' OR 1=1 --", "x" * 64,
                     "\u202e💥", ""]:
            replies = await h.press_data(ALICE, question, data)
            assert replies, f"no answer to {data!r}"
            assert "Quel est votre territoire" in replies[-1].text
            assert any(words in all_text(replies) for words in
                       ("reconnu", "proposé", "plus valable", "précédente")), all_text(replies)
        # Nothing moved: the current question still takes its answer.
        replies = await h.say(ALICE, "Quimperlé")
        assert "J'ai trouvé : Quimperlé" in all_text(replies)
        # A press on an inline-mode message (no message) is answered and ignored.
        update = {"update_id": 0, "callback_query": {
            "id": "77", "from": h.api.user(ALICE), "chat_instance": "1",
            "inline_message_id": "abc", "data": "c:x:y"}}
        calls = len(h.api.calls_of("answerCallbackQuery"))
        await h.settled(h.api.push(update))
        assert len(h.api.calls_of("answerCallbackQuery")) == calls + 1


# -- rendering -------------------------------------------------------------------------


def test_split_text_respects_the_limit_and_boundaries():
    text = ("Premier paragraphe. " * 150 + "\n\n" + "ligne & <balise> " * 400 + "\n"
            + "x" * 5000 + " fin 😀" * 300)
    parts = split_text(text)
    for part in parts:
        escaped = html.escape(part, quote=False)
        assert len(escaped.encode("utf-16-le")) // 2 <= 4096
        assert parse_html(escaped) == part  # valid HTML, no entity cut in two
    assert "".join(p.replace(" ", "").replace("\n", "") for p in parts) == \
        text.replace(" ", "").replace("\n", "")
    assert parts[0].endswith("Premier paragraphe.")  # cut at the paragraph break
    assert split_text("&" * 9000)[0] == "&" * 819  # 819 × "&amp;" = 4095 characters
    assert split_text("court") == ["court"] and split_text("  ") == []


def test_merge_turn_joins_texts_up_to_the_limit_and_keeps_the_order():
    yes = (Choice("c:s:oui", "Oui"),)
    document = Document("f.md", "text/markdown", b"x")
    merged = merge_turn([Outgoing("Noté : Rural."), Outgoing("Autre chose ?", yes)])
    assert merged == [Outgoing("Noté : Rural.\n\nAutre chose ?", yes)]  # keyboard kept
    # Texts that would not fit in one message together stay apart (then each is split
    # on its own if needed); a message with a keyboard ends the merging.
    a, b, c = "a" * 3000, "b" * 1094, "&" * 10  # 3000 + 2 + 1094 = 4096: fits
    merged = merge_turn([Outgoing(a), Outgoing(b), Outgoing(c), Outgoing("d", yes),
                         Outgoing("e")])
    assert [m.text for m in merged] == [f"{a}\n\n{b}", c + "\n\nd", "e"]
    assert len(merge_turn([Outgoing(a), Outgoing(b + "b")])) == 2  # 4097: does not fit
    assert len(merge_turn([Outgoing(a), Outgoing(b, yes)])) == 2  # no room left for ✔
    assert len(merge_turn([Outgoing("x" * 5000), Outgoing("y")])) == 2
    # A document is never moved: a short text goes as its caption, a long one before it.
    captioned = Outgoing("Votre fichier", document=document)
    merged = merge_turn([Outgoing("avant"), captioned, Outgoing("après"), Outgoing("fin")])
    assert merged == [Outgoing("avant"), captioned, Outgoing("après\n\nfin")]
    long = Outgoing("l" * 2000, document=document)
    merged = merge_turn([Outgoing("avant"), long, Outgoing("après")])
    assert merged == [Outgoing("avant\n\n" + "l" * 2000, document=document),
                      Outgoing("après")]
    assert merge_turn([Outgoing(""), Outgoing("seul")]) == [Outgoing("seul")]
    assert merge_turn([]) == []


def test_keyboards_put_short_labels_two_per_row():
    short = keyboard_markup([Choice(f"c:s:{i}", f"Choix {i}") for i in range(5)])
    assert [len(row) for row in short.inline_keyboard] == [2, 2, 1]
    long = keyboard_markup([Choice("c:s:a", "Un libellé nettement plus long que vingt"),
                     Choice("c:s:b", "B"), Choice("c:s:c", "C")])
    assert [len(row) for row in long.inline_keyboard] == [1, 1, 1]
    assert keyboard_markup([]) is None


@aio
async def test_a_long_message_is_split_in_order_with_the_keyboard_last(settings):
    async with telegram(settings) as h:
        h.api.chat(ALICE)
        paragraphs = [(f"§{i} " + "Des <leviers> & des financements pour l'ESS. " * 12).strip()
                      for i in range(40)]
        text = "\n\n".join(paragraphs)
        choices = (Choice("c:s:oui", "Oui"), Choice("c:s:non", "Non"))
        await h.channel.deliver(str(ALICE), Outgoing(text, choices))
        messages = h.api.messages(ALICE)
        assert len(messages) >= 4
        for message in messages:
            assert len(message.text.encode("utf-16-le")) // 2 <= 4096
            assert "&lt;leviers&gt; &amp;" in message.html  # escaped, shown as typed
        assert "\n\n".join(m.text for m in messages) == text  # order kept, nothing lost
        assert [bool(m.buttons) for m in messages] == [False] * (len(messages) - 1) + [True]
        # Pressing the last part still fits the chosen mark under 4,096 characters.
        last = messages[-1]
        await h.press_data(ALICE, last, "c:s:oui")
        assert last.text.endswith("✔ Oui")


@aio
async def test_documents_are_sent_with_send_document(settings):
    async with telegram(settings) as h:
        h.api.chat(ALICE)
        document = Document("../feuille-de-route.md", "text/markdown", b"# Feuille\n")
        await h.channel.deliver(str(ALICE), Outgoing("Votre feuille <de> route",
                                                     document=document))
        sent = h.api.calls_of("sendDocument", ALICE)
        assert len(sent) == 1 and not h.api.calls_of("sendMessage")
        assert sent[0].params["document"]["filename"] == "feuille-de-route.md"
        assert sent[0].params["document"]["data"] == b"# Feuille\n"
        # A short text is the document's caption: one message.
        assert h.api.texts(ALICE) == ["Votre feuille <de> route"]
        assert sent[0].params["caption"] == "Votre feuille &lt;de&gt; route"
        # Too long for a caption (1,024 characters): the text, then the document.
        long = "Une feuille de route détaillée. " * 40
        await h.channel.deliver(str(ALICE), Outgoing(long, document=document))
        messages = h.api.messages(ALICE)[1:]
        assert [m.text for m in messages] == [long.strip(), ""]
        assert messages[1].document["filename"] == "feuille-de-route.md"


# -- errors from Telegram --------------------------------------------------------------


@aio
async def test_a_429_for_one_chat_does_not_hold_the_others(settings):
    async with telegram(settings) as h:
        h.api.fail("sendMessage", chat_id=ALICE, retry_after=1)
        start = time.monotonic()
        alice = h.api.text(ALICE, "/start")
        await h.api.wait_calls("answerCallbackQuery", 0)
        bob = h.api.text(BOB, "/start")
        await h.api.wait_messages(BOB, 1)
        bob_served = time.monotonic() - start
        await h.settled(alice)
        await h.settled(bob)
        alice_served = h.api.messages(ALICE)[0]
        assert bob_served < 0.9, "Bob waited for Alice's flood control"
        assert time.monotonic() - start >= 1.0
        assert "économie sociale et solidaire" in alice_served.text
        assert len(h.api.messages(ALICE)) == 1  # sent once, after waiting


@aio
async def test_5xx_and_timeouts_are_retried(settings):
    async with telegram(settings, request_timeout=0.5) as h:
        h.api.fail("sendMessage", chat_id=ALICE, status=502, times=2)
        h.api.fail("getUpdates", status=500, times=1)
        await h.say(ALICE, "/start")
        assert len(h.api.messages(ALICE)) == 1
        h.api.fail("sendMessage", chat_id=ALICE, delay=3)  # longer than the request timeout
        replies = await h.press(ALICE, "Commencer")
        assert len(replies) == 1 and "Quel est votre territoire" in replies[0].text


@aio
async def test_deliver_maps_telegram_errors(settings):
    async with telegram(settings) as h:
        h.api.chat(ALICE)
        h.api.chat(BOB)
        await h.channel.deliver(str(ALICE), Outgoing("Bonjour"))
        assert h.api.texts(ALICE) == ["Bonjour"]
        with pytest.raises(RecipientGone):
            await h.channel.deliver("424242", Outgoing("chat not found"))
        h.api.blocked.add(BOB)
        with pytest.raises(RecipientGone):
            await h.channel.deliver(str(BOB), Outgoing("blocked"))
        h.api.fail("sendMessage", chat_id=ALICE, retry_after=7)
        with pytest.raises(RateLimited) as limited:
            await h.channel.deliver(str(ALICE), Outgoing("flood"))
        assert limited.value.retry_after == 7
        h.api.fail("sendMessage", chat_id=ALICE, status=503)
        with pytest.raises(TransientError):
            await h.channel.deliver(str(ALICE), Outgoing("down"))
        with pytest.raises(RecipientGone):
            await h.channel.deliver("not-a-chat", Outgoing("x"))
        assert h.api.texts(ALICE) == ["Bonjour"]


# -- what users send -------------------------------------------------------------------


@aio
async def test_non_text_updates_get_a_polite_answer(settings):
    async with telegram(settings) as h:
        await h.say(ALICE, "/start")
        await h.press(ALICE, "Commencer")
        for kind in ["photo", "sticker", "voice", "location", "document"]:
            before = len(h.api.messages(ALICE))
            await h.settled(h.api.content(ALICE, kind))
            replies = h.api.messages(ALICE)[before:]
            assert len(replies) == 1, kind  # the note and the question, in one message
            assert replies[0].text.startswith("Je ne sais lire que les messages écrits"), kind
            assert "\n\nQuel est votre territoire" in replies[0].text  # asked again
            assert replies[0].labels == ["Passer cette question"]
        before = len(h.api.messages(BOB))
        await h.settled(h.api.content(BOB, "sticker", language_code="en-GB"))
        assert "written messages" in h.api.messages(BOB)[before].text
        await h.settled(h.api.content(ALICE, "edited"))
        assert "messages modifiés" in h.api.texts(ALICE)[-1]
        sent = len(h.api.calls_of("sendMessage"))
        await h.settled(h.api.content(-1009999, "channel_post"))  # ignored, silently
        await h.settled(h.api.push({"update_id": 0, "message": h.api.make_message(
            ALICE, new_chat_title="Nouveau nom")}))  # a service message: ignored
        assert len(h.api.calls_of("sendMessage")) == sent
        replies = await h.say(ALICE, "Quimperlé")  # the conversation goes on
        assert "J'ai trouvé : Quimperlé" in all_text(replies)


@aio
async def test_an_update_that_does_not_follow_the_bot_api_is_skipped(settings, caplog):
    async with telegram(settings) as h:
        odd = h.api.push({"message": {"message_id": 1, "date": 1, "text": "secret?"}})
        await h.settled(odd)
        replies = await h.say(ALICE, "/start")  # polling goes on past it
        assert "économie sociale et solidaire" in all_text(replies)
    assert "does not follow the Bot API was ignored" in caplog.text
    assert "secret?" not in caplog.text, "the content of updates is not logged"


@aio
async def test_in_groups_the_bot_answers_only_when_addressed(settings):
    async with telegram(settings) as h:
        assert await h.say(GROUP, "bonjour à tous", user_id=ALICE) == []
        assert await h.say(GROUP, "/start@un_autre_bot", user_id=ALICE) == []
        await h.settled(h.api.content(GROUP, "photo", user_id=ALICE))
        assert not h.api.messages(GROUP)
        replies = await h.say(GROUP, "/start", user_id=ALICE)
        assert "économie sociale et solidaire" in all_text(replies)
        replies = await h.say(GROUP, f"@{BOT_USERNAME} commencer", user_id=BOB)
        assert "Quel est votre territoire" in all_text(replies)
        question = h.api.messages(GROUP)[-1]
        replies = await h.say(GROUP, "Quimperlé", user_id=ALICE, reply_to=question)
        assert "J'ai trouvé : Quimperlé" in all_text(replies)
        assert await h.say(GROUP, "oui", user_id=BOB) == []  # not addressed
        # One conversation per group (the chat id), whoever speaks; a press is addressed.
        replies = await h.say(GROUP, f"/start@{BOT_USERNAME}", user_id=BOB)
        assert "J'ai trouvé : Quimperlé" in all_text(replies)


@aio
async def test_commands_are_registered_in_french_and_english(settings):
    async with telegram(settings) as h:
        french = {c["command"] for c in h.api.commands[("default", None)]}
        assert {"start", "aide", "recommencer", "oublier"} <= french
        assert h.api.commands[("default", "fr")] == h.api.commands[("default", None)]
        english = {c["command"]: c["description"] for c in h.api.commands[("default", "en")]}
        assert {"start", "help", "restart", "forget"} <= set(english)
        assert all(english.values())


@aio
async def test_the_language_comes_from_language_code(settings):
    async with telegram(settings) as h:
        replies = await h.say(BOB, "/start", language_code="en-US")
        assert "Start" in replies[-1].labels[0]


# -- configuration and logs ------------------------------------------------------------


def test_from_env(settings):
    engine = build_engine(settings)
    try:
        dispatcher = Dispatcher(engine)
        assert from_env({}, dispatcher) is None
        polling = from_env({"TELEGRAM_BOT_TOKEN": TOKEN,
                            "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9/"}, dispatcher)
        assert polling.webhook_url is None
        assert polling.bot.base_url == f"http://127.0.0.1:9/bot{TOKEN}"
        hooked = from_env({"TELEGRAM_BOT_TOKEN": TOKEN,
                           "TELEGRAM_WEBHOOK_URL": "https://bot.example.org/tg",
                           "ESSBOT_HTTP_PORT": "8443"}, dispatcher)
        assert hooked.port == 8443 and hooked.host == "127.0.0.1"
        assert len(hooked.webhook_secret) >= 32  # generated when not given
        assert not polling.remove_old_keyboards
        assert from_env({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_REMOVE_OLD_KEYBOARDS": "1"},
                        dispatcher).remove_old_keyboards
        assert polling.bot.base_url.startswith("http://127.0.0.1:9/bot")
    finally:
        engine.store.close()


@aio
async def test_essbot_run_starts_the_telegram_channel(settings):
    api = FakeBotAPI()
    await api.start()
    try:
        runner = Runner(App(settings), {"TELEGRAM_BOT_TOKEN": TOKEN,
                                 "TELEGRAM_API_BASE_URL": api.base_url})
        serving = asyncio.create_task(runner.serve())
        api.text(ALICE, "/start")
        await api.wait_messages(ALICE, 1, timeout=10)
        runner.request_stop()
        await asyncio.wait_for(serving, 40)
        assert [c.name for c in runner.channels] == ["telegram"]
    finally:
        await api.close()


@aio
async def test_the_token_never_reaches_the_logs(settings, caplog):
    caplog.set_level(logging.DEBUG)
    async with telegram(settings) as h:
        h.api.fail("sendMessage", chat_id=ALICE, status=502)
        h.api.fail("sendMessage", chat_id=ALICE, retry_after=1)
        await h.say(ALICE, "/start")
        await h.press(ALICE, "Commencer")
    assert any("getUpdates" in r.getMessage() for r in caplog.records), "calls are logged"
    assert TOKEN not in caplog.text
    secret_part = TOKEN.split(":")[1]
    assert all(secret_part not in r.getMessage() for r in caplog.records)


def test_the_redacting_filter_covers_messages_arguments_and_tracebacks(caplog):
    token = "987654:SECRET-abc_def"
    install_token_redaction(token)
    logger = logging.getLogger("httpx.some.child")
    with caplog.at_level(logging.INFO):
        logger.info("HTTP Request: POST %s", f"https://api.telegram.org/bot{token}/getMe")
        try:
            raise RuntimeError(f"failed: https://api.telegram.org/bot{token}/x")
        except RuntimeError:
            logger.exception("oops %s", token.replace(":", "%3A"))
    assert token not in caplog.text and "SECRET" not in caplog.text
    assert "bot<redacted>/getMe" in caplog.text
    assert REDACTOR.redact(f"a {token} b") == "a <redacted> b"




# -- never deaf, never a secret, bounded ----------------------------------------------------

@aio
async def test_polling_survives_lone_auth_conflict_and_server_errors(settings):
    async with telegram(settings) as h:
        for status in (401, 404, 409, 502):  # a proxy glitch, another poller for a moment
            h.api.fail("getUpdates", status=status)
        replies = await h.say(ALICE, "/start")
        assert "économie sociale et solidaire" in all_text(replies)
        assert h.channel.failure is None


@aio
async def test_a_token_refused_for_good_stops_essbot_run(settings, caplog):
    from bot.channels.telegram import PollingFailed
    from bot.runner import ChannelEntry

    api = FakeBotAPI()
    await api.start()
    try:
        def factory(env, dispatcher):
            return TelegramChannel(TOKEN, dispatcher, api_base_url=api.base_url,
                                   poll_timeout=1, auth_grace=0.3, register_commands=False,
                                   retry=RetryPolicy(attempts=2, base_delay=0.05,
                                                     max_delay=0.1))

        runner = Runner(App(settings), {}, channels=[ChannelEntry("telegram", "", factory)])
        api.fail("getUpdates", status=401, times=10_000)
        await asyncio.wait_for(runner.serve(), 30)
    finally:
        await api.close()
    assert isinstance(runner.failure, PollingFailed)
    assert "TELEGRAM_BOT_TOKEN" in str(runner.failure)
    assert TOKEN not in caplog.text and TOKEN.split(":")[1] not in str(runner.failure)


@aio
async def test_the_webhook_refuses_large_or_unauthenticated_bodies_before_reading(settings):
    url = "https://bot.example.org/essbot/telegram"
    async with telegram(settings, webhook_url=url, webhook_secret="s3cr3t", port=0) as h:
        for secret, expected in ((b"", b" 403 "), (b"s3cr3t", b" 413 ")):
            reader, writer = await asyncio.open_connection("127.0.0.1", h.channel.webhook_port)
            writer.write(b"POST /essbot/telegram HTTP/1.1\r\nHost: bot\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 95000000\r\n"
                         b"X-Telegram-Bot-Api-Secret-Token: " + secret + b"\r\n\r\n")
            await writer.drain()
            status = await asyncio.wait_for(reader.readline(), 5)  # no body was sent
            assert expected in status, status
            writer.close()


def test_live_keyboards_are_bounded():
    from bot.channels.telegram import LiveKeyboards

    keyboards = LiveKeyboards(limit=3)
    for chat in range(10):
        keyboards.set(chat, 100 + chat)
    assert len(keyboards) == 3
    assert keyboards.get(9) == 109 and keyboards.get(0) is None
