"""`sosbot run` (long polling) on a PostgreSQL database: subscriptions, reminders and a server
restart, end to end against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.settings import PostgresUrl
from bot.storage.postgres import PostgresStore
from tests.bot_process import BotProcess
from tests.e2e.chats import event, reminders, say, wait_for_reminders, write_events
from tests.e2e.test_reminders_e2e import LEAD
from tests.fake_bot_api import FakeBotApi
from tests.postgres import PASSWORD, PASSWORD_IN_URL, PostgresServer


@pytest.fixture
def bot(fake: FakeBotApi, knowledge_dir: Path, tmp_path: Path, postgres_url: str) -> BotProcess:
    return BotProcess(
        fake,
        tmp_path,
        knowledge_dir=str(knowledge_dir),
        reminder_lead_times=LEAD,
        reminder_check_seconds="0.3",
        database=postgres_url,
    )


@pytest.fixture
async def store(postgres_url: str) -> AsyncIterator[PostgresStore]:
    opened = await PostgresStore.open(PostgresUrl.parse(postgres_url))
    yield opened
    await opened.close()


async def test_sosbot_run_on_postgresql_reminds_exactly_the_chats_subscribed(
    fake: FakeBotApi,
    bot: BotProcess,
    knowledge_dir: Path,
    store: PostgresStore,
) -> None:
    now = datetime.now(UTC)
    for chat, scope in ((1, "SFK"), (2, "LIN"), (3, "all")):
        await store.subscribe(chat, scope, now)
    write_events(knowledge_dir, event("suffolk-soon", 30, "suffolk"), event("later", 600))
    await bot.start()
    try:
        # Chat 4's reminder may come before the reply: a tick can fall between storing the
        # subscription and answering.
        fake.push_message(4, "/subscribe suffolk")
        await fake.wait_for(
            "sendMessage",
            lambda c: (
                c.chat_id == 4
                and "Subscribed to Suffolk County Council's events" in c.params["text"]
            ),
            ok=True,
            timeout=10,
        )
        await wait_for_reminders(fake, 3)
        await asyncio.sleep(1.5)  # several more ticks: nothing else may come
        assert Counter(reminders(fake)) == Counter(
            {
                (1, "Event suffolk-soon"): 1,
                (3, "Event suffolk-soon"): 1,
                (4, "Event suffolk-soon"): 1,
            }
        )
        assert await store.subscriptions(4) == ["SFK"]
    finally:
        assert await bot.stop() == 0
    log = bot.log()
    assert PASSWORD not in log
    assert PASSWORD_IN_URL not in log


async def test_sosbot_run_carries_on_after_postgresql_restarts(
    fake: FakeBotApi,
    bot: BotProcess,
    postgres_server: PostgresServer,
    store: PostgresStore,
) -> None:
    await bot.start()
    try:
        assert "Subscribed" in (await say(fake, 5, "/subscribe suffolk")).params["text"]
        await postgres_server.restart()
        assert "Subscribed" in (await say(fake, 5, "/subscribe lincs")).params["text"]
        assert await store.subscriptions(5) == ["LIN", "SFK"]
    finally:
        assert await bot.stop() == 0
