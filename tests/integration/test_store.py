"""The SQLite store: its schema, subscriptions, deliveries and anonymous statistics."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.errors import StoreError, UnusableDatabaseError
from bot.scopes import ALL
from bot.storage.port import KnownEvent, ReminderSlot
from bot.storage.sqlite import MIGRATIONS, SqliteStore, exclusive_use, lock_path, unanswered_key

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)  # an event's start
CHAT = 1001
OTHER_CHAT = -100200300  # a group: Telegram gives groups negative ids


def _raw(path: Path) -> sqlite3.Connection:
    """A second, plain connection to look at the file as another reader would."""
    return sqlite3.connect(path)


def _tables_with_column(connection: sqlite3.Connection, column: str) -> list[str]:
    tables = [
        row[0] for row in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")
    ]
    return [
        table
        for table in tables
        if any(info[1] == column for info in connection.execute(f"PRAGMA table_info({table})"))
    ]


# The schema


async def test_opening_an_empty_file_applies_every_migration(path: Path) -> None:
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
    finally:
        await store.close()
    with _raw(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {"chats", "subscriptions", "deliveries", "announcements"} <= {
            row[0] for row in connection.execute("SELECT name FROM sqlite_schema")
        }


async def test_reopening_migrates_nothing_and_keeps_the_data(path: Path) -> None:
    store = await SqliteStore.open(path)
    await store.subscribe(CHAT, "SFK", NOW)
    await store.close()

    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
        assert await store.subscriptions(CHAT) == ["SFK"]
    finally:
        await store.close()


async def test_opening_creates_missing_folders(tmp_path: Path) -> None:
    store = await SqliteStore.open(tmp_path / "data" / "bot" / "sosbot.sqlite3")
    await store.close()
    assert (tmp_path / "data" / "bot" / "sosbot.sqlite3").is_file()


async def test_a_database_from_a_newer_sosbot_is_refused(path: Path) -> None:
    with _raw(path) as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(UnusableDatabaseError, match="newer"):
        await SqliteStore.open(path)


@pytest.fixture
def umask_of_a_shared_machine() -> Iterator[None]:
    """The common umask, which leaves new files readable by everyone."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.usefixtures("umask_of_a_shared_machine")
async def test_the_database_its_wal_shm_and_lock_are_readable_by_their_owner_only(
    path: Path,
) -> None:
    with exclusive_use(path):
        store = await SqliteStore.open(path)
        try:
            await store.subscribe(CHAT, "SFK", NOW)
            files = [path, Path(f"{path}-wal"), Path(f"{path}-shm"), lock_path(path)]
            modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        finally:
            await store.close()
    assert modes == {f.name: 0o600 for f in files}


async def test_a_second_exclusive_use_of_a_database_is_refused_at_once(path: Path) -> None:
    with (
        exclusive_use(path),
        pytest.raises(UnusableDatabaseError, match="another sosbot run"),
        exclusive_use(path),
    ):
        pass
    with exclusive_use(path):  # released: free again
        pass


def _delete(path: Path) -> None:
    path.unlink()


def _replace(path: Path) -> None:
    other = path.with_name("restored.sqlite3")
    sqlite3.connect(other).close()
    other.replace(path)


@pytest.mark.parametrize(("change", "said"), [(_delete, "deleted"), (_replace, "replaced")])
async def test_a_database_deleted_or_replaced_while_open_is_reopened_and_the_loss_logged(
    path: Path, caplog: pytest.LogCaptureFixture, change: Callable[[Path], None], said: str
) -> None:
    store = await SqliteStore.open(path)
    try:
        await store.subscribe(CHAT, "SFK", NOW)
        change(path)
        with caplog.at_level(logging.ERROR, logger="bot.storage.sqlite"):
            assert await store.subscribe(OTHER_CHAT, "LIN", NOW) is True
        assert await store.subscriptions(CHAT) == []
    finally:
        await store.close()
    [record] = caplog.records
    assert said in record.getMessage()
    assert "is gone" in record.getMessage()
    reopened = await SqliteStore.open(path)
    try:
        assert await reopened.subscriptions(OTHER_CHAT) == ["LIN"]
    finally:
        await reopened.close()


