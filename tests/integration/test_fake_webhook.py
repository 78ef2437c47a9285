"""The fake Bot API's webhook mode posts updates as Telegram does: with the secret, one in
flight per chat and per user, again (to the next URL) until a 2xx; and refuses polling
meanwhile."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import Bot
from telegram.error import Conflict

from tests.bot_process import free_port
from tests.fake_bot_api import FakeBotApi, running_fake_bot_api
from tests.fake_webhook import SECRET_HEADER

TOKEN = "123:ABC"
SECRET = "the-secret_1"


@dataclass
class Receiver:
    """An instance's webhook: records each post, answers `statuses` in turn (then 200), and
    holds the answer to a chat's posts while that chat is in `holding`."""

    url: str = ""
    posts: list[tuple[int, str | None]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    holding: set[int] = field(default_factory=set)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        update: dict[str, Any] = await request.json()
        self.posts.append((update["update_id"], request.headers.get(SECRET_HEADER)))
        message = update.get("message")
        if message is not None and message["chat"]["id"] in self.holding:
            await self.released.wait()
        return web.Response(status=self.statuses.pop(0) if self.statuses else 200)


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with running_fake_bot_api() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url) as tg_bot:
        yield tg_bot


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    made = Receiver()
    app = web.Application()
    app.router.add_post("/telegram", made.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    made.url = f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
    yield made
    made.released.set()
    await runner.cleanup()


async def test_set_webhook_is_recorded_and_polling_is_refused_until_it_is_deleted(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET, allowed_updates=["message"])
    info = await bot.get_webhook_info()
    assert info.url == receiver.url
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    await bot.delete_webhook()
    assert fake.webhook is None
    assert await bot.get_updates(timeout=0) == ()
    assert [c.method for c in fake.calls if "Webhook" in c.method] == [
        "setWebhook",
        "getWebhookInfo",
        "deleteWebhook",
    ]


async def test_each_update_is_posted_with_the_secret_and_then_no_longer_pending(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    update = fake.push_message(5, "hello")
    await fake.wait_delivered()
    assert receiver.posts == [(update["update_id"], SECRET)]
    assert fake.pending_updates == []


async def test_an_update_that_got_no_2xx_is_posted_again(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.statuses = [503, 500, 403]
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    update = fake.push_message(5, "hello")
    await fake.wait_delivered()
    assert [p for p, _ in receiver.posts] == [update["update_id"]] * 4
    assert [p.status for p in fake.webhook_posts] == [503, 500, 403, 200]


async def test_a_refused_connection_is_tried_again_on_the_next_url(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    nobody = f"http://127.0.0.1:{free_port()}/telegram"
    fake.deliver_webhook_to([nobody, receiver.url])
    await bot.set_webhook("https://balancer.example/telegram", secret_token=SECRET)
    updates = [fake.push_message(chat, "hello") for chat in (5, 6, 7)]
    await fake.wait_delivered()
    assert sorted(p for p, _ in receiver.posts) == [u["update_id"] for u in updates]
    refused = [p for p in fake.webhook_posts if p.url == nobody]
    assert refused
    assert all(p.status is None for p in refused)


async def test_a_chats_next_update_waits_for_its_first_while_other_chats_go_on(
    fake: FakeBotApi, bot: Bot, receiver: Receiver
) -> None:
    receiver.holding.add(5)
    await bot.set_webhook(receiver.url, secret_token=SECRET)
    first = fake.push_message(5, "first")
    second = fake.push_message(5, "second")
    other = fake.push_message(6, "meanwhile")
    press = fake.push_callback_query(5, 1, "overview:SFK")
    for _ in range(50):
        if len(receiver.posts) >= 3:
            break
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.2)
    posted = [p for p, _ in receiver.posts]
    assert posted[0] == first["update_id"]
    assert second["update_id"] not in posted, "one in flight per chat"
    assert other["update_id"] in posted
    assert press["update_id"] in posted, "a button press queues per user, not with the chat"
    receiver.released.set()
    await fake.wait_delivered()
    posted = [p for p, _ in receiver.posts]
    assert posted.index(second["update_id"]) > posted.index(first["update_id"])
