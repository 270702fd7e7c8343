"""Broadcast benchmark: N recipients against a loopback Bot API that enforces a global rate.

Run by hand; prints figures::

    .venv/bin/python benchmarks/broadcast.py                      # 10,000 recipients, 30/s
    .venv/bin/python benchmarks/broadcast.py --rate 100 --recipients 10000

The server (tests/telegram_api.py, in its own process) accepts at most ``--rate``
sendMessage calls in any one-second window and answers the others with 429
``retry_after: 1``, as Telegram does. The bot side is the real Telegram channel and the
real delivery worker, configured with the same rate. Reported: the achieved rate as a
share of the enforced limit, messages lost and duplicated (from the server's record),
429s received, and the peak memory of the bot process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import deque
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# benchmarks/telegram.py must not shadow the telegram package: the project root instead.
sys.path[:] = [str(ROOT)] + [p for p in sys.path
                             if Path(p or ".").resolve() != Path(__file__).resolve().parent]


# -- the server, in its own process ---------------------------------------------------------

async def serve(rate: int) -> None:
    from aiohttp import web

    from tests.telegram_api import ApiError, FakeBotAPI

    class LimitedBotAPI(FakeBotAPI):
        """Refuses sendMessage beyond ``rate`` per second (sliding window) with a 429."""

        def __post_init__(self) -> None:
            super().__post_init__()
            self.accepted: deque[float] = deque()
            self.per_chat: dict[int, int] = {}
            self.limited = 0
            self.first = self.last = None

        def _chat_for(self, params: dict) -> int:
            chat_id = params.get("chat_id")
            if chat_id not in self._chats:  # every positive id is a private chat here
                self.chat(int(chat_id))
            return super()._chat_for(params)

        async def api_sendMessage(self, params: dict) -> dict:
            now = time.monotonic()
            while self.accepted and self.accepted[0] <= now - 1.0:
                self.accepted.popleft()
            if len(self.accepted) >= rate:
                self.limited += 1
                raise ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
            self.accepted.append(now)
            chat_id = int(params["chat_id"])
            self.per_chat[chat_id] = self.per_chat.get(chat_id, 0) + 1
            self.first = self.first or now
            self.last = now
            # Keep memory flat over 10,000 chats: record the count, not the message.
            return {"message_id": 1, "date": int(time.time()),
                    "chat": {"id": chat_id, "type": "private"}, "text": params.get("text")}

        async def ctl_broadcast(self, request: web.Request) -> web.Response:
            values = list(self.per_chat.values())
            return web.json_response({
                "delivered": sum(values), "chats": len(values),
                "duplicated": sum(v - 1 for v in values if v > 1), "limited": self.limited,
                "first": self.first, "last": self.last})

    api = LimitedBotAPI()

    async def start_with_ctl(host: str = "127.0.0.1", port: int = 0) -> str:
        from aiohttp import web as aioweb

        app = aioweb.Application()
        app.router.add_route("*", "/bot{token}/{method}", api._handle)
        app.router.add_get("/_ctl/broadcast", api.ctl_broadcast)
        runner = aioweb.AppRunner(app, access_log=None)
        await runner.setup()
        site = aioweb.TCPSite(runner, host, port)
        await site.start()
        api.port = site._server.sockets[0].getsockname()[1]
        return f"http://{host}:{api.port}"

    base = await start_with_ctl()
    print(f"url {base}", flush=True)
    await asyncio.Event().wait()


# -- the bot side -----------------------------------------------------------------------------

def prepare(db: Path, recipients: int):
    from bot.app import build_engine
    from bot.broadcast.model import Draft
    from bot.config import Settings
    from tests.broadcast_support import service_of

    settings = replace(Settings.from_env({}), db_path=db, secret="benchmark-secret-0123456789",
                       reload_interval=0, retention_days=0)
    engine = build_engine(settings)
    service = service_of(engine)
    started = time.perf_counter()
    with engine.store.transaction():
        for i in range(recipients):
            chat_id = str(100_000_000 + i)
            key = service.pseudonymize("telegram", chat_id)
            service.subscriptions.subscribe(key, "telegram", chat_id, "fr", [], [], None)
    update = service.publish(Draft("Mois de l'ESS", "Le programme du Mois de l'ESS est en "
                                   "ligne : inscrivez vos événements."), None, "cli")
    print(f"prepared {recipients} subscribers and update {update.id} "
          f"in {time.perf_counter() - started:.1f} s")
    return engine, service


async def run_bot(service, engine, base_url: str, rate: float, concurrency: int) -> float:
    from bot.broadcast.pacing import Budgets
    from bot.broadcast.worker import DeliveryWorker, WorkerSettings
    from bot.channels.telegram import TelegramChannel
    from bot.engine.dispatch import Dispatcher
    from tests.telegram_api import TOKEN

    budgets = Budgets(rate)
    dispatcher = Dispatcher(engine)
    dispatcher.observe(budgets.count_replies)
    channel = TelegramChannel(TOKEN, dispatcher,
                              api_base_url=base_url, register_commands=False, poll_timeout=5)
    await channel.start()
    worker = DeliveryWorker(service.outbox, service.subscriptions, service.updates, [channel],
                            budgets, WorkerSettings(rate=rate, concurrency=concurrency))
    started = time.perf_counter()
    task = asyncio.create_task(worker.run())
    total = service.outbox.pending_count()
    last_print = started
    while service.outbox.pending_count():
        await asyncio.sleep(0.2)
        if time.perf_counter() - last_print > 10:
            last_print = time.perf_counter()
            left = service.outbox.pending_count()
            print(f"  {total - left}/{total} after {last_print - started:.0f} s", flush=True)
    elapsed = time.perf_counter() - started
    await worker.stop()
    task.cancel()
    await channel.stop()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=30, help="enforced messages per second")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        asyncio.run(serve(args.serve))
        return
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(args.rate)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        base_url = server.stdout.readline().split()[1]
        with tempfile.TemporaryDirectory() as directory:
            engine, service = prepare(Path(directory) / "essbot.db", args.recipients)
            elapsed = asyncio.run(run_bot(service, engine, base_url, args.rate,
                                          args.concurrency))
            counts = service.updates.progress(1).counts
            engine.store.close()
        with urllib.request.urlopen(f"{base_url}/_ctl/broadcast") as response:
            record = json.load(response)
    finally:
        server.terminate()
        server.wait()
    delivered = record["delivered"]
    lost = args.recipients - record["chats"]
    span = (record["last"] - record["first"]) if delivered > 1 else 0.0
    print(f"recipients             {args.recipients}")
    print(f"enforced limit         {args.rate} messages/s (sliding 1 s window, 429 beyond)")
    print(f"wall time              {elapsed:.1f} s (worker start to outbox drained)")
    print(f"achieved rate          {args.recipients / elapsed:.2f} messages/s = "
          f"{100 * args.recipients / elapsed / args.rate:.1f} % of the limit")
    if span:
        print(f"  first to last send   {span:.1f} s: {(delivered - 1) / span:.2f} messages/s = "
              f"{100 * (delivered - 1) / span / args.rate:.1f} % of the limit")
    print(f"delivered (server)     {delivered} to {record['chats']} chats")
    print(f"lost                   {lost}")
    print(f"duplicated             {record['duplicated']}")
    print(f"429 received           {record['limited']}")
    print(f"outbox statuses        {counts}")
    print(f"peak memory (bot, RSS) {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}"
          " MB")


if __name__ == "__main__":
    main()
