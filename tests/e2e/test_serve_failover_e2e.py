"""`sosbot serve` instances on one PostgreSQL database when one dies, stops or loses the
database: the reminder leader killed in the middle of a fan-out, SIGTERM, a PostgreSQL
restart. Each test has instances of its own."""

from __future__ import annotations

import asyncio
import itertools
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.bot_process import ServeProcess
from tests.e2e.chats import event, reminders, sent_to, write_events
from tests.e2e.serving import (
    CHECK_SECONDS,
    one_leader,
    serving,
    subscribe_directly,
)
from tests.fake_bot_api import FakeBotApi
from tests.postgres import PostgresServer

_chat_ids = itertools.count(9001)


@pytest.fixture
async def running(
    fake: FakeBotApi, tmp_path: Path, postgres_url: str, knowledge_dir: Path
) -> AsyncIterator[list[ServeProcess]]:
    async with serving(fake, tmp_path, postgres_url, knowledge_dir) as instances:
        yield instances


async def test_the_leader_killed_mid_fan_out_is_replaced_and_none_is_lost(
    fake: FakeBotApi, running: list[ServeProcess], postgres_url: str, knowledge_dir: Path
) -> None:
    chats = [next(_chat_ids) for _ in range(100)]
    leader = await one_leader(running)
    [survivor] = [each for each in running if each is not leader]
    await subscribe_directly(postgres_url, chats, "all")
    write_events(knowledge_dir, event("soon", 30))
    fake.hold_sends_after(30)
    # Each instance reloads; the leader announces the new event, then reminds of it.
    for each in running:
        each.reload()
    await fake.wait_for("sendMessage", count=30, ok=True, timeout=20)
    await fake.wait_held()  # the 31st, unanswered
    await leader.kill_now()
    killed = time.monotonic()
    fake.release_sends()
    assert await one_leader([survivor], timeout=10) is survivor
    taken_over = time.monotonic() - killed
    await fake.wait_for("sendMessage", count=2 * len(chats), ok=True, timeout=30)
    await asyncio.sleep(float(CHECK_SECONDS) * 3)
    assert Counter(chat for chat, _ in reminders(fake)) == Counter(dict.fromkeys(chats, 1))
    told = Counter(call.chat_id for call in fake.calls_to("sendMessage", ok=True))
    assert set(told) == set(chats)
    assert sum(told.values()) - 2 * len(chats) <= 1, "at most one message sent twice"
    assert taken_over < float(CHECK_SECONDS) + 3


async def test_sigterm_finishes_the_update_in_hand_hands_over_and_exits_0(
    fake: FakeBotApi, running: list[ServeProcess]
) -> None:
    leader = await one_leader(running)
    [other] = [each for each in running if each is not leader]
    fake.deliver_webhook_to([leader.webhook_url])
    fake.hold_sends_after(len(fake.sent_messages()))
    chat = next(_chat_ids)
    in_hand = fake.push_message(chat, "what stage is Suffolk at?")
    await fake.wait_held()  # its reply is being sent, and held
    stopping = asyncio.create_task(leader.stop(signal.SIGTERM))
    assert await _readiness_becomes(leader, 503)
    fake.deliver_webhook_to([leader.webhook_url, other.webhook_url])
    fake.release_sends()
    started = time.monotonic()
    assert await stopping == 0
    assert time.monotonic() - started < 15
    posts = [p for p in fake.webhook_posts if p.update_id == in_hand["update_id"]]
    assert [(p.url, p.status) for p in posts] == [(leader.webhook_url, 200)]
    assert len(sent_to(fake, chat)) == 1
    assert await one_leader([other]) is other
    later = next(_chat_ids)
    fake.push_message(later, "who trains Swansea?")
    await fake.wait_for("sendMessage", lambda c: c.chat_id == later, ok=True, timeout=10)
    assert "The reminder leadership is released" in leader.log()


async def _readiness_becomes(instance: ServeProcess, status: int, timeout: float = 5.0) -> bool:
    """Whether `/readyz` answers `status` within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while (await instance.get("/readyz"))[0] != status:
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def test_after_a_postgresql_restart_both_instances_recover_by_themselves(
    fake: FakeBotApi, running: list[ServeProcess], postgres_server: PostgresServer
) -> None:
    await one_leader(running)
    await postgres_server.restart()
    chat = next(_chat_ids)
    fake.push_message(chat, "what stage is Suffolk at?")
    fake.push_message(chat, "who trains them?")
    await fake.wait_for("sendMessage", lambda c: c.chat_id == chat, count=2, ok=True, timeout=30)
    assert "Suffolk" in sent_to(fake, chat)[1].params["text"]
    for each in running:
        await each.wait_ready(timeout=10)
    await one_leader(running, timeout=10)
