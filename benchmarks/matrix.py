"""Matrix channel benchmark: the same bot in an encrypted and in an unencrypted direct chat.

Run by hand (not a test):  python benchmarks/matrix.py [--rounds 60] [--parcours 3]

A real Synapse (tests/synapse.py) runs on 127.0.0.1 for the whole run; the bot is
``MatrixChannel`` as ``essbot run`` builds it (engine in a thread pool, fresh SQLite
database, crypto store in a temporary data folder, the production sync timeout of
30 s); the agent is an Element-like matrix-nio client with encryption
(tests/matrix_helpers.E2EAgent) in the same process. The agent opens two direct
chats with the bot, one encrypted (as Element does by default) and one without.

- **Round trip**: the agent sends ``/aide``; the time until the bot's first reply has
  arrived at the agent (decrypted, in the encrypted chat). Rounds alternate between the
  two chats, after a few warm-up rounds not counted. Median and 95th percentile.
- **Whole parcours**: a new person (new account, new Element-like client) opens a new
  direct chat, encrypted or not, and is greeted; then every question is answered
  (numbers and labels, as in the tests) up to the recommendations, then ``/feuille``
  (the feuille de route, uploaded as an encrypted file in the encrypted chat). Timed: from
  the first answer to the last reply of ``/feuille``, every reply received (and
  decrypted). Encrypted and unencrypted runs alternate; the median over the runs.
- **Restart**: the bot stopped and started again with its existing crypto store (the
  saved login is restored, then a full-state sync), until the first sync is done.

Everything runs on one machine, so the figures include Synapse's own CPU time; they
compare the two kinds of room, they do not predict a homeserver's latency.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import build_engine  # noqa: E402
from bot.channels.matrix import CHANNEL  # noqa: E402
from bot.channels.matrix_format import render  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.engine import Incoming  # noqa: E402
from tests.conftest import TEST_SECRET  # noqa: E402
from tests.matrix_helpers import Bot, E2EAgent, answer_to, expected_replies  # noqa: E402
from tests.synapse import Synapse  # noqa: E402

KINDS = ("encrypted", "unencrypted")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Chat:
    """One direct chat of an agent with the bot, and how to wait for the bot's replies."""

    def __init__(self, agent: E2EAgent, bot_id: str, room_id: str):
        self.agent, self.bot_id, self.room_id = agent, bot_id, room_id

    def count(self) -> int:
        return len(self.agent.messages_from(self.room_id, self.bot_id))

    async def turn(self, text: str, replies: int = 1) -> float:
        """Send ``text``; seconds until ``replies`` bot messages have arrived after it."""
        before = self.count()
        began = time.perf_counter()
        await self.agent.say(self.room_id, text)
        await self.agent.wait(lambda: self.count() >= before + replies, "the bot's reply")
        return time.perf_counter() - began


def reference_script(settings: Settings) -> list[tuple[str, int]]:
    """The parcours after the greeting, as (text, number of bot messages), from the engine.

    The agent's answers are those of the tests (tests.matrix_helpers.answer_to): the
    first option, by number or by label, in turn; then /feuille.
    """
    with tempfile.TemporaryDirectory() as scratch:
        engine = build_engine(replace(settings, db_path=Path(scratch) / "reference.db"))
        try:
            replies = engine.handle(Incoming.text_message(CHANNEL, "reference", "/start"))
            texts: list[str] = []
            for step in range(40):
                if any("recommandations" in o.text for o in replies):
                    break
                text = answer_to(render([o for o in replies if o.text or o.choices][-1]), step)
                texts.append(text)
                # the engine reads a typed number or label against the choices it showed
                replies = engine.handle(Incoming.text_message(CHANNEL, "reference", text))
            else:
                raise RuntimeError("no recommendations at the end of the parcours")
        finally:
            engine.store.close()
    texts.append("/feuille")
    return list(zip(texts, expected_replies(settings, texts), strict=True))


