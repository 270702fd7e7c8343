"""Who is an administrator: ``ESSBOT_ADMINS``, compared in memory, never stored."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class AdminId:
    channel: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.user_id}"


def parse_admins(entries: Iterable[str]) -> tuple[AdminId, ...]:
    """``telegram:12345``, ``matrix:@alice:example.org``: split at the first colon only.

    Entries without a channel are ignored (the caller warns): an administrator must be
    tied to one network, since the same number may name different people elsewhere.
    """
    admins = []
    for entry in entries:
        channel, sep, user_id = entry.strip().partition(":")
        if sep and channel and user_id:
            admins.append(AdminId(channel.strip().lower(), user_id.strip()))
    return tuple(admins)


class Admins:
    def __init__(self, entries: Iterable[str]):
        entries = [e for e in entries if e.strip()]
        self.ids = parse_admins(entries)
        self.invalid = [e for e in entries if not parse_admins([e])]
        self._set = frozenset((a.channel, a.user_id) for a in self.ids)

    def __contains__(self, item: tuple[str, str]) -> bool:
        channel, user_id = item
        return (channel.lower(), str(user_id)) in self._set

    def __bool__(self) -> bool:
        return bool(self._set)

    def on(self, channel: str) -> list[str]:
        """The user ids of the administrators on one channel."""
        return [a.user_id for a in self.ids if a.channel == channel.lower()]
