"""Retention (purge) and export of the anonymised log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from bot.admin.purge import purge
from bot.app import build_engine
from tests.admin_demo import demo
from tests.conftest import Chat, raw_db, run_essbot

OLD = "2020-01-01T00:00:00.000+00:00"


def age(engine, user_id: str) -> str:
    """Make one conversation and its events look two years old; returns its pseudonym."""
    key = engine.pseudonymize("test", user_id)
    db = raw_db(engine.store)
    db.execute("UPDATE events SET ts = ? WHERE conversation = ?", (OLD, key))
    db.execute("UPDATE conversations SET updated_at = ? WHERE key = ?", (OLD, key))
    db.conn.commit()
    return key


def test_purge_removes_old_events_and_idle_conversations(engine):
    for user in ("old", "recent"):
        Chat(engine, user_id=user).send("/start")
        Chat(engine, user_id=user).send("Commencer")
    old = age(engine, "old")
    dry = purge(engine.store, 365, dry_run=True)
    assert dry.dry_run and dry.events == 2 and dry.conversations == 1
    assert engine.store.load_conversation(old) is not None, "a dry run deletes nothing"
    done = purge(engine.store, 365)
    assert (done.events, done.conversations) == (2, 1)
    assert engine.store.load_conversation(old) is None
    assert engine.store.events(old) == []
    recent = engine.pseudonymize("test", "recent")
    assert engine.store.load_conversation(recent) is not None
    assert len(engine.store.events(recent)) == 2


def test_purge_leaves_the_tables_of_other_features_alone(engine):
    db = raw_db(engine.store)
    db.execute("CREATE TABLE other_feature (name TEXT, updated_at TEXT)")
    db.execute("INSERT INTO other_feature VALUES ('consent', ?)", (OLD,))
    db.execute("CREATE TABLE IF NOT EXISTS unanswered_questions (question TEXT, "
               "normalized TEXT, count INTEGER, updated_at TEXT)")
    db.execute("INSERT INTO unanswered_questions (question, normalized, count, updated_at) "
               "VALUES ('vieille question', 'vieille', 3, ?)", (OLD,))
    db.conn.commit()
    assert purge(engine.store, 365, others=[e.purge for e in engine.extensions]).other == 1
    assert db.execute("SELECT COUNT(*) FROM other_feature").fetchone()[0] == 1
    assert db.execute("SELECT COUNT(*) FROM unanswered_questions").fetchone()[0] == 0


def test_purge_from_the_command_line(engine, settings):
    Chat(engine, user_id="old").send("/start")
    age(engine, "old")
    dry = run_essbot(["purge", "--dry-run", "--db", str(settings.db_path)])
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: Would delete 1 event(s) and 1 conversation(s)" in dry.stdout
    assert "(retention: 365 days)" in dry.stdout
    days = (dt.date.today() - dt.date(2020, 1, 1)).days + 10
    kept = run_essbot(["purge", "--days", str(days), "--db", str(settings.db_path)])
    assert "Deleted 0 event(s) and 0 conversation(s)" in kept.stdout
    done = run_essbot(["purge", "--db", str(settings.db_path)],
                      env={"ESSBOT_RETENTION_DAYS": "30"})
    assert "Deleted 1 event(s) and 1 conversation(s)" in done.stdout
    assert "(retention: 30 days)" in done.stdout


def test_export_csv_and_jsonl(settings, tmp_path: Path):
    settings = demo(settings)
    engine = build_engine(settings)
    chat = Chat(engine, user_id="123456789")
    for line in ["/start", "Commencer", "Commune", "Quimper"]:
        chat.send(line)
    key = chat.conversation.key
    engine.store.close()
    result = run_essbot(["export", "events", "--db", str(settings.db_path)])
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows[0]["kind"] == "conversation_started"
    assert {"ts", "conversation", "kind", "state", "value", "items"} <= set(rows[0])
    assert any(r["slot"] == "collectivite" and r["value"] == "commune" for r in rows)
    assert "123456789" not in result.stdout and "Quimper" not in result.stdout
    out = tmp_path / "events.jsonl"
    result = run_essbot(["export", "events", "--format", "jsonl", "--output", str(out),
                         "--db", str(settings.db_path)])
    assert f"{len(rows)} event(s) written to {out}" in result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == len(rows)
    assert lines[0]["conversation"] == key


def test_essbot_run_purges_at_start(app, engine, settings):
    import asyncio

    from bot.runner import ChannelEntry, Runner
    from tests.test_admin_reload import FakeChannel

    Chat(engine, user_id="old").send("/start")
    old = age(engine, "old")
    Chat(engine, user_id="recent").send("/start")
    channel = FakeChannel()
    runner = Runner(app, {}, channels=[ChannelEntry("test", "", lambda env, d: channel)])

    async def scenario():
        serving = asyncio.create_task(runner.serve())
        for _ in range(100):
            await asyncio.sleep(0.02)
            if not engine.store.events(old):
                break
        runner.request_stop()
        await serving

    asyncio.run(scenario())
    store = engine.store.__class__(settings.db_path)  # the runner closed the engine's store
    try:
        assert store.events(old) == [] and store.load_conversation(old) is None
        assert store.events(engine.pseudonymize("test", "recent"))
    finally:
        store.close()
