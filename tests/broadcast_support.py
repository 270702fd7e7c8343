"""Shared helpers of the broadcast tests: a scripted channel, and subscribing users."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.channels.base import RateLimited, RecipientGone, TransientError
from bot.engine.messages import Outgoing
from tests.conftest import Chat


@dataclass
class ScriptedChannel:
    """An in-memory channel: records deliveries, and fails as told (429, 403, 5xx)."""

    name: str = "telegram"
    latency: float = 0.0
    delivered: list[tuple[str, str, float]] = field(default_factory=list)  # (user, text, at)
    faults: dict[str, list[Exception]] = field(default_factory=dict)  # user -> next errors
    gone: set[str] = field(default_factory=set)
    attempts: list[tuple[str, float]] = field(default_factory=list)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def deliver(self, user_id: str, message: Outgoing) -> None:
        self.attempts.append((user_id, time.monotonic()))
        if self.latency:
            await asyncio.sleep(self.latency)
        if user_id in self.gone:
            raise RecipientGone("blocked")
        queued = self.faults.get(user_id)
        if queued:
            raise queued.pop(0)
        self.delivered.append((user_id, message.text, time.monotonic()))

    def count(self, user_id: str) -> int:
        return sum(1 for user, _, _ in self.delivered if user == user_id)


def subscribe(engine, user_id: str, channel: str = "telegram", regions: tuple[str, ...] = (),
              themes: tuple[str, ...] = (), collectivite: str | None = None) -> Chat:
    """Subscribe one user through the chat, as a user would (regions and themes by label)."""
    chat = Chat(engine, user_id=user_id, channel=channel)
    chat.send("/start")
    if collectivite:
        conversation = chat.conversation
        conversation.slots["collectivite"] = collectivite
        engine.store.save_conversation(conversation)
    chat.send("/abonner")
    vocab = engine_vocabularies(engine)
    for region in regions:
        chat.press(vocab["regions"][region].texts["fr"])
    chat.press("Valider")
    for theme in themes:
        chat.press(vocab["themes"][theme].texts["fr"])
    chat.press("Valider")
    chat.press("J'accepte")
    assert "C'est noté" in chat.text, chat.text
    return chat


def service_of(engine):
    """The broadcast service of an engine built by the application."""
    return engine.extension_named("bc").service


async def publish_and_deliver(engine, channel, title: str, body: str) -> dict[str, int]:
    """Publish an update (as ``essbot broadcast publish`` does) and run the delivery worker
    through ``channel`` until the outbox is empty; the update's delivery counts."""
    from bot.broadcast.model import Draft
    from bot.broadcast.pacing import Budgets
    from bot.broadcast.worker import DeliveryWorker, WorkerSettings

    service = service_of(engine)
    update_id = service.publish(Draft(title, body), None, "cli").id
    worker = DeliveryWorker(service.outbox, service.subscriptions, service.updates,
                            [channel], Budgets(30), WorkerSettings(poll_interval=0.05))
    task = asyncio.create_task(worker.run())
    try:
        await wait_until(lambda: service.outbox.pending_count() == 0, timeout=30,
                         what="the broadcast")
    finally:
        await worker.stop()
        task.cancel()
    return service.updates.progress(update_id).counts


def engine_vocabularies(engine):
    return engine.snapshot.part("bc")


async def wait_until(predicate: Callable[[], object], timeout: float = 10.0,
                     what: str = "a condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.01)


def errors(*items: Exception) -> list[Exception]:
    return list(items)


__all__ = ["RateLimited", "RecipientGone", "ScriptedChannel", "TransientError", "errors",
           "subscribe", "wait_until"]


def run_async(function):
    """Run an async test function in its own event loop (no pytest plugin needed)."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return asyncio.run(function(*args, **kwargs))

    return wrapper
