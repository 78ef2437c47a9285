"""Handling updates of several chats at once (handlers/updates.py), in process: no network."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime

import pytest
from telegram import Chat, Message, Update

from bot.errors import StoreError
from handlers.updates import PerChatUpdateProcessor

SLOTS = 4
PROMPTLY = 1.0


def update_in(chat_id: int, update_id: int) -> Update:
    chat = Chat(chat_id, Chat.PRIVATE)
    return Update(update_id, message=Message(update_id, datetime.now(UTC), chat, text="hi"))


async def test_a_chat_waiting_on_its_first_update_does_not_hold_up_other_chats() -> None:
    processor = PerChatUpdateProcessor(SLOTS)
    handled: list[tuple[int, int]] = []
    first_may_finish = asyncio.Event()

    async def handle(chat_id: int, update_id: int, wait: asyncio.Event | None = None) -> None:
        if wait is not None:
            await wait.wait()  # as a reply waiting out a 429 does
        handled.append((chat_id, update_id))

    # As python-telegram-bot does: a task per update, in the order the updates came.
    tasks = [
        asyncio.create_task(
            processor.process_update(update_in(1, 1), handle(1, 1, first_may_finish))
        )
    ]
    tasks += [
        asyncio.create_task(processor.process_update(update_in(1, n), handle(1, n)))
        for n in range(2, SLOTS + 3)
    ]
    other = asyncio.create_task(processor.process_update(update_in(2, 99), handle(2, 99)))
    await asyncio.wait_for(other, PROMPTLY)
    assert handled == [(2, 99)]
    first_may_finish.set()
    await asyncio.wait_for(asyncio.gather(*tasks), PROMPTLY)
    assert handled[1:] == [(1, n) for n in range(1, SLOTS + 3)]
    assert processor.current_concurrent_updates == 0


async def test_no_more_than_the_slots_are_handled_at_once() -> None:
    processor = PerChatUpdateProcessor(SLOTS)
    running = 0
    most = 0

    async def handle() -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.01)
        running -= 1

    await asyncio.gather(
        *(processor.process_update(update_in(chat, 1), handle()) for chat in range(3 * SLOTS))
    )
    assert most == SLOTS


@pytest.mark.parametrize("failing", [1, 2])
async def test_a_failing_update_does_not_stop_the_chats_next_ones(failing: int) -> None:
    processor = PerChatUpdateProcessor(SLOTS)
    handled: list[int] = []
    go = asyncio.Event()

    async def handle(update_id: int, fail: bool = False) -> None:
        await go.wait()
        if fail:
            raise RuntimeError("a handler failed")
        handled.append(update_id)

    tasks = [
        asyncio.create_task(processor.process_update(update_in(1, n), handle(n, fail=n == failing)))
        for n in (1, 2, 3)
    ]
    await asyncio.sleep(0)
    go.set()
    await asyncio.gather(*tasks, return_exceptions=True)
    assert handled == [n for n in (1, 2, 3) if n != failing]


@pytest.mark.parametrize("fails", ["before", "after"])
async def test_a_polled_update_is_answered_once_whether_the_database_fails_before_or_after(
    fails: str,
) -> None:
    """Polling confirms updates as it takes them: one whose turn the database refused is still
    answered (without the chat's context), and one answered is not answered again."""
    processor = PerChatUpdateProcessor(SLOTS)
    handled: list[int] = []

    async def handle() -> None:
        handled.append(1)

    async def failing_turn(update: Update, processing: Awaitable[object]) -> bool:
        if fails == "after":
            await processing
        raise StoreError("database is locked")

    processor.turn = failing_turn
    await processor.process_update(update_in(1, 1), handle())
    assert handled == [1]
