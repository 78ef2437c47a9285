"""Two `sosbot serve` instances on one PostgreSQL database behave as one bot, end to end: the
fake Bot API posts each update to them round-robin, as Telegram behind a load balancer would,
one in flight per chat, and again to the next instance whatever got no 2xx.

One pair of instances, started at the same moment on a fresh database, serves the module; each
test talks in chats of its own. Stopping, killing and restarting are in
test_serve_failover_e2e.py, each test with instances of its own.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.bot_process import WEBHOOK_SECRET, ServeProcess
from tests.e2e.chats import knowledge_copy, sent_to
from tests.e2e.serving import (
    CHECK_SECONDS,
    leaders,
    one_leader,
    serving,
)
from tests.fake_bot_api import FakeBotApi, running_fake_bot_api
from tests.postgres import PASSWORD, PASSWORD_IN_URL, PostgresServer

pytestmark = pytest.mark.asyncio(loop_scope="module")

_chat_ids = itertools.count(7001)
MIGRATED = re.compile(r"schema migrated to version (\d+)")
COUNCILS = ("Suffolk", "Lincolnshire", "Swansea", "Staffordshire", "East Riding")


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def fake() -> AsyncIterator[FakeBotApi]:
    async with running_fake_bot_api() as server:
        yield server


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def pair(
    fake: FakeBotApi, tmp_path_factory: pytest.TempPathFactory, postgres_server: PostgresServer
) -> AsyncIterator[list[ServeProcess]]:
    """Two instances on one fresh database, started together, the webhook set to both."""
    folder = tmp_path_factory.mktemp("pair")
    database = postgres_server.url(postgres_server.create_database())
    async with serving(fake, folder, database, knowledge_copy(folder)) as instances:
        yield instances


async def test_two_instances_started_at_once_migrate_once_and_elect_one_leader(
    pair: list[ServeProcess],
) -> None:
    await one_leader(pair)
    await asyncio.sleep(float(CHECK_SECONDS) * 3)
    assert len(await leaders(pair)) == 1
    versions = [v for each in pair for v in MIGRATED.findall(each.log())]
    assert versions, "the schema was migrated"
    assert sorted(versions) == sorted(set(versions)), "each migration ran once"


async def test_an_update_without_the_secret_gets_403_and_no_reply(
    fake: FakeBotApi, pair: list[ServeProcess]
) -> None:
    chat = next(_chat_ids)
    update = fake.push_message(chat, "what stage is Suffolk at?", deliver=False)
    for each in pair:
        assert await each.post_update(update, secret="not-the-secret") == 403
        assert await each.post_update(update, secret="") == 403
    await asyncio.sleep(0.5)
    assert sent_to(fake, chat) == []


async def test_a_follow_up_reaching_the_other_instance_knows_the_previous_turn(
    fake: FakeBotApi, pair: list[ServeProcess]
) -> None:
    chat = next(_chat_ids)
    first = fake.push_message(chat, "what stage is Suffolk at?")
    second = fake.push_message(chat, "who trains them?")
    await fake.wait_for("sendMessage", lambda c: c.chat_id == chat, count=2, ok=True)
    assert "Suffolk" in sent_to(fake, chat)[1].params["text"]
    await fake.wait_delivered()
    served = {p.update_id: p.url for p in fake.webhook_posts if p.accepted}
    assert served[first["update_id"]] != served[second["update_id"]]


async def test_an_update_posted_to_both_instances_at_once_is_answered_once(
    fake: FakeBotApi, pair: list[ServeProcess]
) -> None:
    chat = next(_chat_ids)
    update = fake.push_message(chat, "who trains Swansea?", deliver=False)
    before = [await each.metric("sosbot_updates_already_handled_total") for each in pair]
    statuses = await asyncio.gather(*(each.post_update(update) for each in pair))
    assert statuses == [200, 200]
    await asyncio.sleep(0.5)
    assert len(sent_to(fake, chat)) == 1
    after = [await each.metric("sosbot_updates_already_handled_total") for each in pair]
    assert sum(after) - sum(before) == 1


async def test_twenty_chats_of_five_questions_over_both_instances_are_answered_in_order(
    fake: FakeBotApi, pair: list[ServeProcess]
) -> None:
    name = 'sosbot_updates_handled_total{kind="message"}'
    before = [await each.metric(name) for each in pair]
    chats = [next(_chat_ids) for _ in range(20)]
    for council in COUNCILS:
        for chat in chats:
            fake.push_message(chat, f"what stage is {council} at?")
    await fake.wait_delivered(timeout=60)
    for chat in chats:
        answered = [
            next(c for c in COUNCILS if c in call.params["text"]) for call in sent_to(fake, chat)
        ]
        assert answered == list(COUNCILS), chat
    handled = [await each.metric(name) - b for each, b in zip(pair, before, strict=True)]
    assert sum(handled) == len(chats) * len(COUNCILS)
    assert min(handled) > 0, "both instances answered"


async def test_at_debug_the_logs_and_metrics_show_no_text_id_secret_or_password(
    fake: FakeBotApi, pair: list[ServeProcess]
) -> None:
    chat = 987654321987  # a number no log line has otherwise
    fake.push_message(chat, "who trains Lincolnshire? (a phrase to look for)")
    await fake.wait_for("sendMessage", lambda c: c.chat_id == chat, ok=True)
    await fake.wait_delivered()
    for each in pair:
        assert await each.post_update(fake.push_message(chat, "x", deliver=False), "wrong") == 403
    pages = [(await each.get("/metrics"))[1] for each in pair]
    logs = [each.log() for each in pair]
    assert all("DEBUG" in log for log in logs), "the instances run at DEBUG"
    for said in (*logs, *pages):
        for private in ("a phrase to look for", str(chat), WEBHOOK_SECRET, PASSWORD):
            assert private not in said
        assert PASSWORD_IN_URL not in said
