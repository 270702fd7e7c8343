"""Pacing: the channel's message budget, shared by interactive replies and broadcasts.

Telegram allows about 30 messages per second in all, and 1 per second per chat.
Each channel gets one :class:`SlidingWindow` of its messages over the last second.
Interactive replies are recorded in it as they go out (:meth:`Budgets.count_replies`, a
dispatcher observer) and never wait; the broadcast worker sends only when the window has
room left, so a burst of conversations slows the broadcast down, never the conversations.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

Clock = Callable[[], float]
IN_FLIGHT_POLL = 0.002  # seconds: how often a window full of sends in flight is checked


class SlidingWindow:
    """At most ``limit`` messages in any ``period`` seconds, plus pauses asked by a 429.

    A broadcast message holds its place in the window from the moment it is sent until
    ``period`` seconds after its **response** came back (:meth:`reserve`, then
    :meth:`complete`). The server saw it somewhere in between, so a strict server-side
    sliding window can never count ``limit + 1``, however the network delay varies; the
    price is one round trip per ``period``, about 0.5 % on a loopback, a few per cent
    against a distant server. Interactive replies are recorded as sent at once.
    """

    def __init__(self, rate: float, margin: float = 0.0, clock: Clock = time.monotonic):
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.limit = max(1, round(rate))
        self.period = self.limit / rate * (1 + margin)
        self.clock = clock
        self._tokens: deque[list[float]] = deque()  # [time]; inf while in flight
        self.paused_until = 0.0

    def _prune(self, now: float) -> None:
        cutoff = now - self.period
        tokens = self._tokens
        while tokens and tokens[0][0] <= cutoff:
            tokens.popleft()
        if len(tokens) > self.limit and any(t[0] <= cutoff for t in tokens):
            self._tokens = deque(t for t in tokens if t[0] > cutoff)

    def delay(self, now: float | None = None) -> float:
        """Seconds to wait before one more broadcast message may go (0: now).

        When the window is full of messages still in flight, a short wait is returned:
        their responses decide, so look again soon.
        """
        now = self.clock() if now is None else now
        if self.paused_until > now:
            return self.paused_until - now
        self._prune(now)
        excess = len(self._tokens) - self.limit
        if excess < 0:
            return 0.0
        oldest = sorted(t[0] for t in self._tokens)[excess]
        if oldest == math.inf:
            return IN_FLIGHT_POLL
        return max(0.0, oldest + self.period - now)

    def record(self, count: int = 1, now: float | None = None) -> None:
        """Messages sent now, whose place ends ``period`` from now (interactive replies)."""
        now = self.clock() if now is None else now
        self._tokens.extend([now] for _ in range(count))
        self._prune(now)

    def reserve(self) -> list[float]:
        """A place for a message about to be sent; give it back with :meth:`complete`."""
        token = [math.inf]
        self._tokens.append(token)
        return token

    def complete(self, token: list[float]) -> None:
        """The response of a reserved message came back (or the attempt ended)."""
        token[0] = self.clock()

    def pause(self, seconds: float) -> None:
        """A 429 said: nothing more for ``seconds`` (on this whole channel)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)


class ChatSpacing:
    """At most one broadcast message per chat every ``interval`` seconds."""

    def __init__(self, interval: float = 1.0, clock: Clock = time.monotonic):
        self.interval = interval
        self.clock = clock
        self._last: dict[str, float] = {}

    def wait(self, key: str, now: float | None = None) -> float:
        now = self.clock() if now is None else now
        last = self._last.get(key)
        return 0.0 if last is None else max(0.0, last + self.interval - now)

    def record(self, key: str, now: float | None = None) -> None:
        now = self.clock() if now is None else now
        self._last[key] = now
        if len(self._last) > 4096:  # forget chats served long enough ago
            cutoff = now - self.interval
            self._last = {k: t for k, t in self._last.items() if t > cutoff}


class Budgets:
    """One window per channel name, created on first use."""

    def __init__(self, rate: float, margin: float = 0.0, clock: Clock = time.monotonic):
        self.rate = rate
        self.margin = margin
        self.clock = clock
        self._windows: dict[str, SlidingWindow] = {}

    def window(self, channel: str) -> SlidingWindow:
        window = self._windows.get(channel)
        if window is None:
            window = self._windows[channel] = SlidingWindow(self.rate, self.margin, self.clock)
        return window

    def interactive(self, channel: str, messages: int) -> None:
        if messages > 0:
            self.window(channel).record(messages)

    def count_replies(self, channel: str, replies: list) -> None:
        """A dispatcher observer: the replies of a turn take their place in the window."""
        self.interactive(channel, len(replies))
