"""The Telegram channel: long polling (default) or a webhook, inline keyboards, HTML.

It knows Telegram, not ESS: updates become :class:`~bot.engine.Incoming`, replies
are rendered as HTML messages with inline keyboards. Only the python-telegram-bot
``Bot`` client is used (not its ``Application``), so that the channel controls the
three things that matter here:

- **order**: updates are put, in arrival order, into one FIFO per chat, drained by
  one task per chat; chats proceed concurrently, the messages of one chat never
  overtake each other (neither in the engine nor on the way out);
- **acknowledgement**: an update is confirmed to Telegram only once the engine has
  handled it (its new state is committed to SQLite): the next ``getUpdates`` offset
  moves past a batch only when the whole batch is handled, and a webhook request is
  answered only then. A crash loses no update; the replies of an update handled just
  before a crash may be lost (the user's next message gets the current question again);
- **isolation**: replies go through one send queue per chat, which retries with
  backoff on network errors and 5xx and sleeps on a 429 ``retry_after``: one rate-limited
  chat waits, the others do not.

Throughput: the replies of one turn are merged into as few messages as fit
(``merge_turn``), updates are read as JSON (``telegram_updates``), the calls made for
every update skip the objects PTB's ``Bot`` builds (``ApiParams``), and the HTTP exchange
runs on aiohttp (``AiohttpRequest``, a PTB transport) rather than httpx. See
docs/telegram.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import importlib.util
import json
import logging
import random
import re
import secrets
import sys
import urllib.request
import warnings
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot as PTBBot
from telegram import BotCommand, BotCommandScopeDefault, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
    TimedOut,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot.channels.base import DeliveryError, RateLimited, RecipientGone, TransientError
from bot.channels.telegram_format import (
    CHOSEN_MARK,
    MAX_MESSAGE_LENGTH,
    REDACTOR,
    chosen_suffix,
    escape,
    fits_caption,
    install_token_redaction,
    keyboard_data,
    merge_turn,
    split_text,
    suffix_room,
    utf16_length,
)
from bot.channels.telegram_updates import CHANNEL, FORGED, Press, Reader, Turn, Update
from bot.engine.dispatch import Dispatcher
from bot.engine.messages import Document, Outgoing

log = logging.getLogger(__name__)

# httpcore tries `import sniffio` on every request; when sniffio is not installed (anyio 4
# no longer needs it) each failed import scans sys.path, about a third of the channel's
# CPU time. A None entry makes that import fail at once, exactly as before, only faster.
if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
    sys.modules["sniffio"] = None  # type: ignore[assignment]
# PTB 22 itself reads RetryAfter.retry_after while building the exception, which warns that
# the attribute becomes a timedelta; retry_after_seconds() accepts both.
warnings.filterwarnings("ignore", message=r".*`retry_after` will be of type",
                        category=DeprecationWarning)

DEFAULT_API_BASE_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True).to_dict()
ALLOWED_UPDATES = ["message", "edited_message", "channel_post", "edited_channel_post",
                   "callback_query"]
GONE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked", "bot was blocked",
                "not enough rights to send", "have no rights to send", "chat_write_forbidden",
                "peer_id_invalid")
@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How sends are retried on network errors, 5xx and 429."""

    attempts: int = 6  # in all, the first try included
    base_delay: float = 0.5  # doubled at each network/5xx failure...
    max_delay: float = 30.0  # ...up to this
    max_retry_after: float = 300.0  # a longer 429 is given up (logged), not slept through


def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def delivery_error(exc: TelegramError) -> DeliveryError:
    """Map a python-telegram-bot error to the channel protocol's exceptions."""
    if isinstance(exc, RetryAfter):
        return RateLimited(retry_after_seconds(exc))
    if isinstance(exc, Forbidden | ChatMigrated):
        return RecipientGone(str(exc))
    if isinstance(exc, BadRequest):  # a NetworkError subclass: test it first
        message = str(exc).lower()
        if any(marker in message for marker in GONE_MARKERS):
            return RecipientGone(str(exc))
        return DeliveryError(str(exc))
    if isinstance(exc, NetworkError | Conflict):  # TimedOut, connection errors, 5xx
        return TransientError(str(exc))
    return DeliveryError(str(exc))


