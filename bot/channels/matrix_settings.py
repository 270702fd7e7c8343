"""The Matrix channel's settings, read from the environment (MATRIX_*, see .env.example)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from nio.crypto import ENCRYPTION_ENABLED

from bot.channels.matrix_crypto import (
    MIN_KEY_LENGTH,
    TRUST_MODES,
    TrustPolicy,
    parse_device_keys,
)

log = logging.getLogger("bot.channels.matrix")


@dataclass(frozen=True)
class MatrixSettings:
    homeserver: str
    user_id: str
    password: str | None = field(default=None, repr=False)
    access_token: str | None = field(default=None, repr=False)
    device_id: str | None = None
    # Server names allowed to invite the bot; None allows every server.
    allowed_servers: frozenset[str] | None = None
    device_name: str = "essbot"
    # The secret of the crypto store: MATRIX_STORE_KEY, else ESSBOT_SECRET, else the
    # pseudonym secret file beside the database (bot.channels.matrix_crypto).
    store_key: str | None = field(default=None, repr=False)
    essbot_secret: str | None = field(default=None, repr=False)
    trust: TrustPolicy = field(default_factory=TrustPolicy)
    # Replace a cross-signing identity created elsewhere (bot.channels.matrix_cross_signing).
    reset_cross_signing: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> MatrixSettings | None:
        """The settings, or None when the channel is not configured (missing variables)."""
        def get(name: str) -> str | None:
            return (env.get(name) or "").strip() or None

        homeserver, user_id = get("MATRIX_HOMESERVER"), get("MATRIX_USER_ID")
        password, token = get("MATRIX_PASSWORD"), get("MATRIX_ACCESS_TOKEN")
        if not (homeserver and user_id and (password or token)):
            if homeserver or user_id or password or token:
                missing = [name for name, value in (("MATRIX_HOMESERVER", homeserver),
                                                    ("MATRIX_USER_ID", user_id),
                                                    ("MATRIX_PASSWORD or MATRIX_ACCESS_TOKEN",
                                                     password or token)) if not value]
                log.error("matrix channel not started: %s not set", ", ".join(missing))
            return None
        trust = (get("MATRIX_TRUST") or "tofu").lower()
        if trust not in TRUST_MODES:
            log.error("matrix channel not started: MATRIX_TRUST must be %s, not %r",
                      " or ".join(TRUST_MODES), trust)
            return None
        verified = parse_device_keys(get("MATRIX_VERIFIED_DEVICES"))
        if trust == "verified" and not verified:
            log.warning("matrix: MATRIX_TRUST=verified and MATRIX_VERIFIED_DEVICES is empty: "
                        "nobody can read the bot in encrypted rooms")
        store_key = get("MATRIX_STORE_KEY")
        if store_key and len(store_key) < MIN_KEY_LENGTH:
            log.error("matrix channel not started: MATRIX_STORE_KEY must be at least %d "
                      "characters long", MIN_KEY_LENGTH)
            return None
        if not ENCRYPTION_ENABLED:
            log.error("matrix channel not started: matrix-nio is installed without "
                      "end-to-end encryption; install it with: pip install 'matrix-nio[e2e]'")
            return None
        servers = get("MATRIX_ALLOWED_SERVERS")
        allowed = (frozenset(s.strip().lower() for s in servers.split(",") if s.strip())
                   if servers else None)
        return cls(homeserver=homeserver, user_id=user_id, password=password,
                   access_token=token, device_id=get("MATRIX_DEVICE_ID"),
                   allowed_servers=allowed, store_key=store_key,
                   essbot_secret=get("ESSBOT_SECRET"),
                   trust=TrustPolicy(trust, verified),
                   reset_cross_signing=(get("MATRIX_RESET_CROSS_SIGNING") or "").lower()
                   in ("1", "true", "yes", "on"))
