"""Pseudonyms: the only form in which a user's identity reaches the database.

A pseudonym is HMAC-SHA256(secret, channel + user id). Without the secret,
nobody can tell which user a pseudonym stands for, nor compute it from a known
chat id. The secret comes from ``ESSBOT_SECRET``; failing that, one is generated
once into a file beside the database, readable by its owner only.
"""

from __future__ import annotations

import hmac
import logging
import os
import secrets
from pathlib import Path

from bot.store.files import private_parent, tighten

log = logging.getLogger(__name__)
SECRET_FILE_NAME = "essbot.secret"


class Pseudonymizer:
    def __init__(self, secret: bytes):
        if len(secret) < 16:
            raise ValueError("the pseudonym secret must be at least 16 bytes long")
        self._secret = secret

    def __call__(self, channel: str, user_id: str) -> str:
        message = f"{channel}\x1f{user_id}".encode()
        # hmac.digest: the same HMAC as hmac.new(...).hexdigest(), in one C call.
        return hmac.digest(self._secret, message, "sha256").hex()


def load_or_create_secret(configured: str | None, directory: Path) -> bytes:
    """The configured secret, else the one stored in ``directory`` (created on first run)."""
    if configured:
        return configured.encode()
    path = directory / SECRET_FILE_NAME
    if path.exists():
        tighten(path)  # a copy restored under umask 022 is made private again
        return path.read_text(encoding="ascii").strip().encode()
    private_parent(path)
    value = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it meanwhile
        return path.read_text(encoding="ascii").strip().encode()
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(value + "\n")
    log.warning(
        "ESSBOT_SECRET is not set: generated a pseudonym secret in %s (mode 0600). "
        "Keep this file: without it, returning users cannot be recognised. "
        "In production, set ESSBOT_SECRET in the environment.",
        path,
    )
    return value.encode()
