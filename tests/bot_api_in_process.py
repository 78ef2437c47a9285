"""A Bot API answered in process, for python-telegram-bot's Bot: every call is recorded and
answered at once, with no socket. Enough for the handlers' sending paths; the real process
against tests/fake_bot_api.py is for tests/e2e."""

from __future__ import annotations

import json
from typing import Any

from telegram import Bot, Message
from telegram.request import BaseRequest, RequestData

BOT_USER = {"id": 42, "is_bot": True, "first_name": "sosbot", "username": "sosbot"}
CHAT = {"id": 7, "type": "private", "first_name": "Sam"}


class RecordingRequest(BaseRequest):
    """Records (method, parameters) and answers like the Bot API: messages sent or edited come
    back as messages, getMe as the bot, anything else as True."""

    def __init__(self, *, fail_after: int | None = None) -> None:
        """`fail_after`: that many messages are sent, and every later one fails (a 500)."""
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._message_id = 100
        self._fail_after = fail_after

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        parameters = dict(request_data.parameters) if request_data is not None else {}
        self.calls.append((name, parameters))
        sent = len(self.texts("sendMessage"))
        if name == "sendMessage" and self._fail_after is not None and sent > self._fail_after:
            failure = {"ok": False, "error_code": 500, "description": "Internal Server Error"}
            return 500, json.dumps(failure).encode()
        result: object = True
        if name == "getMe":
            result = BOT_USER
        elif name in {"sendMessage", "editMessageText"}:
            self._message_id += 1
            result = {
                "message_id": self._message_id,
                "date": 0,
                "chat": {"id": parameters.get("chat_id", CHAT["id"]), "type": "private"},
                "from": BOT_USER,
                "text": parameters.get("text", ""),
            }
        return 200, json.dumps({"ok": True, "result": result}).encode()

    def texts(self, *methods: str) -> list[str]:
        """The text of each call to `methods`, in order."""
        return [str(params["text"]) for name, params in self.calls if name in methods]

    def markups(self, *methods: str) -> list[object]:
        """The reply_markup of each call to `methods` (None where there was none)."""
        return [params.get("reply_markup") for name, params in self.calls if name in methods]


def bot_message(bot: Bot, text: str = "earlier") -> Message:
    """A message of the bot's in the private chat, as a button is on."""
    data = {"message_id": 1, "date": 0, "chat": CHAT, "from": BOT_USER, "text": text}
    return Message.de_json(data, bot)