class ApiParams:
    """The parameters of one Bot API call, in the shape PTB's request classes read.

    ``BaseRequest.post`` (python-telegram-bot's request layer: HTTP status and Telegram
    errors to exceptions, JSON result) takes a ``RequestData``, which PTB's ``Bot`` builds
    with one ``RequestParameter`` object per parameter. The calls made for every update
    (getUpdates, sendMessage...) pass plain JSON values instead, in the three attributes
    the transports read. ``None`` values are left out, as PTB does.
    """

    __slots__ = ("multipart_data", "parameters")

    def __init__(self, parameters: Mapping[str, Any],
                 files: dict[str, tuple] | None = None):
        self.parameters = {k: v for k, v in parameters.items() if v is not None}
        self.multipart_data = files or {}  # part name -> (filename, content, mime type)

    @property
    def json_parameters(self) -> dict[str, str]:
        """Each value as a string: a form field (httpx, or a multipart upload)."""
        return {k: v if isinstance(v, str) else json.dumps(v)
                for k, v in self.parameters.items()}


_DEFAULT = type(BaseRequest.DEFAULT_NONE)  # PTB's DefaultValue: "not given"
JSON_HEADERS = {"Content-Type": "application/json"}


def _aiohttp_available() -> bool:
    return importlib.util.find_spec("aiohttp") is not None


class AiohttpRequest(BaseRequest):
    """python-telegram-bot's HTTP transport on aiohttp instead of httpx.

    PTB still builds the requests and turns Telegram's answers into results and
    exceptions (``BaseRequest.post``); only the HTTP exchange changes. aiohttp's client
    takes about half the CPU time of httpx + httpcore + anyio per request, and on a
    small server the channel is CPU-bound on its API calls (benchmarks/telegram.py).
    Like httpx, it honours the ``HTTP(S)_PROXY`` environment variables and checks TLS
    certificates against certifi's bundle when certifi is there.
    """

    def __init__(self, connection_pool_size: int = 16, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0):
        self._pool_size = connection_pool_size
        self._timeouts = {"read": read_timeout, "write": write_timeout,
                          "connect": connect_timeout, "pool": pool_timeout}
        self._media_write_timeout = media_write_timeout
        self._session = None
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        return self._timeouts["read"]

    async def initialize(self) -> None:
        import aiohttp

        if self._session is None or self._session.closed:
            ssl_context = True
            with contextlib.suppress(ImportError):
                import ssl

                import certifi
                ssl_context = ssl.create_default_context(cafile=certifi.where())
            # The Bot API sets no cookies: a dummy jar skips their bookkeeping per request.
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ssl=ssl_context),
                headers={"User-Agent": self.USER_AGENT},
                cookie_jar=aiohttp.DummyCookieJar())

    def _proxy(self, url: str) -> str | None:
        """HTTP(S)_PROXY / NO_PROXY for this host, read once: aiohttp's ``trust_env`` would
        read them, and look for a .netrc file, on every request."""
        end = url.find("/", url.find("//") + 2)
        origin = url if end < 0 else url[:end]  # scheme://host[:port]: a handful
        if origin not in self._proxies:
            parts = urlsplit(url)
            env = urllib.request.getproxies_environment()
            proxy = env.get(parts.scheme)
            if proxy and urllib.request.proxy_bypass_environment(parts.hostname or "", env):
                proxy = None
            self._proxies[origin] = proxy
        return self._proxies[origin]

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: Any = None,
                         read_timeout: Any = BaseRequest.DEFAULT_NONE,
                         write_timeout: Any = BaseRequest.DEFAULT_NONE,
                         connect_timeout: Any = BaseRequest.DEFAULT_NONE,
                         pool_timeout: Any = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        import aiohttp

        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data is not None else None
        data: Any = None
        headers = None
        if files:  # uploads: multipart, as PTB does
            data = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():
                data.add_field(name, value)
            for name, part in files.items():
                filename, content, *mime = part if isinstance(part, tuple) else (name, part)
                data.add_field(name, content, filename=filename,
                               content_type=mime[0] if mime else None)
        elif request_data is not None and request_data.parameters:
            # A JSON body (the Bot API accepts it): encoded in C, where urlencoding a 4 kB
            # text is a Python loop over its characters. ASCII-only (\u escapes) is encoded
            # twice as fast as UTF-8 for French text, for a few more bytes.
            data = json.dumps(request_data.parameters).encode()
            headers = JSON_HEADERS

        def given(value: Any, default: float | None) -> float | None:
            return default if isinstance(value, _DEFAULT) else value

        read = given(read_timeout, self._timeouts["read"])
        write = given(write_timeout, self._media_write_timeout if files
                      else self._timeouts["write"])
        connect = given(connect_timeout, self._timeouts["connect"])
        pool = given(pool_timeout, self._timeouts["pool"])
        # aiohttp has no write timeout: the whole exchange is bounded by the sum instead.
        limits = (read, write, connect, pool)
        timeout = aiohttp.ClientTimeout(
            total=sum(limits) if None not in limits else None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect, sock_read=read)
        try:
            async with self._session.request(method, url, data=data, headers=headers,
                                             timeout=timeout,
                                             proxy=self._proxy(url)) as response:
                return response.status, await response.read()
        except TimeoutError as exc:  # aiohttp's timeouts are asyncio.TimeoutError
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            # Some aiohttp errors quote the URL, which holds the token.
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {REDACTOR.redact(str(exc))}"
                               ) from exc


