"""Broadcasts: subscriptions, publishers, updates, the outbox and its delivery worker.

ESS networks (RTES, CRESS, Avise, France Active...) publish updates — calls for
projects, events, studies, changes in the law — to the agents who subscribed, with
their consent, to the regions and themes they follow. See docs/broadcast.md.
"""

from __future__ import annotations

from bot.broadcast.render import Vocabularies
from bot.broadcast.service import BroadcastService
from bot.config import Settings


def install(engine, settings: Settings, vocabularies: Vocabularies) -> BroadcastService:
    """Give the engine the broadcast commands and dialogs; returns the service."""
    from bot.broadcast.dialogs import BroadcastChat

    service = BroadcastService.from_settings(settings, engine.store, vocabularies)
    engine.extensions.append(BroadcastChat(service))
    return service


def service_of(engine) -> BroadcastService | None:
    """The broadcast service installed in ``engine``, if any."""
    for extension in getattr(engine, "extensions", ()):
        service = getattr(extension, "service", None)
        if isinstance(service, BroadcastService):
            return service
    return None


__all__ = ["BroadcastService", "install", "service_of"]
