"""Subscriptions and reminders end to end: `sosbot run` against the fake Bot API, with events
due within seconds."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from bot.storage.sqlite import SqliteStore
from tests.bot_process import TEST_TOKEN, BotProcess
from tests.e2e.chats import (
    buttons,
    event,
    reminders,
    say,
    sent_to,
    wait_for_reminders,
    write_events,
)
from tests.fake_bot_api import BOT_USERNAME, FakeBotApi

ADMIN = 900
LEAD = "1h"


@pytest.fixture
def bot(fake: FakeBotApi, knowledge_dir: Path, tmp_path: Path) -> BotProcess:
    return BotProcess(
        fake,
        tmp_path,
        knowledge_dir=str(knowledge_dir),
        reminder_lead_times=LEAD,
        reminder_check_seconds="0.3",
        admin_ids=str(ADMIN),
    )


@pytest.fixture
async def running(bot: BotProcess) -> AsyncIterator[BotProcess]:
    await bot.start()
    yield bot
    await bot.stop()


async def subscribe_directly(
    database: Path, chats: Iterable[int], scope: str, when: datetime | None = None
) -> None:
    """Subscriptions made before the bot starts, straight into its database."""
    store = await SqliteStore.open(database)
    try:
        for chat_id in chats:
            await store.subscribe(chat_id, scope, when or datetime.now(UTC))
    finally:
        await store.close()


async def test_people_subscribe_and_unsubscribe_by_command_free_text_and_button(
    fake: FakeBotApi, running: BotProcess
) -> None:
    chat = 7001
    assert (
        "Subscribed to Suffolk County Council's events"
        in (await say(fake, chat, "/subscribe suffolk")).params["text"]
    )
    assert (
        "Subscribed to Lincolnshire County Council's events"
        in (await say(fake, chat, "remind me about Lincs events")).params["text"]
    )
    listed = (await say(fake, chat, "/subscriptions")).params["text"]
    assert "Suffolk County Council" in listed
    assert "Lincolnshire County Council" in listed
    assert (
        "Unsubscribed from Lincolnshire"
        in (await say(fake, chat, "/unsubscribe lincs")).params["text"]
    )
    assert (
        "Unsubscribed from everything (1 subscription)"
        in (await say(fake, chat, "stop reminding me")).params["text"]
    )
    assert "no subscriptions" in (await say(fake, chat, "/subscriptions")).params["text"]

    leeds = (await say(fake, 7002, "/subscribe leeds")).params["text"]
    assert "Subscribed to Leeds City Council's events" in leeds
    assert "Nothing is on record for Leeds City Council yet" in leeds

    overview = await say(fake, 7003, "/council swansea")
    fake.push_callback_query(
        7003, int(overview.result["message_id"]), buttons(overview)["Subscribe"]
    )
    [edit] = await fake.wait_for("editMessageText", lambda c: c.chat_id == 7003)
    assert "Subscribed to City and County of Swansea Council's events" in edit.params["text"]

    choice = await say(fake, 7004, "/subscribe")
    fake.push_callback_query(7004, int(choice.result["message_id"]), buttons(choice)["Every event"])
    [edit] = await fake.wait_for("editMessageText", lambda c: c.chat_id == 7004)
    assert "Subscribed to every event" in edit.params["text"]

    assert "deleted everything" in (await say(fake, 7004, "/forget")).params["text"]
    assert "no subscriptions" in (await say(fake, 7004, "/subscriptions")).params["text"]


async def test_reminders_reach_exactly_the_chats_subscribed_to_them(
    fake: FakeBotApi, bot: BotProcess, knowledge_dir: Path
) -> None:
    database = bot.folder / "sosbot.sqlite3"
    await subscribe_directly(database, [1], "SFK")
    await subscribe_directly(database, [2], "LIN")
    await subscribe_directly(database, [3], "all")
    await subscribe_directly(database, [4], "LDS")
    await subscribe_directly(database, [3], "SFK")
    write_events(
        knowledge_dir,
        event("suffolk-soon", 30, "suffolk"),
        event("network-soon", 40),
        event("later", 600, "suffolk"),
    )
    await bot.start()
    try:
        await wait_for_reminders(fake, 6)
        await asyncio.sleep(1.5)  # several more ticks: nothing else may come
        assert Counter(reminders(fake)) == Counter(
            {
                (1, "Event suffolk-soon"): 1,
                (1, "Event network-soon"): 1,
                (2, "Event network-soon"): 1,
                (3, "Event suffolk-soon"): 1,
                (3, "Event network-soon"): 1,
                (4, "Event network-soon"): 1,
            }
        )
        text = next(
            c.params["text"] for c in sent_to(fake, 1) if "suffolk-soon" in c.params["text"]
        )
        assert "Where: Ipswich" in text
        assert "Council: Suffolk County Council" in text
        assert "(GMT)" in text or "(BST)" in text
    finally:
        await bot.stop()


async def test_a_kill_9_in_the_middle_of_a_fan_out_loses_nothing_and_repeats_nothing(
    fake: FakeBotApi, bot: BotProcess, knowledge_dir: Path
) -> None:
    chats = range(100, 160)
    await subscribe_directly(bot.folder / "sosbot.sqlite3", chats, "all")
    write_events(knowledge_dir, event("soon", 30))
    fake.hold_sends_after(20)
    await bot.start()
    await wait_for_reminders(fake, 20)
    await asyncio.sleep(0.5)  # the 21st send is now waiting for an answer
    bot.kill()
    await asyncio.sleep(0.3)  # let the server see the connection drop
    fake.release_sends()
    await bot.start()
    try:
        await wait_for_reminders(fake, len(chats), timeout=30)
        await asyncio.sleep(1)
        assert Counter(chat for chat, _ in reminders(fake)) == Counter(dict.fromkeys(chats, 1))
    finally:
        await bot.stop()


async def test_429_answers_are_waited_out_and_nothing_is_dropped(
    fake: FakeBotApi, bot: BotProcess, knowledge_dir: Path
) -> None:
    chats = range(200, 240)
    await subscribe_directly(bot.folder / "sosbot.sqlite3", chats, "all")
    write_events(knowledge_dir, event("soon", 30))
    fake.rate_limit(30)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", retry_after=1)
    await bot.start()
    try:
        await wait_for_reminders(fake, len(chats), timeout=30)
        assert Counter(chat for chat, _ in reminders(fake)) == Counter(dict.fromkeys(chats, 1))
        assert len([c for c in fake.calls_to("sendMessage") if c.error_code == 429]) >= 2
    finally:
        await bot.stop()


async def test_a_chat_that_blocked_the_bot_is_paused_not_retried(
    fake: FakeBotApi, bot: BotProcess, knowledge_dir: Path
) -> None:
    await subscribe_directly(bot.folder / "sosbot.sqlite3", [301, 302], "all")
    # The same start in both files: a changed start would be a moved event, reminded again.
    first = event("first", 30)
    write_events(knowledge_dir, first)
    fake.block_chat(301)
    await bot.start()
    try:
        await wait_for_reminders(fake, 1)
        write_events(knowledge_dir, first, event("second", 35))
        await say(fake, ADMIN, "/reload")
        await wait_for_reminders(fake, 2)
        await asyncio.sleep(1)
        attempts_to_blocked = [c for c in fake.calls_to("sendMessage") if c.chat_id == 301]
        assert len(attempts_to_blocked) == 1
        assert attempts_to_blocked[0].error_code == 403
        assert reminders(fake) == [(302, "Event first"), (302, "Event second")]
    finally:
        await bot.stop()


async def test_a_hot_reload_announces_a_new_event_to_its_subscribers_only(
    fake: FakeBotApi, running: BotProcess, knowledge_dir: Path
) -> None:
    await say(fake, 401, "/subscribe suffolk")
    await say(fake, 402, "/subscribe swansea")
    write_events(knowledge_dir, event("suffolk-new", 60 * 24 * 30, "suffolk"))
    running.process.send_signal(signal.SIGHUP)  # type: ignore[union-attr]
    [announcement] = await fake.wait_for(
        "sendMessage", lambda c: c.params["text"].startswith("<b>New event"), timeout=10
    )
    assert announcement.chat_id == 401
    assert "Event suffolk-new" in announcement.params["text"]
    assert "Add to calendar (.ics)" in buttons(announcement)
    await asyncio.sleep(1)
    assert not [c for c in sent_to(fake, 402) if "New event" in c.params["text"]]


async def test_a_moved_event_is_told_and_reminded_again_and_moving_back_repeats_nothing(
    fake: FakeBotApi, running: BotProcess, knowledge_dir: Path
) -> None:
    await say(fake, 451, "/subscribe suffolk")
    before, after = event("moving", 30, "suffolk"), event("moving", 45, "suffolk")
    write_events(knowledge_dir, before)
    await say(fake, ADMIN, "/reload")
    await wait_for_reminders(fake, 1)
    write_events(knowledge_dir, after)
    await say(fake, ADMIN, "/reload")
    [moved] = await fake.wait_for(
        "sendMessage", lambda c: c.params["text"].startswith("<b>Moved"), timeout=10
    )
    assert moved.chat_id == 451
    assert "It has moved to" in moved.params["text"]
    assert await wait_for_reminders(fake, 2) == [(451, "Event moving")] * 2
    write_events(knowledge_dir, before)
    await say(fake, ADMIN, "/reload")
    await fake.wait_for(
        "sendMessage", lambda c: c.params["text"].startswith("<b>Moved"), count=2, timeout=10
    )
    await asyncio.sleep(1)
    assert len(reminders(fake)) == 2


async def test_only_admins_may_reload_and_see_statistics(
    fake: FakeBotApi, running: BotProcess
) -> None:
    assert "only the bot's operators" in (await say(fake, 501, "/reload")).params["text"]
    assert "only the bot's operators" in (await say(fake, 501, "/stats")).params["text"]
    assert (await say(fake, ADMIN, "/reload")).params["text"].startswith("Reloaded")
    await say(fake, 502, "/subscribe suffolk")
    await say(fake, 503, "what's the weather in Leeds")
    stats = (await say(fake, ADMIN, "/stats")).params["text"]
    assert "Suffolk County Council's events: 1" in stats
    assert "Questions not understood: 1" in stats


async def test_a_broken_events_file_is_refused_and_the_last_good_knowledge_kept(
    fake: FakeBotApi, running: BotProcess, knowledge_dir: Path
) -> None:
    write_events(knowledge_dir, event("kept", 60 * 24 * 30, "suffolk"))
    assert (await say(fake, ADMIN, "/reload")).params["text"].startswith("Reloaded")
    (knowledge_dir / "events.yaml").write_text(
        "events:\n  - id: broken\n    title: X\n    start: soon\n"
    )
    refused = (await say(fake, ADMIN, "/reload")).params["text"]
    assert "Reload refused" in refused
    assert f"{knowledge_dir / 'events.yaml'}:4: events[1].start" in refused
    assert "Event kept" in (await say(fake, 601, "/events suffolk")).params["text"]


async def test_an_emptied_events_file_is_refused_on_sighup_and_needs_reload_confirm(
    fake: FakeBotApi, running: BotProcess, knowledge_dir: Path
) -> None:
    write_events(knowledge_dir, event("kept", 60 * 24 * 30, "suffolk"))
    assert (await say(fake, ADMIN, "/reload")).params["text"].startswith("Reloaded")
    write_events(knowledge_dir)
    running.process.send_signal(signal.SIGHUP)  # type: ignore[union-attr]
    for _ in range(50):
        if "has no events" in running.log():
            break
        await asyncio.sleep(0.1)
    assert "send /reload confirm to drop every event" in running.log()
    assert "Event kept" in (await say(fake, 601, "/events suffolk")).params["text"]
    refused = (await say(fake, ADMIN, "/reload")).params["text"]
    assert refused.startswith("Reload refused")
    assert "/reload confirm" in refused
    assert (await say(fake, ADMIN, "/reload confirm")).params["text"].startswith("Reloaded")
    assert "Event kept" not in (await say(fake, 601, "/events suffolk")).params["text"]


async def test_events_offer_an_ics_calendar_file(
    fake: FakeBotApi, running: BotProcess, knowledge_dir: Path
) -> None:
    write_events(knowledge_dir, event("calendar", 60 * 24 * 30, "suffolk"))
    await say(fake, ADMIN, "/reload")
    listing = await say(fake, 701, "/events suffolk")
    fake.push_callback_query(
        701, int(listing.result["message_id"]), buttons(listing)["Add to calendar (.ics)"]
    )
    [_upload] = await fake.wait_for("sendDocument", lambda c: c.chat_id == 701, ok=True)
    [file] = fake.uploaded_files(701)
    assert file.filename == "calendar.ics"
    calendar = Calendar.from_ical(file.data)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Event calendar"
    assert str(vevent["UID"]) == "calendar@sosbot"


async def test_after_downtime_a_due_reminder_comes_late_and_says_so_and_a_begun_event_none(
    fake: FakeBotApi, bot: BotProcess, knowledge_dir: Path
) -> None:
    subscribed = datetime.now(UTC) - timedelta(hours=3)
    await subscribe_directly(bot.folder / "sosbot.sqlite3", [801], "all", subscribed)
    write_events(knowledge_dir, event("missed-while-down", 20), event("already-begun", -10))
    await bot.start()
    try:
        [(chat, title)] = await wait_for_reminders(fake, 1)
        assert (chat, title) == (801, "Event missed-while-down")
        text = sent_to(fake, 801)[0].params["text"]
        assert "Sent late" in text
        await asyncio.sleep(1)
        assert len(reminders(fake)) == 1
    finally:
        await bot.stop()


async def test_unanswered_questions_are_kept_without_ids_and_listed_by_frequency(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    bot = BotProcess(fake, tmp_path, log_unanswered="true")
    await bot.start()
    try:
        for chat, question in [
            (901, "weather in Leeds?"),
            (902, "Weather in leeds"),
            (903, "asdf"),
        ]:
            await say(fake, chat, question)
        await say(fake, 904, "who trains Swansea?")
    finally:
        await bot.stop()
    listing = subprocess.run(
        [sys.executable, "-m", "bot", "unanswered"],
        env=bot.environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert [line.split() for line in listing] == [["2", "weather", "in", "leeds"], ["1", "asdf"]]


def test_a_broken_knowledge_folder_is_refused_at_start_with_its_line(
    knowledge_dir: Path, tmp_path: Path
) -> None:
    (knowledge_dir / "events.yaml").write_text(
        "events:\n  - id: x\n    title: X\n    start: soon\n"
    )
    environment = {
        "PATH": "/usr/bin:/bin",
        "SOSBOT_TELEGRAM_TOKEN": "123:unused",
        "SOSBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
        "SOSBOT_KNOWLEDGE_DIR": str(knowledge_dir),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert f"{knowledge_dir / 'events.yaml'}:4: events[1].start" in result.stderr
    assert "Traceback" not in result.stderr


async def test_a_database_that_cannot_be_written_repeats_no_reminder_and_no_announcement(
    fake: FakeBotApi, running: BotProcess, knowledge_dir: Path
) -> None:
    chats = [1101, 1102, 1103]
    for chat in chats:
        await say(fake, chat, "/subscribe all")
    await asyncio.sleep(1)  # the start-up announcement check is over
    # Another program holds the write lock: every write of the bot fails after its busy
    # timeout, as on a read-only file or a full disk, while reads still work.
    blocker = sqlite3.connect(running.folder / "sosbot.sqlite3", isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        write_events(knowledge_dir, event("soon", 30))
        running.process.send_signal(signal.SIGHUP)  # type: ignore[union-attr]
        await fake.wait_for("sendMessage", lambda c: "Event soon" in c.params["text"], ok=True)
        await asyncio.sleep(12)  # two failed attempts to record, and ticks in between
        sent = [c for c in fake.calls_to("sendMessage") if "Event soon" in c.params["text"]]
        assert len(sent) == 1
    finally:
        blocker.rollback()
        blocker.close()
    await wait_for_reminders(fake, len(chats), timeout=30)
    await asyncio.sleep(1.5)
    about_soon = Counter(
        (c.chat_id, c.params["text"].split(":")[0])
        for c in fake.calls_to("sendMessage", ok=True)
        if "Event soon" in c.params["text"]
    )
    assert about_soon == Counter(
        {(chat, kind): 1 for chat in chats for kind in ("<b>New event", "<b>Reminder")}
    )
    log = running.log()
    assert log.count("The database cannot be used") == 1
    assert log.count("The database works again") == 1


async def test_a_second_bot_on_the_same_database_refuses_to_start_and_unanswered_still_works(
    fake: FakeBotApi, running: BotProcess
) -> None:
    second = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        env=running.environment,
        cwd=running.folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    database = running.folder / "sosbot.sqlite3"
    assert second.stderr.strip().splitlines() == [
        f"sosbot: cannot use database {database}: another sosbot run is using it "
        f"(it holds {database}.lock)"
    ]
    listing = subprocess.run(
        [sys.executable, "-m", "bot", "unanswered"],
        env=running.environment,
        cwd=running.folder,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listing.returncode == 0, listing.stderr
    assert running.process is not None
    assert running.process.poll() is None
    assert "Subscribed" in (await say(fake, 1201, "/subscribe suffolk")).params["text"]


async def test_a_debug_log_holds_no_message_text_no_chat_id_and_no_user_id(
    fake: FakeBotApi, knowledge_dir: Path, tmp_path: Path
) -> None:
    person, group, member = 864209753, -100975318642, 531864297
    phrase = "quokka umbrella zeppelin"
    bot = BotProcess(
        fake,
        tmp_path,
        knowledge_dir=str(knowledge_dir),
        reminder_lead_times=LEAD,
        reminder_check_seconds="0.3",
        log_unanswered="true",
    )
    await bot.start()
    try:
        await say(fake, person, "/subscribe all")
        await say(fake, person, f"who trains Lincs? {phrase}")
        await say(fake, person, f"{phrase} weather")  # not understood: kept, by aiosqlite
        await say(
            fake, group, f"@{BOT_USERNAME} {phrase} and Suffolk?", user_id=member, chat_type="group"
        )
        write_events(knowledge_dir, event("soon", 30))
        bot.process.send_signal(signal.SIGHUP)  # type: ignore[union-attr]
        await wait_for_reminders(fake, 1)
    finally:
        await bot.stop()
    log = bot.log()
    assert "DEBUG" in log, "the bot runs at DEBUG here"
    for secret in (phrase, "quokka", str(person), str(group), str(abs(group)), str(member)):
        assert secret not in log
    assert TEST_TOKEN not in log