async def test_a_database_that_cannot_be_reopened_fails_each_write_says_so_once_then_recovers(
    store: SqliteStore, path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path.unlink()
    path.mkdir()  # where the database was, something that cannot be one
    with caplog.at_level(logging.ERROR, logger="bot.storage.sqlite"):
        for _ in range(2):
            with pytest.raises(StoreError, match="it is a folder"):
                await store.subscribe(CHAT, "SFK", NOW)
    assert len(caplog.records) == 1
    path.rmdir()
    assert await store.subscribe(CHAT, "SFK", NOW) is True


# Subscriptions


async def test_subscribing_twice_reports_the_second_as_existing(store: SqliteStore) -> None:
    assert await store.subscribe(CHAT, "SFK", NOW) is True
    assert await store.subscribe(CHAT, "SFK", NOW) is False
    assert await store.subscriptions(CHAT) == ["SFK"]


async def test_subscriptions_list_all_first_then_councils_in_order(store: SqliteStore) -> None:
    for scope in ("SWA", ALL, "LIN"):
        await store.subscribe(CHAT, scope, NOW)
    assert await store.subscriptions(CHAT) == [ALL, "LIN", "SWA"]
    assert await store.subscriptions(OTHER_CHAT) == []


@pytest.mark.parametrize("scope", ["", "sfk", "All", "suffolk", "S", "SFK; DROP TABLE chats"])
async def test_a_scope_that_is_neither_all_nor_a_council_code_is_refused(
    store: SqliteStore, scope: str
) -> None:
    with pytest.raises(ValueError, match="council code"):
        await store.subscribe(CHAT, scope, NOW)


@pytest.mark.parametrize("scope", ["SFK", "GMCA", "NIR-A", ALL])
async def test_any_council_code_and_all_are_accepted(store: SqliteStore, scope: str) -> None:
    assert await store.subscribe(CHAT, scope, NOW)


async def test_a_naive_time_is_refused(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="aware"):
        await store.subscribe(CHAT, "SFK", datetime(2026, 3, 1, 12, 0))


async def test_unsubscribing_reports_whether_there_was_a_subscription(
    store: SqliteStore,
) -> None:
    await store.subscribe(CHAT, "SFK", NOW)
    assert await store.unsubscribe(CHAT, "SFK") is True
    assert await store.unsubscribe(CHAT, "SFK") is False
    assert await store.subscriptions(CHAT) == []


async def test_unsubscribing_from_everything_counts_what_went(store: SqliteStore) -> None:
    for scope in ("SFK", "LIN", ALL):
        await store.subscribe(CHAT, scope, NOW)
    await store.subscribe(OTHER_CHAT, "SFK", NOW)
    assert await store.unsubscribe_all(CHAT) == 3
    assert await store.unsubscribe_all(CHAT) == 0
    assert await store.subscriptions(OTHER_CHAT) == ["SFK"]


async def test_subscriber_counts_are_by_scope_and_leave_out_paused_chats(
    store: SqliteStore,
) -> None:
    await store.subscribe(1, "SFK", NOW)
    await store.subscribe(2, "SFK", NOW)
    await store.subscribe(2, ALL, NOW)
    await store.subscribe(3, "LIN", NOW)
    await store.pause_chat(3, NOW)
    assert await store.subscriber_counts() == {ALL: 1, "SFK": 2}


async def test_a_resumed_chat_counts_again(store: SqliteStore) -> None:
    await store.subscribe(CHAT, "LIN", NOW)
    await store.pause_chat(CHAT, NOW)
    await store.resume_chat(CHAT)
    assert await store.subscriber_counts() == {"LIN": 1}


async def test_subscribing_again_resumes_a_paused_chat(store: SqliteStore) -> None:
    await store.subscribe(CHAT, "LIN", NOW)
    await store.pause_chat(CHAT, NOW)
    assert await store.subscribe(CHAT, "SFK", NOW) is True
    assert await store.subscriber_counts() == {"LIN": 1, "SFK": 1}


async def test_pausing_a_chat_never_subscribed_stores_nothing(
    store: SqliteStore, path: Path
) -> None:
    await store.pause_chat(CHAT, NOW)
    with _raw(path) as connection:
        assert connection.execute("SELECT count(*) FROM chats").fetchone()[0] == 0


async def test_forgetting_a_chat_deletes_every_row_that_names_it(
    store: SqliteStore, path: Path
) -> None:
    await store.subscribe(CHAT, "SFK", NOW)
    await store.subscribe(CHAT, ALL, NOW)
    await store.record_delivery(CHAT, "suffolk-training", START, 86400, NOW)
    await store.record_announcement(CHAT, "suffolk-training", START, NOW)
    await store.pause_chat(CHAT, NOW)
    await store.subscribe(OTHER_CHAT, "SFK", NOW)

    await store.forget(CHAT)

    assert await store.subscriptions(CHAT) == []
    with _raw(path) as connection:
        tables = _tables_with_column(connection, "chat_id")
        assert {"chats", "subscriptions", "deliveries", "announcements"} <= set(tables)
        for table in tables:
            rows = connection.execute(f"SELECT count(*) FROM {table} WHERE chat_id = ?", (CHAT,))
            assert rows.fetchone()[0] == 0, table
        assert connection.execute("SELECT count(*) FROM chats").fetchone()[0] == 1


# Deliveries and announcements


async def test_recording_a_delivery_twice_keeps_one(store: SqliteStore) -> None:
    await store.subscribe(CHAT, "SFK", NOW)
    await store.record_delivery(CHAT, "suffolk-training", START, 86400, NOW)
    await store.record_delivery(CHAT, "suffolk-training", START, 86400, NOW)
    await store.record_delivery(CHAT, "suffolk-training", START, 604800, NOW)
    assert await store.delivered_count() == 2


async def test_a_delivery_to_a_chat_forgotten_meanwhile_is_not_kept(store: SqliteStore) -> None:
    await store.subscribe(CHAT, "SFK", NOW)
    await store.forget(CHAT)
    await store.record_delivery(CHAT, "suffolk-training", START, 86400, NOW)
    await store.record_announcement(CHAT, "suffolk-training", START, NOW)
    assert await store.delivered_count() == 0


async def test_pending_reminders_with_no_slots_are_none(store: SqliteStore) -> None:
    await store.subscribe(CHAT, ALL, NOW)
    assert await store.pending_reminders([]) == []


async def test_pending_reminders_name_the_slot_and_the_subscription_time(
    store: SqliteStore,
) -> None:
    await store.subscribe(CHAT, "SFK", NOW)
    slot = ReminderSlot("suffolk-training", START, "SFK", 86400)
    [pending] = await store.pending_reminders([slot])
    assert (pending.chat_id, pending.slot, pending.owed_since) == (CHAT, slot, NOW)


@pytest.mark.parametrize(
    ("council", "expected"),
    [
        ("SFK", [1, 2]),  # the council's and `all` subscribers
        ("LIN", [2, 3]),
        (None, [1, 2, 3]),  # network-wide: everyone
    ],
)
async def test_announcements_go_to_the_events_subscribers(
    store: SqliteStore, council: str | None, expected: list[int]
) -> None:
    await store.subscribe(1, "SFK", NOW)
    await store.subscribe(2, ALL, NOW)
    await store.subscribe(2, "SFK", NOW)
    await store.subscribe(3, "LIN", NOW)
    await store.subscribe(4, "SWA", NOW)
    await store.pause_chat(4, NOW)  # subscribed, but it blocked the bot
    assert await store.announcement_recipients("an-event", council) == expected


async def test_an_announced_chat_is_not_told_again(store: SqliteStore) -> None:
    await store.subscribe(1, "SFK", NOW)
    await store.subscribe(2, "SFK", NOW)
    await store.record_announcement(1, "an-event", START, NOW)
    await store.record_announcement(1, "an-event", START, NOW)
    assert await store.announcement_recipients("an-event", "SFK") == [2]
    assert await store.announcement_recipients("another-event", "SFK") == [1, 2]


async def test_paused_chats_hear_no_announcements(store: SqliteStore) -> None:
    await store.subscribe(CHAT, ALL, NOW)
    await store.pause_chat(CHAT, NOW)
    assert await store.announcement_recipients("an-event", None) == []


def _known(event_id: str, start: str = "2026-03-08") -> KnownEvent:
    return KnownEvent(event_id, start, START + timedelta(days=1))


async def test_known_events_are_unknown_until_first_remembered(store: SqliteStore) -> None:
    assert await store.known_events() is None
    await store.remember_events([], NOW)
    assert await store.known_events() == {}


async def test_remembered_events_and_their_latest_starts_survive_a_restart(path: Path) -> None:
    store = await SqliteStore.open(path)
    await store.remember_events([_known("a"), _known("b")], NOW)
    await store.remember_events([_known("b", "2026-04"), _known("c")], NOW)
    await store.close()

    store = await SqliteStore.open(path)
    try:
        assert await store.known_events() == {"a": "2026-03-08", "b": "2026-04", "c": "2026-03-08"}
    finally:
        await store.close()


# Statistics


async def test_questions_are_counted_by_outcome(store: SqliteStore) -> None:
    assert await store.question_counts() == (0, 0)
    await store.add_question_counts(2, 1)
    await store.add_question_counts(3, 0)
    assert await store.question_counts() == (5, 1)


async def test_unanswered_questions_are_counted_in_normalised_form(store: SqliteStore) -> None:
    await store.log_unanswered("What is the WEATHER??")
    await store.log_unanswered("what is the weather")
    await store.log_unanswered("Who is the mayor")
    await store.log_unanswered("  ?!  ")
    assert await store.top_unanswered(10) == [
        ("what is the weather", 2),
        ("who is the mayor", 1),
    ]
    assert await store.top_unanswered(1) == [("what is the weather", 2)]


async def test_the_unanswered_log_holds_the_question_and_its_count_only(
    store: SqliteStore, path: Path
) -> None:
    await store.subscribe(CHAT, "SFK", NOW)
    await store.log_unanswered("call me on 07700 900123 about Suffolk")
    with _raw(path) as connection:
        columns = [info[1] for info in connection.execute("PRAGMA table_info(unanswered)")]
        rows = connection.execute("SELECT * FROM unanswered").fetchall()
    assert columns == ["question", "count"]
    assert rows == [("call me on # # about suffolk", 1)]
    assert str(CHAT) not in repr(rows)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Who TRAINS Suffolk's staff?", "who trains suffolk staff"),
        ("ref 1234567", "ref #"),
        ("in 2014", "in 2014"),
        ("word " * 100, ("word " * 40).strip()),
    ],
)
def test_unanswered_questions_are_kept_normalised_masked_and_short(
    text: str, expected: str
) -> None:
    assert unanswered_key(text) == expected


