"""End-to-end encryption for the Matrix channel: where its keys live, and whom it trusts.

* :class:`CryptoFolder` is the bot's persistent crypto state, one folder per
  account under the data folder (``<data>/matrix/<account>/``, mode 0700):
  matrix-nio's SQLite store ``crypto.db`` (the Olm account, Olm and Megolm
  sessions, known devices and their trust, the sync token), and ``session``,
  the device id and access token of the bot's login, so that a restart
  neither logs in again nor creates a device. Files are 0600.
* :func:`derive_keys` turns one secret (``MATRIX_STORE_KEY``, else
  ``ESSBOT_SECRET``, else the pseudonym secret file beside the database) into
  the two keys that protect them: the passphrase nio pickles every Olm and
  Megolm object with (never nio's ``DEFAULT_KEY``), and a Fernet key for
  ``session``. Losing the secret means a new device: the folder cannot be read.
* :class:`TrustPolicy` decides which devices get the bot's room keys and whose
  messages it answers (``MATRIX_TRUST``): ``tofu`` trusts every device of the
  people in its rooms when it first sees it; ``verified`` only the devices whose
  Ed25519 key an administrator listed in ``MATRIX_VERIFIED_DEVICES``.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import logging
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from nio.crypto import TrustState

from bot.store.pseudonym import load_or_create_secret

log = logging.getLogger(__name__)

DATABASE_NAME = "crypto.db"
SESSION_NAME = "session"
TRUST_MODES = ("tofu", "verified")
MIN_KEY_LENGTH = 16

_PICKLE_LABEL = b"essbot/matrix/crypto-store/v1"
_SESSION_LABEL = b"essbot/matrix/session/v1"


class CryptoStoreError(RuntimeError):
    """The crypto folder exists but cannot be opened with this key; the message says what to do."""


# -- keys -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoreKeys:
    pickle_key: str  # the passphrase nio encrypts its pickles with
    session_key: bytes  # a Fernet key, for the session file

    def __repr__(self) -> str:  # never print a key by accident
        return "StoreKeys(…)"


def derive_keys(secret: bytes) -> StoreKeys:
    """Two independent keys from one secret (HMAC-SHA256 with a label each)."""
    pickle = hmac.digest(secret, _PICKLE_LABEL, "sha256").hex()
    session = base64.urlsafe_b64encode(hmac.digest(secret, _SESSION_LABEL, "sha256"))
    return StoreKeys(pickle, session)


def store_secret(store_key: str | None, essbot_secret: str | None, data_dir: Path) -> bytes:
    """``MATRIX_STORE_KEY``, else ``ESSBOT_SECRET``, else the pseudonym secret file.

    The last two are the engine's pseudonym secret (bot.store.pseudonym): one
    secret to keep for the whole bot, unless the operator wants the crypto
    store to have its own.
    """
    if store_key:
        return store_key.encode()
    return load_or_create_secret(essbot_secret, data_dir)


# -- the folder -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedSession:
    device_id: str
    access_token: str


class CryptoFolder:
    """``<data>/matrix/<account>/``: nio's store and the saved login, private to the owner."""

    def __init__(self, data_dir: Path, account: str, keys: StoreKeys):
        self.root = data_dir / "matrix"
        self.path = self.root / account
        self.keys = keys

    @property
    def database(self) -> Path:
        return self.path / DATABASE_NAME

    def prepare(self) -> None:
        """Create the folders (0700) and an empty database file (0600) if missing.

        The database file is created here, with its mode, before SQLite opens it:
        SQLite gives its journal files the mode of the database.
        """
        for folder in (self.root, self.path):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.chmod(folder, 0o700)
        with contextlib.suppress(FileExistsError):
            os.close(os.open(self.database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.secure()

    def secure(self) -> None:
        """Every file of the folder readable and writable by its owner only."""
        for path in self.path.iterdir():
            if path.is_file() and path.stat().st_mode & 0o077:
                os.chmod(path, 0o600)

    def read_session(self) -> SavedSession | None:
        """The saved login, or None; :class:`CryptoStoreError` if the key cannot read it."""
        path = self.path / SESSION_NAME
        if not path.exists():
            return None
        token = path.read_bytes()
        try:
            data = json.loads(Fernet(self.keys.session_key).decrypt(token))
            return SavedSession(str(data["device_id"]), str(data["access_token"]))
        except InvalidToken:
            if _looks_like_fernet(token):  # well formed, but another key signed it
                raise CryptoStoreError(self.wrong_key_message()) from None
            log.warning("matrix: the saved session is damaged; logging in again")
            return None
        except (ValueError, KeyError, TypeError):
            log.warning("matrix: the saved session is damaged; logging in again")
            return None

    def write_session(self, device_id: str, access_token: str) -> None:
        """Save the login, encrypted, atomically (0600 from the start)."""
        token = Fernet(self.keys.session_key).encrypt(
            json.dumps({"device_id": device_id, "access_token": access_token}).encode())
        handle, temporary = tempfile.mkstemp(dir=self.path, prefix=".session-")  # 0600
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(token)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path / SESSION_NAME)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise

    def forget_session(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            (self.path / SESSION_NAME).unlink()

    def wrong_key_message(self) -> str:
        return (f"the Matrix crypto store in {self.path} cannot be opened with the current key: "
                "MATRIX_STORE_KEY (or ESSBOT_SECRET, or the essbot.secret file) is not the one it "
                "was created with. Restore that key, or move the folder away to start as a new "
                "device (messages encrypted for the old device can then no longer be read).")


def _looks_like_fernet(token: bytes) -> bool:
    """A Fernet token's shape: URL-safe base64 of version 0x80, time, IV, data, 32-byte HMAC."""
    try:
        raw = base64.urlsafe_b64decode(token.strip())
    except ValueError:
        return False
    return len(raw) >= 1 + 8 + 16 + 16 + 32 and raw[0] == 0x80


# -- trust ----------------------------------------------------------------------------------


def parse_device_keys(value: str | None) -> frozenset[str]:
    """``MATRIX_VERIFIED_DEVICES``: Ed25519 keys separated by commas or blanks.

    Element shows a session's key in groups of four characters; blanks inside a
    key are dropped, so a key can be pasted as shown.
    """
    keys = set()
    for part in (value or "").split(","):
        key = "".join(part.split())
        if key:
            keys.add(key)
    return frozenset(keys)


@dataclass(frozen=True)
class TrustPolicy:
    """Whom the bot shares its room keys with, and whose messages it answers.

    The decision for a device depends only on the mode, the listed keys and the
    device's own Ed25519 key, so changing ``MATRIX_TRUST`` or the list takes
    effect at the next message, in both directions.
    """

    mode: str = "tofu"
    verified_keys: frozenset[str] = frozenset()

    @property
    def share_with_unverified(self) -> bool:
        """What to tell nio when it meets a device nobody decided about yet."""
        return self.mode == "tofu"

    def wanted(self, device: Any) -> TrustState:
        if self.mode == "tofu" or device.ed25519 in self.verified_keys:
            return TrustState.verified
        return TrustState.blacklisted

    def apply(self, client: Any, user_ids: Iterable[str]) -> int:
        """Give every current device of these users the state it should have; how many changed.

        A device that becomes verified makes nio rotate the bot's outgoing session in
        the rooms of its owner, so that the new device receives the next one.
        """
        changed = 0
        for user_id in user_ids:
            for device in list(client.device_store.active_user_devices(user_id)):
                wanted = self.wanted(device)
                if device.trust_state == wanted:
                    continue
                if wanted is TrustState.verified:
                    client.verify_device(device)
                else:
                    client.blacklist_device(device)
                changed += 1
        return changed

    def accepts(self, event: Any) -> bool:
        """Whether to answer a decrypted event (in ``verified`` mode: from a verified device).

        nio marks an event verified when the device that sent it is verified and
        the session's signing key is that device's.
        """
        return self.mode == "tofu" or bool(getattr(event, "verified", False))


# -- attachments ----------------------------------------------------------------------------


def file_content(filename: str, media_type: str, size: int, url: str,
                 keys: Mapping[str, Any] | None) -> dict[str, Any]:
    """An ``m.file`` content: ``url`` in clear, or ``file`` (url and keys) when encrypted."""
    content: dict[str, Any] = {"msgtype": "m.file", "body": filename, "filename": filename,
                               "info": {"mimetype": media_type, "size": size}}
    if keys is None:
        content["url"] = url
    else:
        content["file"] = {**keys, "url": url, "mimetype": media_type}
    return content


def account_key(user_id: str) -> str:
    """The name of an account's folder and bookkeeping: not its id, which logs must not show."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:12]
