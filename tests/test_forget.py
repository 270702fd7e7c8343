"""/oublier erases the user's unanswered questions too, and leaves no copy in the files;
the question log has its own retention."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from bot.admin.purge import purge
from bot.qa.storage import MIGRATIONS, unanswered_questions
from bot.store import Store
from bot.store.migrations import migrate_feature
from tests.conftest import Chat, raw_db

MARKER = "zorglubienne"  # a word found nowhere else, to look for in the raw files


def ask_unanswerable(chat: Chat, text: str) -> None:
    chat.send("/start")
    chat.send(f"/question {text}")
    assert "Je n'ai pas trouvé de réponse" in chat.text


def raw_files(db_path: Path) -> bytes:
    return b"".join(path.read_bytes() for path in (db_path, Path(f"{db_path}-wal"))
                    if path.exists())


def test_questions_are_tied_to_the_asker_but_shown_by_wording(engine):
    alice, bob = Chat(engine, user_id="alice"), Chat(engine, user_id="bob")
    for chat in (alice, bob, alice):
        ask_unanswerable(chat, f"horaires de la piscine {MARKER} ?")
    rows = unanswered_questions(engine.store)
    assert [(r["question"], r["count"]) for r in rows] == [(f"horaires de la piscine {MARKER} ?",
                                                            3)]
    assert "conversation" not in rows[0]  # administrators never see who asked
    stored = raw_db(engine.store).execute(
        "SELECT conversation, count FROM unanswered_questions ORDER BY count").fetchall()
    assert stored == [(engine.pseudonymize("test", "bob"), 1),
                      (engine.pseudonymize("test", "alice"), 2)]


def test_forget_erases_the_questions_and_leaves_no_copy_in_the_files(engine, settings):
    alice, bob = Chat(engine, user_id="alice"), Chat(engine, user_id="bob")
    ask_unanswerable(alice, f"je cherche une {MARKER} pour ma commune")
    ask_unanswerable(bob, "horaires de la piscine municipale ?")
    assert MARKER.encode() in raw_files(settings.db_path)
    alice.send("/oublier")
    alice.send("oui")
    assert "a été effacé" in alice.text
    assert [r["question"] for r in unanswered_questions(engine.store)] == [
        "horaires de la piscine municipale ?"]  # bob's question stays
    # Overwritten in the database (secure_delete) and checkpointed out of the WAL.
    assert MARKER.encode() not in raw_files(settings.db_path)
    assert raw_db(engine.store).execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_the_question_log_keeps_90_days_whatever_the_log_retention(engine):
    chat = Chat(engine, user_id="old")
    ask_unanswerable(chat, f"une {MARKER} peut-elle être subventionnée ?")
    ask_unanswerable(Chat(engine, user_id="new"), "horaires de la piscine municipale ?")
    long_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=91)).isoformat()
    db = raw_db(engine.store)
    db.execute("UPDATE unanswered_questions SET updated_at = ? WHERE question LIKE ?",
               (long_ago, f"%{MARKER}%"))
    db.conn.commit()
    # ESSBOT_RETENTION_DAYS=0 keeps the log forever; the question log keeps 90 days.
    result = purge(engine.store, 0, others=[e.purge for e in engine.extensions])
    assert (result.events, result.conversations, result.other) == (0, 0, 1)
    assert [r["question"] for r in unanswered_questions(engine.store)] == [
        "horaires de la piscine municipale ?"]


def test_rows_recorded_before_are_redacted_again(tmp_path):
    path = tmp_path / "old.db"
    store = Store(path)
    with store.transaction() as db:
        migrate_feature(db, "q", MIGRATIONS[:1])  # the table as it was
        db.execute("INSERT INTO unanswered_questions (question, normalized, language, count,"
                   " created_at, updated_at) VALUES (?, ?, 'fr', 2, '2026-01-01', "
                   "'2026-01-01')", ("je suis jeanne, diabétique, aide ?",
                                     "suis jeanne diabetique aide"))
    with store.transaction() as db:
        migrate_feature(db, "q", MIGRATIONS)
    rows = unanswered_questions(store)
    assert [(r["question"], r["count"]) for r in rows] == [("je suis [nom], [santé], aide ?",
                                                            2)]
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT conversation FROM unanswered_questions").fetchone() == (None,)