async def test_pruning_goes_by_age_and_forgets_chats_left_with_nothing(
    store: SqliteStore,
) -> None:
    long_ago, lately = NOW - timedelta(days=40), NOW - timedelta(days=2)
    await store.subscribe(1, "SFK", long_ago)
    await store.subscribe(2, "SFK", long_ago)
    for chat in (1, 2):
        await store.record_delivery(chat, "over", long_ago, 86400, long_ago - timedelta(days=1))
        await store.record_delivery(chat, "lately", lately, 86400, lately - timedelta(days=1))
        await store.record_announcement(chat, "over", long_ago, long_ago - timedelta(days=9))
    await store.remember_events(
        [KnownEvent("over", "2026-01-20", long_ago + timedelta(hours=2))], NOW
    )
    await store.unsubscribe_all(2)

    await store.prune(NOW - timedelta(days=30), NOW - timedelta(days=37))
    assert await store.delivered_count() == 2
    assert await store.known_events() == {}
    await store.prune(NOW, NOW)
    assert await store.delivered_count() == 0
    rows = await store._rows("SELECT chat_id FROM chats ORDER BY chat_id")
    assert [row[0] for row in rows] == [1]


def _version_one_database(path: Path) -> None:
    """A database as the first schema left it: a chat, reminded of an event at the day lead."""
    with _raw(path) as connection:
        connection.executescript(MIGRATIONS[0])
        connection.executescript(
            "INSERT INTO chats (chat_id) VALUES (1);"
            "INSERT INTO subscriptions VALUES (1, 'SFK', '2026-01-01T00:00:00Z');"
            "INSERT INTO deliveries VALUES (1, 'suffolk-training', 86400, '2026-03-07T10:00:00Z');"
            "INSERT INTO known_events VALUES ('suffolk-training');"
            "INSERT INTO state VALUES ('events_remembered', 1);"
            "PRAGMA user_version = 1;"
        )


