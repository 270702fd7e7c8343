"""The bot token never leaves the process, whatever fails at start (issue 19, item 1).

``essbot run`` is started as an operator would, against the loopback Bot API, with one of
its start-up calls failing; everything it prints (stdout and stderr, at the default log
level and at DEBUG, tracebacks included) is searched for the token.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from bot.config import PROJECT_ROOT
from tests.conftest import TEST_SECRET
from tests.telegram_api import TOKEN
from tests.test_broadcast_e2e import ServerThread

SECRET_PART = TOKEN.split(":", 1)[1]


def run_bot(tmp_path, base_url: str, level: str, extra: dict | None = None,
            seconds: float = 6.0, until: Callable[[], bool] | None = None,
            grace: float = 3.0) -> tuple[int | None, str]:
    """Run ``essbot run`` until it exits or ``seconds`` pass; (status or None, all output).

    With ``until``: ``seconds`` is only the limit; the run ends ``grace`` seconds after
    ``until()`` holds (the call under test was made, and its log line had time to be
    written), however long the content takes to load on a loaded machine.
    """
    env = {**os.environ, "ESSBOT_SECRET": TEST_SECRET, "ESSBOT_DB": str(tmp_path / "e.db"),
           "TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_BASE_URL": base_url,
           "ESSBOT_RELOAD_INTERVAL": "0", "ESSBOT_LOG_LEVEL": level, **(extra or {})}
    for name in [n for n in env if n.startswith("MATRIX_")]:
        del env[name]
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], env=env, cwd=PROJECT_ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        if until is not None and until():
            deadline = min(deadline, time.monotonic() + grace)
            until = None
        time.sleep(0.1)
    status = process.poll()
    if status is None:
        process.terminate()
    out, err = process.communicate(timeout=30)
    return status, out.decode() + err.decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server():
    server = ServerThread()
    yield server
    server.close()


@pytest.mark.parametrize("level", ["WARNING", "DEBUG"])
def test_a_refused_token_stops_the_start_with_one_line_and_no_token(tmp_path, server, level):
    server.api.fail("getMe", status=401, times=100)
    # the bot exits as soon as getMe is refused; 20 s leaves room for loading the content on
    # a loaded machine (6 s was missed once, the exit line already written)
    status, output = run_bot(tmp_path, server.base_url, level, seconds=20.0)
    assert status not in (None, 0), output
    assert TOKEN not in output and SECRET_PART not in output, output
    if level == "WARNING":
        assert "Traceback" not in output, output
        assert "token" in output.lower()


@pytest.mark.parametrize("method", ["getMe", "setMyCommands", "deleteWebhook", "getUpdates",
                                    "setWebhook"])
def test_no_failing_start_up_call_prints_the_token(tmp_path, server, method):
    server.api.fail(method, status=500, times=100)
    extra = {"TELEGRAM_WEBHOOK_URL": "https://bot.example.org/essbot/telegram",
             "ESSBOT_HTTP_PORT": str(free_port())} if method == "setWebhook" else {}
    # until the failing call was made (the content loads first: a fixed 8 s was missed on a
    # loaded machine, with nothing written yet)
    _status, output = run_bot(tmp_path, server.base_url, "DEBUG", extra, seconds=90.0,
                              until=lambda: bool(server.api.calls_of(method)))
    assert TOKEN not in output and SECRET_PART not in output, output
    assert method in output or "getMe" in output, "the failing call is named in the logs"
