"""Replies that a crash left undelivered, sent when a channel starts.

The engine keeps each turn's replies (the reply outbox) until the channel reports them
sent. If the process died first, they are still there at the next start: the channel
sends them, in the order they were handled, one chat after the other message by message
(chats concurrently), before it takes new updates, so that they arrive before the
answers to anything newer. A reply that was sent just before the crash, but not yet
acknowledged, is sent again: the one at-least-once window (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable

from bot.channels.base import DeliveryError, RateLimited, RecipientGone, TransientError
from bot.engine.dispatch import Dispatcher
from bot.engine.messages import Outgoing
from bot.engine.outbox import PendingReplies

log = logging.getLogger(__name__)

# (address, replies, token): send one turn's replies in order, retrying as the channel
# does; raise RecipientGone, TransientError/RateLimited (gave up) or DeliveryError.
SendTurn = Callable[[str, list[Outgoing], str], Awaitable[None]]


async def deliver_pending(dispatcher: Dispatcher, channel: str, send: SendTurn,
                          concurrency: int = 8) -> Counter:
    """Send what ``channel`` left undelivered; counts of ``sent``, ``gone``, ``failed``,
    ``kept`` (left for later: the network failed)."""
    pending = await dispatcher.pending_replies(channel)
    counts: Counter = Counter()
    if not pending:
        return counts
    by_address: dict[str, list[PendingReplies]] = {}
    for item in pending:
        by_address.setdefault(item.address, []).append(item)
    slots = asyncio.Semaphore(concurrency)

    async def serve(address: str, items: list[PendingReplies]) -> None:
        async with slots:
            for index, item in enumerate(items):
                try:
                    await send(address, item.replies, item.token)
                except RecipientGone:
                    for left in items[index:]:
                        await dispatcher.delivered(left.receipt)
                    counts["gone"] += len(items) - index
                    return
                except (TransientError, RateLimited):
                    # Kept, with the chat's later rows, to keep their order: the next start
                    # delivers them.
                    counts["kept"] += len(items) - index
                    return
                except DeliveryError as error:  # refused (malformed): it never will pass
                    log.error("%s: undelivered replies refused: %s", channel, error)
                    counts["failed"] += 1
                else:
                    counts["sent"] += 1
                await dispatcher.delivered(item.receipt)

    await asyncio.gather(*(serve(address, items) for address, items in by_address.items()))
    await dispatcher.flush()
    log.warning("%s: replies of %d update(s) were left undelivered by the last stop: %s",
                channel, len(pending), ", ".join(f"{n} {what}" for what, n in
                                                 sorted(counts.items())))
    return counts