async def test_deliveries_from_before_starts_were_kept_still_count_for_any_start(
    path: Path,
) -> None:
    _version_one_database(path)
    store = await SqliteStore.open(path)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
        day = ReminderSlot("suffolk-training", START, "SFK", 86400)
        week = ReminderSlot("suffolk-training", START, "SFK", 7 * 86400)
        assert await store.pending_reminders([day]) == []
        assert await store.pending_reminders([week]) == []
        # Before starts were kept, a known event has none: no move can be told of it.
        assert await store.known_events() == {"suffolk-training": None}
        # Kept until a while after the longest lead could have put its start.
        later = NOW + timedelta(days=60)
        await store.prune(later, datetime(2026, 3, 7, tzinfo=UTC))
        assert await store.delivered_count() == 1
        await store.prune(later, later)
        assert await store.delivered_count() == 0
    finally:
        await store.close()


async def test_move_recipients_are_the_subscribers_last_told_of_another_start(
    store: SqliteStore,
) -> None:
    moved = START + timedelta(days=2)
    for chat in (1, 2, 3, 4, 5):
        await store.subscribe(chat, "SFK", NOW)
    await store.record_delivery(1, "an-event", START, 86400, NOW)  # reminded of the old start
    await store.record_announcement(2, "an-event", START, NOW)  # told of the old start
    await store.record_delivery(3, "an-event", START, 86400, NOW)
    await store.record_announcement(3, "an-event", moved, NOW)  # already told of the move
    await store.record_delivery(4, "an-event", moved, 86400, NOW)  # reminded of the new start
    # 5 never heard of it: a new-event announcement is its business, not a move.
    assert await store.move_recipients("an-event", "SFK", moved) == [1, 2]
    assert await store.move_recipients("an-event", "LIN", moved) == []
    assert await store.move_recipients("an-event", None, START) == [3, 4]
