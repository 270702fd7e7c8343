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


def parse_admin(entry: str) -> AdminId | None:
    """``telegram:12345``, ``matrix:@alice:example.org``: split at the first colon only.

    An entry without a channel is None (the caller warns): an administrator must be
    tied to one network, since the same number may name different people elsewhere.
    """
    channel, sep, user_id = entry.strip().partition(":")
    if sep and channel and user_id:
        return AdminId(channel.strip().lower(), user_id.strip())
    return None


def parse_admins(entries: Iterable[str]) -> tuple[AdminId, ...]:
    """The valid entries of a ``channel:user_id`` list (see :func:`parse_admin`)."""
    return tuple(admin for admin in map(parse_admin, entries) if admin is not None)


class Admins:
    def __init__(self, entries: Iterable[str]):
        parsed = [(e, parse_admin(e)) for e in entries if e.strip()]
        self.ids = tuple(admin for _, admin in parsed if admin is not None)
        self.invalid = [entry for entry, admin in parsed if admin is None]
        self._set = frozenset((a.channel, a.user_id) for a in self.ids)

    def __contains__(self, item: tuple[str, str]) -> bool:
        channel, user_id = item
        return (channel.lower(), str(user_id)) in self._set

    def __bool__(self) -> bool:
        return bool(self._set)

    def on(self, channel: str) -> list[str]:
        """The user ids of the administrators on one channel."""
        return [a.user_id for a in self.ids if a.channel == channel.lower()]
