"""Cymraeg end to end: `sosbot run` against the fake Bot API, for a person whose Telegram app
is in Welsh (language_code "cy"). /start, /help, /councils and its buttons, a question,
/subscribe, a reminder and /events all come in Welsh with no English template text left;
the command menu has its Welsh entries; /language switches both ways, and the choice
survives a restart on the same database."""

from __future__ import annotations

import re
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.commands import menu_commands
from bot.languages import Language
from bot.translations import texts_for
from handlers.app import menu_entry
from knowledge.loader import DEFAULT_DIRECTORY
from tests.bot_process import BotProcess
from tests.e2e.chats import buttons, say
from tests.english_left import english_left
from tests.fake_bot_api import ApiCall, FakeBotApi, running_fake_bot_api

WELSH_USER = 7101
SWITCHING_USER = 7102
_TAG = re.compile(r"<[^>]+>")


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    """The shipped knowledge, with one Swansea event starting within the reminders' lead."""
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, folder)
    start = datetime.now(UTC) + timedelta(minutes=30)
    event = {
        "id": "swansea-practice-day",
        "title": "Practice day",
        "title_cy": "Diwrnod ymarfer",
        "authority": "swansea",
        "start": start.isoformat(timespec="seconds"),
        "location": "Swansea Guildhall",
        "location_cy": "Neuadd y Ddinas, Abertawe",
        "source": "sofs-uk-network-2013",
    }
    (folder / "events.yaml").write_text(
        yaml.safe_dump({"events": [event]}, sort_keys=False, allow_unicode=True), encoding="utf-8"
    )
    return folder


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with running_fake_bot_api() as server:
        server.set_user_language(WELSH_USER, "cy")
        server.set_user_language(SWITCHING_USER, "en")
        yield server


@pytest.fixture
async def bot(fake: FakeBotApi, knowledge_dir: Path, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(
        fake,
        tmp_path,
        knowledge_dir=str(knowledge_dir),
        reminder_lead_times="1h",
        reminder_check_seconds="0.3",
    )
    await process.start()
    yield process
    await process.stop()


async def press(fake: FakeBotApi, call: ApiCall, label: str) -> ApiCall:
    """Press the button `label` of the message `call` sent; the message as edited."""
    before = len(fake.calls_to("editMessageText"))
    data = buttons(call)[label]
    fake.push_callback_query(call.chat_id or 0, message_id(call), data)
    edits = await fake.wait_for("editMessageText", count=before + 1, timeout=10)
    return edits[-1]


def message_id(call: ApiCall) -> int:
    assert isinstance(call.result, dict)
    return int(call.result["message_id"])


def shown(call: ApiCall) -> str:
    """The message's text without its HTML, and its buttons' labels."""
    return " ".join([_TAG.sub("", call.params["text"]), *buttons(call)])


def assert_welsh(call: ApiCall) -> None:
    assert english_left(shown(call)) == [], shown(call)


async def test_a_person_whose_telegram_is_in_welsh_is_answered_in_welsh_throughout(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat = WELSH_USER
    welcome = await say(fake, chat, "/start")
    assert_welsh(welcome)
    assert "Signs of Safety yn y DU" in welcome.params["text"]
    assert {"Abertawe", "Digwyddiadau"} <= set(buttons(welcome))

    helped = await say(fake, chat, "/help")
    assert_welsh(helped)
    assert "/iaith" in helped.params["text"]

    councils = await say(fake, chat, "/councils")
    assert_welsh(councils)
    overview = await press(fake, councils, "Abertawe")
    assert_welsh(overview)
    assert {"Cam", "Hyfforddwyr", "Pobl", "Digwyddiadau", "Tanysgrifio"} <= set(buttons(overview))

    answer = await say(fake, chat, "who trains Swansea?")
    assert_welsh(answer)
    assert "Dinas a Sir Abertawe" in answer.params["text"]

    # The reminder may come before the reply: a tick can fall between storing the
    # subscription and answering.
    fake.push_message(chat, "/subscribe swansea")
    [subscribed] = await fake.wait_for(
        "sendMessage",
        lambda c: c.chat_id == chat and c.params["text"].startswith("Wedi tanysgrifio"),
        ok=True,
        timeout=10,
    )
    assert_welsh(subscribed)
    [reminder] = await fake.wait_for(
        "sendMessage",
        lambda c: c.chat_id == chat and "Nodyn atgoffa" in c.params["text"],
        ok=True,
        timeout=20,
    )
    assert_welsh(reminder)
    assert "Diwrnod ymarfer" in reminder.params["text"]
    assert "Neuadd y Ddinas, Abertawe" in reminder.params["text"]

    events = await say(fake, chat, "/events")
    assert_welsh(events)
    assert "Diwrnod ymarfer" in events.params["text"]
    assert "Ychwanegu at y calendr (.ics)" in buttons(events)


async def test_the_command_menu_has_welsh_entries_for_telegram_apps_in_welsh(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    welsh = texts_for(Language.WELSH)
    menu = [(c["command"], c["description"]) for c in fake.commands(language_code="cy")]
    assert menu == [
        (entry.command, entry.description)
        for entry in (menu_entry(command, welsh) for command in menu_commands())
    ]
    assert menu != [(c["command"], c["description"]) for c in fake.commands()]
    assert {"language", "iaith"} <= {command for command, _ in menu}


async def test_language_switches_both_ways_and_survives_a_restart(
    fake: FakeBotApi, bot: BotProcess
) -> None:
    chat = SWITCHING_USER
    assert "What I can do" in (await say(fake, chat, "/help")).params["text"]

    offer = await say(fake, chat, "/iaith")
    assert set(buttons(offer)) == {"English", "Cymraeg"}
    chosen = await press(fake, offer, "Cymraeg")
    assert "Gymraeg" in chosen.params["text"]
    assert_welsh(await say(fake, chat, "/help"))

    await bot.stop()
    await bot.start()
    assert_welsh(await say(fake, chat, "/help"))

    offer = await say(fake, chat, "/language")
    chosen = await press(fake, offer, "English")
    assert chosen.params["text"].startswith("Done: I will answer this chat in English")
    await bot.stop()
    await bot.start()
    assert "What I can do" in (await say(fake, chat, "/help")).params["text"]
