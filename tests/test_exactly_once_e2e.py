"""kill -9 in the middle of a stream of Telegram updates: each handled once, no reply lost.

``essbot run`` runs as a separate process against the loopback Bot API
(tests/telegram_api.py, in a thread of this process). 330 users each send a scripted
sequence of typed answers, all queued at once (round after round, as concurrent users
would); the bot is killed with SIGKILL at three instants (when 15 %, 45 % and 75 % of
the expected messages have arrived) and started again each time. Then, per user:

- the event log of the conversation must be exactly that of a reference user who sent
  the same script with no crash (an update handled twice, or skipped, changes it);
- nobody gets « Je n'ai pas compris » (the reference users never do);
- the messages received, against the reference's: none missing; the duplicates, which
  come only from replies sent but not yet acknowledged at the instant of a kill (the
  documented window), are counted per crash and bounded.

The figures are printed (``pytest -s``) and recorded in docs/reliability.md.
"""

from __future__ import annotations

import difflib
import signal
import sqlite3
import time

from bot.store.pseudonym import Pseudonymizer
from tests.conftest import TEST_SECRET
from tests.test_broadcast_e2e import ServerThread, kill9, start_bot

SCRIPTS = {
    # The whole parcours: recommendations and the two files of the feuille de route.
    "parcours": ["/start", "commencer", "Quimperlé", "oui", "rural", "continuer",
                 "alimentation", "continuer", "3"],
    # Numbers typed for choices: one handled twice answers the next question.
    "numbers": ["/start", "1", "Creuse", "1", "1", "1"],
    # A code, a yes, commands.
    "commands": ["/start", "2", "1", "23", "oui", "/retour", "/aide"],
}
USERS = {"parcours": 30, "numbers": 150, "commands": 150}
REFERENCE = {name: 990000001 + i for i, name in enumerate(SCRIPTS)}
KILL_AT = (0.15, 0.45, 0.75)  # fractions of the expected messages
NOT_UNDERSTOOD = "Je n'ai pas compris"
EVENT_COLUMNS = "kind, flow, state, target, slot, value, items, detail"


def users() -> dict[int, str]:
    chats, base = {}, 910000001
    for name, count in USERS.items():
        for _ in range(count):
            chats[base] = name
            base += 1
    return chats


def event_log(db_path, chat_id: int) -> list[tuple]:
    key = Pseudonymizer(TEST_SECRET.encode())("telegram", str(chat_id))
    with sqlite3.connect(db_path) as db:
        return db.execute(f"SELECT {EVENT_COLUMNS} FROM events WHERE conversation = ? "
                          "ORDER BY id", (key,)).fetchall()


