"""What every network channel (Telegram, Matrix...) offers to the runner.

A channel receives updates from its network, turns them into
:class:`~bot.engine.Incoming`, passes them to the shared
:class:`~bot.engine.dispatch.Dispatcher`, and renders the replies. It knows
nothing of ESS, flows or content.

The runner starts every configured channel with :meth:`Channel.start` and stops
them with :meth:`Channel.stop`. Pushed messages (broadcasts, notices to
administrators) go through :meth:`Channel.deliver`, which reports the outcome
with the exceptions below so that the sender can pace, retry or give up.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bot.engine.messages import Outgoing


class DeliveryError(Exception):
    """A pushed message could not be delivered."""


class RateLimited(DeliveryError):
    """The network asked us to wait ``retry_after`` seconds before sending again."""

    def __init__(self, retry_after: float, message: str = ""):
        self.retry_after = retry_after
        super().__init__(message or f"rate limited, retry after {retry_after:g} s")


class TransientError(DeliveryError):
    """A network error or a server error: trying again later may succeed."""


class RecipientGone(DeliveryError):
    """The recipient blocked the bot, left, or no longer exists: stop writing to them."""


@runtime_checkable
class Channel(Protocol):
    """A running connection to one network."""

    name: str  # "telegram", "matrix": also the ``channel`` of every Incoming it makes

    async def start(self) -> None:
        """Connect and begin handling updates in the background; return once running."""

    async def stop(self) -> None:
        """Stop receiving, finish the updates in hand, and disconnect."""

    async def deliver(self, user_id: str, message: Outgoing) -> None:
        """Send one message to ``user_id`` outside a conversation turn.

        Raises :class:`RateLimited`, :class:`TransientError` or
        :class:`RecipientGone`; any other exception is a bug.
        """
