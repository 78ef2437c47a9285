"""A small fake Telegram Bot API server for end-to-end tests.

The server listens on 127.0.0.1 only, on a free port, and speaks enough of the Bot API for the
real python-telegram-bot ``Application`` to run against it::

    async with running_fake_bot_api() as fake:
        app = ApplicationBuilder().token("123:ABC").base_url(fake.base_url).build()
        ...
        fake.push_message(42, "/start")
        [call] = await fake.wait_for("sendMessage")

Requests are accepted as ``{base_url}{token}/{method}`` with a JSON, url-encoded or multipart
body (python-telegram-bot sends url-encoded forms whose values are JSON encoded, except plain
strings, and multipart forms when files are uploaded).  Every request is recorded in
:attr:`FakeBotApi.calls`.  Updates are injected with the ``push_*`` methods and delivered through
real long polling on ``getUpdates``.  Faults (429 flood control, 403 blocked chats, arbitrary
one-shot errors) can be injected for the reminder tests.

Webhook mode: after ``setWebhook`` the updates pushed are POSTed to the webhook (or to the
instance URLs given to :meth:`FakeBotApi.deliver_webhook_to`, round-robin) with the secret
header, one in flight per chat and per user, re-sent until a 2xx (tests/fake_webhook.py);
``getUpdates`` answers 409 meanwhile, as Telegram does. ``deleteWebhook`` goes back to polling.

Deliberate simplifications: ``parse_mode`` is not interpreted (text is echoed verbatim, without
entities), only inline keyboards are echoed back as ``reply_markup`` (as Telegram does), and any
method not implemented here answers ``{"ok": true, "result": true}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Self

from aiohttp import web
from aiohttp.web_request import FileField

from tests.fake_webhook import Webhook, WebhookDelivery, WebhookPost

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_USERNAME",
    "DEFAULT_GROUP_USER_ID",
    "ApiCall",
    "FakeBotApi",
    "UploadedFile",
    "running_fake_bot_api",
]

JSONDict = dict[str, Any]
ChatId = int | str

BOT_ID: Final = 1000
BOT_USERNAME: Final = "sosbot_test_bot"
BOT_FIRST_NAME: Final = "SoS Bot"
#: Sender used by :meth:`FakeBotApi.push_message` in non-private chats when no ``user_id`` is given.
DEFAULT_GROUP_USER_ID: Final = 2000

_HOST: Final = "127.0.0.1"
_MAX_BODY_BYTES: Final = 60 * 1024 * 1024

#: Methods whose accepted calls end up in :meth:`FakeBotApi.sent_messages` and which are subject
#: to :meth:`FakeBotApi.rate_limit`.
_SEND_METHODS: Final = frozenset({"sendMessage", "sendDocument"})
#: Method name prefixes that :meth:`FakeBotApi.block_chat` rejects for a blocked chat.
_BLOCKABLE_PREFIXES: Final = ("send", "edit", "forward", "copy", "pin")
#: Update types Telegram does not deliver unless explicitly listed in ``allowed_updates``.
_OPT_IN_UPDATE_TYPES: Final = frozenset(
    {"chat_member", "message_reaction", "message_reaction_count"}
)
#: Form fields that are plain strings; PTB does not JSON-encode strings, so "42" stays "42".
_STRING_PARAMS: Final = frozenset(
    {
        "action",
        "address",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "data",
        "description",
        "document",
        "emoji",
        "file_id",
        "first_name",
        "inline_message_id",
        "inline_query_id",
        "ip_address",
        "language_code",
        "last_name",
        "message_effect_id",
        "name",
        "next_offset",
        "parse_mode",
        "phone_number",
        "photo",
        "query",
        "question",
        "secret_token",
        "short_description",
        "sticker",
        "switch_pm_parameter",
        "switch_pm_text",
        "text",
        "title",
        "url",
        "vcard",
    }
)
_COMMAND_RE: Final = re.compile(r"^/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?(?![A-Za-z0-9_@])")
_MENTION_RE: Final = re.compile(
    rf"(?<![A-Za-z0-9_/@])@{BOT_USERNAME}(?![A-Za-z0-9_])", re.IGNORECASE
)
_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)


@dataclass(frozen=True)
class UploadedFile:
    """A file received in a multipart request."""

    field: str
    filename: str | None
    mime_type: str | None
    data: bytes
    file_id: str = ""


@dataclass
class ApiCall:
    """One request received by the fake server.

    ``params`` holds JSON-decoded values; for multipart requests it holds the form fields plus a
    ``"files"`` entry mapping part names to :class:`UploadedFile`.  ``ok`` is ``False`` for
    requests that were answered with an error (then ``error_code``/``description`` are set).
    ``result`` is what was answered on success (for ``getUpdates`` it is filled in when the long
    poll returns).
    """

    method: str
    params: JSONDict
    time: float
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    result: Any = None
    #: The token in the request's URL: which of several bot processes made the call.
    token: str = ""

    @property
    def rejected(self) -> bool:
        return not self.ok

    @property
    def chat_id(self) -> ChatId | None:
        value = self.params.get("chat_id")
        return None if value is None else _normalise_chat_id(value)

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.params.items() if k != "files"}
        if "files" in self.params:
            shown["files"] = {
                name: f"<{f.filename!s} {f.mime_type!s} {len(f.data)} bytes>"
                for name, f in self.params["files"].items()
            }
        status = "ok" if self.ok else f"{self.error_code} {self.description}"
        return f"ApiCall({self.method} {shown!r} -> {status})"


class _ApiError(Exception):
    def __init__(self, error_code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after


@dataclass
class _Fault:
    error_code: int
    description: str
    retry_after: int | None = None


@dataclass
class _RateLimit:
    max_per_second: int | None
    per_chat_per_second: int | None


def _normalise_chat_id(value: Any) -> ChatId:
    if isinstance(value, bool):
        raise TypeError(f"invalid chat_id {value!r}")
    if isinstance(value, int):
        return value
    text = str(value)
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    return text


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_form_value(name: str, value: str) -> Any:
    if name in _STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _update_type(update: Mapping[str, Any]) -> str | None:
    return next((key for key in update if key != "update_id"), None)


def _as_float(value: Any, default: float) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


class FakeBotApi:
    """Loopback-only fake of the Telegram Bot API (see module docstring)."""

    bot_user: Final[JSONDict] = {
        "id": BOT_ID,
        "is_bot": True,
        "first_name": BOT_FIRST_NAME,
        "username": BOT_USERNAME,
    }

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._update_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._inline_ids = itertools.count(1)
        self._file_ids = itertools.count(1)
        self._pending: list[JSONDict] = []
        self._allowed_updates: frozenset[str] | None = None
        self._chats: dict[ChatId, JSONDict] = {}
        self._users: dict[int, JSONDict] = {}
        self._next_message_id: dict[ChatId, int] = {}
        self._messages: dict[tuple[ChatId, int], JSONDict] = {}
        self._sent: list[tuple[ChatId, JSONDict]] = []
        self._files: dict[str, UploadedFile] = {}
        self._file_paths: dict[str, str] = {}
        self._commands: dict[str, list[JSONDict]] = {}
        self._faults: dict[str, deque[_Fault]] = {}
        self._blocked: set[ChatId] = set()
        self._token_rejected = False
        self._administrators: dict[ChatId, set[int]] = {}
        self._creators: dict[ChatId, int] = {}
        self._rate_limit = _RateLimit(None, None)
        self._rate_limit_retry_after: int | None = None
        self._accepted_sends: deque[float] = deque()
        self._accepted_sends_per_chat: dict[ChatId, deque[float]] = {}
        self._hold_after: int | None = None
        self._released = asyncio.Event()
        self._held = 0
        self.webhook: Webhook | None = None
        self._webhook_targets: list[str] = []
        self._delivery: WebhookDelivery | None = None
        self._webhook_posts: list[WebhookPost] = []
        self._handlers: dict[str, Callable[[JSONDict], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._true,
            "answerInlineQuery": self._true,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
            "sendChatAction": self._true,
            "getChatMember": self._get_chat_member,
            "close": self._true,
            "logOut": self._true,
        }
        self._canonical = {name.lower(): name for name in self._handlers}

    # ------------------------------------------------------------------ lifecycle

    async def start(self) -> None:
        """Bind 127.0.0.1 on a free port and start serving."""
        if self._runner is not None:
            raise RuntimeError("FakeBotApi is already running")
        self._closing = False
        self._changed = asyncio.Event()
        app = web.Application(client_max_size=_MAX_BODY_BYTES)
        app.router.add_route("*", "/bot{token:[^/]+}/{method:[^/]+}", self._handle)
        app.router.add_get("/file/bot{token:[^/]+}/{path:.+}", self._handle_file_download)
        # handler_cancellation: an abandoned long poll (PTB cancels it on shutdown) ends at once.
        runner = web.AppRunner(
            app, handle_signals=False, handler_cancellation=True, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, _HOST, 0)
        await site.start()
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Wake pending long polls and shut the server down."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        self._closing = True
        self._released.set()
        self._notify()
        await self._stop_delivery()
        await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("FakeBotApi is not running; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder().base_url()`` / ``Bot(base_url=...)``."""
        return f"http://{_HOST}:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Value for ``ApplicationBuilder().base_file_url()`` / ``Bot(base_file_url=...)``."""
        return f"http://{_HOST}:{self.port}/file/bot"

    # ------------------------------------------------------------------ inspection

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[ApiCall]:
        """All recorded calls of ``method`` (``ok=True``/``False`` filters by outcome)."""
        name = self._canonical_name(method)
        return [c for c in self.calls if c.method == name and (ok is None or c.ok is ok)]

    def sent_messages(self, chat_id: ChatId | None = None) -> list[JSONDict]:
        """Message objects of accepted ``sendMessage``/``sendDocument`` calls, in order.

        These are snapshots of what was answered to the bot; later edits are visible via
        :meth:`message`.
        """
        wanted = None if chat_id is None else _normalise_chat_id(chat_id)
        return [copy.deepcopy(m) for c, m in self._sent if wanted is None or c == wanted]

    def sent_texts(self, chat_id: ChatId | None = None) -> list[str]:
        """``text`` (or document ``caption``) of :meth:`sent_messages`."""
        return [str(m.get("text", m.get("caption", ""))) for m in self.sent_messages(chat_id)]

    def uploaded_files(self, chat_id: ChatId | None = None) -> list[UploadedFile]:
        """Files uploaded with accepted ``sendDocument`` calls, in order."""
        wanted = None if chat_id is None else _normalise_chat_id(chat_id)
        files = []
        for c, m in self._sent:
            file_id = m.get("document", {}).get("file_id")
            if file_id in self._files and (wanted is None or c == wanted):
                files.append(self._files[file_id])
        return files

    def message(self, chat_id: ChatId, message_id: int) -> JSONDict | None:
        """Current state of a stored message (bot-sent or pushed), edits applied."""
        stored = self._messages.get((_normalise_chat_id(chat_id), message_id))
        return copy.deepcopy(stored) if stored is not None else None

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates not yet confirmed through a ``getUpdates`` offset."""
        return copy.deepcopy(self._pending)

    def commands(
        self, scope: Mapping[str, Any] | None = None, language_code: str = ""
    ) -> list[JSONDict]:
        """Commands currently registered with ``setMyCommands`` for the scope/language."""
        return copy.deepcopy(self._commands.get(self._commands_key(scope, language_code), []))

    async def wait_for(
        self,
        method: str,
        predicate: Callable[[ApiCall], bool] | None = None,
        count: int = 1,
        timeout: float = 5.0,
        *,
        ok: bool | None = None,
    ) -> list[ApiCall]:
        """Wait until at least ``count`` calls of ``method`` match; return all matching calls.

        ``ok=True`` counts only accepted calls, ``ok=False`` only rejected ones, ``None`` both.
        Raises :class:`AssertionError` listing the calls seen if the timeout expires.
        """
        name = self._canonical_name(method)

        def matching() -> list[ApiCall]:
            return [
                c
                for c in self.calls
                if c.method == name
                and (ok is None or c.ok is ok)
                and (predicate is None or predicate(c))
            ]

        found = await self._wait_until(lambda: len(matching()) >= count, timeout)
        if not found:
            got = matching()
            seen = "\n".join(f"  {c!r}" for c in self.calls[-50:]) or "  (none)"
            raise AssertionError(
                f"timed out after {timeout}s waiting for {count} matching {name} call(s); "
                f"got {len(got)}. Calls seen (last 50 of {len(self.calls)}):\n{seen}"
            )
        return matching()

    # ------------------------------------------------------------------ update injection

    def push_update(self, raw: Mapping[str, Any], *, deliver: bool = True) -> JSONDict:
        """Queue an arbitrary update; ``update_id`` is (re)assigned. Returns the update.
        ``deliver=False``: only made (with its id), for a test to post it itself."""
        update = copy.deepcopy(dict(raw))
        update.pop("update_id", None)
        update = {"update_id": next(self._update_ids), **update}
        if deliver:
            self._pending.append(update)
            self._notify()
            if self._delivery is not None:
                self._delivery.wake()
        return update

    # ------------------------------------------------------------------ webhook mode

    def deliver_webhook_to(self, urls: Iterable[str]) -> None:
        """POST the webhook's updates to these URLs, round-robin, instead of the webhook's own
        (as a load balancer in front of several instances would)."""
        self._webhook_targets = list(urls)
        if self._delivery is not None:
            self._delivery.targets = self._webhook_targets

    @property
    def webhook_posts(self) -> list[WebhookPost]:
        """Every attempt to deliver an update to the webhook, in order."""
        return list(self._webhook_posts)

    async def wait_delivered(self, timeout: float = 10.0) -> None:
        """Wait until the webhook has accepted every pending update."""
        if not await self._wait_until(lambda: not self._pending, timeout):
            raise AssertionError(f"{len(self._pending)} updates still pending after {timeout}s")

    def _webhook_accepted(self, update: JSONDict) -> None:
        self._pending = [u for u in self._pending if u["update_id"] != update["update_id"]]
        self._notify()

    async def _stop_delivery(self) -> None:
        delivery, self._delivery = self._delivery, None
        if delivery is not None:
            await delivery.stop()

    async def _set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url")
        secret = params.get("secret_token")
        if not isinstance(url, str) or not url:
            raise _ApiError(400, "Bad Request: bad webhook: an HTTPS URL must be provided")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _ApiError(400, "Bad Request: secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._stop_delivery()
        self.webhook = Webhook(
            url=url,
            secret_token=None if secret is None else str(secret),
            allowed_updates=frozenset(allowed) if isinstance(allowed, list) and allowed else None,
            max_connections=int(params.get("max_connections") or 40),
        )
        self._delivery = WebhookDelivery(
            self.webhook,
            pending=lambda: list(self._pending),
            accepted=self._webhook_accepted,
            targets=self._webhook_targets,
            posts=self._webhook_posts,
        )
        self._delivery.start()
        return True

    def push_message(
        self,
        chat_id: int,
        text: str,
        *,
        user_id: int | None = None,
        chat_type: str = "private",
        username: str | None = None,
        reply_to_bot_message_id: int | None = None,
        entities: list[JSONDict] | None = None,
        deliver: bool = True,
    ) -> JSONDict:
        """Queue a ``message`` update from a user.

        ``bot_command`` (leading ``/cmd`` or ``/cmd@bot``) and ``mention`` (``@sosbot_test_bot``)
        entities are added automatically unless ``entities`` is given, which then replaces them.
        In private chats the sender defaults to ``chat_id``; elsewhere to
        :data:`DEFAULT_GROUP_USER_ID`.
        """
        chat = self._chat(chat_id, chat_type)
        if user_id is None:
            user_id = chat_id if chat["type"] == "private" else DEFAULT_GROUP_USER_ID
        sender = self._user(user_id, username)  # may add the username to a private chat
        message: JSONDict = {
            "message_id": self._allocate_message_id(chat_id),
            "from": sender,
            "chat": dict(chat),
            "date": int(time.time()),
            "text": text,
        }
        found = self._detect_entities(text) if entities is None else entities
        if found:
            message["entities"] = copy.deepcopy(found)
        if reply_to_bot_message_id is not None:
            message["reply_to_message"] = self._bot_message_for(chat_id, reply_to_bot_message_id)
        self._store(message)
        return self.push_update({"message": message}, deliver=deliver)

    def set_user_language(self, user_id: int, language_code: str) -> None:
        """The language of a user's Telegram app: the ``language_code`` of their updates."""
        self._user(user_id, None)
        self._users[user_id]["language_code"] = language_code

    def push_callback_query(
        self, chat_id: int, message_id: int, data: str, *, user_id: int | None = None
    ) -> JSONDict:
        """Queue a ``callback_query`` update for a button on message ``message_id``.

        The message is the stored one if the bot sent it here, otherwise a placeholder bot
        message is created (and stored, so it can be edited).
        """
        message = self._bot_message_for(chat_id, message_id)
        if user_id is None:
            user_id = chat_id if message["chat"]["type"] == "private" else DEFAULT_GROUP_USER_ID
        query: JSONDict = {
            "id": str(next(self._callback_ids)),
            "from": self._user(user_id, None),
            "message": message,
            "chat_instance": f"ci{chat_id}",
            "data": data,
        }
        return self.push_update({"callback_query": query})

    def push_inline_query(
        self, user_id: int, query: str, *, offset: str = "", chat_type: str | None = None
    ) -> JSONDict:
        """Queue an ``inline_query`` update."""
        inline: JSONDict = {
            "id": str(next(self._inline_ids)),
            "from": self._user(user_id, None),
            "query": query,
            "offset": offset,
        }
        if chat_type is not None:
            inline["chat_type"] = chat_type
        return self.push_update({"inline_query": inline})

    # ------------------------------------------------------------------ fault injection

    def rate_limit(
        self,
        max_per_second: int | None,
        *,
        per_chat_per_second: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        """Answer ``sendMessage``/``sendDocument`` with 429 above these rates.

        A send is rejected when ``max_per_second`` sends (overall) or ``per_chat_per_second``
        sends to the same chat were accepted within the last second.  ``retry_after`` defaults
        to the seconds until the window frees up (at least 1).  ``None`` disables a limit.
        """
        self._rate_limit = _RateLimit(max_per_second, per_chat_per_second)
        self._rate_limit_retry_after = retry_after

    def block_chat(self, chat_id: ChatId) -> None:
        """Sends/edits to ``chat_id`` answer 403 "Forbidden: bot was blocked by the user"."""
        self._blocked.add(_normalise_chat_id(chat_id))

    def unblock_chat(self, chat_id: ChatId) -> None:
        self._blocked.discard(_normalise_chat_id(chat_id))

    def set_administrators(
        self, chat_id: ChatId, user_ids: Iterable[int] = (), *, creator: int | None = None
    ) -> None:
        """``getChatMember`` in ``chat_id`` answers "administrator" for ``user_ids``, "creator"
        for ``creator`` and "member" for anyone else (the default for every chat)."""
        key = _normalise_chat_id(chat_id)
        self._administrators[key] = set(user_ids)
        if creator is None:
            self._creators.pop(key, None)
        else:
            self._creators[key] = creator

    def reject_token(self) -> None:
        """Every call answers 401 "Unauthorized", as Telegram does for a revoked token."""
        self._token_rejected = True

    def fail_next(
        self, method: str, error_code: int, description: str, retry_after: int | None = None
    ) -> None:
        """The next call of ``method`` answers this error (queued; one fault per call)."""
        fault = _Fault(error_code, description, retry_after)
        self._faults.setdefault(self._canonical_name(method), deque()).append(fault)

    def hold_sends_after(self, accepted: int) -> None:
        """Once ``accepted`` sends have been accepted in all, further sends wait unanswered
        until :meth:`release_sends`. A client that dies meanwhile has sent nothing: a request
        whose connection drops is never recorded as accepted."""
        self._hold_after = accepted
        self._released.clear()

    def release_sends(self) -> None:
        self._hold_after = None
        self._released.set()

    async def wait_held(self, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until ``count`` sends wait unanswered (:meth:`hold_sends_after`)."""
        if not await self._wait_until(lambda: self._held >= count, timeout):
            raise AssertionError(f"timed out after {timeout}s waiting for {count} held send(s)")

    def clear_faults(self) -> None:
        """Remove rate limits, blocked chats, queued one-shot failures and a rejected token."""
        self._token_rejected = False
        self._faults.clear()
        self._blocked.clear()
        self._rate_limit = _RateLimit(None, None)
        self._rate_limit_retry_after = None

    # ------------------------------------------------------------------ HTTP plumbing

    async def _handle(self, request: web.Request) -> web.Response:
        method = self._canonical_name(request.match_info["method"])
        try:
            params = await self._read_params(request)
        except ValueError as exc:
            return self._error_response(_ApiError(400, f"Bad Request: {exc}"))
        if (
            method in _SEND_METHODS
            and self._hold_after is not None
            and len(self._sent) >= self._hold_after
        ):
            self._held += 1
            self._notify()
            try:
                await self._released.wait()
            finally:
                self._held -= 1
            if request.transport is None or request.transport.is_closing():
                # The client died while waiting: nothing was delivered.
                return web.Response(status=499)
        call = ApiCall(
            method=method, params=params, time=time.monotonic(), token=request.match_info["token"]
        )
        self.calls.append(call)
        self._notify()  # waiters only run once this handler awaits, i.e. after the outcome
        try:
            self._check_faults(method, params)
            handler = self._handlers.get(method, self._true)
            result = await handler(params)
        except _ApiError as err:
            call.ok = False
            call.error_code = err.error_code
            call.description = err.description
            self._notify()
            return self._error_response(err)
        call.result = result
        self._notify()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _error_response(err: _ApiError) -> web.Response:
        body: JSONDict = {"ok": False, "error_code": err.error_code, "description": err.description}
        if err.retry_after is not None:
            body["parameters"] = {"retry_after": err.retry_after}
        return web.json_response(body, status=err.error_code)

    async def _handle_file_download(self, request: web.Request) -> web.Response:
        file_id = self._file_paths.get(request.match_info["path"])
        if file_id is None:
            raise web.HTTPNotFound()
        uploaded = self._files[file_id]
        return web.Response(
            body=uploaded.data, content_type=uploaded.mime_type or "application/octet-stream"
        )

    async def _read_params(self, request: web.Request) -> JSONDict:
        params: JSONDict = {
            key: _decode_form_value(key, value) for key, value in request.query.items()
        }
        if request.method != "POST" or not request.can_read_body:
            return params
        if request.content_type == "application/json":
            body = await request.json()
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            params.update(body)
            return params
        files: dict[str, UploadedFile] = {}
        for key, value in (await request.post()).items():
            if isinstance(value, FileField):
                files[key] = UploadedFile(
                    field=key,
                    filename=value.filename,
                    mime_type=value.content_type,
                    data=value.file.read(),
                )
            elif isinstance(value, str):
                params[key] = _decode_form_value(key, value)
        if files:
            params["files"] = files
        return params

    def _canonical_name(self, method: str) -> str:
        return self._canonical.get(method.lower(), method)

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, condition: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            changed = self._changed
            if condition():
                return True
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    # ------------------------------------------------------------------ faults

    def _check_faults(self, method: str, params: JSONDict) -> None:
        if self._token_rejected:
            raise _ApiError(401, "Unauthorized")
        queued = self._faults.get(method)
        if queued:
            fault = queued.popleft()
            raise _ApiError(fault.error_code, fault.description, fault.retry_after)
        raw_chat_id = params.get("chat_id")
        chat_id = None if raw_chat_id is None else _normalise_chat_id(raw_chat_id)
        if chat_id in self._blocked and method.startswith(_BLOCKABLE_PREFIXES):
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if method in _SEND_METHODS and chat_id is not None:
            self._check_rate_limit(chat_id)

    def _check_rate_limit(self, chat_id: ChatId) -> None:
        now = time.monotonic()
        limits = (
            (self._rate_limit.max_per_second, self._accepted_sends),
            (
                self._rate_limit.per_chat_per_second,
                self._accepted_sends_per_chat.setdefault(chat_id, deque()),
            ),
        )
        for limit, window in limits:
            while window and window[0] <= now - 1.0:
                window.popleft()
            if limit is not None and len(window) >= limit:
                retry_after = self._rate_limit_retry_after
                if retry_after is None:
                    retry_after = max(1, math.ceil(window[0] + 1.0 - now))
                raise _ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)

    def _record_accepted_send(self, chat_id: ChatId, message: JSONDict) -> None:
        now = time.monotonic()
        self._accepted_sends.append(now)
        self._accepted_sends_per_chat.setdefault(chat_id, deque()).append(now)
        self._sent.append((chat_id, copy.deepcopy(message)))

    # ------------------------------------------------------------------ chats, users, messages

    def _chat(self, chat_id: ChatId, chat_type: str | None = None) -> JSONDict:
        """The chat as first seen; unseen chats get ``chat_type`` or a type guessed from id."""
        chat_id = _normalise_chat_id(chat_id)
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_type is None:
            if isinstance(chat_id, str):
                chat_type = "channel"
            elif chat_id > 0:
                chat_type = "private"
            else:
                chat_type = "supergroup" if str(chat_id).startswith("-100") else "group"
        chat: JSONDict = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User {chat_id}"
        else:
            chat["title"] = f"Chat {chat_id}"
        self._chats[chat_id] = chat
        return chat

    def _user(self, user_id: int, username: str | None) -> JSONDict:
        user = self._users.setdefault(
            user_id,
            {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
                "language_code": "en",
            },
        )
        if username is not None:
            user["username"] = username
            chat = self._chats.get(user_id)
            if chat is not None and chat["type"] == "private":
                chat["username"] = username
        return dict(user)

    def _allocate_message_id(self, chat_id: ChatId) -> int:
        key = _normalise_chat_id(chat_id)
        message_id = self._next_message_id.get(key, 1)
        self._next_message_id[key] = message_id + 1
        return message_id

    def _store(self, message: JSONDict) -> None:
        key = (_normalise_chat_id(message["chat"]["id"]), int(message["message_id"]))
        self._messages[key] = copy.deepcopy(message)
        self._next_message_id[key[0]] = max(self._next_message_id.get(key[0], 1), key[1] + 1)

    def _bot_message_for(self, chat_id: ChatId, message_id: int) -> JSONDict:
        key = (_normalise_chat_id(chat_id), message_id)
        if key not in self._messages:
            self._store(
                {
                    "message_id": message_id,
                    "from": dict(self.bot_user),
                    "chat": dict(self._chat(chat_id)),
                    "date": int(time.time()),
                    "text": "(placeholder message)",
                }
            )
        return copy.deepcopy(self._messages[key])

    def _new_bot_message(self, params: JSONDict) -> tuple[ChatId, JSONDict]:
        if params.get("chat_id") is None:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        chat_id = _normalise_chat_id(params["chat_id"])
        message: JSONDict = {
            "message_id": self._allocate_message_id(chat_id),
            "from": dict(self.bot_user),
            "chat": dict(self._chat(chat_id)),
            "date": int(time.time()),
        }
        if params.get("message_thread_id") is not None:
            message["message_thread_id"] = params["message_thread_id"]
        reply_to = params.get("reply_to_message_id")
        reply_parameters = params.get("reply_parameters")
        if isinstance(reply_parameters, dict):
            reply_to = reply_parameters.get("message_id", reply_to)
        if reply_to is not None:
            replied = self._messages.get((chat_id, int(reply_to)))
            if replied is not None:
                replied = copy.deepcopy(replied)
                replied.pop("reply_to_message", None)
                message["reply_to_message"] = replied
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            message["reply_markup"] = markup
        return chat_id, message

    @staticmethod
    def _detect_entities(text: str) -> list[JSONDict]:
        entities: list[JSONDict] = []
        command_end = 0
        command = _COMMAND_RE.match(text)
        if command:
            command_end = command.end()
            entities.append({"type": "bot_command", "offset": 0, "length": _utf16_len(command[0])})
        for mention in _MENTION_RE.finditer(text):
            if mention.start() < command_end:
                continue
            entities.append(
                {
                    "type": "mention",
                    "offset": _utf16_len(text[: mention.start()]),
                    "length": _utf16_len(mention[0]),
                }
            )
        return entities

    @staticmethod
    def _commands_key(scope: Mapping[str, Any] | None, language_code: str | None) -> str:
        scope = scope or {"type": "default"}
        return json.dumps([scope, language_code or ""], sort_keys=True)

    # ------------------------------------------------------------------ method handlers

    async def _true(self, params: JSONDict) -> bool:
        return True

    async def _get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook is not None:
            raise _ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset > 0:
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(_as_float(params.get("timeout"), 0.0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) or None

        def deliverable() -> list[JSONDict]:
            if self._allowed_updates is None:
                ready = [u for u in self._pending if _update_type(u) not in _OPT_IN_UPDATE_TYPES]
            else:
                ready = [u for u in self._pending if _update_type(u) in self._allowed_updates]
            return ready[:limit]

        await self._wait_until(lambda: bool(deliverable()), timeout)
        return copy.deepcopy(deliverable())

    async def _delete_webhook(self, params: JSONDict) -> bool:
        if params.get("drop_pending_updates"):
            self._pending.clear()
        await self._stop_delivery()
        self.webhook = None
        return True

    async def _get_webhook_info(self, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook.url if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self.webhook is not None:
            info["max_connections"] = self.webhook.max_connections
            if self.webhook.allowed_updates is not None:
                info["allowed_updates"] = sorted(self.webhook.allowed_updates)
        return info

    async def _send_message(self, params: JSONDict) -> JSONDict:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        chat_id, message = self._new_bot_message(params)
        message["text"] = text
        self._store(message)
        self._record_accepted_send(chat_id, message)
        return message

    async def _send_document(self, params: JSONDict) -> JSONDict:
        chat_id, message = self._new_bot_message(params)
        files: dict[str, UploadedFile] = params.get("files", {})
        ref = params.get("document")
        if isinstance(ref, str) and ref.startswith("attach://"):
            uploaded = files.get(ref.removeprefix("attach://"))
        else:
            uploaded = files.get("document")
        if uploaded is not None:
            file_id = f"doc{next(self._file_ids)}"
            uploaded = UploadedFile(
                uploaded.field, uploaded.filename, uploaded.mime_type, uploaded.data, file_id
            )
            self._files[file_id] = uploaded
            self._file_paths[f"documents/{file_id}_{uploaded.filename or 'file'}"] = file_id
        elif isinstance(ref, str) and ref in self._files:
            uploaded = self._files[ref]
        elif isinstance(ref, str) and ref:
            uploaded = UploadedFile("document", ref.rsplit("/", 1)[-1], None, b"", ref)
        else:
            raise _ApiError(400, "Bad Request: there is no document in the request")
        document: JSONDict = {
            "file_id": uploaded.file_id,
            "file_unique_id": f"u{uploaded.file_id}",
            "file_size": len(uploaded.data),
        }
        if uploaded.filename:
            document["file_name"] = uploaded.filename
        if uploaded.mime_type:
            document["mime_type"] = uploaded.mime_type
        message["document"] = document
        if params.get("caption"):
            message["caption"] = params["caption"]
        self._store(message)
        self._record_accepted_send(chat_id, message)
        return message

    async def _get_file(self, params: JSONDict) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        if file_id not in self._files:
            raise _ApiError(400, "Bad Request: invalid file_id")
        path = next(p for p, f in self._file_paths.items() if f == file_id)
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(self._files[file_id].data),
            "file_path": path,
        }

    def _message_to_edit(self, params: JSONDict) -> JSONDict | None:
        if params.get("inline_message_id"):
            return None
        if params.get("chat_id") is None or params.get("message_id") is None:
            raise _ApiError(400, "Bad Request: message identifier is not specified")
        key = (_normalise_chat_id(params["chat_id"]), int(params["message_id"]))
        message = self._messages.get(key)
        if message is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        if message.get("from", {}).get("id") != BOT_ID:
            raise _ApiError(400, "Bad Request: message can't be edited")
        return message

    @staticmethod
    def _apply_edit(message: JSONDict, params: JSONDict, text: str | None) -> JSONDict:
        markup = params.get("reply_markup")
        new_markup = markup if isinstance(markup, dict) and "inline_keyboard" in markup else None
        new_text = message.get("text") if text is None else text
        if new_text == message.get("text") and new_markup == message.get("reply_markup"):
            raise _ApiError(400, _NOT_MODIFIED)
        if text is not None:
            message["text"] = text
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    async def _edit_message_text(self, params: JSONDict) -> JSONDict | bool:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        message = self._message_to_edit(params)
        if message is None:
            return True
        if "text" not in message:
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        return self._apply_edit(message, params, text)

    async def _edit_message_reply_markup(self, params: JSONDict) -> JSONDict | bool:
        message = self._message_to_edit(params)
        if message is None:
            return True
        return self._apply_edit(message, params, None)

    async def _get_chat_member(self, params: JSONDict) -> JSONDict:
        if params.get("chat_id") is None or params.get("user_id") is None:
            raise _ApiError(400, "Bad Request: chat_id and user_id are required")
        chat_id = _normalise_chat_id(params["chat_id"])
        user_id = int(params["user_id"])
        user = self._user(user_id, None)
        if self._creators.get(chat_id) == user_id:
            return {"status": "creator", "user": user, "is_anonymous": False}
        if user_id in self._administrators.get(chat_id, ()):
            rights = (
                "can_manage_chat can_delete_messages can_manage_video_chats can_restrict_members "
                "can_change_info can_invite_users"
            )
            return {
                "status": "administrator",
                "user": user,
                "can_be_edited": False,
                "is_anonymous": False,
                "can_promote_members": False,
                "can_post_stories": False,
                "can_edit_stories": False,
                "can_delete_stories": False,
                **dict.fromkeys(rights.split(), True),
            }
        return {"status": "member", "user": user}

    async def _set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _ApiError(400, "Bad Request: commands must be an array")
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands[key] = copy.deepcopy(commands)
        return True

    async def _get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        return copy.deepcopy(self._commands.get(key, []))

    async def _delete_my_commands(self, params: JSONDict) -> bool:
        key = self._commands_key(params.get("scope"), params.get("language_code"))
        self._commands.pop(key, None)
        return True


@contextlib.asynccontextmanager
async def running_fake_bot_api() -> AsyncIterator[FakeBotApi]:
    """Start a :class:`FakeBotApi`, yield it, and stop it afterwards.

    Use it from a fixture::

        @pytest.fixture
        async def fake_api():
            async with running_fake_bot_api() as fake:
                yield fake
    """
    fake = FakeBotApi()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
