"""The fake Bot API server speaks well enough for the real python-telegram-bot to use it, by
polling and by webhook."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiohttp import web
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    Update,
)
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from tests.bot_process import free_port
from tests.fake_bot_api import BOT_ID, BOT_USERNAME, FakeBotApi, running_fake_bot_api
from tests.fake_webhook import SECRET_HEADER

TOKEN = "123:ABC"


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with running_fake_bot_api() as api:
        yield api


@pytest.fixture
async def bot(fake: FakeBotApi) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=fake.base_url, base_file_url=fake.base_file_url) as tg_bot:
        yield tg_bot


@pytest.fixture
def _timedelta_periods(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB 22 warns when RetryAfter.retry_after is read as int unless this opt-in is set.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


def keyboard(*labels: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=label)] for label in labels]
    )


async def test_the_server_listens_on_loopback_only_and_stops_cleanly() -> None:
    api = FakeBotApi()
    async with api:
        assert api.base_url == f"http://127.0.0.1:{api.port}/bot"
        assert api.base_file_url == f"http://127.0.0.1:{api.port}/file/bot"
    with pytest.raises(OSError):  # noqa: PT011 - any connection error will do
        await asyncio.open_connection("127.0.0.1", api.port)


async def test_get_me_returns_the_sosbot_test_identity(fake: FakeBotApi, bot: Bot) -> None:
    me = await bot.get_me()

    assert me.id == BOT_ID
    assert me.username == BOT_USERNAME
    assert me.first_name == "SoS Bot"
    assert me.is_bot
    assert me.can_join_groups is True
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is True
    assert [c.method for c in fake.calls] == ["getMe", "getMe"]  # Bot.initialize() calls it too


async def test_send_message_round_trips_a_full_message_and_is_recorded(
    fake: FakeBotApi, bot: Bot
) -> None:
    first = await bot.send_message(42, "Hello", reply_markup=keyboard("yes", "no"))
    second = await bot.send_message(42, "Again", parse_mode="HTML")
    elsewhere = await bot.send_message(-100777, "Group hello")

    assert (first.message_id, second.message_id, elsewhere.message_id) == (1, 2, 1)
    assert first.text == "Hello"
    assert first.chat.id == 42
    assert first.chat.type == "private"
    assert elsewhere.chat.type == "supergroup"
    assert first.from_user is not None
    assert first.from_user.id == BOT_ID
    assert first.reply_markup == keyboard("yes", "no")
    assert second.reply_markup is None
    assert [m["text"] for m in fake.sent_messages(42)] == ["Hello", "Again"]
    assert fake.sent_texts() == ["Hello", "Again", "Group hello"]
    [call] = await fake.wait_for("sendMessage", lambda c: c.params.get("parse_mode") == "HTML")
    assert call.params["chat_id"] == 42
    assert call.params["text"] == "Again"


async def test_text_that_looks_like_json_stays_a_string(fake: FakeBotApi, bot: Bot) -> None:
    message = await bot.send_message(42, "42")

    assert message.text == "42"
    assert fake.calls_to("sendMessage")[0].params["text"] == "42"


async def test_get_updates_long_poll_wakes_as_soon_as_a_message_is_pushed(
    fake: FakeBotApi, bot: Bot
) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake.wait_for("getUpdates")
    await asyncio.sleep(0.05)
    assert not poll.done()

    started = time.monotonic()
    pushed = fake.push_message(42, f"/start@{BOT_USERNAME} hi @{BOT_USERNAME}", username="alice")
    [update] = await asyncio.wait_for(poll, 2)

    assert time.monotonic() - started < 1
    assert update.update_id == pushed["update_id"]
    assert update.message is not None
    assert update.message.chat.type == "private"
    assert update.message.from_user is not None
    assert update.message.from_user.id == 42
    assert update.message.from_user.username == "alice"
    entities = update.message.parse_entities()
    assert list(entities.values()) == [f"/start@{BOT_USERNAME}", f"@{BOT_USERNAME}"]
    assert [e.type for e in entities] == [MessageEntity.BOT_COMMAND, MessageEntity.MENTION]


async def test_get_updates_returns_empty_after_the_timeout_without_updates(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=dtm.timedelta(seconds=0.3)) == ()
    assert 0.25 < time.monotonic() - started < 2


async def test_offset_confirms_and_drops_earlier_updates(fake: FakeBotApi, bot: Bot) -> None:
    first = fake.push_message(42, "one")
    second = fake.push_message(42, "two")
    assert [u.update_id for u in await bot.get_updates()] == [
        first["update_id"],
        second["update_id"],
    ]

    updates = await bot.get_updates(offset=second["update_id"], limit=5)
    assert [u.update_id for u in updates] == [second["update_id"]]
    assert [u["update_id"] for u in fake.pending_updates] == [second["update_id"]]

    assert await bot.get_updates(offset=second["update_id"] + 1) == ()
    assert fake.pending_updates == []


async def test_allowed_updates_filters_what_get_updates_delivers(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.push_message(42, "text")
    query = fake.push_inline_query(42, "camden")

    updates = await bot.get_updates(allowed_updates=[Update.INLINE_QUERY])

    assert [u.update_id for u in updates] == [query["update_id"]]


async def test_group_messages_reply_to_the_bot_and_keep_their_chat_type(
    fake: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(-500, "Question?")  # unseen negative id: a basic group
    fake.push_message(-500, "answer", user_id=7, username="bob", reply_to_bot_message_id=1)

    [update] = await bot.get_updates()

    assert sent.chat.type == "group"
    assert update.message is not None
    assert update.message.message_id == 2
    assert update.message.chat.type == "group"
    assert update.message.reply_to_message is not None
    assert update.message.reply_to_message.text == "Question?"
    assert update.message.reply_to_message.from_user is not None
    assert update.message.reply_to_message.from_user.id == BOT_ID


async def test_callback_query_parses_and_its_message_can_be_edited(
    fake: FakeBotApi, bot: Bot
) -> None:
    sent = await bot.send_message(42, "Pick one", reply_markup=keyboard("a", "b"))
    fake.push_callback_query(42, sent.message_id, "b")

    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert query.data == "b"
    assert query.from_user.id == 42
    assert isinstance(query.message, Message)
    assert query.message.message_id == sent.message_id
    assert query.message.reply_markup == keyboard("a", "b")

    assert await query.answer("Done") is True
    edited = await query.edit_message_text("You picked b")
    assert not isinstance(edited, bool)
    assert edited.text == "You picked b"
    assert edited.reply_markup is None
    stored = fake.message(42, sent.message_id)
    assert stored is not None
    assert stored["text"] == "You picked b"
    with pytest.raises(BadRequest, match=r"(?i)not modified"):
        await bot.edit_message_text("You picked b", chat_id=42, message_id=sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_reply_markup(chat_id=42, message_id=99)


async def test_callback_query_on_an_unknown_message_gets_a_placeholder(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.push_callback_query(-100123, 17, "x", user_id=5)

    [update] = await bot.get_updates()

    assert update.callback_query is not None
    assert update.callback_query.message is not None
    assert update.callback_query.message.chat.type == "supergroup"
    edited = await bot.edit_message_reply_markup(-100123, 17, reply_markup=keyboard("y"))
    assert not isinstance(edited, bool)
    assert edited.reply_markup == keyboard("y")


async def test_inline_query_parses_and_can_be_answered(fake: FakeBotApi, bot: Bot) -> None:
    fake.push_inline_query(42, "camden")

    [update] = await bot.get_updates()
    assert update.inline_query is not None
    assert update.inline_query.query == "camden"
    assert update.inline_query.from_user.id == 42

    article = InlineQueryResultArticle("1", "Camden", InputTextMessageContent("Camden: yes"))
    assert await update.inline_query.answer([article]) is True
    [call] = await fake.wait_for("answerInlineQuery")
    assert call.params["inline_query_id"] == update.inline_query.id
    assert call.params["results"][0]["title"] == "Camden"


async def test_raw_updates_such_as_stickers_and_edits_are_delivered(
    fake: FakeBotApi, bot: Bot
) -> None:
    chat = {"id": 42, "type": "private", "first_name": "A"}
    user = {"id": 42, "is_bot": False, "first_name": "A"}
    fake.push_update(
        {
            "update_id": 999,
            "edited_message": {
                "message_id": 3,
                "date": 1,
                "edit_date": 2,
                "chat": chat,
                "from": user,
                "text": "edited",
            },
        }
    )

    [update] = await bot.get_updates()

    assert update.update_id == 1
    assert update.edited_message is not None
    assert update.edited_message.text == "edited"


async def test_send_document_records_the_uploaded_file(fake: FakeBotApi, bot: Bot) -> None:
    payload = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"

    message = await bot.send_document(42, payload, filename="training.ics", caption="Your event")

    assert message.document is not None
    assert message.document.file_name == "training.ics"
    assert message.caption == "Your event"
    [call] = await fake.wait_for("sendDocument")
    uploaded = call.params["files"]["document"]
    assert (uploaded.filename, uploaded.mime_type, uploaded.data) == (
        "training.ics",
        "text/calendar",
        payload,
    )
    assert call.params["caption"] == "Your event"
    assert [f.data for f in fake.uploaded_files(42)] == [payload]
    assert fake.sent_messages(42)[0]["document"]["file_name"] == "training.ics"
    tg_file = await bot.get_file(message.document.file_id)
    assert bytes(await tg_file.download_as_bytearray()) == payload


async def test_commands_can_be_set_read_and_deleted(fake: FakeBotApi, bot: Bot) -> None:
    assert await bot.set_my_commands([("start", "Start"), ("help", "Help")]) is True

    commands = await bot.get_my_commands()
    assert [(c.command, c.description) for c in commands] == [("start", "Start"), ("help", "Help")]
    assert fake.commands() == [
        {"command": "start", "description": "Start"},
        {"command": "help", "description": "Help"},
    ]

    assert await bot.delete_my_commands() is True
    assert await bot.get_my_commands() == ()


async def test_send_chat_action_and_unknown_methods_answer_true(fake: FakeBotApi, bot: Bot) -> None:
    assert await bot.send_chat_action(42, "typing") is True
    assert await bot.do_api_request("someFutureMethod", {"flag": True}) is True
    assert [c.method for c in fake.calls[-2:]] == ["sendChatAction", "someFutureMethod"]


@pytest.mark.usefixtures("_timedelta_periods")
async def test_a_429_raises_retry_after_with_the_advertised_delay(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", retry_after=7)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(42, "Reminder")

    assert caught.value.retry_after == dtm.timedelta(seconds=7)
    assert fake.sent_messages() == []
    [call] = fake.calls_to("sendMessage")
    assert call.rejected
    assert call.error_code == 429
    # the fault is one-shot
    assert (await bot.send_message(42, "Reminder")).text == "Reminder"


@pytest.mark.usefixtures("_timedelta_periods")
async def test_rate_limit_rejects_sends_beyond_the_overall_rate(fake: FakeBotApi, bot: Bot) -> None:
    fake.rate_limit(2)

    await bot.send_message(1, "a")
    await bot.send_document(2, b"x", filename="x.txt")
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(3, "c")

    assert caught.value.retry_after == dtm.timedelta(seconds=1)
    assert fake.sent_texts() == ["a", ""]
    assert [c.ok for c in fake.calls_to("sendMessage")] == [True, False]
    rejected = await fake.wait_for("sendMessage", ok=False)
    assert rejected[0].description == "Too Many Requests: retry after 1"
    assert rejected[0].chat_id == 3


@pytest.mark.usefixtures("_timedelta_periods")
async def test_per_chat_rate_limit_allows_one_message_per_second_per_chat(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.rate_limit(None, per_chat_per_second=1)

    await bot.send_message(1, "a")
    await bot.send_message(2, "b")
    with pytest.raises(RetryAfter):
        await bot.send_message(1, "again")

    fake.clear_faults()
    await bot.send_message(1, "again")
    assert fake.sent_texts(1) == ["a", "again"]


async def test_a_blocked_chat_raises_forbidden(fake: FakeBotApi, bot: Bot) -> None:
    fake.block_chat(42)

    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(42, "Reminder")
    with pytest.raises(Forbidden):
        await bot.send_document(42, b"x", filename="x.txt")
    await bot.send_message(43, "Other chat still works")

    assert fake.sent_texts() == ["Other chat still works"]
    assert [c.error_code for c in fake.calls_to("sendMessage", ok=False)] == [403]


async def test_fail_next_answers_an_arbitrary_error_once(fake: FakeBotApi, bot: Bot) -> None:
    fake.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    sent = await bot.send_message(42, "Hi")

    with pytest.raises(BadRequest, match="can't be edited"):
        await bot.edit_message_text("Bye", chat_id=42, message_id=sent.message_id)
    edited = await bot.edit_message_text("Bye", chat_id=42, message_id=sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.text == "Bye"


async def test_get_chat_member_tells_administrators_and_the_creator_from_members(
    fake: FakeBotApi, bot: Bot
) -> None:
    fake.set_administrators(-7, [21, 22], creator=20)

    statuses = [(await bot.get_chat_member(-7, user)).status for user in (20, 21, 22, 23)]
    elsewhere = (await bot.get_chat_member(-8, 21)).status
    assert statuses == ["creator", "administrator", "administrator", "member"]
    assert elsewhere == "member"


async def test_a_rejected_token_answers_401_to_every_call(fake: FakeBotApi, bot: Bot) -> None:
    fake.reject_token()

    with pytest.raises(InvalidToken):
        await bot.get_me()
    with pytest.raises(InvalidToken):
        await bot.send_message(42, "Hi")
    assert [c.error_code for c in fake.calls[-2:]] == [401, 401]


async def test_wait_for_times_out_with_a_list_of_the_calls_seen(fake: FakeBotApi, bot: Bot) -> None:
    await bot.send_message(42, "Only one")

    with pytest.raises(AssertionError, match=r"2 matching sendMessage[\s\S]*Only one"):
        await fake.wait_for("sendMessage", count=2, timeout=0.1)


async def test_a_real_application_polls_answers_and_stops_cleanly(fake: FakeBotApi) -> None:
    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(
            f"echo: {update.effective_message.text}", do_quote=True
        )

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("welcome")

    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(fake.base_url)
        .base_file_url(fake.base_file_url)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

    started = time.monotonic()
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(timeout=10)

        fake.push_message(42, "/start")
        fake.push_message(42, "hello there")
        await fake.wait_for("sendMessage", count=2)

        await app.updater.stop()
        await app.stop()

    assert time.monotonic() - started < 5  # the pending long poll did not delay shutdown
    assert fake.sent_texts(42) == ["welcome", "echo: hello there"]
    assert fake.sent_messages(42)[1]["reply_to_message"]["text"] == "hello there"
    methods = [c.method for c in fake.calls]
    assert methods[:3] == ["getMe", "deleteWebhook", "getUpdates"]
    # on stop PTB confirms the fetched updates with one last non-blocking getUpdates
    last_poll = fake.calls_to("getUpdates")[-1]
    assert last_poll.params["timeout"] == 0
    assert fake.pending_updates == []


# Webhook mode: posted as Telegram posts, with the secret, one in flight per chat and per user,
# again (to the next URL) until a 2xx; polling refused meanwhile.

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
