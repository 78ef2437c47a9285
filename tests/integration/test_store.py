"""The SQLite store: its schema, subscriptions, deliveries and anonymous statistics."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.errors import StoreError, UnusableDatabaseError
from bot.languages import Language
from bot.scopes import ALL
from bot.storage.port import ReminderSlot
from bot.storage.schema import MIGRATIONS, exclusive_use, lock_path
from bot.storage.sqlite import CONVERSATIONS_WRITTEN_WITHIN, SqliteStore
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from bot.understanding.text import unanswered_key
from tests.store_contract import known_event

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


async def test_an_existing_database_readable_by_everyone_is_made_the_owners_only(
    path: Path,
) -> None:
    store = await SqliteStore.open(path)
    await store.subscribe(CHAT, "SFK", NOW)
    await store.close()
    files = [path, Path(f"{path}-wal"), Path(f"{path}-shm")]
    for file in files:  # as an older sosbot, or a copy by hand, may have left them
        file.touch()
        file.chmod(0o644)
    store = await SqliteStore.open(path)
    try:
        modes = {f.name: stat.S_IMODE(f.stat().st_mode) for f in files}
        assert await store.subscriptions(CHAT) == ["SFK"]
    finally:
        await store.close()
    assert modes == {f.name: 0o600 for f in files}


def test_the_lock_is_the_same_however_the_database_path_is_spelled(
    tmp_path: Path, path: Path
) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path, target_is_directory=True)
    assert lock_path(link / path.name) == lock_path(path)
    with (
        exclusive_use(path),
        pytest.raises(UnusableDatabaseError, match="another sosbot run"),
        exclusive_use(link / path.name),
    ):
        pass


async def test_reading_a_missing_database_is_refused_and_creates_nothing(path: Path) -> None:
    with pytest.raises(UnusableDatabaseError, match="it does not exist"):
        await SqliteStore.open(path, writable=False)
    assert list(path.parent.iterdir()) == []


async def test_reading_a_database_that_needs_migrating_is_refused_and_leaves_it_as_it_was(
    path: Path,
) -> None:
    _version_one_database(path)
    with pytest.raises(UnusableDatabaseError, match="needs migrating"):
        await SqliteStore.open(path, writable=False)
    with _raw(path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == 1


async def test_reading_an_up_to_date_database_works_without_writing(
    path: Path, make_read_only: Callable[[Path], None]
) -> None:
    store = await SqliteStore.open(path)
    await store.log_unanswered("what is the weather")
    await store.close()
    make_read_only(path)
    store = await SqliteStore.open(path, writable=False)
    try:
        assert await store.top_unanswered(5) == [("what is the weather", 1)]
    finally:
        await store.close()


@pytest.mark.parametrize("writable", [True, False])
async def test_a_versioned_database_without_sosbots_tables_is_not_sosbots(
    path: Path, writable: bool
) -> None:
    with _raw(path) as connection:
        connection.execute("CREATE TABLE invoices (number INTEGER PRIMARY KEY)")
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")
    with pytest.raises(UnusableDatabaseError, match="it is not sosbot's: it holds tables invoices"):
        await SqliteStore.open(path, writable=writable)


async def test_a_failure_while_closing_is_one_logged_line(
    path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await SqliteStore.open(path)
    connection = store._db._db

    async def fails() -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(connection, "close", fails)
    await store.close()
    assert [r.getMessage() for r in caplog.records] == [
        f"Closing the database {path} failed: disk I/O error"
    ]
    monkeypatch.undo()
    await connection.close()


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


@pytest.mark.parametrize("change", [_delete, _replace])
async def test_what_was_kept_of_a_chat_goes_with_a_database_deleted_or_replaced(
    path: Path, change: Callable[[Path], None]
) -> None:
    earlier = await SqliteStore.open(path)
    await earlier.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
    await earlier.close()
    store = await SqliteStore.open(path)
    try:
        await store.set_chat_language(CHAT, Language.WELSH)
        assert await store.chat_language(CHAT) is Language.WELSH
        assert await store.conversation(CHAT) == Conversation(Intent.STAGE, "SFK")
        change(path)
        await store.subscribe(OTHER_CHAT, "LIN", NOW)  # the first statement finds the new file
        assert await store.chat_language(CHAT) is None
        assert await store.conversation(CHAT) == Conversation()
    finally:
        await store.close()


def _conversations_in_file(path: Path) -> list[tuple[int, str, str]]:
    with _raw(path) as raw:
        return raw.execute(
            "SELECT chat_id, intent, council_code FROM conversations ORDER BY chat_id"
        ).fetchall()


async def _until(condition: Callable[[], bool]) -> None:
    """Wait for the conversations' write behind, however slow the machine: 10 s at most."""
    for _ in range(200):
        if condition():
            return
        await asyncio.sleep(CONVERSATIONS_WRITTEN_WITHIN / 10)
    raise AssertionError("not written within 10 s")


