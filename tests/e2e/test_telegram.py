"""The Telegram bot end to end: `sosbot run` as a process, against the fake Bot API.

One bot process serves the whole module; each test talks in chats of its own, so that no test
sees another's context.
"""

from __future__ import annotations

import itertools
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.commands import menu_commands
from bot.languages import Language
from bot.translations import texts_for
from handlers.app import menu_entry
from tests.bot_process import TEST_TOKEN, BotProcess
from tests.e2e.chats import sent_to
from tests.fake_bot_api import BOT_USERNAME, ApiCall, FakeBotApi, running_fake_bot_api

pytestmark = pytest.mark.asyncio(loop_scope="module")

_chat_ids = itertools.count(5001)


def new_chat() -> int:
    return next(_chat_ids)


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def fake(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FakeBotApi]:
    async with running_fake_bot_api() as server:
        yield server


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def bot(
    fake: FakeBotApi, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    process = BotProcess(fake, tmp_path_factory.mktemp("bot"), admin_ids="77")
    await process.start()
    yield process
    await process.stop()


async def say(
    fake: FakeBotApi, chat_id: int, text: str, replies: int = 1, **kwargs: Any
) -> list[ApiCall]:
    """Send `text` as a person in `chat_id`; the bot's new messages there."""
    before = len(sent_to(fake, chat_id))
    fake.push_message(chat_id, text, **kwargs)
    await fake.wait_for(
        "sendMessage", lambda c: c.chat_id == chat_id, count=before + replies, ok=True, timeout=10
    )
    return sent_to(fake, chat_id)[before:]


def buttons(call: ApiCall) -> list[tuple[str, str]]:
    markup = call.params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    if not markup:
        return []
    return [(b["text"], b["callback_data"]) for row in markup["inline_keyboard"] for b in row]


async def press(
    fake: FakeBotApi, chat_id: int, message_id: int, data: str, user_id: int | None = None
) -> ApiCall:
    before = len(fake.calls_to("editMessageText"))
    fake.push_callback_query(chat_id, message_id, data, user_id=user_id)
    edits = await fake.wait_for("editMessageText", count=before + 1, timeout=10)
    return edits[-1]


async def press_for_answer(
    fake: FakeBotApi, chat_id: int, data: str, message_id: int = 1, user_id: int | None = None
) -> ApiCall:
    """Press a button with `data`; the bot's answer to the callback query."""
    update = fake.push_callback_query(chat_id, message_id, data, user_id=user_id)
    query_id = update["callback_query"]["id"]
    [answer] = await fake.wait_for(
        "answerCallbackQuery", lambda c: c.params.get("callback_query_id") == query_id, timeout=10
    )
    return answer


def edits_in(fake: FakeBotApi, chat_id: int) -> list[ApiCall]:
    return [c for c in fake.calls_to("editMessageText") if c.chat_id == chat_id]


def message_id(fake: FakeBotApi, call: ApiCall) -> int:
    result = call.result
    assert isinstance(result, dict)
    return int(result["message_id"])


async def test_the_command_menu_is_registered_at_start(fake: FakeBotApi, bot: BotProcess) -> None:
    commands = fake.commands()
    english = texts_for(Language.ENGLISH)
    assert [(c["command"], c["description"]) for c in commands] == [
        (entry.command, entry.description)
        for entry in (menu_entry(command, english) for command in menu_commands())
    ]
    assert {"councils", "council", "events", "subscribe", "unsubscribe", "help"} <= {
        c["command"] for c in commands
    }


async def test_the_bot_polls_only_for_the_kinds_of_update_it_handles(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    [poll, *_] = await fake.wait_for("getUpdates", timeout=10)
    assert poll.params["allowed_updates"] == ["message", "callback_query", "inline_query"]


async def test_start_says_what_the_bot_knows_and_offers_councils_and_events(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    [reply] = await say(fake, new_chat(), "/start")
    assert reply.params["parse_mode"] == "HTML"
    assert "Signs of Safety" in reply.params["text"]
    assert "December 2013" in reply.params["text"]
    labels = [label for label, _ in buttons(reply)]
    assert {"Suffolk", "Swansea", "Lincolnshire", "Staffordshire", "Events"} <= set(labels)


async def test_a_deep_link_opens_that_council(fake: FakeBotApi, bot: BotProcess) -> None:
    [reply] = await say(fake, new_chat(), "/start suffolk")
    assert reply.params["text"].startswith("<b>Suffolk County Council</b>")
    assert "Stage: Planning" in reply.params["text"]


async def test_help_lists_what_to_ask_and_every_command(fake: FakeBotApi, bot: BotProcess) -> None:
    [reply] = await say(fake, new_chat(), "/help")
    for command in ("/councils", "/council", "/events", "/subscribe", "/unsubscribe", "/forget"):
        assert command in reply.params["text"]


async def test_councils_buttons_open_an_overview_in_place_with_its_own_buttons(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat = new_chat()
    [listing] = await say(fake, chat, "/councils")
    data = dict(buttons(listing))
    assert len(data) == 5
    overview = await press(fake, chat, message_id(fake, listing), data["Swansea"])
    assert "City and County of Swansea Council" in overview.params["text"]
    assert [label for label, _ in buttons(overview)] == [
        "Stage",
        "Trainers",
        "People",
        "Events",
        "Subscribe",
    ]
    trainers = await press(
        fake, chat, message_id(fake, listing), dict(buttons(overview))["Trainers"]
    )
    assert "Viv Hogg" in trainers.params["text"]
    assert "names no trainer" in trainers.params["text"]


async def test_council_command_matches_names_as_free_text_does(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    [reply] = await say(fake, new_chat(), "/council staffs")
    assert reply.params["text"].startswith("<b>Staffordshire County Council</b>")


async def test_events_says_plainly_that_nothing_is_upcoming_and_shows_the_latest(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    [everything] = await say(fake, new_chat(), "/events")
    assert "Nothing upcoming" in everything.params["text"]
    assert "February 2014: Training for the first phase" in everything.params["text"]
    [lincs] = await say(fake, new_chat(), "/events lincs")
    assert "July 2013 to December 2013" in lincs.params["text"]


async def test_free_text_is_answered_and_followed_up_per_chat(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat, other = new_chat(), new_chat()
    [first] = await say(fake, chat, "who trains Lincs?")
    assert "Tracey Hill" in first.params["text"]
    [follow_up] = await say(fake, chat, "and Suffolk?")
    assert "names no trainer for Suffolk County Council" in follow_up.params["text"]
    [elsewhere] = await say(fake, other, "who trains them?")
    assert "Which council do you mean?" in elsewhere.params["text"]


async def test_did_you_mean_options_come_as_buttons(fake: FakeBotApi, bot: BotProcess) -> None:
    chat = new_chat()
    [reply] = await say(fake, chat, "who trains Newcastle?")
    choices = dict(buttons(reply))
    assert set(choices) == {"Newcastle City Council", "Newcastle-under-Lyme Borough Council"}
    picked = await press(
        fake, chat, message_id(fake, reply), choices["Newcastle-under-Lyme Borough Council"]
    )
    assert "Staffordshire County Council" in picked.params["text"]


async def test_inline_mode_offers_the_overview_to_share(fake: FakeBotApi, bot: BotProcess) -> None:
    before = len(fake.calls_to("answerInlineQuery"))
    fake.push_inline_query(new_chat(), "swansea")
    calls = await fake.wait_for("answerInlineQuery", count=before + 1, timeout=10)
    results = calls[-1].params["results"]
    if isinstance(results, str):
        results = json.loads(results)
    [result] = results
    assert result["title"] == "City and County of Swansea Council"
    assert "Stage: Implementing" in result["input_message_content"]["message_text"]
    # In the asker's language: not to be handed by Telegram to someone else typing "swansea".
    assert str(calls[-1].params["is_personal"]).casefold() == "true"


async def test_in_groups_only_mentions_replies_and_commands_are_answered(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    group = -new_chat()
    fake.push_message(group, "who trains Swansea?", chat_type="group")
    [mentioned] = await say(fake, group, f"@{BOT_USERNAME} who trains Swansea?", chat_type="group")
    assert "Viv Hogg" in mentioned.params["text"]
    [replied] = await say(
        fake,
        group,
        "and Lincs?",
        chat_type="group",
        reply_to_bot_message_id=message_id(fake, mentioned),
    )
    assert "Tracey Hill" in replied.params["text"]
    [command] = await say(fake, group, f"/help@{BOT_USERNAME}", chat_type="group")
    assert "/councils" in command.params["text"]
    # The unaddressed first message got nothing: three questions, three answers.
    assert len(sent_to(fake, group)) == 3


async def test_a_5000_character_message_is_answered_within_telegrams_limit(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat = new_chat()
    replies = await say(fake, chat, "who trains Suffolk? " + "please " * 700)
    assert all(len(r.params["text"]) <= 4096 for r in replies)
    assert "names no trainer" in replies[0].params["text"]


async def test_html_in_user_text_is_escaped(fake: FakeBotApi, bot: BotProcess) -> None:
    [reply] = await say(fake, new_chat(), "/council <b>Atlantis</b> & <i>co</i>")
    assert "&lt;b&gt;Atlantis&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in reply.params["text"]


async def test_updates_without_text_edits_and_channel_posts_are_ignored(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat = new_chat()
    person = {"id": chat, "is_bot": False, "first_name": "Pat"}
    private = {"id": chat, "type": "private", "first_name": "Pat"}
    fake.push_update(
        {
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": private,
                "from": person,
                "sticker": {
                    "file_id": "s",
                    "file_unique_id": "s",
                    "width": 1,
                    "height": 1,
                    "is_animated": False,
                    "is_video": False,
                    "type": "regular",
                },
            }
        }
    )
    fake.push_update(
        {
            "message": {
                "message_id": 2,
                "date": 0,
                "chat": private,
                "from": person,
                "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}],
            }
        }
    )
    fake.push_update(
        {
            "edited_message": {
                "message_id": 3,
                "date": 0,
                "edit_date": 1,
                "chat": private,
                "from": person,
                "text": "Suffolk",
            }
        }
    )
    fake.push_update(
        {
            "channel_post": {
                "message_id": 4,
                "date": 0,
                "text": "Suffolk",
                "chat": {"id": -100777, "type": "channel", "title": "c"},
            }
        }
    )
    [reply] = await say(fake, chat, "who trains Lincs?")
    assert "Tracey Hill" in reply.params["text"]
    assert len(sent_to(fake, chat)) == 1
    assert not [c for c in fake.calls if c.chat_id == -100777]


async def test_a_failure_in_a_handler_is_logged_and_apologised_for(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat = new_chat()
    fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities")
    fake.push_message(chat, "who trains Lincs?")
    await fake.wait_for("sendMessage", lambda c: c.chat_id == chat and c.ok, timeout=10)
    [apology] = sent_to(fake, chat)
    assert "Sorry, something went wrong" in apology.params["text"]
    [after] = await say(fake, chat, "who trains Lincs?")
    assert "Tracey Hill" in after.params["text"]
    assert "Exception while handling an update" in bot.log()


async def test_neither_the_token_nor_message_text_appears_in_a_debug_log(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    secret_question = "who trains Lincs? (a phrase to look for in the log)"
    await say(fake, new_chat(), secret_question)
    log = bot.log()
    assert "DEBUG" in log, "the bot runs at DEBUG here"
    assert TEST_TOKEN not in log
    assert TEST_TOKEN.split(":")[1] not in log
    assert "a phrase to look for in the log" not in log


async def test_a_rejected_token_is_said_in_one_line_that_shows_no_token(tmp_path: Path) -> None:
    async with running_fake_bot_api() as server:
        server.reject_token()
        process = BotProcess(server, tmp_path)
        await process.start(until_polling=False)
        status = await process.wait()
    output = process.log()
    assert status == 2
    assert output.splitlines()[-1] == "sosbot: the Bot API rejected the token"
    assert "Traceback" not in output
    assert TEST_TOKEN not in output
    assert TEST_TOKEN.split(":")[1] not in output


@pytest.mark.parametrize("which", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_the_bot_cleanly(which: signal.Signals, tmp_path: Path) -> None:
    async with running_fake_bot_api() as server:
        process = BotProcess(server, tmp_path)
        await process.start()
        assert await process.stop(which) == 0
        assert "Traceback" not in process.log()


async def test_a_chats_quick_messages_are_answered_in_order_while_others_overlap(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat, other = new_chat(), new_chat()
    before = len(fake.calls_to("sendMessage", ok=True))
    for text in ("tell me about Lincs", "who trains them?", "and Suffolk?"):
        fake.push_message(chat, text)
        fake.push_message(other, "who trains Swansea?")
    await fake.wait_for("sendMessage", count=before + 6, ok=True, timeout=15)
    texts = [c.params["text"] for c in sent_to(fake, chat)]
    assert texts[0].startswith("<b>Lincolnshire County Council</b>")
    assert "Tracey Hill" in texts[1]
    assert "names no trainer for Suffolk County Council" in texts[2]
    assert len(sent_to(fake, other)) == 3


@pytest.mark.parametrize(
    "data",
    [
        "subscribe:ZZZ",
        "subscribe:sfk",
        "subscribe:",
        "subscribe:SFK:all",
        "subscribe:SFK ",
        "SUBSCRIBE:SFK",
        "unsubscribe:ZZZ",
        "overview:ZZZ",
        "stage:ZZZ",
        "wishes:SFK",
        "nonsense",
        ":",
        "",
        "ics:",
        "ics:../events",
        "x" * 64,
    ],
)
async def test_forged_or_malformed_button_data_is_ignored_quietly(
    fake: FakeBotApi, bot: BotProcess, data: str
) -> None:
    chat = new_chat()
    errors_before = bot.log().count(" ERROR ")
    await press_for_answer(fake, chat, data)
    # A chat's updates are handled in order: once this is answered, the press has been too.
    [listing] = await say(fake, chat, "/subscriptions")
    assert "You have no subscriptions" in listing.params["text"]
    assert sent_to(fake, chat) == [listing]
    assert edits_in(fake, chat) == []
    assert bot.log().count(" ERROR ") == errors_before


ADMIN, CREATOR, MEMBER = 3001, 3002, 3003
WHOLESALE = ("/forget", "/unsubscribe all", f"@{BOT_USERNAME} stop all reminders")


async def group_subscribed_to_suffolk(fake: FakeBotApi) -> int:
    group = -new_chat()
    fake.set_administrators(group, [ADMIN], creator=CREATOR)
    await say(fake, group, "/subscribe suffolk", chat_type="group", user_id=ADMIN)
    return group


async def subscriptions_of(fake: FakeBotApi, chat: int) -> str:
    [listing] = await say(fake, chat, "/subscriptions", user_id=MEMBER)
    return str(listing.params["text"])


@pytest.mark.parametrize("text", WHOLESALE)
async def test_in_a_group_a_member_may_not_remove_every_subscription(
    fake: FakeBotApi, bot: BotProcess, text: str
) -> None:
    group = await group_subscribed_to_suffolk(fake)
    [refusal] = await say(fake, group, text, user_id=MEMBER)
    assert "Only this group's administrators" in refusal.params["text"]
    assert "Suffolk" in await subscriptions_of(fake, group)


@pytest.mark.parametrize("user", [ADMIN, CREATOR])
@pytest.mark.parametrize("text", WHOLESALE)
async def test_in_a_group_an_administrator_may_remove_every_subscription(
    fake: FakeBotApi, bot: BotProcess, text: str, user: int
) -> None:
    group = await group_subscribed_to_suffolk(fake)
    await say(fake, group, text, user_id=user)
    assert "You have no subscriptions" in await subscriptions_of(fake, group)


@pytest.mark.parametrize(("user", "allowed"), [(MEMBER, False), (ADMIN, True)])
async def test_in_a_group_the_every_event_button_is_for_administrators(
    fake: FakeBotApi, bot: BotProcess, user: int, allowed: bool
) -> None:
    group = await group_subscribed_to_suffolk(fake)
    [menu] = await say(fake, group, "/unsubscribe", user_id=user)
    every_event = dict(buttons(menu))["Every event"]
    answer = await press_for_answer(fake, group, every_event, message_id(fake, menu), user)
    listing = await subscriptions_of(fake, group)
    if allowed:
        [edit] = edits_in(fake, group)
        assert "Unsubscribed from everything" in edit.params["text"]
        assert "You have no subscriptions" in listing
    else:
        assert "Only this group's administrators" in answer.params["text"]
        assert edits_in(fake, group) == []
        assert "Suffolk" in listing


async def test_in_a_private_chat_removing_everything_needs_no_permission(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat = new_chat()
    await say(fake, chat, "/subscribe suffolk")
    [done] = await say(fake, chat, "/unsubscribe all")
    assert "Unsubscribed from everything" in done.params["text"]
    assert not [c for c in fake.calls_to("getChatMember") if c.chat_id == chat]
