"""The bot's Matrix login: a nio client logged in, with the crypto store of its device loaded.

A restart must be the same device with the same keys: a new device would not
have the room keys of earlier messages, and people's clients would see a new,
unknown session of the bot each time. So:

* With ``MATRIX_ACCESS_TOKEN`` (and no password), the token's device is used as
  it is (``whoami`` tells which). Refused if that device already has keys that
  are not in the crypto store: a token copied from Element, whose keys live in
  Element.
* With ``MATRIX_PASSWORD``, the device and token of the previous run are
  restored from the crypto folder (``session``); the bot logs in again on the
  same device only if the token was revoked, and as a new device only when it
  has nothing to continue from (first run, or a device whose keys were lost).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from nio import AsyncClient, AsyncClientConfig, ErrorResponse, LoginResponse, WhoamiResponse
from nio.store import SqliteStore

from bot.channels.matrix_crypto import DATABASE_NAME, CryptoFolder, CryptoStoreError
from bot.channels.matrix_settings import MatrixSettings

log = logging.getLogger("bot.channels.matrix")

NETWORK_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, OSError, ValueError)


class MatrixLogin:
    """Makes the channel's client: :meth:`connect` at start, :meth:`login` when a token dies."""

    def __init__(self, settings: MatrixSettings, folder: CryptoFolder,
                 legacy_device: Callable[[], Awaitable[str | None]], max_backoff: float = 30.0):
        self.settings = settings
        self.user_id = settings.user_id
        self.folder = folder
        # The device id that versions without encryption kept in the database: reused once,
        # since they never uploaded keys for it.
        self.legacy_device = legacy_device
        self.max_backoff = max_backoff

    def new_client(self) -> AsyncClient:
        config = AsyncClientConfig(
            max_limit_exceeded=0, max_timeouts=0, encryption_enabled=True,
            store=SqliteStore, store_name=DATABASE_NAME, pickle_key=self.folder.keys.pickle_key,
            store_sync_tokens=True)
        return AsyncClient(self.settings.homeserver, self.user_id,
                           store_path=str(self.folder.path), config=config)

    async def connect(self) -> AsyncClient:
        """A client logged in as the bot, its crypto store loaded; raises if refused.

        :class:`CryptoStoreError` when the store's key is not the current one,
        ``RuntimeError`` for a refused login or token, an unreachable homeserver.
        """
        client = self.new_client()
        try:
            return await self._connect(client)
        except BaseException:
            await client.close()
            raise

    async def _connect(self, client: AsyncClient) -> AsyncClient:
        settings = self.settings
        if settings.access_token and not settings.password:
            device_id = await self._whoami(client, settings.access_token)
            if device_id is None:
                raise RuntimeError("Matrix refused MATRIX_ACCESS_TOKEN (unknown or revoked)")
            self._open(client, device_id, settings.access_token)
            if not await self._keys_are_ours(client):
                raise RuntimeError(
                    "the device of MATRIX_ACCESS_TOKEN already has encryption keys that are not "
                    "in essbot's crypto store (a token copied from Element or another client, "
                    "or a crypto store that was lost): give essbot a token from a login of its "
                    "own (docs/tchap.md), or set MATRIX_PASSWORD instead")
            return client
        saved = await asyncio.to_thread(self.folder.read_session)
        if saved is not None and await self._whoami(client, saved.access_token) == saved.device_id:
            self._open(client, saved.device_id, saved.access_token)
            if await self._keys_are_ours(client):
                return client
        device_id = (saved.device_id if saved is not None
                     else settings.device_id or await self.legacy_device())
        await self.login(client, device_id)
        if device_id and not await self._keys_are_ours(client):
            log.warning("matrix: the device to reuse has encryption keys that are not in the "
                        "crypto store; logging in as a new device")
            await client.close()
            client = self.new_client()
            await self.login(client, None)
        return client

    async def login(self, client: AsyncClient, device_id: str | None) -> None:
        """Log in with the password (as ``device_id`` if given) and save the session."""
        client.device_id = device_id
        try:
            answer = await self._with_retries(lambda: client.login(
                self.settings.password, device_name=self.settings.device_name))
        except RuntimeError:
            raise
        except Exception as error:  # raised while nio loaded the store of the device
            raise CryptoStoreError(self.folder.wrong_key_message()) from error
        if not isinstance(answer, LoginResponse):
            raise RuntimeError(f"Matrix refused the login of MATRIX_USER_ID: {answer}")
        await asyncio.to_thread(self.folder.write_session, answer.device_id, answer.access_token)
        self.folder.secure()
        log.warning("matrix: logged in (device %s)", answer.device_id)

    async def _whoami(self, client: AsyncClient, token: str) -> str | None:
        """The device of ``token``; None if the homeserver does not know the token."""
        client.access_token, client.user_id = token, self.user_id
        answer = await self._with_retries(client.whoami)
        if isinstance(answer, WhoamiResponse):
            if answer.user_id != self.user_id:
                raise RuntimeError("the Matrix access token belongs to another user than "
                                   "MATRIX_USER_ID")
            return answer.device_id
        if isinstance(answer, ErrorResponse) and answer.status_code in ("M_UNKNOWN_TOKEN",
                                                                        "M_FORBIDDEN"):
            return None
        raise RuntimeError(f"the Matrix homeserver did not check the access token: {answer}")

    def _open(self, client: AsyncClient, device_id: str, token: str) -> None:
        """Use this login and load the crypto store of its device."""
        try:
            client.restore_login(self.user_id, device_id, token)
        except Exception as error:  # vodozemac cannot unpickle: another key
            raise CryptoStoreError(self.folder.wrong_key_message()) from error
        self.folder.secure()

    async def _keys_are_ours(self, client: AsyncClient) -> bool:
        """Whether the server's keys for this device, if any, are those of the crypto store.

        A device whose keys were uploaded by another client (a token copied from
        Element) or by a lost store cannot be used: nio would upload different keys.
        """
        assert client.olm is not None
        if client.olm_account_shared:
            return True
        ours = client.olm.account.identity_keys["ed25519"]
        url = f"{self.settings.homeserver.rstrip('/')}/_matrix/client/v3/keys/query"
        body = {"device_keys": {self.user_id: [client.device_id]}}
        try:
            async with aiohttp.ClientSession() as session, session.post(
                    url, json=body, headers={"Authorization": f"Bearer {client.access_token}"},
                    timeout=aiohttp.ClientTimeout(total=30)) as answer:
                data = await answer.json()
        except (*NETWORK_ERRORS, aiohttp.ContentTypeError):
            return True  # cannot tell: the key upload will say
        device = ((data.get("device_keys") or {}).get(self.user_id) or {}).get(client.device_id)
        theirs = ((device or {}).get("keys") or {}).get(f"ed25519:{client.device_id}")
        return theirs is None or theirs == ours

    async def _with_retries(self, call: Callable[[], Awaitable[Any]], attempts: int = 5) -> Any:
        """A start-up request, retried a few times while the homeserver is unreachable."""
        delay = 0.5
        for attempt in range(attempts):
            try:
                answer = await call()
            except NETWORK_ERRORS as error:
                if attempt == attempts - 1:
                    raise RuntimeError(f"cannot reach the Matrix homeserver "
                                       f"{self.settings.homeserver}: {error!r}") from error
            else:
                if not (isinstance(answer, ErrorResponse)
                        and answer.status_code == "M_LIMIT_EXCEEDED"):
                    return answer
                delay = (answer.retry_after_ms or 1000) / 1000
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.max_backoff)
        return answer
