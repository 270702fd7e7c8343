"""Telegram channel benchmark: essbot against a minimal python-telegram-bot echo bot.

Run by hand (not a test):  python benchmarks/telegram.py [--users 50] [--rounds 2]

The fake Bot API server of the tests (tests/telegram_api.py) runs in its own process
on 127.0.0.1. For each bot, in the same run: the server is reset, N users x M typed
messages are queued (round-robin, as concurrent users would send them), the bot is
started, and the time from the first update served by getUpdates to the last message
sent is measured by the server. essbot's users walk the whole parcours by typed text
(engine, SQLite, HTML rendering, keyboards); the echo bot answers each text with the
same text. Each bot runs ``--rounds`` times; the best round counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from urllib.request import Request, urlopen

ROOT = Path(__file__).resolve().parent.parent
# This file is named telegram.py: its own folder must not shadow the telegram package.
HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or os.getcwd()).resolve() != HERE]
sys.path.insert(0, str(ROOT))

from telegram import Update  # noqa: E402
from telegram.ext import ApplicationBuilder, MessageHandler, filters  # noqa: E402

import bot.channels.telegram  # noqa: E402, F401  (its httpcore speed-up helps both bots)
from tests.telegram_api import TOKEN  # noqa: E402

SCRIPT = ["/start", "commencer", "Quimperlé", "oui", "rural", "continuer", "alimentation",
          "continuer", "3"]


def control(base: str, path: str, body: object | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = Request(f"{base}/_ctl/{path}", data=data,
                      headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def queue_updates(base: str, users: int, messages: int) -> int:
    control(base, "reset", {})
    updates = [{"chat_id": 10_000 + user, "text": SCRIPT[step % len(SCRIPT)]}
               for step in range(messages) for user in range(users)]
    control(base, "updates", updates)
    return len(updates)


async def wait_until(predicate, timeout: float = 600.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not finish")
        await asyncio.sleep(0.05)


def figures(base: str, updates: int) -> dict:
    stats = control(base, "stats")
    elapsed = stats["last_reply"] - stats["first_served"]
    sends = sum(n for method, n in stats["counts"].items()
                if method.startswith(("send", "edit", "answer")))
    return {"updates": updates, "seconds": elapsed, "rate": updates / elapsed,
            "call_rate": sends / elapsed,
            "messages": stats["messages"], "calls": stats["counts"]}


async def run_echo(base: str, users: int, messages: int, concurrent: bool) -> dict:
    async def echo(update: Update, context) -> None:
        await update.message.reply_text(update.message.text)

    builder = ApplicationBuilder().token(TOKEN).base_url(f"{base}/bot")
    if concurrent:
        builder = builder.concurrent_updates(True)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    updates = queue_updates(base, users, messages)
    async with application:
        await application.start()
        await application.updater.start_polling(timeout=5)
        await wait_until(lambda: control(base, "stats")["messages"] >= updates)
        await application.updater.stop()
        await application.stop()
    return figures(base, updates)


async def run_essbot(base: str, users: int, messages: int) -> dict:
    from bot.app import build_engine
    from bot.channels.telegram import TelegramChannel
    from bot.config import Settings
    from bot.engine.dispatch import Dispatcher

    with tempfile.TemporaryDirectory() as folder:
        settings = replace(Settings.from_env({}), db_path=Path(folder) / "bench.db",
                           secret="benchmark-secret-0123456789abcdef")
        engine = build_engine(settings)
        executor = ThreadPoolExecutor(8, thread_name_prefix="essbot")  # as `essbot run`
        channel = TelegramChannel(TOKEN, Dispatcher(engine, executor), api_base_url=base,
                                  poll_timeout=5)
        updates = queue_updates(base, users, messages)
        await channel.start()
        await wait_until(lambda: control(base, "stats")["pending"] == 0 and channel.idle)
        await channel.stop()
        executor.shutdown()
        engine.store.close()
    return figures(base, updates)


def start_server() -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "telegram_api.py"),
                               "--port", "0"], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = server.stdout.readline().split()
    return server, f"http://127.0.0.1:{line[1]}"


def show(name: str, result: dict) -> None:
    print(f"{name:<22} {result['updates']:>6} updates in {result['seconds']:6.2f} s "
          f"= {result['rate']:7.1f} updates/s, {result['call_rate']:7.1f} API calls/s "
          f"({result['messages']} messages sent, calls: {result['calls']})")


async def main(users: int, messages: int, rounds: int) -> None:
    server, base = start_server()
    try:
        best: dict[str, dict] = {}
        for _ in range(rounds):
            for name, run in (("echo (PTB defaults)", lambda: run_echo(base, users, messages,
                                                                      False)),
                              ("echo (concurrent)", lambda: run_echo(base, users, messages,
                                                                    True)),
                              ("essbot", lambda: run_essbot(base, users, messages))):
                result = await run()
                show(name, result)
                if name not in best or result["rate"] > best[name]["rate"]:
                    best[name] = result
        print()
        essbot = best["essbot"]["rate"]
        for name in ("echo (PTB defaults)", "echo (concurrent)"):
            echo = best[name]["rate"]
            print(f"essbot / {name}: {essbot:.1f} / {echo:.1f} updates/s = {essbot / echo:.2f}"
                  f"  (API calls/s: {best['essbot']['call_rate'] / best[name]['call_rate']:.2f})")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=len(SCRIPT),
                        help="messages per user (the parcours script, repeated)")
    parser.add_argument("--rounds", type=int, default=3)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.users, arguments.messages, arguments.rounds))
