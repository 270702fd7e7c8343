"""Telegram channel benchmark: essbot's updates/s, beside a minimal python-telegram-bot echo bot.

Target: essbot far above what Telegram lets one bot send (about 30 messages/s in all):
at least 150 updates/s on a 2-core machine. The echo bots are a reference, not a race.

Run by hand (not a test):  python benchmarks/telegram.py [--users 200] [--rounds 5]

One fake Bot API server (tests/telegram_api.py) runs in its own process on 127.0.0.1
for the whole run; every bot runs in this process, one after the other, against it. For
each bot and each round: the server is reset, the same N users x M typed messages are
queued (round-robin, as concurrent users would send them), the bot is started, and the
server measures the time from the first update it hands out (getUpdates) to the last
message it records (sendMessage/sendDocument); start-up calls are not counted.

- **essbot**: ``TelegramChannel`` as ``essbot run`` builds it (engine in a thread pool of
  8, fresh SQLite database per round). Its users walk the whole parcours by typed text:
  engine, SQLite, HTML rendering, keyboards, the recommendations and the two files.
- **echo (PTB defaults)**: ``Application`` + ``MessageHandler`` answering each text with
  the same text (``reply_text``); updates are handled one at a time (PTB's default).
- **echo (concurrent)**: the same with ``concurrent_updates`` set to the cap below.

Fairness: every bot gets the same HTTP limits: ``connection_pool_size`` = ``--pool``
(essbot's ``max_in_flight``, 16 by default) for the API calls, 1 connection for
getUpdates (PTB's default for it), HTTP/1.1, the same timeouts, and PTB's own transport
(``HTTPXRequest``): essbot uses python-telegram-bot's public API only.
A warm-up round (not counted) runs each bot first; the order of the bots changes at
each round. The figures: updates/s, API calls/s (send*, edit*, answer*), and
the median over the rounds; the ratio is essbot's median rate / the echo bot's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
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
from telegram.request import HTTPXRequest  # noqa: E402

from tests.telegram_api import TOKEN  # noqa: E402

SCRIPT = ["/start", "commencer", "Quimperlé", "oui", "rural", "continuer", "alimentation",
          "continuer", "3"]
TIMEOUT = 10.0  # request timeouts, for every bot
ESSBOT, ECHO, CONCURRENT = "essbot", "echo (PTB defaults)", "echo (concurrent)"


def control(base: str, path: str, body: object | None = None) -> dict:
    data = None if body is None else json.dumps(body).encode()
    request = Request(f"{base}/_ctl/{path}", data=data,
                      headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=30) as response:
        return json.loads(response.read())


async def stats(base: str) -> dict:
    # In a thread: the bot's event loop must not stop while we look.
    return await asyncio.to_thread(control, base, "stats")


def queue_updates(base: str, users: int, messages: int) -> int:
    control(base, "reset", {})
    updates = [{"chat_id": 10_000 + user, "text": SCRIPT[step % len(SCRIPT)]}
               for step in range(messages) for user in range(users)]
    control(base, "updates", updates)
    return len(updates)


async def wait_until(condition, timeout: float = 900.0) -> None:
    """Wait for an async ``condition``; checked every 0.1 s (the server does the timing)."""
    deadline = time.monotonic() + timeout
    while not await condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the bot did not finish")
        await asyncio.sleep(0.1)


def figures(result: dict, updates: int) -> dict:
    elapsed = result["last_reply"] - result["first_served"]
    calls = sum(n for method, n in result["counts"].items()
                if method.startswith(("send", "edit", "answer")))
    return {"updates": updates, "seconds": elapsed, "rate": updates / elapsed,
            "call_rate": calls / elapsed, "calls": calls,
            "messages": result["messages"], "counts": result["counts"]}


def request(pool: int, transport: type = HTTPXRequest):
    return transport(connection_pool_size=pool, read_timeout=TIMEOUT, write_timeout=TIMEOUT,
                     connect_timeout=TIMEOUT, pool_timeout=TIMEOUT)


def updates_request(transport: type = HTTPXRequest):
    return transport(connection_pool_size=1, read_timeout=TIMEOUT, connect_timeout=TIMEOUT)


async def run_echo(base: str, users: int, messages: int, pool: int, concurrent: bool,
                   transport: type = HTTPXRequest) -> dict:
    async def echo(update: Update, context) -> None:
        await update.message.reply_text(update.message.text)

    builder = (ApplicationBuilder().token(TOKEN).base_url(f"{base}/bot")
               .request(request(pool, transport))
               .get_updates_request(updates_request(transport)))
    if concurrent:
        builder = builder.concurrent_updates(pool)
    application = builder.build()
    application.add_handler(MessageHandler(filters.TEXT, echo))
    updates = queue_updates(base, users, messages)

    async def done() -> bool:
        return (await stats(base))["messages"] >= updates

    async with application:
        await application.start()
        await application.updater.start_polling(timeout=5)
        await wait_until(done)
        await application.updater.stop()
        await application.stop()
    return figures(await stats(base), updates)


async def run_essbot(base: str, users: int, messages: int, pool: int) -> dict:
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
                                  poll_timeout=5, request_timeout=TIMEOUT, max_in_flight=pool)
        updates = queue_updates(base, users, messages)

        async def done() -> bool:
            return (await stats(base))["pending"] == 0 and channel.idle

        await channel.start()
        await wait_until(done)
        await channel.stop()
        executor.shutdown()
        engine.store.close()
    return figures(await stats(base), updates)


def start_server() -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, str(ROOT / "tests" / "telegram_api.py"),
                               "--port", "0"], stdout=subprocess.PIPE, text=True, cwd=ROOT,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
    line = server.stdout.readline().split()
    return server, f"http://127.0.0.1:{line[1]}"


def show(name: str, result: dict) -> None:
    counts = ", ".join(f"{method} {n}" for method, n in sorted(result["counts"].items())
                       if method.startswith(("send", "edit", "answer")))
    print(f"  {name:<20} {result['updates']:>6} updates in {result['seconds']:6.2f} s "
          f"= {result['rate']:7.1f} updates/s, {result['call_rate']:7.1f} API calls/s "
          f"({result['calls'] / result['updates']:.2f} calls/update: {counts})", flush=True)


async def main(users: int, messages: int, rounds: int, pool: int, bots: list[str]) -> None:
    server, base = start_server()
    runs = {ESSBOT: lambda u: run_essbot(base, u, messages, pool),
            ECHO: lambda u: run_echo(base, u, messages, pool, False),
            CONCURRENT: lambda u: run_echo(base, u, messages, pool, True)}
    print(f"{users} users x {messages} messages = {users * messages} updates per run; "
          f"HTTP pool {pool} for every bot; {rounds} rounds after a warm-up")
    try:
        for name in bots:  # warm-up: imports, code paths, the server's own caches
            await runs[name](min(users, 10))
        results: dict[str, list[dict]] = {name: [] for name in bots}
        for round_ in range(rounds):
            print(f"round {round_ + 1}")
            order = bots[round_ % len(bots):] + bots[:round_ % len(bots)]
            for name in order:
                result = await runs[name](users)
                show(name, result)
                results[name].append(result)
        print("\nmedian of the rounds:")
        median = {name: statistics.median(r["rate"] for r in results[name]) for name in bots}
        for name in bots:
            calls = statistics.median(r["call_rate"] for r in results[name])
            print(f"  {name:<20} {median[name]:7.1f} updates/s, {calls:7.1f} API calls/s")
        if ESSBOT in bots:
            for name in (ECHO, CONCURRENT):
                if name in bots:
                    # Also the median of the ratios of each round (the bots of a round ran
                    # one after the other, under the same load of the machine).
                    ratios = [e["rate"] / o["rate"]
                              for e, o in zip(results[ESSBOT], results[name], strict=True)]
                    print(f"essbot / {name}: {median[ESSBOT]:.1f} / {median[name]:.1f} "
                          f"updates/s = {median[ESSBOT] / median[name]:.2f}  (median of the "
                          f"rounds' ratios: {statistics.median(ratios):.2f})")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=len(SCRIPT),
                        help="messages per user (the parcours script, repeated)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool", type=int, default=None,
                        help="HTTP connections (essbot's max_in_flight) for every bot; "
                             "default: essbot's default")
    parser.add_argument("--bots", default=",".join([ESSBOT, ECHO, CONCURRENT]),
                        help="comma-separated, among: "
                        + ", ".join([ESSBOT, ECHO, CONCURRENT]))
    arguments = parser.parse_args()
    if arguments.pool is None:
        import inspect

        from bot.channels.telegram import TelegramChannel
        arguments.pool = inspect.signature(TelegramChannel).parameters["max_in_flight"].default
    chosen = [name.strip() for name in arguments.bots.split(",") if name.strip()]
    asyncio.run(main(arguments.users, arguments.messages, arguments.rounds, arguments.pool,
                     chosen))
