"""The broadcast feature assembled: storage, permissions, and its place in the engine."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from bot.broadcast.crypto import AddressCipher
from bot.broadcast.model import Draft, Update
from bot.broadcast.outbox import Outbox
from bot.broadcast.permissions import Publishers
from bot.broadcast.render import Vocabularies
from bot.broadcast.subscriptions import Subscriptions, forget_broadcast_rows
from bot.broadcast.updates import Updates
from bot.broadcast.worker import Hold, WorkerSettings
from bot.config import Settings
from bot.store import Store
from bot.store.pseudonym import Pseudonymizer, load_or_create_secret


class BroadcastService:
    def __init__(self, store: Store, secret: bytes, vocabularies: Vocabularies,
                 publishers: tuple[str, ...] = (), admins: tuple[str, ...] = ()):
        self.store = store
        self.pseudonymize = Pseudonymizer(secret)
        self.vocabularies = vocabularies
        self.subscriptions = Subscriptions(store, AddressCipher(secret))
        self.publishers = Publishers(store, self.pseudonymize, publishers, admins)
        self.updates = Updates(store, self.subscriptions)
        self.outbox = Outbox(store)
        if forget_broadcast_rows not in store.forget_hooks:
            store.forget_hooks.append(forget_broadcast_rows)

    @classmethod
    def from_settings(cls, settings: Settings, store: Store,
                      vocabularies: Vocabularies) -> BroadcastService:
        secret = load_or_create_secret(settings.secret, Path(settings.db_path).parent)
        return cls(store, secret, vocabularies, settings.publishers, settings.admins)

    def publish(self, draft: Draft, author: str | None, origin: str) -> Update:
        return self.updates.publish(draft, author, origin)


def worker_settings(settings: Settings) -> WorkerSettings:
    return WorkerSettings(rate=settings.broadcast_rate,
                          chat_interval=settings.broadcast_chat_interval,
                          concurrency=settings.broadcast_concurrency)


def hold_from_env(env: Mapping[str, str] | None = None) -> Hold | None:
    """The test hook of the worker, from ``ESSBOT_BROADCAST_TEST_HOLD`` (tests only)."""
    env = os.environ if env is None else env
    return Hold.parse(env.get("ESSBOT_BROADCAST_TEST_HOLD"))