async def new_chat(synapse: Synapse, bot_id: str, folder: Path, kind: str) -> Chat:
    """A new person on a new Element-like client, in a new direct chat, greeted."""
    agent = await E2EAgent(synapse, synapse.register(), folder).start()
    room_id = await agent.create_direct_chat(bot_id, encrypted=kind == "encrypted")
    await agent.wait(lambda: agent.messages_from(room_id, bot_id), "the greeting")
    await agent.wait_member(room_id, bot_id)
    return Chat(agent, bot_id, room_id)


async def main(rounds: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        synapse = Synapse(folder / "synapse")
        await asyncio.to_thread(synapse.start)
        print(f"Synapse started in {synapse.startup_seconds[-1]:.1f} s")
        settings = replace(Settings.from_env({}), db_path=folder / "bot" / "essbot.db",
                           secret=TEST_SECRET)
        bot = Bot(synapse, settings, synapse.register(), sync_timeout_ms=30_000)
        agent = E2EAgent(synapse, synapse.register(), folder / "agent")
        try:
            await bot.start()
            await agent.start()
            bot_id = bot.user.user_id
            chats = {}
            for kind in KINDS:
                room_id = await agent.create_direct_chat(bot_id, encrypted=kind == "encrypted")
                await agent.wait(lambda r=room_id: agent.messages_from(r, bot_id),
                                 "the greeting")
                await agent.wait_member(room_id, bot_id)
                chats[kind] = Chat(agent, bot_id, room_id)

            latencies: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for number in range(rounds + 6):
                kind = KINDS[number % 2]
                seconds = await chats[kind].turn("/aide")
                if number >= 6:  # three warm-up rounds per chat
                    latencies[kind].append(seconds)
            print(f"\nRound trip, /aide -> first reply at the agent ({rounds // 2} rounds each):")
            for kind in KINDS:
                values = [v * 1000 for v in latencies[kind]]
                print(f"  {kind:<12} median {statistics.median(values):6.1f} ms   "
                      f"p95 {percentile(values, 0.95):6.1f} ms   "
                      f"min {min(values):6.1f} ms")

            script = reference_script(settings)
            durations: dict[str, list[float]] = {kind: [] for kind in KINDS}
            undecrypted = 0
            for number in range(runs * 2):
                kind = KINDS[number % 2]
                chat = await new_chat(synapse, bot_id, folder / f"agent-{number}", kind)
                try:
                    began = time.perf_counter()
                    for text, replies in script:
                        await chat.turn(text, replies)
                    durations[kind].append(time.perf_counter() - began)
                    undecrypted += len(chat.agent.undecrypted(chat.room_id))
                finally:
                    await chat.agent.close()
            print(f"\nWhole parcours, {len(script)} messages after the greeting, "
                  f"{sum(n for _, n in script)} replies ({runs} runs each, one new person "
                  f"per run):")
            for kind in KINDS:
                print(f"  {kind:<12} median {statistics.median(durations[kind]):6.2f} s   "
                      f"(runs: {', '.join(f'{v:.2f}' for v in durations[kind])})")
            ratio = statistics.median(durations["encrypted"]) / statistics.median(
                durations["unencrypted"])
            print(f"  encrypted / unencrypted: {ratio:.2f}")
            print(f"  messages the agents could not decrypt: {undecrypted}")

            await bot.stop()
            began = time.perf_counter()
            await bot.start()
            print(f"\nRestart with the existing crypto store, to the first sync done: "
                  f"{time.perf_counter() - began:.2f} s")
        finally:
            await bot.stop()
            await agent.close()
            await asyncio.to_thread(synapse.stop)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=60,
                        help="round trips, shared between the two chats")
    parser.add_argument("--parcours", type=int, default=3, help="whole parcours per chat")
    arguments = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # the figures only (nio warns of new sessions)
    asyncio.run(main(arguments.rounds, arguments.parcours))
