"""A chat's message in, the reply out, without holding up the other chats."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from bot.actions.chat import LONG_TEXT, respond, run_understanding
from bot.replies.reply import Reply
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.port import Store
from bot.understanding.engine import Conversation, Engine
from bot.understanding.intents import Intent


@pytest.mark.parametrize(
    ("length", "off_the_loop"), [(1, False), (LONG_TEXT, False), (LONG_TEXT + 1, True)]
)
async def test_only_long_text_is_understood_in_a_worker_thread(
    length: int, off_the_loop: bool
) -> None:
    loop_thread = threading.get_ident()
    ran_in = await run_understanding("x" * length, threading.get_ident)
    assert (ran_in != loop_thread) is off_the_loop


async def allowed() -> bool:
    return True


async def test_a_long_message_being_understood_does_not_stop_other_chats(
    engine: Engine, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    answer = engine.answer

    def slow_answer(text: str, conversation: Conversation | None = None) -> Reply:
        time.sleep(0.3)  # as long as a pathological message could ever take, and more
        return answer(text, conversation)

    monkeypatch.setattr(engine, "answer", slow_answer)
    runtime = Runtime(Settings(), engine, store)
    ticks = 0

    async def other_chats() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    others = asyncio.create_task(other_chats())
    try:
        question = "who trains Suffolk?" + " please" * 80
        reply = await respond(runtime, 1, question, Conversation(), allowed)
    finally:
        others.cancel()
    assert reply.intent is Intent.TRAINERS
    assert ticks >= 10
