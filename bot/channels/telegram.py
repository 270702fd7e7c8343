"""The Telegram channel: long polling (default) or a webhook, inline keyboards, HTML.

It knows Telegram, not ESS: updates become :class:`~bot.engine.Incoming`, replies
are rendered as HTML messages with inline keyboards. Only the python-telegram-bot
``Bot`` client is used (not its ``Application``), so that the channel controls the
three things that matter here:

- **order**: updates are put, in arrival order, into one FIFO per chat, drained by
  one task per chat; chats proceed concurrently, the messages of one chat never
  overtake each other (neither in the engine nor on the way out);
- **acknowledgement**: an update is confirmed to Telegram only once the engine has
  handled it (its new state, the record of its ``update_id`` and its replies are
  committed to SQLite together): the next ``getUpdates`` offset moves past a batch only
  when the whole batch is handled, and a webhook request is answered only then. An
  update that Telegram sends again after a crash is not handled twice; the replies a
  crash left unsent are sent when the channel starts again, before new updates;
- **isolation**: replies go through one send queue per chat, which retries with
  backoff on network errors and 5xx and sleeps on a 429 ``retry_after``: one rate-limited
  chat waits, the others do not.

Only python-telegram-bot's public API is used: the ``Bot`` methods, on PTB's own HTTP
transport (``HTTPXRequest``); updates are fetched with ``Bot.do_api_request`` and read
as JSON (``telegram_updates``), so that an update that does not follow the Bot API is
skipped without its content being logged. The replies of one turn are merged into as
few messages as fit (``merge_turn``). Every call is retried by the one policy of the
channels (:mod:`bot.channels.retry`). See docs/telegram.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import json
import logging
import re
import secrets
import time
import warnings
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable, Mapping
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot as PTBBot
from telegram import (
    BotCommand,
    BotCommandScopeDefault,
    InputFile,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.request import HTTPXRequest

from bot.channels.base import DeliveryError, RateLimited, RecipientGone, TransientError
from bot.channels.links import linked_html, links_of_parts
from bot.channels.pending import deliver_pending
from bot.channels.retry import NO_RETRY, RetryPolicy
from bot.channels.telegram_format import (
    CHOSEN_MARK,
    MAX_MESSAGE_LENGTH,
    REDACTOR,
    chosen_suffix,
    escape,
    fits_caption,
    install_token_redaction,
    keyboard_markup,
    merge_turn,
    split_text,
    suffix_room,
    utf16_length,
)
from bot.channels.telegram_updates import CHANNEL, FORGED, Press, Reader, Turn, Update
from bot.engine.dispatch import Dispatcher
from bot.engine.messages import Document, Outgoing
from bot.engine.outbox import Handled

log = logging.getLogger(__name__)

# PTB 22 itself reads RetryAfter.retry_after while building the exception, which warns that
# the attribute becomes a timedelta; retry_after_seconds() accepts both.
warnings.filterwarnings("ignore", message=r".*`retry_after` will be of type",
                        category=DeprecationWarning)

DEFAULT_API_BASE_URL = "https://api.telegram.org"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
MAX_WEBHOOK_BODY = 1 << 20  # bytes: a Bot API update is a few kilobytes
SMALL_REFUSED_BODY = 64 << 10  # a refused request up to this size is read (and dropped)
AUTH_GRACE = 300.0  # seconds of refused tokens before polling gives up (the process exits)
MAX_LIVE_KEYBOARDS = 10_000  # chats whose last keyboard is remembered (most recent ones)
ALLOWED_UPDATES = ["message", "edited_message", "channel_post", "edited_channel_post",
                   "callback_query"]
GONE_MARKERS = ("chat not found", "user is deactivated", "bot was kicked", "bot was blocked",
                "not enough rights to send", "have no rights to send", "chat_write_forbidden",
                "peer_id_invalid")
def retry_after_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that retry_after becomes a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def delivery_error(exc: TelegramError) -> DeliveryError:
    """Map a python-telegram-bot error to the channel protocol's exceptions.

    The message is redacted: an error may quote the URL, which holds the token.
    """
    text = REDACTOR.redact(str(exc))
    if isinstance(exc, RetryAfter):
        return RateLimited(retry_after_seconds(exc))
    if isinstance(exc, Forbidden | ChatMigrated):
        return RecipientGone(text)
    if isinstance(exc, BadRequest):  # a NetworkError subclass: test it first
        message = text.lower()
        if any(marker in message for marker in GONE_MARKERS):
            return RecipientGone(text)
        return DeliveryError(text)
    if isinstance(exc, NetworkError | Conflict):  # TimedOut, connection errors, 5xx
        return TransientError(text)
    return DeliveryError(text)


class PollingFailed(Exception):
    """Polling cannot go on (the token is refused for good): the process must exit."""


class LiveKeyboards:
    """The message that carries each chat's live keyboard, for the most recent chats.

    Bounded: a long run with many chats keeps only the last ``limit``; a chat forgotten
    here only loses the « ✔ choice » edit of an old question, nothing else.
    """

    def __init__(self, limit: int = MAX_LIVE_KEYBOARDS):
        self.limit = limit
        self._messages: OrderedDict[int, int] = OrderedDict()

    def get(self, chat_id: int) -> int | None:
        return self._messages.get(chat_id)

    def pop(self, chat_id: int) -> int | None:
        return self._messages.pop(chat_id, None)

    def set(self, chat_id: int, message_id: int) -> None:
        self._messages[chat_id] = message_id
        self._messages.move_to_end(chat_id)
        while len(self._messages) > self.limit:
            self._messages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._messages)


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
            if pending and deadline is not None and loop.time() >= deadline:
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
                 remove_old_keyboards: bool = False, auth_grace: float = AUTH_GRACE):
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
        self.request_timeout = request_timeout
        self.auth_grace = auth_grace
        self.failure: BaseException | None = None  # why polling stopped for good, if it did
        # PTB's own transport and Bot: one connection pool for the replies, one for
        # getUpdates (whose long poll holds its connection).
        self.bot = PTBBot(token, base_url=f"{self.api_base_url}/bot",
                          base_file_url=f"{self.api_base_url}/file/bot",
                          request=HTTPXRequest(
                              connection_pool_size=max_in_flight,
                              read_timeout=request_timeout, write_timeout=request_timeout,
                              connect_timeout=request_timeout, pool_timeout=request_timeout),
                          get_updates_request=HTTPXRequest(
                              connection_pool_size=2, read_timeout=request_timeout,
                              connect_timeout=request_timeout))
        self._reader: Reader | None = None  # once getMe told who the bot is
        # Requests in flight at once, all chats together (one connection each): a chat has
        # at most one (its sends are serial, to keep their order). Against the loopback
        # server 4 is clearly slower, 8 to 32 alike; 16 leaves room for network latency.
        self._in_flight = asyncio.Semaphore(max_in_flight)
        self._max_in_flight = max_in_flight
        self._inbox = SerialLanes("telegram-in")  # engine turns, per chat
        self._outbox = SerialLanes("telegram-out")  # sends, per chat
        self._live_keyboards = LiveKeyboards()  # chat -> message id of its live keyboard
        self._poller: asyncio.Task | None = None
        self._server: Any = None  # tornado's HTTPServer in webhook mode
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
        # What a crash left unsent goes first, before any new update is taken.
        try:
            await deliver_pending(self.dispatcher, self.name, self._send_pending,
                                  concurrency=self._max_in_flight)
        except Exception:  # they stay in the outbox for the next start
            log.exception("telegram: error while sending the replies left by the last run")
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
            log.warning("telegram: stopping with replies not yet sent (they are sent at the "
                        "next start)")
            await self._outbox.cancel()
        await self.dispatcher.flush()
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
                    # The menu is a comfort: one try each, the start is not held up for it.
                    await self._call("setMyCommands", functools.partial(
                        self.bot.set_my_commands, commands, scope=BotCommandScopeDefault(),
                        language_code=code), retry=False)
                except DeliveryError as exc:
                    log.warning("telegram: could not register the commands (%s): %s",
                                code or "default", exc)

    # -- receiving: long polling ---------------------------------------------------------

    async def _poll(self) -> None:
        """Fetch updates; confirm a batch (next offset) only once the engine handled it.

        Never goes deaf: every failure is retried with backoff (a lone 401, 404 or 409
        from a proxy glitch included). Only a token refused for ``auth_grace`` seconds in
        a row stops polling, and tells the runner, so that the process exits and its
        supervisor or operator sees it.
        """
        failures = 0
        refused_since: float | None = None
        while self._running:
            try:
                updates = await self._get_updates()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # never let the poller die on an error
                failures += 1
                error = delivery_error(exc) if isinstance(exc, TelegramError) else exc
                # 401 or 404: the token is refused (do_api_request calls a 404 an unknown
                # endpoint, but getUpdates exists).
                if isinstance(exc, InvalidToken | EndPointNotFound):
                    refused_since = refused_since or time.monotonic()
                    if time.monotonic() - refused_since >= self.auth_grace:
                        self._fail(PollingFailed(
                            "the bot token is refused by Telegram (revoked or mistyped): "
                            "set a valid TELEGRAM_BOT_TOKEN"))
                        return
                elif isinstance(exc, Conflict):
                    log.error("telegram: another process polls updates with this token "
                              "(409 Conflict): stop it, or give each a bot of its own; "
                              "retrying")
                delay = self.retry.delay(error, min(failures, 10))
                log.warning("telegram: getUpdates failed (%s); retrying in %.1f s",
                            type(exc).__name__, delay)
                await asyncio.sleep(delay)
                continue
            failures, refused_since = 0, None
            if not updates:
                continue
            try:
                await self._handle_batch(updates)
            except asyncio.CancelledError:
                raise
            except Exception:  # a bug: the batch is confirmed, the loop goes on
                log.exception("telegram: a batch of updates failed")

    async def _get_updates(self) -> list[Any]:
        result = await self.bot.do_api_request(
            "getUpdates", api_kwargs={"offset": self._next_offset,
                                      "timeout": int(self.poll_timeout), "limit": 100,
                                      "allowed_updates": ALLOWED_UPDATES},
            read_timeout=self.request_timeout + int(self.poll_timeout))
        if not isinstance(result, list):
            log.error("telegram: getUpdates answered something else than a list")
            return []
        return result

    async def _handle_batch(self, updates: list[Any]) -> None:
        valid = [u for u in updates if isinstance(u, dict) and type(u.get("update_id")) is int]
        if not valid:  # not what the Bot API describes: ask again, a little later
            log.error("telegram: getUpdates answered without update ids")
            await asyncio.sleep(self.retry.max_delay)
            return
        self._unacked = [update["update_id"] for update in valid]
        handled = [f for u in valid if (f := self.accept(u)) is not None]
        if handled:
            # asyncio.wait, not gather: cancelling the poller (stop) must not cancel turns.
            await asyncio.wait(handled)
        self._next_offset = max(self._unacked) + 1
        self._unacked = []

    def _fail(self, error: BaseException) -> None:
        log.error("telegram: %s", error)
        self.failure = error
        self.dispatcher.report_fatal(error)

    async def _acknowledge_handled(self, drained: bool) -> None:
        """At stop, confirm what was handled, so that a restart does not handle it twice."""
        offset = self._next_offset
        if self._unacked and drained:
            offset = max(self._unacked) + 1  # the batch in hand was handled in full
        if self.webhook_url or offset is None:
            return
        with contextlib.suppress(TelegramError):
            await self.bot.do_api_request("getUpdates", api_kwargs={
                "offset": offset, "timeout": 0, "limit": 1, "allowed_updates": ALLOWED_UPDATES})

    # -- receiving: webhook --------------------------------------------------------------

    async def _start_webhook(self) -> None:
        from tornado.http1connection import HTTP1Connection
        from tornado.httpserver import HTTPServer
        from tornado.netutil import bind_sockets
        from tornado.web import Application, RequestHandler, stream_request_body

        channel = self
        path = urlsplit(self.webhook_url or "").path or "/"
        secret = (self.webhook_secret or "").encode()

        @stream_request_body
        class WebhookHandler(RequestHandler):
            """The secret and the size are checked on the headers, before the body is read.

            An unauthenticated request is never buffered: a small one is read and dropped
            (so that the client gets its 403), a large one is cut off at once.
            """

            def prepare(self) -> None:
                self._chunks: list[bytes] = []
                self._size = 0
                self._refused: int | None = None
                if self.request.method != "POST":
                    return  # tornado answers 405
                length = self.request.headers.get("Content-Length")
                declared = int(length) if length is not None and length.isdigit() else None
                given = self.request.headers.get(SECRET_HEADER, "").encode()
                if not hmac.compare_digest(given, secret):
                    log.warning("telegram: webhook request with a wrong secret rejected")
                    self._refused = 403
                elif declared is None or declared > MAX_WEBHOOK_BODY:
                    self._refused = 413
                if self._refused is not None and (declared is None
                                                  or declared > SMALL_REFUSED_BODY):
                    self.set_status(self._refused)
                    self.finish()
                    return
                connection = self.request.connection
                if isinstance(connection, HTTP1Connection):
                    connection.set_max_body_size(MAX_WEBHOOK_BODY)

            def data_received(self, chunk: bytes) -> None:
                self._size += len(chunk)
                if self._refused is None and self._size <= MAX_WEBHOOK_BODY:
                    self._chunks.append(chunk)

            async def post(self) -> None:
                if self._refused is not None or self._size > MAX_WEBHOOK_BODY:
                    self.set_status(self._refused or 413)
                    return
                try:
                    update = json.loads(b"".join(self._chunks))
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

            def log_exception(self, *args: Any) -> None:  # pragma: no cover - tornado
                log.error("telegram: webhook handler error")

        sockets = bind_sockets(self.port, address=self.host)
        self.webhook_port = sockets[0].getsockname()[1]
        self._server = HTTPServer(Application([(re.escape(path), WebhookHandler)]))
        self._server.add_sockets(sockets)
        await self._call("setWebhook", lambda: self.bot.set_webhook(
            self.webhook_url or "", secret_token=self.webhook_secret,
            allowed_updates=ALLOWED_UPDATES, drop_pending_updates=False))
        log.info("telegram: webhook listening on %s:%s%s", self.host, self.webhook_port, path)

    # -- from an update to a turn --------------------------------------------------------

    def accept(self, update: Update) -> asyncio.Future | None:
        """Queue an update in its chat's lane; the future is done once the engine handled it.

        Synchronous on purpose: updates are queued in the order they are accepted.
        Returns None for updates that are ignored. Never raises on odd updates.
        """
        try:
            turn = self._reader.read(update) if self._reader is not None else None
        except Exception as exc:  # not what the Bot API describes; its content is not logged
            log.error("telegram: an update that does not follow the Bot API was ignored "
                      "(%s)", type(exc).__name__)
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
        handled = Handled()
        if turn.incoming is not None:
            handled = await self.dispatcher.handle_event(turn.incoming)
        replies = handled.replies
        if turn.notice is not None and not handled.duplicate:
            replies = [Outgoing(turn.notice), *replies]
        self._outbox.fire(turn.chat_id, lambda: self._send_turn(turn, replies,
                                                                handled.receipt))

    # -- sending -------------------------------------------------------------------------

    async def _call(self, what: str, request: Callable[[], Awaitable[Any]], *,
                    retry: bool = True) -> Any:
        """One Bot API call, retried on network errors, 5xx and 429 (unless ``retry`` is off).

        Raises a :class:`DeliveryError` subclass once it gives up.
        """

        async def once() -> Any:
            log.debug("telegram: calling %s", what)  # never the parameters: they are personal
            try:
                async with self._in_flight:
                    return await request()
            except TelegramError as exc:
                raise delivery_error(exc) from None  # PTB's error may quote the URL

        policy = self.retry if retry else NO_RETRY
        return await policy.run(f"telegram: {what}", once, log)

    async def _answer_query(self, query_id: str) -> None:
        try:
            await self._call("answerCallbackQuery",
                             lambda: self.bot.answer_callback_query(query_id))
        except DeliveryError as exc:  # too old (> 15 s), or the network: harmless
            log.info("telegram: answerCallbackQuery failed: %s", exc)

    async def _send_turn(self, turn: Turn, replies: list[Outgoing],
                         receipt: int | None) -> None:
        """Send lane of a chat: mark the pressed button, then send the replies in order;
        then tell the engine they are delivered (not if the lane is cancelled: they are
        sent at the next start)."""
        chat_id = turn.chat_id
        try:
            if chat_id is not None:  # accept() queues the turns of a chat only
                if turn.press is not None:
                    await self._mark_pressed(chat_id, turn.press)
                for reply in merge_turn(replies):  # one message per turn where possible
                    await self.send(chat_id, reply)
        except RecipientGone as exc:
            log.info("telegram: a chat is gone (%s); replies dropped", exc)
        except DeliveryError as exc:
            log.warning("telegram: replies not delivered: %s", exc)
        if receipt is not None:
            await self.dispatcher.delivered(receipt)

    async def _send_pending(self, address: str, replies: list[Outgoing], token: str) -> None:
        """Replies a crash left unsent, in the chat's send lane, retried as any reply."""
        try:
            chat_id = int(address)
        except ValueError:
            raise RecipientGone("not a Telegram chat id") from None

        async def send_all() -> None:
            for reply in merge_turn(replies):
                await self.send(chat_id, reply)

        await self._outbox.submit(chat_id, send_all)

    async def _mark_pressed(self, chat_id: int, press: Press) -> None:
        """Show the chosen option on the question and remove its keyboard."""
        live = self._live_keyboards.get(chat_id)
        if live == press.message_id:
            self._live_keyboards.pop(chat_id)
        current = live is None or live == press.message_id
        text = escape(press.text)
        try:
            if press.label is not None and current and press.text and \
                    utf16_length(text) + utf16_length(chosen_suffix(press.label)) \
                    <= MAX_MESSAGE_LENGTH:
                label = press.label
                await self._call("editMessageText", lambda: self.bot.edit_message_text(
                    text + chosen_suffix(label), chat_id=chat_id,
                    message_id=press.message_id, parse_mode=ParseMode.HTML,
                    link_preview_options=NO_PREVIEW))
            else:
                await self._remove_keyboard(chat_id, press.message_id)
        except DeliveryError as exc:
            if isinstance(exc, RecipientGone):
                raise
            log.info("telegram: could not mark the pressed button: %s", exc)

    async def _remove_keyboard(self, chat_id: int, message_id: int) -> None:
        try:
            await self._call("editMessageReplyMarkup", lambda: self.bot.edit_message_reply_markup(
                chat_id=chat_id, message_id=message_id))
        except DeliveryError as exc:
            if isinstance(exc, RecipientGone):
                raise
            log.info("telegram: could not remove an old keyboard: %s", exc)

    async def send(self, chat_id: int, message: Outgoing, *, retry: bool = True) -> None:
        """Render one Outgoing: text parts (keyboard on the last), then its document.

        A document whose text fits a caption is sent as one message (text as caption).
        Must run in the chat's send lane (it updates the chat's live keyboard).
        """
        markup = keyboard_markup(message.choices)  # cached per question
        text = message.text.strip()
        document = message.document
        if document is not None and fits_caption(message):
            await self._send_document(chat_id, document, text, retry)
            return
        if not text and markup is not None:
            text = "…"
        parts = split_text(text, MAX_MESSAGE_LENGTH,
                           MAX_MESSAGE_LENGTH - suffix_room(message.choices))
        links = links_of_parts(text, parts, message.links)
        old = self._live_keyboards.pop(chat_id) if markup is not None else None
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            body = linked_html(part, links[index], escape)
            sent = await self._call("sendMessage", functools.partial(
                                        self.bot.send_message, chat_id, body,
                                        parse_mode=ParseMode.HTML,
                                        reply_markup=markup if last else None,
                                        link_preview_options=NO_PREVIEW),
                                    retry=retry)
            if last and markup is not None:
                self._live_keyboards.set(chat_id, sent.message_id)
        if old is not None and self.remove_old_keyboards:
            # After the new question, so that the user does not wait for it: one live
            # keyboard per chat, old ones cannot be pressed.
            await self._remove_keyboard(chat_id, old)
        if document is not None:
            await self._send_document(chat_id, document, "", retry)

    async def _send_document(self, chat_id: int, document: Document, caption: str,
                             retry: bool) -> None:
        filename = document.filename.replace("\\", "/").rsplit("/", 1)[-1] or "document"
        await self._call("sendDocument", lambda: self.bot.send_document(
            chat_id, InputFile(document.data, filename=filename),
            caption=escape(caption) if caption else None,
            parse_mode=ParseMode.HTML if caption else None, write_timeout=60),
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
