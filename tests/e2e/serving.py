"""Helpers for the end-to-end tests of `sosbot serve`: instances on one database, the fake Bot
API's webhook pointed at them, and which of them leads the reminders."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from bot.settings import Settings
from bot.storage.databases import open_store
from tests.bot_process import TEST_TOKEN, WEBHOOK_SECRET, ServeProcess
from tests.fake_bot_api import FakeBotApi

CHECK_SECONDS = "0.5"
DRAIN_SECONDS = "1"
LEAD = "1h"


def instance(
    fake: FakeBotApi,
    folder: Path,
    number: int,
    database: str,
    knowledge_dir: Path,
    **settings: str,
) -> ServeProcess:
    """Instance `number` of `sosbot serve` on `database`, with reminders checked often (unless
    `settings` say otherwise)."""
    home = folder / f"instance{number}"
    home.mkdir(exist_ok=True)
    return ServeProcess(
        fake,
        home,
        database,
        knowledge_dir=str(knowledge_dir),
        **{
            "reminder_check_seconds": CHECK_SECONDS,
            "reminder_lead_times": LEAD,
            "drain_seconds": DRAIN_SECONDS,
            **settings,
        },
    )


async def start_all(instances: list[ServeProcess]) -> None:
    """Start them at the same moment; wait until each is ready."""
    await asyncio.gather(*(each.start() for each in instances))


async def set_webhook(fake: FakeBotApi, instances: list[ServeProcess]) -> None:
    """What `sosbot set-webhook` tells Telegram (tests/e2e/test_set_webhook.py runs it), sent
    straight to the fake; its updates then go to the instances round-robin."""
    fake.deliver_webhook_to([i.webhook_url for i in instances])
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{fake.base_url}{TEST_TOKEN}/setWebhook",
            json={
                "url": "https://balancer.example/telegram",
                "secret_token": WEBHOOK_SECRET,
                "allowed_updates": ["message", "callback_query", "inline_query"],
            },
        ) as response,
    ):
        assert response.status == 200


async def delete_webhook(fake: FakeBotApi) -> None:
    """What `sosbot set-webhook --delete` tells Telegram, straight to the fake."""
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{fake.base_url}{TEST_TOKEN}/deleteWebhook", json={}) as response,
    ):
        assert response.status == 200


async def stop_all(instances: list[ServeProcess]) -> None:
    for each in instances:
        if each.process is not None and each.process.poll() is None:
            await each.stop()


@asynccontextmanager
async def serving(
    fake: FakeBotApi, folder: Path, database: str, knowledge_dir: Path
) -> AsyncIterator[list[ServeProcess]]:
    """Two instances on `database`, started at the same moment, the webhook set to both; both
    stopped after the block."""
    instances = [instance(fake, folder, n, database, knowledge_dir) for n in (1, 2)]
    try:
        await start_all(instances)
        await set_webhook(fake, instances)
        yield instances
    finally:
        await stop_all(instances)


async def leaders(instances: list[ServeProcess]) -> list[ServeProcess]:
    """The instances whose /metrics say they send reminders now."""
    gauges = await asyncio.gather(*(i.metric("sosbot_reminder_leader") for i in instances))
    return [each for each, gauge in zip(instances, gauges, strict=True) if gauge == 1]


async def one_leader(instances: list[ServeProcess], timeout: float = 10) -> ServeProcess:
    """The one leader among `instances`, once there is exactly one."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = await leaders(instances)
        if len(found) == 1:
            return found[0]
        await asyncio.sleep(0.05)
    raise AssertionError(f"not one leader: {len(await leaders(instances))}")


async def subscribe_directly(database: str, chats: list[int], scope: str) -> None:
    """Subscriptions made straight into the database."""
    store = await open_store(Settings(database=database).database)
    try:
        for chat in chats:
            await store.subscribe(chat, scope, datetime.now(UTC))
    finally:
        await store.close()
