"""Cross-signing for the bot's own device, which matrix-nio does not do.

Since April 2026 Element no longer sends encrypted messages to, nor shows those
of, a device that its owner has not cross-signed ("insecure devices",
docs/tchap.md). So the bot gives its account a cross-signing identity, as
Element does at a first login, and signs its own device with it:

1. three Ed25519 keys, the *master* key and the *self-signing* and
   *user-signing* keys that it signs, uploaded to
   ``/keys/device_signing/upload`` (a first upload needs no password on a
   homeserver with MSC3967, as Synapse; otherwise the password, if set, answers
   the user-interactive authentication);
2. the device's keys, as the homeserver holds them, signed by the
   self-signing key and sent to ``/keys/signatures/upload``.

The private keys are kept encrypted in the crypto folder (``cross-signing``),
so that a new device of the same account (after a lost store) is signed by the
same identity. An identity created elsewhere (someone logged in to the bot's
account with Element and set up "recovery") is left alone, since replacing it
shows every contact an identity change, unless ``MATRIX_RESET_CROSS_SIGNING``
asks for it (the password answers the homeserver's confirmation). The bot
says so in its log.

This is the whole of cross-signing the bot does: it does not verify other
people's identities (``MATRIX_TRUST`` decides whom it trusts), and it keeps no
server-side key backup (it needs no history).
"""

from __future__ import annotations

import base64
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

log = logging.getLogger("bot.channels.matrix")

KEYS_FILE = "cross-signing"
USAGES = ("master", "self_signing", "user_signing")