def count(db_path, table: str) -> int:
    with sqlite3.connect(db_path) as db:
        return db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def compare(reference: list[str], got: list[str]) -> tuple[int, int]:
    """(missing, extra) messages of ``got`` against ``reference``, in order."""
    matcher = difflib.SequenceMatcher(None, reference, got, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return len(reference) - matched, len(got) - matched


class Run:
    def __init__(self, server: ServerThread, settings):
        self.server, self.settings = server, settings

    def texts(self, chats) -> dict[int, list[str]]:
        async def read():
            return {chat: self.server.api.texts(chat) for chat in chats}
        return self.server.call(read())

    def received(self) -> int:
        async def read():
            return self.server.api.message_count
        return self.server.call(read())

    def pending_updates(self) -> int:
        async def read():
            return len(self.server.api.pending_updates)
        return self.server.call(read())

    def push(self, chats: dict[int, str]) -> int:
        """Queue every script, round after round; returns the number of updates."""
        async def push():
            pushed = 0
            for step in range(max(len(s) for s in SCRIPTS.values())):
                for chat, script in chats.items():
                    if step < len(SCRIPTS[script]):
                        self.server.api.text(chat, SCRIPTS[script][step])
                        pushed += 1
            return pushed
        return self.server.call(push())

    def wait(self, condition, process, what: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if process.poll() is not None:
                raise AssertionError(f"essbot stopped: {process.stderr.read().decode()}")
            assert time.monotonic() < deadline, f"timed out waiting for {what}"
            time.sleep(0.005)

    def settle(self, process, what: str, quiet: float = 1.0) -> None:
        """Every update confirmed, and no new message for ``quiet`` seconds."""
        seen = [-1, time.monotonic()]

        def quiet_now() -> bool:
            received = self.received()
            if received != seen[0]:
                seen[:] = [received, time.monotonic()]
            return self.pending_updates() == 0 and time.monotonic() - seen[1] >= quiet

        self.wait(quiet_now, process, what)


def test_kill_9_three_times_in_a_stream_of_updates(settings, capsys):
    server = ServerThread()
    run = Run(server, settings)
    chats = users()
    try:
        for chat in [*REFERENCE.values(), *chats]:
            server.api.chat(chat)
        process = start_bot(settings, server)
        # The reference users first, alone and with no crash.
        run.push({chat: name for name, chat in REFERENCE.items()})
        run.settle(process, "the reference users")
        reference = run.texts(REFERENCE.values())
        reference_log = {chat: event_log(settings.db_path, chat) for chat in REFERENCE.values()}
        assert not any(NOT_UNDERSTOOD in text for texts in reference.values() for text in texts)
        expected = {chat: reference[REFERENCE[name]] for chat, name in chats.items()}
        total = sum(len(texts) for texts in expected.values())
        base = run.received()

        updates = run.push(chats)
        crashes = []
        for fraction in KILL_AT:
            run.wait(lambda f=fraction: run.received() - base >= f * total, process,
                     f"{fraction:.0%} of the messages")
            kill9(process)
            got = run.texts(chats)
            crashes.append({"at": fraction, "received": run.received() - base,
                            "unsent_turns": count(settings.db_path, "reply_outbox"),
                            "unconfirmed_updates": run.pending_updates(),
                            "extra_before": sum(compare(expected[chat], got[chat])[1]
                                                for chat in chats)})
            process = start_bot(settings, server)

        run.wait(lambda: run.received() - base >= total, process, "every reply")
        run.settle(process, "anything that would still come (a duplicate...)", quiet=1.5)
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0, process.stderr.read().decode()
        process.stderr.close()

        got = run.texts(chats)
        missing = {chat: compare(expected[chat], got[chat])[0] for chat in chats}
        extra = {chat: compare(expected[chat], got[chat])[1] for chat in chats}
        not_understood = [chat for chat in chats if any(NOT_UNDERSTOOD in t for t in got[chat])]
        handled_twice_or_skipped = [
            chat for chat, name in chats.items()
            if event_log(settings.db_path, chat) != reference_log[REFERENCE[name]]]
        # What a restart repeated is counted at the next kill (or at the end).
        assert crashes[0]["extra_before"] == 0, "no duplicate before the first crash"
        after = [c["extra_before"] for c in crashes[1:]] + [sum(extra.values())]
        for crash, extra_after in zip(crashes, after, strict=True):
            crash["duplicates"] = extra_after - crash["extra_before"]
        with capsys.disabled():
            print(f"\nkill -9 x{len(KILL_AT)}: {len(chats)} users, {updates} updates, "
                  f"{total} messages expected")
            for crash in crashes:
                print(f"  at {crash['at']:.0%}: {crash['received']} received, "
                      f"{crash['unsent_turns']} turn(s) committed but not acknowledged, "
                      f"{crash['unconfirmed_updates']} update(s) not confirmed; "
                      f"{crash['duplicates']} duplicated message(s) after the restart")
            print(f"  handled twice or skipped: {len(handled_twice_or_skipped)} user(s); "
                  f"« {NOT_UNDERSTOOD} »: {len(not_understood)}; missing messages: "
                  f"{sum(missing.values())}; duplicated messages: {sum(extra.values())} "
                  f"({sum(1 for n in extra.values() if n)} user(s))")

        assert count(settings.db_path, "handled_updates") == updates + sum(
            len(SCRIPTS[name]) for name in REFERENCE), "every update recorded once"
        assert count(settings.db_path, "reply_outbox") == 0
        assert handled_twice_or_skipped == []
        assert not_understood == []
        assert sum(missing.values()) == 0, {c: n for c, n in missing.items() if n}
        for crash in crashes:  # only turns sent but not acknowledged at the kill repeat
            assert crash["duplicates"] <= 6 * crash["unsent_turns"], crashes
    finally:
        server.close()