async def test_what_is_kept_of_a_chat_is_what_the_file_holds(path: Path) -> None:
    store = await SqliteStore.open(path)
    try:
        assert await store.chat_language(CHAT) is None  # read, and kept
        await store.set_chat_language(CHAT, Language.WELSH)
        await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
        assert await store.chat_language(CHAT) is Language.WELSH
        await _until(lambda: _conversations_in_file(path) == [(CHAT, "stage", "SFK")])
        with _raw(path) as raw:
            assert raw.execute("SELECT language FROM chat_languages").fetchall() == [("cy",)]
        await store.forget(CHAT)
        assert await store.chat_language(CHAT) is None
        assert await store.conversation(CHAT) == Conversation()
    finally:
        await store.close()


async def test_conversations_are_written_together_within_the_window(
    store: SqliteStore, path: Path
) -> None:
    for chat in (1, 2, 3):
        await store.save_conversation(chat, Conversation(Intent.STAGE, "SFK"), NOW)
    await store.save_conversation(2, Conversation(Intent.TRAINERS, "LIN"), NOW)
    assert _conversations_in_file(path) == []  # nobody waited for the disk
    assert await store.conversation(2) == Conversation(Intent.TRAINERS, "LIN")
    await _until(lambda: bool(_conversations_in_file(path)))
    assert _conversations_in_file(path) == [
        (1, "stage", "SFK"),
        (2, "trainers", "LIN"),
        (3, "stage", "SFK"),
    ]


async def test_a_conversation_changed_at_a_naive_time_is_refused_when_saved(
    store: SqliteStore,
) -> None:
    naive = datetime(2026, 3, 1)  # the mistake under test
    with pytest.raises(ValueError, match="expected an aware datetime"):
        await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), naive)
    assert await store.conversation(CHAT) == Conversation()


async def test_closing_writes_the_conversations_not_yet_written(path: Path) -> None:
    store = await SqliteStore.open(path)
    await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
    await store.save_conversation(OTHER_CHAT, Conversation(Intent.STAGE, "LIN"), NOW)
    await store.save_conversation(OTHER_CHAT, Conversation(), NOW)
    await store.close()
    assert _conversations_in_file(path) == [(CHAT, "stage", "SFK")]


async def test_a_conversation_forgotten_before_it_was_written_is_never_written(
    store: SqliteStore, path: Path
) -> None:
    await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
    await store.forget(CHAT)
    await store.save_conversation(OTHER_CHAT, Conversation(Intent.STAGE, "LIN"), NOW)
    await _until(lambda: bool(_conversations_in_file(path)))
    assert _conversations_in_file(path) == [(OTHER_CHAT, "stage", "LIN")]
    assert await store.conversation(CHAT) == Conversation()