def unpadded(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def canonical(value: dict[str, Any]) -> bytes:
    """The Matrix canonical JSON of a signed object: no ``signatures``, no ``unsigned``."""
    body = {k: v for k, v in value.items() if k not in ("signatures", "unsigned")}
    return json.dumps(body, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode()


def public_key(key: Ed25519PrivateKey) -> str:
    return unpadded(key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))


def sign(value: dict[str, Any], user_id: str, key: Ed25519PrivateKey) -> dict[str, Any]:
    """``value`` with one more signature, by ``key``, under ``user_id``."""
    signature = unpadded(key.sign(canonical(value)))
    signatures = {user: dict(sigs) for user, sigs in (value.get("signatures") or {}).items()}
    signatures.setdefault(user_id, {})[f"ed25519:{public_key(key)}"] = signature
    return {**value, "signatures": signatures}


def verify(value: dict[str, Any], user_id: str, key_b64: str) -> bool:
    """Whether ``value`` carries a valid signature by the Ed25519 key ``key_b64``."""
    signature = ((value.get("signatures") or {}).get(user_id) or {}).get(f"ed25519:{key_b64}")
    if not signature:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(_decode(key_b64)).verify(_decode(signature),
                                                                    canonical(value))
    except Exception:
        return False
    return True


def _decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


@dataclass
class CrossSigningKeys:
    master: Ed25519PrivateKey
    self_signing: Ed25519PrivateKey
    user_signing: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> CrossSigningKeys:
        return cls(*(Ed25519PrivateKey.generate() for _ in USAGES))

    def uploads(self, user_id: str) -> dict[str, dict[str, Any]]:
        """The body of ``/keys/device_signing/upload``: each key, the sub-keys signed."""
        def key(usage: str, private: Ed25519PrivateKey) -> dict[str, Any]:
            public = public_key(private)
            return {"user_id": user_id, "usage": [usage], "keys": {f"ed25519:{public}": public}}

        master = key("master", self.master)
        return {"master_key": master,
                "self_signing_key": sign(key("self_signing", self.self_signing), user_id,
                                         self.master),
                "user_signing_key": sign(key("user_signing", self.user_signing), user_id,
                                         self.master)}

    def dumps(self) -> bytes:
        seeds = {usage: unpadded(getattr(self, usage).private_bytes(
            Encoding.Raw, PrivateFormat.Raw, NoEncryption())) for usage in USAGES}
        return json.dumps(seeds).encode()

    @classmethod
    def loads(cls, data: bytes) -> CrossSigningKeys:
        seeds = json.loads(data)
        return cls(*(Ed25519PrivateKey.from_private_bytes(_decode(seeds[u])) for u in USAGES))


class CrossSigning:
    """Makes sure the bot's device is cross-signed by its account; see the module docstring."""

    def __init__(self, homeserver: str, user_id: str, folder: Path, fernet_key: bytes,
                 password: str | None, reset: bool = False):
        self.base = homeserver.rstrip("/") + "/_matrix/client/v3"
        self.user_id = user_id
        self.path = folder / KEYS_FILE
        self.fernet = Fernet(fernet_key)
        self.password = password
        self.reset = reset  # replace an identity whose keys essbot does not have
        self.done = False  # nothing more to do this run (signed, or said why not)

    async def ensure(self, access_token: str, device_id: str) -> bool:
        """Sign ``device_id`` with the account's identity (creating it if there is none).

        True when the device is cross-signed. Network errors propagate
        (aiohttp, timeouts): the caller tries again after the next sync.
        """
        async with aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=aiohttp.ClientTimeout(total=30)) as session:
            self._session = session
            keys = self._load()
            server = await self._query()
            master = self._only_key(server.get("master_keys"))
            device = (server.get("device_keys") or {}).get(self.user_id, {}).get(device_id)
            if device is None:
                return False  # the device's keys are not uploaded yet
            if master is None:
                if keys is None:  # saved first: an upload that fails is retried with them
                    keys = CrossSigningKeys.generate()
                    self._save(keys)
                if not await self._upload_identity(keys):
                    self.done = True  # said in the log; the next run tries again
                    return False
                master = public_key(keys.master)
                log.warning("matrix: cross-signing identity created for the bot's account")
            if (keys is None or public_key(keys.master) != master) and self.reset:
                keys = CrossSigningKeys.generate()
                self._save(keys)
                if not await self._upload_identity(keys):
                    self.done = True
                    return False
                master = public_key(keys.master)
                log.warning("matrix: the account's cross-signing identity was replaced "
                            "(MATRIX_RESET_CROSS_SIGNING): its contacts see an identity change "
                            "once; remove the setting")
            if keys is None or public_key(keys.master) != master:
                log.warning("matrix: the bot's account has a cross-signing identity created "
                            "elsewhere (an Element session?) whose keys essbot does not have: "
                            "this device stays unsigned, and Element users may not see its "
                            "messages; MATRIX_RESET_CROSS_SIGNING=1 replaces it (docs/tchap.md)")
                self.done = True  # nothing more to try this run
                return False
            ssk = public_key(keys.self_signing)
            if verify(device, self.user_id, ssk):
                self.done = True
                return True
            signed = sign({k: v for k, v in device.items() if k not in ("signatures",
                                                                       "unsigned")},
                          self.user_id, keys.self_signing)
            answer = await self._post("/keys/signatures/upload",
                                      {self.user_id: {device_id: signed}})
            failures = answer.get("failures") or {}
            if answer.get("errcode") or failures:
                log.warning("matrix: the device signature was refused (%s)",
                            answer.get("errcode") or "failures")
                self.done = True
                return False
            log.warning("matrix: this device is cross-signed (device %s)", device_id)
            self.done = True
            return True

    async def _query(self) -> dict[str, Any]:
        return await self._post("/keys/query", {"device_keys": {self.user_id: []}})

    def _only_key(self, keys: dict[str, Any] | None) -> str | None:
        value = (keys or {}).get(self.user_id)
        if not value:
            return None
        return next(iter(value.get("keys", {}).values()), None)

    async def _upload_identity(self, keys: CrossSigningKeys) -> bool:
        body = keys.uploads(self.user_id)
        answer = await self._post("/keys/device_signing/upload", body)
        if "session" in answer and "flows" in answer:  # user-interactive authentication
            if not self.password:
                log.warning("matrix: the homeserver asks for the password to create the bot's "
                            "cross-signing identity; set MATRIX_PASSWORD (docs/tchap.md)")
                return False
            answer = await self._post("/keys/device_signing/upload", {**body, "auth": {
                "type": "m.login.password", "session": answer["session"],
                "identifier": {"type": "m.id.user", "user": self.user_id},
                "password": self.password}})
        if answer.get("errcode"):
            log.warning("matrix: the cross-signing identity was refused (%s)", answer["errcode"])
            return False
        return True

    async def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        async with self._session.post(self.base + path, json=body) as answer:
            try:
                return await answer.json(content_type=None)
            except ValueError:
                return {"errcode": f"HTTP {answer.status}"}

    def _load(self) -> CrossSigningKeys | None:
        if not self.path.exists():
            return None
        try:
            return CrossSigningKeys.loads(self.fernet.decrypt(self.path.read_bytes()))
        except (InvalidToken, ValueError, KeyError):
            log.warning("matrix: the saved cross-signing keys cannot be read")
            return None

    def _save(self, keys: CrossSigningKeys) -> None:
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".cross-")  # 0600
        with os.fdopen(handle, "wb") as file:
            file.write(self.fernet.encrypt(keys.dumps()))
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, self.path)
