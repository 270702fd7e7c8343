"""Statistics from the anonymised log: groups under 5 conversations are never shown."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from bot.admin import stats
from bot.app import build_engine
from bot.qa.storage import unanswered_questions
from bot.store.log import LogReader
from tests.admin_demo import DEMO_ENV, FULL, demo
from tests.conftest import Chat, raw_db, run_essbot

PARTIAL = ["/start", "Commencer", "Intercommunalité"]  # stops at the territory question


@pytest.fixture
def seeded(settings):
    """6 communes that complete the parcours, 2 EPCI that stop at 'territoire'."""
    settings = demo(settings, admins=("test:admin-1",))
    engine = build_engine(settings)
    for i in range(6):
        chat = Chat(engine, user_id=f"commune-{i}")
        for line in FULL:
            chat.send(line)
    for i in range(2):
        chat = Chat(engine, user_id=f"epci-{i}")
        for line in PARTIAL:
            chat.send(line)
    yield settings, engine
    engine.store.close()


def report(engine) -> dict:
    return stats.compute(engine.store.events(), unanswered_questions(engine.store), None,
                         engine.snapshot.flows, "demo")


def test_counts_and_small_group_suppression(seeded):
    _, engine = seeded
    data = report(engine)
    assert data["conversations"] == {"started": 8, "completed": 6, "completion_percent": 75.0}
    collectivite = {e["value"]: e["conversations"] for e in data["profiles"]["collectivite"]}
    assert collectivite == {"commune": 6, "epci": None}  # 2 EPCI: suppressed
    themes = {e["value"]: e["conversations"] for e in data["profiles"]["themes"]}
    assert themes == {"alimentation": 6}
    steps = {s["state"]: s for s in data["funnel"]["steps"]}
    assert steps["accueil"]["reached"] == 8
    assert steps["territoire"] == {"state": "territoire", "reached": 8, "stopped": None,
                                   "drop_off_percent": None}
    assert steps["fin"] == {"state": "fin", "reached": 6, "stopped": 0,
                            "drop_off_percent": 0.0}
    assert [s["state"] for s in data["funnel"]["steps"]][:3] == ["accueil", "collectivite",
                                                                  "territoire"]
    assert data["recommended"] == [{"item": "glossaire_ess", "conversations": 6}]


def test_fewer_than_five_conversations_shows_nothing_countable(settings):
    engine = build_engine(demo(settings))
    for i in range(3):
        chat = Chat(engine, user_id=f"u{i}")
        for line in FULL:
            chat.send(line)
    data = report(engine)
    engine.store.close()
    assert data["conversations"]["started"] is None
    assert data["conversations"]["completed"] is None
    assert all(s["reached"] is None and s["stopped"] in (None, 0)
               for s in data["funnel"]["steps"])
    assert all(e["conversations"] is None for entries in data["profiles"].values()
               for e in entries)
    assert "< 5" in stats.render_text(data)
    assert " 3" not in stats.render_text(data).split("Funnel")[0]


def test_the_command_line_report(seeded):
    settings, _ = seeded
    result = run_essbot(["stats", "--db", str(settings.db_path)], env=DEMO_ENV)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Conversations started:   8" in out
    assert "Conversations completed: 6 (75 %)" in out
    assert "Intercommunalité (EPCI)" in out and "< 5" in out
    assert "Unanswered questions" in out
    as_json = run_essbot(["stats", "--json", "--db", str(settings.db_path)], env=DEMO_ENV)
    data = json.loads(as_json.stdout)
    assert data["min_group"] == 5
    assert {e["value"]: e["conversations"] for e in data["profiles"]["collectivite"]} == {
        "commune": 6, "epci": None}


def test_since_excludes_older_events(seeded):
    settings, _ = seeded
    result = run_essbot(["stats", "--json", "--since", "2999-01-01", "--db",
                         str(settings.db_path)])
    assert json.loads(result.stdout)["conversations"]["started"] == 0
    bad = run_essbot(["stats", "--since", "hier", "--db", str(settings.db_path)])
    assert bad.returncode == 2 and "is not a date" in bad.stderr


def test_unanswered_questions_are_read_when_recorded(seeded):
    _, engine = seeded
    # bot/qa records them (its own table); the statistics only show the frequent ones.
    db = raw_db(engine.store)
    db.execute("INSERT INTO unanswered_questions (question, normalized, count, updated_at) "
               "VALUES ('comment créer une scic', 'creer scic', 7, '2026-01-01'), "
               "('question rare et personnelle', 'rare', 1, '2026-01-01')")
    db.conn.commit()
    data = report(engine)
    assert data["questions"]["unanswered"] == [{"question": "comment créer une scic",
                                                "times": 7}]
    assert data["questions"]["unanswered_hidden"] == 1
    assert "personnelle" not in stats.render_text(data)


def test_chart(seeded, tmp_path: Path):
    pytest.importorskip("matplotlib")
    settings, _ = seeded
    png = tmp_path / "stats.png"
    result = run_essbot(["stats", "--chart", str(png), "--db", str(settings.db_path)],
                        env=DEMO_ENV)
    assert result.returncode == 0, result.stderr
    assert png.read_bytes().startswith(b"\x89PNG")
    assert f"Chart written to {png}" in result.stdout


def test_stats_in_chat_for_an_admin(seeded):
    _, engine = seeded
    admin = Chat(engine, user_id="admin-1")
    admin.send("/stats")
    assert "Conversations commencées : 8" in admin.text
    assert "Conversations terminées : 6 (75 %)" in admin.text


def test_stats_without_a_database(tmp_path: Path):
    result = run_essbot(["stats", "--db", str(tmp_path / "none.db")])
    assert result.returncode == 1
    assert "No database at" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_the_report_never_writes(seeded):
    settings, _ = seeded
    with LogReader(settings.db_path) as reader, reader.reading() as db, \
            pytest.raises(sqlite3.OperationalError):
        db.execute("DELETE FROM events")


def test_without_a_table_of_unanswered_questions(seeded):
    _, engine = seeded
    raw_db(engine.store).execute("DROP TABLE IF EXISTS unanswered_questions")
    data = report(engine)
    assert data["questions"]["unanswered"] is None
    assert "Unanswered questions: not recorded by this version." in stats.render_text(data)
