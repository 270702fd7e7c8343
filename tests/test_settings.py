"""Settings are validated once, up front: one line per problem, status 2, no traceback,
no secret; other failures at start are one line and status 1."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.config import Settings, SettingsProblem
from bot.settings import validate
from bot.store import Store
from bot.store.lock import InstanceLock
from tests.conftest import PROJECT_ROOT, TEST_SECRET, run_essbot
from tests.telegram_api import TOKEN

# (environment, the variable named in the problem, a word of its message)
BAD = [
    ({"ESSBOT_BROADCAST_RATE": "inf"}, "ESSBOT_BROADCAST_RATE", "messages per second"),
    ({"ESSBOT_BROADCAST_RATE": "nan"}, "ESSBOT_BROADCAST_RATE", "0.01 to 1000"),
    ({"ESSBOT_BROADCAST_RATE": "1e400"}, "ESSBOT_BROADCAST_RATE", "0.01 to 1000"),
    ({"ESSBOT_BROADCAST_CHAT_INTERVAL": "-1"}, "ESSBOT_BROADCAST_CHAT_INTERVAL", "seconds"),
    ({"ESSBOT_BROADCAST_CONCURRENCY": "0"}, "ESSBOT_BROADCAST_CONCURRENCY", "1 to 256"),
    ({"ESSBOT_RETENTION_DAYS": "abc"}, "ESSBOT_RETENTION_DAYS", "whole number of days"),
    ({"ESSBOT_QUESTIONS_RETENTION_DAYS": "0"}, "ESSBOT_QUESTIONS_RETENTION_DAYS", "1 to 3650"),
    ({"ESSBOT_HTTP_PORT": "abc"}, "ESSBOT_HTTP_PORT", "1 to 65535"),
    ({"ESSBOT_HTTP_PORT": "70000"}, "ESSBOT_HTTP_PORT", "1 to 65535"),
    ({"ESSBOT_LOG_LEVEL": "garbage"}, "ESSBOT_LOG_LEVEL", "DEBUG, INFO"),
    ({"ESSBOT_DEFAULT_LANGUAGE": "xx"}, "ESSBOT_DEFAULT_LANGUAGE", "fr, en"),
    ({"ESSBOT_RELOAD_INTERVAL": "nan"}, "ESSBOT_RELOAD_INTERVAL", "seconds"),
    ({"ESSBOT_PUBLISHERS": "nope"}, "ESSBOT_PUBLISHERS", "channel:user_id"),
    ({"ESSBOT_ADMINS": "telegram:12345:extra"}, "ESSBOT_ADMINS", "must be a number"),
    ({"ESSBOT_ADMINS": "irc:bob"}, "ESSBOT_ADMINS", "unknown channel"),
    ({"ESSBOT_ADMINS": "matrix:alice"}, "ESSBOT_ADMINS", "Matrix id"),
    ({"ESSBOT_SECRET": "short"}, "ESSBOT_SECRET", "at least 16"),
    ({"ESSBOT_FLOWS_DIR": "/nonexistent/flows"}, "ESSBOT_FLOWS_DIR", "existing folder"),
    ({"ESSBOT_MAIN_FLOW": "a b"}, "ESSBOT_MAIN_FLOW", "flow id"),
    ({"ESSBOT_RETENTON_DAYS": "30"}, "ESSBOT_RETENTON_DAYS", "ESSBOT_RETENTION_DAYS?"),
    ({"TELEGRAM_BOT_TOKEN": "notatoken"}, "TELEGRAM_BOT_TOKEN", "BotFather"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": "notaurl"},
     "TELEGRAM_API_BASE_URL", "URL"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "http://bot.example.org/x"},
     "TELEGRAM_WEBHOOK_URL", "https"),
    ({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_WEBHOOK_URL": "https://b.example.org/x",
      "TELEGRAM_WEBHOOK_SECRET": "with spaces"}, "TELEGRAM_WEBHOOK_SECRET", "A-Z"),
    ({"TELEGRAM_REMOVE_OLD_KEYBOARDS": "maybe"}, "TELEGRAM_REMOVE_OLD_KEYBOARDS", "1 or 0"),
    ({"MATRIX_HOMESERVER": "https://matrix.example.org"}, "MATRIX_*", "MATRIX_USER_ID"),
    ({"MATRIX_HOMESERVER": "matrix.example.org", "MATRIX_USER_ID": "@b:example.org",
      "MATRIX_ACCESS_TOKEN": "syt_x"}, "MATRIX_HOMESERVER", "URL"),
    ({"MATRIX_HOMESERVER": "https://m.example.org", "MATRIX_USER_ID": "@b:example.org",
      "MATRIX_ACCESS_TOKEN": "syt_x", "MATRIX_ALLOWED_SERVERS": "ok.org, not a server"},
     "MATRIX_ALLOWED_SERVERS", "server name"),
]


@pytest.mark.parametrize(("env", "variable", "words"), BAD,
                         ids=[f"{v}={list(e.values())[-1]}" for e, v, _ in BAD])
def test_each_bad_value_is_one_problem_naming_its_variable(env, variable, words):
    problems = validate(env).problems
    assert len(problems) == 1, problems
    assert problems[0].variable == variable
    assert words in problems[0].message
    with pytest.raises(SettingsProblem):
        Settings.from_env(env)


def test_good_values_and_defaults():
    settings = Settings.from_env({
        "ESSBOT_BROADCAST_RATE": "12.5", "ESSBOT_RETENTION_DAYS": " 30 ",
        "ESSBOT_LOG_LEVEL": "info", "ESSBOT_DEFAULT_LANGUAGE": "EN",
        "ESSBOT_ADMINS": "telegram:1, matrix:@a:b.org,, console:local",
        "TELEGRAM_BOT_TOKEN": "", "MATRIX_HOMESERVER": ""})  # empty: unset
    assert (settings.broadcast_rate, settings.retention_days) == (12.5, 30)
    assert (settings.log_level, settings.default_language) == ("INFO", "en")
    assert settings.admins == ("telegram:1", "matrix:@a:b.org", "console:local")
    assert settings.questions_retention_days == 90


def test_secrets_never_appear_in_problems():
    token = "123456789:" + "S" * 35
    env = {"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_BASE_URL": "ftp://x",
           "ESSBOT_SECRET": "tiny-secret", "MATRIX_PASSWORD": "hunter2-password",
           "MATRIX_HOMESERVER": "nope"}
    text = "\n".join(str(p) for p in validate(env).problems)
    assert "ESSBOT_SECRET" in text and "TELEGRAM_API_BASE_URL" in text
    for secret in (token, "S" * 35, "tiny-secret", "hunter2-password"):
        assert secret not in text


def test_the_command_refuses_bad_settings_with_status_2_and_no_traceback(tmp_path):
    env = {"ESSBOT_BROADCAST_RATE": "inf", "ESSBOT_LOG_LEVEL": "garbage",
           "ESSBOT_DB": str(tmp_path / "x.db")}
    result = run_essbot(["chat"], "/start\n", env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("essbot: ESSBOT_BROADCAST_RATE: 'inf' is not valid")
    assert lines[1].startswith("essbot: ESSBOT_LOG_LEVEL: 'garbage' must be one of")
    assert "2 problems in the settings" in lines[2] and len(lines) == 3
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "x.db").exists()  # nothing was started
    served = run_essbot(["run"], env={**env, "TELEGRAM_BOT_TOKEN": TOKEN})
    assert served.returncode == 2 and "Traceback" not in served.stderr
    assert served.stderr.strip().splitlines() == lines
    assert run_essbot(["chat", "--help"], env=env).returncode == 0


def test_config_check_shows_effective_settings_with_secrets_hidden(tmp_path):
    token = "987654321:" + "T" * 35
    env = {"TELEGRAM_BOT_TOKEN": token, "ESSBOT_RETENTION_DAYS": "30",
           "ESSBOT_DB": str(tmp_path / "x.db")}
    result = run_essbot(["config", "check"], env=env)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert token not in out and TEST_SECRET not in out
    assert "TELEGRAM_BOT_TOKEN" in out and "(set, 45 characters, hidden)" in out
    assert any(line.split()[:2] == ["ESSBOT_RETENTION_DAYS", "30"] for line in out.splitlines())
    assert any(line.split() == ["ESSBOT_BROADCAST_RATE", "30.0", "(default)"]
               for line in out.splitlines())
    assert "OK: the settings are valid." in out
    assert f"Database: {tmp_path / 'x.db'} (not created yet" in out
    bad = run_essbot(["config", "check"], env={**env, "ESSBOT_HTTP_PORT": "abc"})
    assert bad.returncode == 2
    assert "ESSBOT_HTTP_PORT: 'abc' is not valid" in bad.stderr
    assert "ESSBOT_HTTP_PORT" in bad.stdout  # the effective settings are still shown
    assert token not in bad.stdout + bad.stderr


def test_a_corrupt_database_is_one_line_and_status_1(tmp_path):
    db = tmp_path / "essbot.db"
    db.write_bytes(b"this is not a database, just some bytes " * 200)
    db.chmod(0o600)
    result = run_essbot(["chat"], "/start\n", {"ESSBOT_DB": str(db)})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"essbot: the database {db} is corrupt or not an SQLite database: restore it from a "
        "backup (docs/reliability.md), or move it away to start afresh "
        "(details: ESSBOT_LOG_LEVEL=DEBUG)"]
    debug = run_essbot(["chat"], "/start\n", {"ESSBOT_DB": str(db), "ESSBOT_LOG_LEVEL": "DEBUG"})
    assert debug.returncode == 1 and "Traceback" in debug.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write a read-only file")
def test_a_read_only_database_is_one_line_and_status_1(tmp_path):
    db = tmp_path / "essbot.db"
    Store(db).close()
    db.chmod(0o400)
    result = run_essbot(["chat"], "/start\n", {"ESSBOT_DB": str(db)})
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "cannot open the database" in result.stderr


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs /proc")
def test_a_folder_where_nothing_can_be_written_is_one_line_and_status_1():
    result = run_essbot(["chat"], "/start\n", {"ESSBOT_DB": "/proc/essbot-test.db"})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        result.stderr.strip().splitlines()[0]]
    assert result.stderr.startswith("essbot: cannot open the database /proc/essbot-test.db")


def test_a_read_only_folder_is_one_line_and_status_1(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    result = run_essbot(["chat"], "/start\n", {"ESSBOT_DB": str(folder / "essbot.db")})
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_unexpected_error_is_one_line_without_secrets(tmp_path, monkeypatch):
    """Whatever escapes a command is printed as one scrubbed line (status 1)."""
    token = "555555555:" + "U" * 35
    script = (
        "import bot.cli, click\n"
        "@bot.cli.cli.command('boom')\n"
        "def boom():\n"
        f"    raise RuntimeError('failed to call https://api.telegram.org/bot{token}/getMe "
        f"with secret {TEST_SECRET}')\n"
        "bot.cli.main()\n")
    env = {**os.environ, "ESSBOT_SECRET": TEST_SECRET, "TELEGRAM_BOT_TOKEN": token,
           "ESSBOT_DB": str(tmp_path / "x.db")}
    result = subprocess.run([sys.executable, "-c", script, "boom"], capture_output=True,
                            text=True, env=env, cwd=PROJECT_ROOT, timeout=60)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("essbot: unexpected error (RuntimeError:")
    assert token not in result.stderr and TEST_SECRET not in result.stderr
    assert "U" * 35 not in result.stderr and "[hidden]" in result.stderr
    env["ESSBOT_LOG_LEVEL"] = "DEBUG"
    debug = subprocess.run([sys.executable, "-c", script, "boom"], capture_output=True,
                           text=True, env=env, cwd=PROJECT_ROOT, timeout=60)
    assert "Traceback" in debug.stderr
    assert token not in debug.stderr and TEST_SECRET not in debug.stderr


# -- one instance per database ----------------------------------------------------------------


def test_a_second_run_on_the_same_database_exits_at_once(tmp_path):
    db = tmp_path / "essbot.db"
    with InstanceLock.for_database(db) as lock:  # as a running bot holds it
        assert lock.holder() == str(os.getpid())
        check = run_essbot(["config", "check"], env={"ESSBOT_DB": str(db)})
        assert f"essbot run is serving it (pid {os.getpid()})" in check.stdout
        started = time.monotonic()
        result = run_essbot(["run"], env={"ESSBOT_DB": str(db), "TELEGRAM_BOT_TOKEN": TOKEN,
                                          "TELEGRAM_API_BASE_URL": "http://127.0.0.1:9"})
        elapsed = time.monotonic() - started
    assert result.returncode == 1
    assert f"another essbot is already running on this database (pid {os.getpid()}" \
        in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and elapsed < 30
    assert not db.exists()  # it stopped before opening the database


def test_the_lock_is_released_when_its_holder_dies(tmp_path):
    db = tmp_path / "essbot.db"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time\nfrom bot.store.lock import InstanceLock\n"
                               f"InstanceLock.for_database({str(db)!r}).acquire()\n"
                               "print('locked', flush=True)\ntime.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RuntimeError, match=f"pid {holder.pid}"):
            InstanceLock.for_database(db).acquire()
        holder.kill()  # kill -9: no clean-up runs
        holder.wait(timeout=10)
        lock = InstanceLock.for_database(db)
        lock.acquire()
        lock.release()
    finally:
        holder.kill()
        holder.stdout.close()


# -- private files and backups ----------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_files_are_private(tmp_path):
    old = os.umask(0o022)  # a typical umask, under which files are world-readable
    try:
        db = tmp_path / "var" / "sub" / "essbot.db"
        store = Store(db)
        with store.transaction() as tx:
            tx.execute("INSERT INTO meta (key, value) VALUES ('probe', 'x')")
        lock = InstanceLock.for_database(db)
        lock.acquire()
        from bot.store.pseudonym import SECRET_FILE_NAME, load_or_create_secret
        load_or_create_secret(None, db.parent)
        for name in ("essbot.db", "essbot.db-wal", "essbot.db-shm", "essbot.db.lock",
                     SECRET_FILE_NAME):
            assert _mode(db.parent / name) == 0o600, name
        assert _mode(tmp_path / "var") == 0o700 and _mode(db.parent) == 0o700
        lock.release()
        store.close()
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_tightened(tmp_path, caplog):
    db = tmp_path / "essbot.db"
    Store(db).close()
    db.chmod(0o644)
    Store(db).close()
    assert _mode(db) == 0o600
    assert "was readable by other users" in caplog.text


def test_backup_while_the_bot_writes_and_restore(tmp_path, engine, settings):
    from tests.conftest import Chat

    for n in range(5):
        Chat(engine, user_id=f"u{n}").send("/start")
    backup = tmp_path / "backups" / "essbot-1.db"
    result = run_essbot(["backup", str(backup)], env={"ESSBOT_DB": str(settings.db_path)})
    assert result.returncode == 0, result.stderr
    assert "5 conversation(s)" in result.stdout
    assert _mode(backup) == 0o600
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT COUNT(*) FROM conversations").fetchone()[0] == 5
    again = run_essbot(["backup", str(backup)], env={"ESSBOT_DB": str(settings.db_path)})
    assert again.returncode == 1 and "exists" in again.stderr and "--force" in again.stderr
    # Restore (docs/reliability.md): with the bot stopped, the copy replaces the database.
    restored = tmp_path / "restored.db"
    restored.write_bytes(backup.read_bytes())
    store = Store(restored)
    assert len(list(store.events())) == len(list(engine.store.events()))
    store.close()


def test_a_backup_taken_while_the_bot_writes_is_consistent(tmp_path, engine, settings):
    """Messages keep arriving during the copy: the copy is one instant, and sound."""
    import threading

    from bot.store.backup import backup_database
    from tests.conftest import Chat

    stop = threading.Event()

    def users():
        n = 0
        while not stop.is_set():
            Chat(engine, user_id=f"busy{n}").send("/start")
            n += 1

    writer = threading.Thread(target=users)
    writer.start()
    try:
        time.sleep(0.3)
        copies = [backup_database(settings.db_path, tmp_path / f"copy{i}.db") for i in range(3)]
    finally:
        stop.set()
        writer.join()
    assert copies[0].conversations > 0
    for i, copy in enumerate(copies):
        with sqlite3.connect(tmp_path / f"copy{i}.db") as db:
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            # Every copied conversation has its start event: no half-written message.
            orphans = db.execute("SELECT COUNT(*) FROM conversations c WHERE NOT EXISTS ("
                                 "SELECT 1 FROM events e WHERE e.conversation = c.key)"
                                 ).fetchone()[0]
            assert orphans == 0 and copy.conversations >= copies[0].conversations
