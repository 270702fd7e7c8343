"""A fake Telegram Bot API server for end-to-end tests and the benchmark (aiohttp, loopback).

It speaks enough of the Bot API for python-telegram-bot: getMe, getUpdates (long
polling, offset semantics), sendMessage, editMessageText, editMessageReplyMarkup,
answerCallbackQuery, sendDocument (multipart), setMyCommands/getMyCommands,
setWebhook/deleteWebhook/getWebhookInfo. Like Telegram, it parses the HTML of
``parse_mode=HTML`` strictly and refuses texts longer than 4,096 characters.

Tests inject updates (``text``, ``press``, ``content``...), read what a user would see
(``messages(chat_id)``, with edits applied), wait for conditions (``wait_messages``),
and inject faults (429 with ``retry_after``, 5xx, delays) on chosen methods and chats.

Standalone (for the benchmark, in its own process)::

    python tests/telegram_api.py --port 0    # prints "port <n>" once listening

with control endpoints ``POST /_ctl/updates`` (a JSON list of updates), ``POST
/_ctl/reset`` and ``GET /_ctl/stats``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456789:AAH-fake-token_for-tests-0123456789"
BOT_ID = 123456789
BOT_USERNAME = "essbot_test_bot"
MAX_TEXT = 4096
MAX_CAPTION = 1024
JSON_FIELDS = {"chat_id", "message_id", "reply_markup", "commands", "scope", "offset", "limit",
               "timeout", "allowed_updates", "link_preview_options", "show_alert", "cache_time",
               "drop_pending_updates", "max_connections", "reply_parameters",
               "disable_notification", "protect_content", "disable_web_page_preview"}
ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                "span", "tg-spoiler", "blockquote", "tg-emoji"}
_TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class HTMLError(ValueError):
    pass


_TOKEN = re.compile(r"(<[^<>]*>|&[^&;<>\s]*;)")


def parse_html(text: str) -> str:
    """The plain text Telegram shows for ``text`` in HTML mode; HTMLError if it refuses it."""
    if not any(c in text for c in "<>&"):
        return text
    plain: list[str] = []
    stack: list[str] = []
    for index, token in enumerate(_TOKEN.split(text)):
        if index % 2 == 0:  # text between tags and entities
            if any(c in token for c in "<>&"):
                raise HTMLError("unescaped <, > or &")
            plain.append(token)
        elif token.startswith("&"):
            if not _ENTITY.fullmatch(token):
                raise HTMLError(f"unsupported entity {token!r}")
            plain.append(html.unescape(token))
        else:
            match = _TAG.fullmatch(token)
            if not match or match.group(2) not in ALLOWED_TAGS:
                raise HTMLError(f"unsupported tag {token!r}")
            if match.group(1):
                if not stack or stack.pop() != match.group(2):
                    raise HTMLError(f"unmatched end tag {token!r}")
            else:
                stack.append(match.group(2))
    if stack:
        raise HTMLError(f"unclosed tag {stack[-1]!r}")
    return "".join(plain)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    method: str
    params: dict
    at: float


@dataclass
class Fault:
    method: str
    chat_id: int | None
    times: int
    retry_after: int | None = None
    status: int | None = None
    delay: float | None = None


@dataclass
class ApiError(Exception):
    code: int
    description: str
    parameters: dict | None = None


@dataclass
class Sent:
    """A message of the bot as the user sees it (edits applied)."""

    chat_id: int
    message_id: int
    text: str  # plain text, as shown
    html: str  # what the bot sent
    reply_markup: dict | None = None
    document: dict | None = None
    edits: int = 0

    @property
    def buttons(self) -> list[dict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    @property
    def labels(self) -> list[str]:
        return [button["text"] for button in self.buttons]


@dataclass
class FakeBotAPI:
    token: str = TOKEN
    bot_id: int = BOT_ID
    username: str = BOT_USERNAME
    calls: list[Call] = field(default_factory=list)
    offsets: list[int | None] = field(default_factory=list)  # offset of each getUpdates
    commands: dict = field(default_factory=dict)  # (scope type, language_code) -> commands
    webhook: dict | None = None
    blocked: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._updates: list[dict] = []  # not yet confirmed
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._chats: dict[int, dict] = {}
        self._sent: dict[int, list[Sent]] = {}
        self._faults: list[Fault] = []
        self._tick = asyncio.Event()
        self._closing = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.first_served: float | None = None  # when getUpdates first returned updates
        self.last_reply: float | None = None  # when the last message was sent

    # -- server --------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_post("/_ctl/updates", self._ctl_updates)
        app.router.add_post("/_ctl/reset", self._ctl_reset)
        app.router.add_get("/_ctl/stats", self._ctl_stats)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # port 0: the one the OS chose
        self.port = bound
        self.base_url = f"http://{host}:{bound}"
        return self.base_url

    async def close(self) -> None:
        self._closing.set()
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()

    def _notify(self) -> None:
        self._tick.set()
        self._tick = asyncio.Event()

    # -- injecting updates ---------------------------------------------------------------

    def user(self, user_id: int, language_code: str | None = "fr", first_name: str = "Agent"
             ) -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code is not None:
            user["language_code"] = language_code
        return user

    def chat(self, chat_id: int, chat_type: str = "private") -> dict:
        chat = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = "Agent"
        else:
            chat["title"] = "Groupe ESS"
        self._chats[chat_id] = chat
        return chat

    def make_message(self, chat_id: int, *, user_id: int | None = None,
                     chat_type: str | None = None, language_code: str | None = "fr",
                     **content: Any) -> dict:
        if chat_type is None:
            chat_type = "private" if chat_id > 0 else "supergroup"
        sender = self.user(user_id if user_id is not None else abs(chat_id), language_code)
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": self.chat(chat_id, chat_type), "from": sender, **content}

    def make_text(self, chat_id: int, text: str, *, reply_to: Sent | None = None,
                  **kwargs: Any) -> dict:
        content: dict[str, Any] = {"text": text}
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0,
                             "length": utf16_length(text.split()[0])})
        for match in re.finditer(r"@\w+", text):
            entities.append({"type": "mention", "offset": utf16_length(text[:match.start()]),
                             "length": utf16_length(match.group(0))})
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            content["reply_to_message"] = self._message_json(reply_to)
        return {"update_id": 0, "message": self.make_message(chat_id, **kwargs, **content)}

    def make_press(self, chat_id: int, message: Sent, data: str, *, user_id: int | None = None,
                   language_code: str | None = "fr") -> dict:
        return {"update_id": 0, "callback_query": {
            "id": str(next(self._message_ids)),
            "from": self.user(user_id if user_id is not None else abs(chat_id), language_code),
            "message": self._message_json(message), "chat_instance": str(chat_id),
            "data": data}}

    def make_content(self, chat_id: int, kind: str, **kwargs: Any) -> dict:
        """A non-text update: photo, sticker, voice, location, document, edited, channel_post."""
        if kind == "edited":
            message = self.make_message(chat_id, text="modifié", **kwargs)
            message["edit_date"] = message["date"]
            return {"update_id": 0, "edited_message": message}
        if kind == "channel_post":
            return {"update_id": 0, "channel_post": {
                "message_id": next(self._message_ids), "date": int(time.time()),
                "chat": self.chat(chat_id, "channel"), "text": "Annonce"}}
        file = {"file_id": "f1", "file_unique_id": "u1"}
        content = {
            "photo": {"photo": [{**file, "width": 10, "height": 10}]},
            "sticker": {"sticker": {**file, "type": "regular", "width": 512, "height": 512,
                                    "is_animated": False, "is_video": False}},
            "voice": {"voice": {**file, "duration": 2}},
            "location": {"location": {"latitude": 48.11, "longitude": -1.68}},
            "document": {"document": {**file, "file_name": "budget.pdf"}},
        }[kind]
        return {"update_id": 0, "message": self.make_message(chat_id, **kwargs, **content)}

    def push(self, update: dict, update_id: int | None = None) -> int:
        """Queue an update for getUpdates; returns its update_id.

        ``update_id``: send again an update already sent (as Telegram does with an update
        that was not confirmed).
        """
        update = {**update, "update_id": update_id or next(self._update_ids)}
        self._updates.append(update)
        self._notify()
        return update["update_id"]

    def text(self, chat_id: int, text: str, **kwargs: Any) -> int:
        return self.push(self.make_text(chat_id, text, **kwargs))

    def press(self, chat_id: int, message: Sent, data: str, **kwargs: Any) -> int:
        return self.push(self.make_press(chat_id, message, data, **kwargs))

    def content(self, chat_id: int, kind: str, **kwargs: Any) -> int:
        return self.push(self.make_content(chat_id, kind, **kwargs))

    @property
    def pending_updates(self) -> list[int]:
        """Ids of the updates not yet confirmed by the bot."""
        return [u["update_id"] for u in self._updates]

    # -- faults --------------------------------------------------------------------------

    def fail(self, method: str, *, chat_id: int | None = None, times: int = 1,
             retry_after: int | None = None, status: int | None = None,
             delay: float | None = None) -> None:
        """The next ``times`` calls of ``method`` (to ``chat_id``) fail as asked.

        ``retry_after``: 429 with that retry_after; ``status``: that HTTP error (5xx);
        ``delay``: the call hangs that long and then fails, as a request lost in transit.
        """
        self._faults.append(Fault(method, chat_id, times, retry_after, status, delay))

    def _fault_for(self, method: str, params: dict) -> Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.times > 0 and \
                    (fault.chat_id is None or fault.chat_id == params.get("chat_id")):
                fault.times -= 1
                return fault
        return None

    # -- what the bot did ----------------------------------------------------------------

    def calls_of(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and
                (chat_id is None or c.params.get("chat_id") == chat_id)]

    def messages(self, chat_id: int) -> list[Sent]:
        return list(self._sent.get(chat_id, []))

    @property
    def message_count(self) -> int:
        """Messages sent by the bot so far, all chats together."""
        return sum(len(sent) for sent in self._sent.values())

    def texts(self, chat_id: int) -> list[str]:
        return [m.text for m in self.messages(chat_id)]

    def last_with_buttons(self, chat_id: int) -> Sent:
        for message in reversed(self.messages(chat_id)):
            if message.buttons:
                return message
        raise AssertionError(f"no message with buttons in chat {chat_id}")

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0,
                       what: str = "a condition") -> Any:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"timed out waiting for {what}")
            tick = self._tick
            # Woken by any API call; also re-checked often, for conditions on the bot.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(tick.wait(), min(remaining, 0.02))

    async def wait_messages(self, chat_id: int, count: int, timeout: float = 5.0) -> list[Sent]:
        """Wait until chat ``chat_id`` has received at least ``count`` messages in all."""
        await self.wait_for(lambda: len(self._sent.get(chat_id, [])) >= count, timeout,
                            f"{count} messages in chat {chat_id} "
                            f"(got {len(self._sent.get(chat_id, []))})")
        return self.messages(chat_id)

    async def wait_calls(self, method: str, count: int, chat_id: int | None = None,
                         timeout: float = 5.0) -> list[Call]:
        await self.wait_for(lambda: len(self.calls_of(method, chat_id)) >= count, timeout,
                            f"{count} {method} calls")
        return self.calls_of(method, chat_id)

    # -- the Bot API ---------------------------------------------------------------------

    async def _params(self, request: web.Request) -> dict:
        if request.content_type == "application/json":
            return await request.json()
        params: dict[str, Any] = {}
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                params[key] = {"filename": value.filename, "content_type": value.content_type,
                               "data": value.file.read()}
            elif key in JSON_FIELDS:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
            else:
                params[key] = value
        for key, value in list(params.items()):  # attach://name refers to another part
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.pop(value[len("attach://"):], value)
        return params

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        params = await self._params(request)
        fault = self._fault_for(method, params)
        if fault is not None:
            if fault.delay is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._closing.wait(), fault.delay)
                return self._error(ApiError(500, "Internal Server Error"))
            if fault.retry_after is not None:
                return self._error(ApiError(429, f"Too Many Requests: retry after "
                                                 f"{fault.retry_after}",
                                            {"retry_after": fault.retry_after}))
            return self._error(ApiError(fault.status or 500, "Internal Server Error"
                                        if (fault.status or 500) != 502 else "Bad Gateway"))
        handler = getattr(self, f"api_{method}", None)
        if handler is None:
            return self._error(ApiError(404, "Not Found"))
        try:
            result = await handler(params)
        except ApiError as exc:
            return self._error(exc)
        if method != "getUpdates":
            self.calls.append(Call(method, params, time.monotonic()))
            self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error(exc: ApiError) -> web.Response:
        body: dict[str, Any] = {"ok": False, "error_code": exc.code,
                                "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.json_response(body, status=exc.code)

    def _bot_user(self) -> dict:
        return {"id": self.bot_id, "is_bot": True, "first_name": "essbot",
                "username": self.username, "can_join_groups": True,
                "can_read_all_group_messages": False, "supports_inline_queries": False}

    def _message_json(self, sent: Sent) -> dict:
        message: dict[str, Any] = {"message_id": sent.message_id, "date": int(time.time()),
                                   "chat": self._chats[sent.chat_id], "from": self._bot_user()}
        if sent.document is not None:
            message["document"] = {"file_id": "doc", "file_unique_id": "doc",
                                   "file_name": sent.document["filename"]}
            if sent.text:
                message["caption"] = sent.text
        else:
            message["text"] = sent.text
        if sent.reply_markup:
            message["reply_markup"] = sent.reply_markup
        return message

    def _chat_for(self, params: dict) -> int:
        chat_id = params.get("chat_id")
        if chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _rendered(self, params: dict, key: str = "text") -> tuple[str, str]:
        raw = params.get(key, "")
        if params.get("parse_mode") == "HTML":
            try:
                plain = parse_html(raw)
            except HTMLError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        else:
            plain = raw
        if key == "text" and not plain.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if key == "caption" and utf16_length(plain) > MAX_CAPTION:
            raise ApiError(400, "Bad Request: message caption is too long")
        if utf16_length(plain) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        return raw, plain

    def _find(self, params: dict) -> Sent:
        chat_id = self._chat_for(params)
        for sent in self._sent.get(chat_id, []):
            if sent.message_id == params.get("message_id"):
                return sent
        raise ApiError(400, "Bad Request: message to edit not found")

    def _record_sent(self, sent: Sent) -> Sent:
        self._sent.setdefault(sent.chat_id, []).append(sent)
        self.last_reply = time.monotonic()
        return sent

    async def api_getMe(self, params: dict) -> dict:
        return self._bot_user()

    async def api_getUpdates(self, params: dict) -> list[dict]:
        if self.webhook is not None:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = params.get("offset")
        self.offsets.append(offset)
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        limit = int(params.get("limit") or 100)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._updates and not self._closing.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            tick = self._tick
            try:
                await asyncio.wait_for(tick.wait(), remaining)
            except TimeoutError:
                break
        batch = self._updates[:limit]
        if batch and self.first_served is None:
            self.first_served = time.monotonic()
        return batch

    async def api_sendMessage(self, params: dict) -> dict:
        chat_id = self._chat_for(params)
        raw, plain = self._rendered(params)
        sent = self._record_sent(Sent(chat_id, next(self._message_ids), plain, raw,
                                      params.get("reply_markup")))
        return self._message_json(sent)

    async def api_sendDocument(self, params: dict) -> dict:
        chat_id = self._chat_for(params)
        document = params.get("document")
        if not isinstance(document, dict):
            raise ApiError(400, "Bad Request: there is no document in the request")
        raw, plain = self._rendered(params, "caption")
        sent = self._record_sent(Sent(chat_id, next(self._message_ids), plain, raw,
                                      params.get("reply_markup"), document))
        return self._message_json(sent)

    async def api_editMessageText(self, params: dict) -> dict:
        sent = self._find(params)
        raw, plain = self._rendered(params)
        markup = params.get("reply_markup")
        if plain == sent.text and markup == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.text, sent.html, sent.reply_markup = plain, raw, markup
        sent.edits += 1
        return self._message_json(sent)

    async def api_editMessageReplyMarkup(self, params: dict) -> dict:
        sent = self._find(params)
        markup = params.get("reply_markup") or None
        if markup == sent.reply_markup:
            raise ApiError(400, "Bad Request: message is not modified")
        sent.reply_markup = markup
        sent.edits += 1
        return self._message_json(sent)

    async def api_answerCallbackQuery(self, params: dict) -> bool:
        return True

    async def api_setMyCommands(self, params: dict) -> bool:
        scope = (params.get("scope") or {"type": "default"})["type"]
        self.commands[(scope, params.get("language_code") or None)] = params.get("commands")
        return True

    async def api_getMyCommands(self, params: dict) -> list:
        scope = (params.get("scope") or {"type": "default"})["type"]
        return self.commands.get((scope, params.get("language_code") or None), [])

    async def api_deleteWebhook(self, params: dict) -> bool:
        self.webhook = None
        return True

    async def api_setWebhook(self, params: dict) -> bool:
        self.webhook = params
        return True

    async def api_getWebhookInfo(self, params: dict) -> dict:
        return {"url": (self.webhook or {}).get("url", ""), "has_custom_certificate": False,
                "pending_update_count": len(self._updates)}

    async def api_close(self, params: dict) -> bool:
        return True

    # -- control endpoints (benchmark) ---------------------------------------------------

    async def _ctl_updates(self, request: web.Request) -> web.Response:
        specs = await request.json()
        for spec in specs:  # {"chat_id": .., "text": ..} or a ready update
            if "text" in spec and "update_id" not in spec:
                self._updates.append({**self.make_text(spec["chat_id"], spec["text"]),
                                      "update_id": next(self._update_ids)})
            else:
                self._updates.append({**spec, "update_id": next(self._update_ids)})
        self._notify()
        return web.json_response({"ok": True, "pending": len(self._updates)})

    async def _ctl_reset(self, request: web.Request) -> web.Response:
        self._updates.clear()
        self._sent.clear()
        self.calls.clear()
        self.offsets.clear()
        self.first_served = self.last_reply = None
        return web.json_response({"ok": True})

    async def _ctl_stats(self, request: web.Request) -> web.Response:
        counts: dict[str, int] = {}
        for call in self.calls:
            counts[call.method] = counts.get(call.method, 0) + 1
        return web.json_response({
            "counts": counts, "pending": len(self._updates),
            "messages": sum(len(v) for v in self._sent.values()),
            "first_served": self.first_served, "last_reply": self.last_reply})


async def _serve(host: str, port: int) -> None:
    api = FakeBotAPI()
    await api.start(host, port)
    print(f"port {api.port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await api.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    arguments = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(arguments.host, arguments.port))