async def test_conversations_that_could_not_be_written_are_kept_and_written_later(
    store: SqliteStore,
    path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    write = store.save_conversations
    failures = [StoreError("disk full")]

    async def failing_once(changes: Mapping[int, tuple[Conversation, datetime]]) -> None:
        if failures:
            raise failures.pop()
        await write(changes)

    monkeypatch.setattr(store, "save_conversations", failing_once)
    await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
    await _until(lambda: "could not be saved" in caplog.text)
    assert _conversations_in_file(path) == []
    assert "Conversations of 1 chats could not be saved: disk full" in caplog.text
    assert await store.conversation(CHAT) == Conversation(Intent.STAGE, "SFK")
    await store.save_conversation(OTHER_CHAT, Conversation(Intent.STAGE, "LIN"), NOW)
    await _until(lambda: bool(_conversations_in_file(path)))
    assert _conversations_in_file(path) == [
        (OTHER_CHAT, "stage", "LIN"),
        (CHAT, "stage", "SFK"),
    ]


class StallingBatch:
    """The store's first batch of conversations waits, in flight, until `fail` lets it fail;
    later batches are written."""

    def __init__(self, store: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self._write = store.save_conversations
        self.in_flight = asyncio.Event()
        self.fail = asyncio.Event()
        self._batches = 0
        monkeypatch.setattr(store, "save_conversations", self.save_conversations)

    async def save_conversations(
        self, changes: Mapping[int, tuple[Conversation, datetime]]
    ) -> None:
        self._batches += 1
        if self._batches == 1:
            self.in_flight.set()
            await self.fail.wait()
            raise StoreError("database is locked")
        await self._write(changes)


async def test_a_batch_that_fails_after_a_newer_one_was_written_puts_back_nothing_older(
    store: SqliteStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = StallingBatch(store, monkeypatch)
    await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
    await batch.in_flight.wait()
    await store.save_conversation(CHAT, Conversation(Intent.TRAINERS, "LIN"), NOW)
    # Prune writes what is unsaved first: the newer conversation, while the older is in flight.
    pruning = asyncio.create_task(store.prune(NOW - timedelta(days=1), NOW, now=NOW))
    await asyncio.sleep(0.05)
    batch.fail.set()
    await pruning
    assert await store.conversation(CHAT) == Conversation(Intent.TRAINERS, "LIN")
    await store.close()
    assert _conversations_in_file(path) == [(CHAT, "trainers", "LIN")]


async def test_a_conversation_forgotten_while_its_batch_fails_is_not_put_back(
    store: SqliteStore, path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    batch = StallingBatch(store, monkeypatch)
    await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
    await batch.in_flight.wait()
    forgetting = asyncio.create_task(store.forget(CHAT))
    await asyncio.sleep(0.05)
    batch.fail.set()
    await forgetting
    assert await store.conversation(CHAT) == Conversation()
    await store.close()
    assert _conversations_in_file(path) == []


async def test_closing_closes_the_database_even_when_writing_the_conversations_goes_wrong(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = await SqliteStore.open(path)

    async def broken(changes: Mapping[int, tuple[Conversation, datetime]]) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(store, "save_conversations", broken)
    await store.save_conversation(CHAT, Conversation(Intent.STAGE, "SFK"), NOW)
    with pytest.raises(RuntimeError, match="a bug"):
        await store.close()
    # The last connection to a WAL database, closed, takes its -wal file with it.
    assert not path.with_name(f"{path.name}-wal").exists()


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


# SQLite only: what is in the file


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
    await store.save_conversation(CHAT, Conversation(Intent.TRAINERS, "SFK"), NOW)
    await store.set_chat_language(CHAT, Language.WELSH)
    await store.subscribe(OTHER_CHAT, "SFK", NOW)

    await store.forget(CHAT)

    assert await store.subscriptions(CHAT) == []
    with _raw(path) as connection:
        tables = _tables_with_column(connection, "chat_id")
        assert {
            "chats",
            "subscriptions",
            "deliveries",
            "announcements",
            "conversations",
            "chat_languages",
        } <= set(tables)
        for table in tables:
            rows = connection.execute(f"SELECT count(*) FROM {table} WHERE chat_id = ?", (CHAT,))
            assert rows.fetchone()[0] == 0, table
        assert connection.execute("SELECT count(*) FROM chats").fetchone()[0] == 1


async def test_remembered_events_and_their_latest_starts_survive_a_restart(path: Path) -> None:
    store = await SqliteStore.open(path)
    await store.remember_events([known_event("a"), known_event("b")], NOW)
    await store.remember_events([known_event("b", "2026-04"), known_event("c")], NOW)
    await store.close()

    store = await SqliteStore.open(path)
    try:
        assert await store.known_events() == {"a": "2026-03-08", "b": "2026-04", "c": "2026-03-08"}
    finally:
        await store.close()


async def test_the_unanswered_log_holds_the_question_and_its_count_only(
    store: SqliteStore, path: Path
) -> None:
    await store.subscribe(CHAT, "SFK", NOW)
    await store.log_unanswered(unanswered_key("call me on 07700 900123 about Suffolk"))
    with _raw(path) as connection:
        columns = [info[1] for info in connection.execute("PRAGMA table_info(unanswered)")]
        rows = connection.execute("SELECT * FROM unanswered").fetchall()
    assert columns == ["question", "count"]
    assert rows == [("call me on # # about suffolk", 1)]
    assert str(CHAT) not in repr(rows)


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
        await store.prune(later, datetime(2026, 3, 7, tzinfo=UTC), now=later)
        assert await store.delivered_count() == 1
        await store.prune(later, later, now=later)
        assert await store.delivered_count() == 0
    finally:
        await store.close()
