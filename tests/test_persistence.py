"""State lives in SQLite: restarts, ordering, privacy and the schema."""

from __future__ import annotations

import asyncio
import logging
import stat
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.engine import Engine, Extension, Incoming
from bot.engine.dispatch import Dispatcher
from bot.store import Store
from bot.store.migrations import SCHEMA_VERSION, schema_version
from bot.store.pseudonym import SECRET_FILE_NAME, Pseudonymizer, load_or_create_secret
from tests.conftest import Chat, raw_db, run_essbot


def test_a_new_process_resumes_the_conversation_at_the_same_step(tmp_path: Path):
    env = {"ESSBOT_DB": str(tmp_path / "bot.db")}
    first = run_essbot(["chat"], "/start\nCommencer\nMorlaix\nOui\n", env)
    assert first.returncode == 0, first.stderr
    assert "votre territoire présente ces caractéristiques : Urbain, Littoral." in first.stdout
    # a new process: "4" is the first context left (after « Oui », « Non », « Aucun de ces cas »)
    second = run_essbot(["chat"], "4\n", env)
    assert second.returncode == 0, second.stderr
    assert second.stdout.startswith("Noté : Urbain, Littoral, Quartiers prioritaires (QPV).")
    assert "Bonjour" not in second.stdout


def test_updates_of_one_conversation_are_handled_in_arrival_order(engine):
    chat = Chat(engine, user_id="ordered")
    for step in ["/start", "Commencer", "Brest", "Oui", "Non, je corrige", "Urbain", "Continuer",
                 "Continuer"]:
        chat.send(step)
    assert chat.conversation.state == "themes"
    themes = ["alimentation", "mobilite", "habitat", "numerique", "culture-tourisme",
              "economie-circulaire", "sante-social", "emploi-insertion"]
    payloads = [f"c:themes:{themes[0]}"] + [f"c:themes_suite:{t}" for t in themes[1:]]

    async def send_all():
        dispatcher = Dispatcher(engine, ThreadPoolExecutor(max_workers=8))
        tasks = [asyncio.create_task(dispatcher.handle(Incoming.choice("test", "ordered", p)))
                 for p in payloads]
        replies = await asyncio.gather(*tasks)
        return dispatcher, replies

    dispatcher, replies = asyncio.run(send_all())
    assert chat.conversation.slots["themes"] == themes
    assert all("pas proposé" not in r[0].text for r in replies)
    assert dispatcher.active_conversations == 0, "no lock is kept once the work is done"
    assert len(engine._locks) == 0


def test_different_conversations_proceed_while_one_is_busy(engine):
    release = threading.Event()
    entered = threading.Event()

    class Slow(Extension):
        name = "slow"

        def on_free_text(self, turn, text, why):
            if text == "zzlent":  # no place's name (« Lent » is a commune, taken early)
                entered.set()
                release.wait(10)
            return False

    engine = Engine(engine.snapshot, engine.store, engine.pseudonymize, [Slow()])

    async def scenario():
        dispatcher = Dispatcher(engine, ThreadPoolExecutor(max_workers=4))
        await dispatcher.handle(Incoming.text_message("test", "a", "/start"))
        slow = asyncio.create_task(dispatcher.handle(Incoming.text_message("test", "a", "zzlent")))
        await asyncio.get_running_loop().run_in_executor(None, entered.wait, 10)
        other = await asyncio.wait_for(
            dispatcher.handle(Incoming.text_message("test", "b", "/start")), 10)
        assert not slow.done(), "user a is still being served"
        release.set()
        await slow
        return other

    other = asyncio.run(scenario())
    assert "Bonjour" in other[0].text


def test_no_table_ever_holds_a_raw_user_id_or_typed_text(engine):
    raw_id, typed = "987654321", "Plougastel-Daoulas"
    chat = Chat(engine, user_id=raw_id, channel="telegram")
    for step in ["/start", "Commencer", typed, "Oui", "Rural", "Continuer", "Continuer", "Habitat",
                 "Continuer", "Nous débutons", "/langue", "English", "/back", "n'importe quoi",
                 "/inconnue"]:
        chat.send(step)
    db = raw_db(engine.store)
    for table in db.table_names():
        for row in db[table].rows:
            for column, value in row.items():
                assert raw_id not in str(value), f"{table}.{column} holds the raw id"
                if table != "conversations":  # the user's own state may hold their answer
                    assert typed not in str(value), f"{table}.{column} holds typed text"
                    assert "importe" not in str(value), f"{table}.{column} holds typed text"
    key = chat.conversation.key
    assert key == Pseudonymizer(b"test-secret-0123456789abcdef")("telegram", raw_id)
    assert {e["kind"] for e in engine.store.events(key)} >= {
        "conversation_started", "transition", "slot_set", "recommended", "completed",
        "command", "language", "invalid_input"}


def test_the_schema_is_versioned_and_uses_wal(tmp_path: Path):
    store = Store(tmp_path / "a.db")
    assert schema_version(raw_db(store)) == SCHEMA_VERSION
    assert raw_db(store).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert set(raw_db(store).table_names()) >= {"meta", "conversations", "events"}
    store.close()
    from bot.store.migrations import migrate

    again = Store(tmp_path / "a.db")
    assert migrate(raw_db(again)) == 0, "migrations run once"
    again.close()


def test_a_secret_is_generated_once_with_owner_only_permissions(tmp_path: Path, caplog):
    with caplog.at_level(logging.WARNING):
        secret = load_or_create_secret(None, tmp_path)
    assert "ESSBOT_SECRET is not set" in caplog.text
    path = tmp_path / SECRET_FILE_NAME
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_secret(None, tmp_path) == secret
    assert load_or_create_secret("from-the-environment", tmp_path / "x") == \
        b"from-the-environment"
    assert not (tmp_path / "x").exists()