class SerialLanes:
    """One FIFO of jobs per key, each drained by its own task.

    Jobs of one key run one after the other in submission order; keys run concurrently.
    A key's task exists only while it has work, so idle chats cost nothing.
    """

    def __init__(self, name: str):
        self.name = name
        self._queues: dict[Hashable, deque] = {}
        self._tasks: dict[Hashable, asyncio.Task] = {}

    def submit(self, key: Hashable, job: Callable[[], Awaitable[Any]]) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        queue = self._queues.setdefault(key, deque())
        queue.append((job, future))
        if key not in self._tasks:
            self._tasks[key] = asyncio.create_task(self._drain(key, queue),
                                                   name=f"{self.name}-lane")
        return future

    async def _drain(self, key: Hashable, queue: deque) -> None:
        try:
            while queue:
                job, future = queue.popleft()
                if future.cancelled():
                    continue
                try:
                    result = await job()
                except asyncio.CancelledError:
                    future.cancel()
                    raise
                except Exception as exc:
                    if not future.done():
                        future.set_exception(exc)
                else:
                    if not future.done():
                        future.set_result(result)
        finally:
            for _job, future in queue:
                future.cancel()
            del self._queues[key]
            del self._tasks[key]

    def fire(self, key: Hashable, job: Callable[[], Awaitable[Any]]) -> None:
        """Submit a job nobody waits for; a failure (a bug) is logged, not lost."""
        self.submit(key, job).add_done_callback(_log_failure)

    def busy(self, key: Hashable) -> bool:
        return key in self._tasks

    def __len__(self) -> int:
        return len(self._tasks)

    async def wait_idle(self, timeout: float | None) -> bool:
        """Wait until every lane is empty (new jobs included); False on timeout."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._tasks:
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return False
            _done, pending = await asyncio.wait(list(self._tasks.values()), timeout=remaining)
            if pending and remaining is not None and loop.time() >= deadline:
                return False
        return True

    async def cancel(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _log_failure(future: asyncio.Future) -> None:
    if not future.cancelled() and future.exception() is not None:
        log.error("telegram: a background job failed", exc_info=future.exception())


class TelegramChannel:
    """A running Telegram bot (long polling, or a webhook when ``webhook_url`` is set)."""

    name = CHANNEL

    def __init__(self, token: str, dispatcher: Dispatcher, *,
                 api_base_url: str = DEFAULT_API_BASE_URL,
                 webhook_url: str | None = None, webhook_secret: str | None = None,
                 host: str = "127.0.0.1", port: int = 8080,
                 poll_timeout: float = 30.0, request_timeout: float = 10.0,
                 retry: RetryPolicy | None = None, drain_timeout: float = 10.0,
                 max_in_flight: int = 16, register_commands: bool = True,
                 remove_old_keyboards: bool = False, http_client: str = "aiohttp"):
        if not token:
            raise ValueError("a Telegram bot token is required")
        install_token_redaction(token)  # before the Bot exists: PTB logs its URL at DEBUG
        self.dispatcher = dispatcher
        self.api_base_url = api_base_url.rstrip("/")
        self.webhook_url = webhook_url or None
        self.webhook_secret = webhook_secret or (secrets.token_urlsafe(32) if webhook_url
                                                 else None)
        self.host = host
        self.port = port
        self.poll_timeout = poll_timeout
        self.retry = retry or RetryPolicy()
        self.drain_timeout = drain_timeout
        self.register_commands = register_commands
        self.remove_old_keyboards = remove_old_keyboards
        if http_client == "aiohttp" and not _aiohttp_available():
            http_client = "httpx"
        transport = AiohttpRequest if http_client == "aiohttp" else HTTPXRequest
        self.http_client = http_client
        self.request_timeout = request_timeout
        self._api = transport(connection_pool_size=max_in_flight,
                              read_timeout=request_timeout, write_timeout=request_timeout,
                              connect_timeout=request_timeout, pool_timeout=request_timeout)
        self._updates = transport(connection_pool_size=2, read_timeout=request_timeout,
                                  connect_timeout=request_timeout)
        # PTB's Bot makes the calls of the start-up and the rare ones (getMe, commands,
        # webhook); the calls of every update go through _post, on the same transports.
        self.bot = PTBBot(token, base_url=f"{self.api_base_url}/bot",
                          base_file_url=f"{self.api_base_url}/file/bot",
                          request=self._api, get_updates_request=self._updates)
        self._reader: Reader | None = None  # once getMe told who the bot is
        # Requests in flight at once, all chats together (one connection each): a chat has
        # at most one (its sends are serial, to keep their order). Against the loopback
        # server 4 is clearly slower, 8 to 32 alike; 16 leaves room for network latency.
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._inbox = SerialLanes("telegram-in")  # engine turns, per chat
        self._outbox = SerialLanes("telegram-out")  # sends, per chat
        self._open_keyboard: dict[int, int] = {}  # chat -> message id of its live keyboard
        self._poller: asyncio.Task | None = None
        self._server = None  # tornado HTTPServer in webhook mode
        self.webhook_port: int | None = None  # the bound port (useful with port=0)
        self._unacked: list[int] = []  # update ids fetched by polling, not yet confirmed
        self._next_offset: int | None = None
        self._running = False

    # -- life cycle ----------------------------------------------------------------------

    async def start(self) -> None:
        await self._call("getMe", self.bot.initialize)
        self._reader = Reader(self.bot.id, self.bot.username or "")
        log.info("telegram: connected as @%s", self.bot.username)
        if self.register_commands:
            await self.set_commands()
        self._running = True
        if self.webhook_url:
            await self._start_webhook()
        else:
            await self._call("deleteWebhook", lambda: self.bot.delete_webhook(
                drop_pending_updates=False))
            self._poller = asyncio.create_task(self._poll(), name="telegram-poll")

    async def stop(self) -> None:
        self._running = False
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        if self._server is not None:
            self._server.stop()  # no new connections; requests in hand finish below
        drained = await self._inbox.wait_idle(self.drain_timeout)
        if not drained:
            log.warning("telegram: stopping with updates still in hand; Telegram will send "
                        "them again")
            await self._inbox.cancel()
        await self._acknowledge_handled(drained)
        if not await self._outbox.wait_idle(self.drain_timeout):
            log.warning("telegram: stopping with replies not yet sent")
            await self._outbox.cancel()
        if self._server is not None:
            await self._server.close_all_connections()
            self._server = None
        await self.bot.shutdown()

    @property
    def idle(self) -> bool:
        """No update in hand and nothing left to send."""
        return not len(self._inbox) and not len(self._outbox)

    async def set_commands(self) -> None:
        """Register the global commands: French by default and for "fr", English for "en"."""
        engine = self.dispatcher.engine
        for language, codes in (("fr", (None, "fr")), ("en", ("en",))):
            commands = [BotCommand(name, description[:256])
                        for name, description in engine.command_list(language)]
            for code in codes:
                try:
                    await self._call("setMyCommands", lambda c=code, cs=commands:
                                     self.bot.set_my_commands(cs, scope=BotCommandScopeDefault(),
                                                              language_code=c))
                except DeliveryError as exc:
                    log.warning("telegram: could not register the commands (%s): %s",
                                code or "default", exc)

    # -- receiving: long polling ---------------------------------------------------------

    async def _poll(self) -> None:
        """Fetch updates; confirm a batch (next offset) only once the engine handled it."""
        failures = 0
        while self._running:
            try:
                updates = await self._post("getUpdates", {
                    "offset": self._next_offset, "timeout": int(self.poll_timeout),
                    "limit": 100, "allowed_updates": ALLOWED_UPDATES},
                    read_timeout=self.request_timeout + int(self.poll_timeout))
            except InvalidToken:
                log.error("telegram: the bot token was refused; polling stops")
                return
            except (NetworkError, Conflict, RetryAfter) as exc:
                failures += 1
                delay = (retry_after_seconds(exc) if isinstance(exc, RetryAfter)
                         else min(self.retry.max_delay, self.retry.base_delay * 2 ** failures))
                log.warning("telegram: getUpdates failed (%s); retrying in %.1f s",
                            type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            except TelegramError:
                failures += 1
                log.exception("telegram: getUpdates failed")
                await asyncio.sleep(min(self.retry.max_delay,
                                        self.retry.base_delay * 2 ** failures))
                continue
            failures = 0
            if not updates:
                continue
            updates = [u for u in updates if isinstance(u, dict)
                       and type(u.get("update_id")) is int] if isinstance(updates, list) else []
            if not updates:  # not what the Bot API describes: ask again, a little later
                log.error("telegram: getUpdates answered without update ids")
                await asyncio.sleep(self.retry.max_delay)
                continue
            self._unacked = [update["update_id"] for update in updates]
            handled = [f for u in updates if (f := self.accept(u)) is not None]
            if handled:
                # asyncio.wait, not gather: cancelling the poller (stop) must not cancel turns.
                await asyncio.wait(handled)
            self._next_offset = self._unacked[-1] + 1
            self._unacked = []

    async def _acknowledge_handled(self, drained: bool) -> None:
        """At stop, confirm what was handled, so that a restart does not handle it twice."""
        offset = self._next_offset
        if self._unacked and drained:
            offset = self._unacked[-1] + 1  # the batch in hand was handled in full
        if self.webhook_url or offset is None:
            return
        with contextlib.suppress(TelegramError):
            await self._post("getUpdates", {"offset": offset, "timeout": 0, "limit": 1,
                                            "allowed_updates": ALLOWED_UPDATES})

    # -- receiving: webhook --------------------------------------------------------------

    async def _start_webhook(self) -> None:
        from tornado.httpserver import HTTPServer
        from tornado.netutil import bind_sockets
        from tornado.web import Application, RequestHandler

        channel = self
        path = urlsplit(self.webhook_url).path or "/"

        class WebhookHandler(RequestHandler):
            async def post(self) -> None:
                given = self.request.headers.get(SECRET_HEADER, "")
                if not hmac.compare_digest(given.encode(), channel.webhook_secret.encode()):
                    log.warning("telegram: webhook request with a wrong secret rejected")
                    self.set_status(403)
                    return
                try:
                    update = json.loads(self.request.body)
                except ValueError:
                    update = None
                if not isinstance(update, dict):
                    self.set_status(400)
                    return
                handled = channel.accept(update)
                if handled is not None:
                    # Answer (acknowledge) only once the engine has handled the update.
                    await asyncio.wait([handled])
                self.set_status(200)

            def log_exception(self, *args) -> None:  # pragma: no cover - tornado internals
                log.error("telegram: webhook handler error")

        sockets = bind_sockets(self.port, address=self.host)
        self.webhook_port = sockets[0].getsockname()[1]
        self._server = HTTPServer(Application([(re.escape(path), WebhookHandler)]))
        self._server.add_sockets(sockets)
        await self._call("setWebhook", lambda: self.bot.set_webhook(
            self.webhook_url, secret_token=self.webhook_secret,
            allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False))
        log.info("telegram: webhook listening on %s:%s%s", self.host, self.webhook_port, path)

    # -- from an update to a turn --------------------------------------------------------

    def accept(self, update: Update) -> asyncio.Future | None:
        """Queue an update in its chat's lane; the future is done once the engine handled it.

        Synchronous on purpose: updates are queued in the order they are accepted.
        Returns None for updates that are ignored. Never raises on odd updates.
        """
        try:
            turn = self._reader.read(update)
        except Exception:  # not what the Bot API describes; its content is not logged
            log.exception("telegram: could not read an update; ignored")
            return None
        if turn is None:
            return None
        if turn.query_id is not None:
            query_id = turn.query_id
            self._outbox.fire(("answer", query_id), lambda: self._answer_query(query_id))
        if turn.chat_id is None:
            return None
        if turn.incoming is not None and turn.incoming.payload == FORGED:
            log.info("telegram: callback data of an unknown shape")
        return self._inbox.submit(turn.chat_id, lambda: self._run_turn(turn))

    async def _run_turn(self, turn: Turn) -> None:
        """Engine lane of a chat: handle the update, then queue the replies (in order)."""
        replies: list[Outgoing] = []
        if turn.incoming is not None:
            replies = await self.dispatcher.handle(turn.incoming)
        if turn.notice is not None:
            replies = [Outgoing(turn.notice), *replies]
        self._outbox.fire(turn.chat_id, lambda: self._send_turn(turn, replies))

    # -- sending -------------------------------------------------------------------------

    async def _call(self, what: str, request: Callable[[], Awaitable[Any]], *,
                    retry: bool = True) -> Any:
        """One Bot API call, retried on network errors, 5xx and 429 (unless ``retry`` is off).

        Raises a :class:`DeliveryError` subclass once it gives up.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                async with self._in_flight:
                    return await request()
            except TelegramError as exc:
                error = delivery_error(exc)
                if not retry or attempt >= self.retry.attempts:
                    raise error from exc
                if isinstance(error, RateLimited):
                    if error.retry_after > self.retry.max_retry_after:
                        raise error from exc
                    delay = error.retry_after
                elif isinstance(error, TransientError):
                    delay = min(self.retry.max_delay, self.retry.base_delay * 2 ** (attempt - 1))
                    delay *= random.uniform(0.8, 1.2)
                else:
                    raise error from exc
                log.warning("telegram: %s failed (%s); retry %d in %.2f s", what,
                            type(exc).__name__, attempt, delay)
                await asyncio.sleep(delay)

    async def _post(self, method: str, params: Mapping[str, Any],
                    files: dict[str, tuple] | None = None, **timeouts: float) -> Any:
        """One Bot API call; its result as JSON (a dict, a list...), not PTB objects.

        The same request, answer checks and exceptions as ``bot.send_message`` & co.
        (PTB's ``BaseRequest.post``), without the objects that PTB's ``Bot`` builds for
        the parameters and the result: about a third of the CPU time of a call.
        """
        request = self._updates if method == "getUpdates" else self._api
        log.debug("telegram: calling %s", method)  # never the parameters: they are personal
        return await request.post(f"{self.bot.base_url}/{method}", ApiParams(params, files),
                                  **timeouts)

    async def _answer_query(self, query_id: str) -> None:
        try:
            await self._call("answerCallbackQuery", lambda: self._post(
                "answerCallbackQuery", {"callback_query_id": query_id}))
        except DeliveryError as exc:  # too old (> 15 s), or the network: harmless
            log.info("telegram: answerCallbackQuery failed: %s", exc)

    async def _send_turn(self, turn: Turn, replies: list[Outgoing]) -> None:
        """Send lane of a chat: mark the pressed button, then send the replies in order."""
        chat_id = turn.chat_id
        try:
            if turn.press is not None:
                await self._mark_pressed(chat_id, turn.press)
            for reply in merge_turn(replies):  # one message per turn where possible
                await self.send(chat_id, reply)
        except RecipientGone as exc:
            log.info("telegram: a chat is gone (%s); replies dropped", exc)
        except DeliveryError as exc:
            log.warning("telegram: replies not delivered: %s", exc)

    async def _mark_pressed(self, chat_id: int, press: Press) -> None:
        """Show the chosen option on the question and remove its keyboard."""
        live = self._open_keyboard.get(chat_id)
        if live == press.message_id:
            del self._open_keyboard[chat_id]
        current = live is None or live == press.message_id
        text = escape(press.text)
        try:
            if press.label is not None and current and press.text and \
                    utf16_length(text) + utf16_length(chosen_suffix(press.label)) \
                    <= MAX_MESSAGE_LENGTH:
                await self._call("editMessageText", lambda: self._post("editMessageText", {
                    "chat_id": chat_id, "message_id": press.message_id,
                    "text": text + chosen_suffix(press.label), "parse_mode": ParseMode.HTML,
                    "link_preview_options": NO_PREVIEW}))
            else:
                await self._remove_keyboard(chat_id, press.message_id)
        except DeliveryError as exc:
            if isinstance(exc, RecipientGone):
                raise
            log.info("telegram: could not mark the pressed button: %s", exc)

    async def _remove_keyboard(self, chat_id: int, message_id: int) -> None:
        try:
            await self._call("editMessageReplyMarkup", lambda: self._post(
                "editMessageReplyMarkup", {"chat_id": chat_id, "message_id": message_id}))
        except DeliveryError as exc:
            if isinstance(exc, RecipientGone):
                raise
            log.info("telegram: could not remove an old keyboard: %s", exc)

    async def send(self, chat_id: int, message: Outgoing, *, retry: bool = True) -> None:
        """Render one Outgoing: text parts (keyboard on the last), then its document.

        A document whose text fits a caption is sent as one message (text as caption).
        Must run in the chat's send lane (it updates the chat's live keyboard).
        """
        markup = keyboard_data(message.choices)  # a dict, the JSON sent (cached)
        text = message.text.strip()
        document = message.document
        if document is not None and fits_caption(message):
            await self._send_document(chat_id, document, text, retry)
            return
        if not text and markup is not None:
            text = "…"
        parts = split_text(text, MAX_MESSAGE_LENGTH,
                           MAX_MESSAGE_LENGTH - suffix_room(message.choices))
        old = self._open_keyboard.pop(chat_id, None) if markup is not None else None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            sent = await self._call("sendMessage", lambda p=part, k=(markup if last else None):
                                    self._post("sendMessage", {
                                        "chat_id": chat_id, "text": escape(p),
                                        "parse_mode": ParseMode.HTML, "reply_markup": k,
                                        "link_preview_options": NO_PREVIEW}),
                                    retry=retry)
            if last and markup is not None:
                self._open_keyboard[chat_id] = sent["message_id"]
        if old is not None and self.remove_old_keyboards:
            # After the new question, so that the user does not wait for it: one live
            # keyboard per chat, old ones cannot be pressed.
            await self._remove_keyboard(chat_id, old)
        if document is not None:
            await self._send_document(chat_id, document, "", retry)

    async def _send_document(self, chat_id: int, document: Document, caption: str,
                             retry: bool) -> None:
        filename = document.filename.replace("\\", "/").rsplit("/", 1)[-1] or "document"
        upload = {"document": InputFile(document.data, filename=filename).field_tuple}
        await self._call("sendDocument", lambda: self._post("sendDocument", {
            "chat_id": chat_id, "caption": escape(caption) if caption else None,
            "parse_mode": ParseMode.HTML if caption else None}, upload, write_timeout=60),
            retry=retry)

    # -- pushed messages -----------------------------------------------------------------

    async def deliver(self, user_id: str, message: Outgoing) -> None:
        """Send one message outside a turn, in the chat's order, without retrying.

        Raises RateLimited, TransientError or RecipientGone so that the caller paces,
        retries or gives up; a message that Telegram refuses for another reason raises
        :class:`DeliveryError` (a bug: a malformed message).
        """
        try:
            chat_id = int(user_id)
        except ValueError:
            raise RecipientGone(f"not a Telegram chat id: {user_id!r}") from None
        await self._outbox.submit(chat_id, lambda: self.send(chat_id, message, retry=False))


def from_env(env: Mapping[str, str], dispatcher: Dispatcher) -> TelegramChannel | None:
    """The Telegram channel configured by ``env``, or None when TELEGRAM_BOT_TOKEN is unset."""
    token = (env.get("TELEGRAM_BOT_TOKEN") or "").strip()
    if not token:
        return None
    install_token_redaction(token)
    return TelegramChannel(
        token, dispatcher,
        api_base_url=env.get("TELEGRAM_API_BASE_URL") or DEFAULT_API_BASE_URL,
        webhook_url=env.get("TELEGRAM_WEBHOOK_URL") or None,
        webhook_secret=env.get("TELEGRAM_WEBHOOK_SECRET") or None,
        host=env.get("ESSBOT_HTTP_HOST") or "127.0.0.1",
        port=int(env.get("ESSBOT_HTTP_PORT") or 8080),
        remove_old_keyboards=(env.get("TELEGRAM_REMOVE_OLD_KEYBOARDS") or "").strip().lower()
        in ("1", "true", "yes", "on", "oui"),
    )


__all__ = ["CHANNEL", "CHOSEN_MARK", "RetryPolicy", "TelegramChannel", "delivery_error",
           "from_env"]
