"""The broadcast feature's services: storage, permissions and publishing, over one store."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from bot.broadcast.model import Draft, Update
from bot.broadcast.render import Vocabularies
from bot.broadcast.storage import MIGRATIONS, Outbox, Publishers, Subscriptions, Updates
from bot.broadcast.worker import Hold, WorkerSettings
from bot.config import Settings
from bot.store import Store
from bot.store.crypto import AddressCipher
from bot.store.pseudonym import Pseudonymizer, load_or_create_secret

NAME = "bc"  # the feature's name: payload prefix, dialog owner, migrations namespace


class BroadcastService:
    def __init__(self, store: Store, secret: bytes, vocabularies: Vocabularies,
                 publishers: tuple[str, ...] = (), admins: tuple[str, ...] = ()):
        self.store = store
        store.migrate_feature(NAME, MIGRATIONS)  # its tables, if a command comes first
        self.pseudonymize = Pseudonymizer(secret)
        self.vocabularies = vocabularies
        self.subscriptions = Subscriptions(store, AddressCipher(secret))
        self.publishers = Publishers(store, self.pseudonymize, publishers, admins)
        self.updates = Updates(store, self.subscriptions)
        self.outbox = Outbox(store)

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
