"""A long command argument is understood in a worker thread, so that it never holds up the
other chats; a short one on the event loop (bot.actions.chat.LONG_TEXT). Through the real
handlers and application, with the Bot API answered in process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from telegram import Update

from bot.actions.chat import LONG_TEXT
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.app import build_application
from handlers.context import SosbotApplication
from tests.bot_api_in_process import CHAT, RecordingRequest

T = TypeVar("T")
LONG_NAME = "suffolk " * (LONG_TEXT // len("suffolk ") + 1)


@pytest.fixture
async def running(path: Path) -> AsyncIterator[tuple[SosbotApplication, RecordingRequest]]:
    runtime = await Runtime.open(Settings(database=path, telegram_token="1:token"))
    request = RecordingRequest()
    application = build_application(runtime, request)
    await application.initialize()
    yield application, request
    await application.shutdown()
    await runtime.close()


def _command(application: SosbotApplication, text: str) -> Update:
    command = text.split()[0]
    data = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": CHAT,
            "from": {"id": CHAT["id"], "is_bot": False, "first_name": "Sam"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        },
    }
    return Update.de_json(data, application.bot)


@pytest.mark.parametrize("command", ["/council", "/events", "/start", "/subscribe"])
@pytest.mark.parametrize(
    ("argument", "hops"), [(LONG_NAME, 1), ("suffolk", 0)], ids=["long", "short"]
)
async def test_a_long_command_argument_is_understood_in_a_worker_thread(
    command: str,
    argument: str,
    hops: int,
    running: tuple[SosbotApplication, RecordingRequest],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    application, request = running
    to_thread = asyncio.to_thread
    threaded: list[str] = []

    async def recording(work: Callable[..., T], /, *args: Any) -> T:
        threaded.append(command)
        return await to_thread(work, *args)

    monkeypatch.setattr("bot.actions.chat.asyncio.to_thread", recording)
    await application.process_update(_command(application, f"{command} {argument}"))
    assert len(threaded) == hops
    [reply] = request.texts("sendMessage")
    assert "Suffolk" in reply
