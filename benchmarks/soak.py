"""Soak: 100,000 simulated users through the dispatcher and the engine, RSS over time.

Run by hand (not a test):  python benchmarks/soak.py [--users 100000] [--concurrent 200]

Every user is new (a new chat id): this is what makes per-user structures grow if any
is not bounded. Each one walks a few steps as people do: /start, a button, a typed
territory, then one of: a question the knowledge base answers, a question it does not
(with personal data: redacted and recorded), a stale button, /oublier confirmed, or a
second /start. Users run ``--concurrent`` at a time through :class:`Dispatcher` and a
thread pool, as under ``essbot run``; the database is a real file (WAL), the channels are
left out (they are measured by their own benchmarks).

Printed: RSS after warm-up (the first 10,000 users), then every 10,000 users, at the end,
and the sizes of the per-conversation maps (dispatcher and engine locks), which must be 0
when nobody is being served.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import App
from bot.config import Settings
from bot.engine import Incoming
from bot.engine.dispatch import Dispatcher

TERRITORIES = ["Quimperlé", "Roubaix", "Guéret", "Mamoudzou", "Aubusson", "Felletin", "29019",
               "Morlaix", "Lanvéoc", "Saint-Flour"]
ENDINGS = [
    [("text", "c'est quoi une SCIC ?")],
    [("text", "je m'appelle jeanne dupont, 06 12 34 56 78, comment financer une zorglub ?")],
    [("choice", "c:accueil:commencer")],  # stale by now
    [("text", "/oublier"), ("text", "oui")],
    [("text", "/start")],
]


def rss_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def script(n: int) -> list[tuple[str, str]]:
    return [("text", "/start"), ("choice", "c:accueil:commencer"),
            ("text", TERRITORIES[n % len(TERRITORIES)]), *ENDINGS[n % len(ENDINGS)]]


async def one_user(dispatcher: Dispatcher, n: int) -> int:
    user = str(1_000_000 + n)
    for kind, value in script(n):
        incoming = (Incoming.text_message("telegram", user, value, "fr") if kind == "text"
                    else Incoming.choice("telegram", user, value, "fr"))
        await dispatcher.handle(incoming)
    return len(script(n))


async def soak(users: int, concurrent: int, dispatcher: Dispatcher, app: App) -> None:
    started, messages, report_every = time.perf_counter(), 0, 10_000
    print(f"{'users':>8} {'messages':>9} {'RSS MiB':>8} {'msg/s':>7} {'locks':>6}")
    for first in range(0, users, concurrent):
        batch = range(first, min(users, first + concurrent))
        messages += sum(await asyncio.gather(*(one_user(dispatcher, n) for n in batch)))
        done = batch.stop
        if done % report_every == 0 or done == users:
            gc.collect()
            rate = messages / (time.perf_counter() - started)
            locks = dispatcher.active_conversations + len(app.engine._locks)
            label = " (after warm-up)" if done == report_every else ""
            print(f"{done:>8} {messages:>9} {rss_mib():>8.1f} {rate:>7.0f} {locks:>6}{label}",
                  flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--concurrent", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = replace(Settings.from_env({}), db_path=Path(tmp) / "soak.db",
                           secret="soak-secret-0123456789abcdef")
        app = App(settings)
        print(f"RSS after start: {rss_mib():.1f} MiB")
        with ThreadPoolExecutor(max_workers=8, thread_name_prefix="essbot") as executor:
            asyncio.run(soak(args.users, args.concurrent, Dispatcher(app.engine, executor),
                             app))
        size = Path(settings.db_path).stat().st_size / 2**20
        print(f"database: {size:.0f} MiB for {args.users} users")
        app.close()


if __name__ == "__main__":
    main()
