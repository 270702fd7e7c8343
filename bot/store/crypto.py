"""Sealed addresses: how to reach a chat, stored encrypted, never in clear.

To send a message the bot needs a reachable address (a Telegram chat id, a Matrix room
id), but the database must never hold one in clear. Where one must be kept (the
broadcast address book, for subscribers who consented; the reply outbox, until a turn's
replies are delivered) it is sealed with AES-256-GCM under a key derived from
``ESSBOT_SECRET`` by HKDF-SHA256, with an ``info`` label per use, so that each key
differs from the pseudonym key and from the others. The caller's associated data (the
pseudonym, the row's event) binds a sealed address to its row: copied to another row, it
does not open. Whoever holds the database without the secret sees random bytes.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

NONCE_BYTES = 12
VERSION = b"\x01"  # first byte of every sealed address: lets the format evolve
ADDRESS_BOOK = b"essbot address book v1"  # the broadcast subscribers' addresses
REPLY_OUTBOX = b"essbot reply outbox v1"  # the addresses of replies not yet delivered


class AddressUnreadable(Exception):
    """A sealed address does not open: another secret, or a tampered row."""


def derive_key(secret: bytes, info: bytes = ADDRESS_BOOK) -> bytes:
    if len(secret) < 16:
        raise ValueError("the secret must be at least 16 bytes long")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


class AddressCipher:
    """Seals and opens addresses; the key lives in memory only."""

    def __init__(self, secret: bytes, info: bytes = ADDRESS_BOOK):
        self._aead = AESGCM(derive_key(secret, info))

    def seal(self, key: str, address: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return VERSION + nonce + self._aead.encrypt(nonce, address.encode(), key.encode())

    def open(self, key: str, sealed: bytes) -> str:
        if not sealed or sealed[:1] != VERSION:
            raise AddressUnreadable("unknown address format")
        nonce, body = sealed[1:1 + NONCE_BYTES], sealed[1 + NONCE_BYTES:]
        try:
            return self._aead.decrypt(nonce, body, key.encode()).decode()
        except InvalidTag:
            raise AddressUnreadable("the address does not open with this secret") from None
