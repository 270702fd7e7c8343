"""Broadcasts: subscriptions, publishers, updates, the outbox and its delivery worker.

ESS networks (RTES, CRESS, Avise, France Active...) publish updates — calls for
projects, events, studies, changes in the law — to the agents who subscribed, with
their consent, to the regions and themes they follow. See docs/broadcast.md.
The feature itself is :class:`bot.broadcast.feature.BroadcastFeature`.
"""

from bot.broadcast.service import BroadcastService

__all__ = ["BroadcastService"]
