"""`sosbot migrate-db FROM TO`: what an SQLite database holds, copied into PostgreSQL (and
back), safely twice."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.languages import Language
from bot.scopes import ALL
from bot.settings import PostgresUrl
from bot.storage.port import ReminderSlot
from bot.storage.postgres import PostgresStore
from bot.storage.schema import exclusive_use
from bot.storage.sqlite import SqliteStore
from bot.storage.transfer import TABLES, copy_database
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from tests.integration.test_cli import sosbot
from tests.postgres import PASSWORD_IN_URL
from tests.store_contract import known_event

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
START = datetime(2026, 3, 8, 10, 0, tzinfo=UTC)


async def _a_used_sqlite_database(path: Path) -> None:
    """Everything a bot keeps: subscriptions (one chat paused), deliveries, announcements,
    known events, a conversation, a language and statistics; and a delivery recorded before
    starts were kept (no start), as an old database has."""
    store = await SqliteStore.open(path)
    try:
        await store.subscribe(1, "SFK", NOW)
        await store.subscribe(1, ALL, NOW)
        await store.subscribe(2, "LIN", NOW)
        await store.subscribe(-100200300, "SFK", NOW)
        await store.pause_chat(2, NOW + timedelta(hours=1))
        await store.record_delivery(1, "suffolk-training", START, 604800, NOW)
        await store.record_announcement(-100200300, "suffolk-training", START, NOW)
        await store.remember_events([known_event("suffolk-training")], NOW)
        await store.save_conversation(1, Conversation(Intent.TRAINERS, "SFK"), NOW)
        await store.set_chat_language(2, Language.WELSH)
        await store.add_question_counts(12, 3)
        await store.log_unanswered("what is the weather")
        await store.log_unanswered("what is the weather")
    finally:
        await store.close()
    with sqlite3.connect(path) as connection:
        connection.execute(
            "INSERT INTO deliveries (chat_id, event_id, event_start, lead_seconds, delivered_at) "
            "VALUES (1, 'old-event', NULL, 86400, '2025-01-01T10:00:00Z')"
        )


def _counts(output: str) -> dict[str, tuple[int, int]]:
    """`table read added` per line of migrate-db's report."""
    counts: dict[str, tuple[int, int]] = {}
    for line in output.splitlines()[1:]:
        table, read, _, added, *_ = line.split()
        counts[table] = (int(read), int(added))
    return counts


async def test_migrate_db_copies_sqlite_into_postgresql_and_a_second_run_adds_nothing(
    path: Path, postgres_url: str
) -> None:
    await _a_used_sqlite_database(path)

    first = sosbot("migrate-db", str(path), postgres_url)
    second = sosbot("migrate-db", str(path), postgres_url)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert first.stdout.splitlines()[0] == (
        f"Copied {path} into {PostgresUrl.parse(postgres_url)}:"
    )
    assert PASSWORD_IN_URL not in first.stdout + first.stderr
    counts = _counts(first.stdout)
    assert counts["chats"] == (3, 3)
    assert counts["subscriptions"] == (4, 4)
    assert counts["deliveries"] == (2, 2)
    assert counts["conversations"] == (1, 1)
    assert counts["chat_languages"] == (1, 1)
    assert {table: read for table, (read, _) in _counts(second.stdout).items()} == {
        table: read for table, (read, _) in counts.items()
    }
    assert all(added == 0 for _, added in _counts(second.stdout).values()), second.stdout

    store = await PostgresStore.open(PostgresUrl.parse(postgres_url))
    try:
        assert await store.subscriptions(1) == [ALL, "SFK"]
        assert await store.subscriber_counts() == {ALL: 1, "SFK": 2}  # chat 2 is paused
        assert await store.delivered_count() == 2
        weekly = ReminderSlot("suffolk-training", START, "SFK", 604800)
        assert [p.chat_id for p in await store.pending_reminders([weekly])] == [-100200300]
        assert await store.announcement_recipients("suffolk-training", "SFK") == [1]
        assert await store.known_events() == {"suffolk-training": "2026-03-08"}
        assert await store.conversation(1) == Conversation(Intent.TRAINERS, "SFK")
        assert await store.chat_language(2) is Language.WELSH
        assert await store.question_counts() == (12, 3)
        assert await store.top_unanswered(5) == [("what is the weather", 2)]
    finally:
        await store.close()


async def test_a_database_copied_into_postgresql_and_back_holds_the_same_rows(
    path: Path, tmp_path: Path, postgres_url: str
) -> None:
    await _a_used_sqlite_database(path)
    original = await SqliteStore.open(path)
    middle = await PostgresStore.open(PostgresUrl.parse(postgres_url))
    back = await SqliteStore.open(tmp_path / "back.sqlite3")
    try:
        await copy_database(original, middle)
        await copy_database(middle, back)
        for table in TABLES:
            rows = sorted(await original.table_rows(table), key=repr)
            assert sorted(await back.table_rows(table), key=repr) == rows, table.name
    finally:
        for store in (original, middle, back):
            await store.close()


async def test_copying_into_a_database_in_use_keeps_what_it_holds_and_the_larger_counts(
    path: Path, tmp_path: Path
) -> None:
    await _a_used_sqlite_database(path)
    target = await SqliteStore.open(tmp_path / "target.sqlite3")
    source = await SqliteStore.open(path)
    try:
        await target.subscribe(1, "SWA", NOW)
        await target.add_question_counts(20, 1)
        await target.save_conversation(1, Conversation(Intent.STAGE, "SWA"), NOW)
        await copy_database(source, target)
        assert await target.subscriptions(1) == [ALL, "SFK", "SWA"]
        assert await target.question_counts() == (20, 3)
        assert await target.conversation(1) == Conversation(Intent.STAGE, "SWA")
    finally:
        await target.close()
        await source.close()


@pytest.mark.parametrize(
    ("target", "problem"),
    [
        ("postgresql://bot:secret@db.example:port/sosbot", "not a valid PostgreSQL URL"),
        ("postgresql://bot:secret@db.example:5432", "expected postgresql://"),
    ],
)
def test_migrate_db_refuses_a_bad_url_without_repeating_it(
    path: Path, target: str, problem: str
) -> None:
    result = sosbot("migrate-db", str(path), target)
    assert result.returncode == 2
    assert problem in result.stderr
    assert "secret" not in result.stderr


async def test_migrate_db_refuses_to_write_into_the_file_of_a_running_bot(
    path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "old.sqlite3"
    await (await SqliteStore.open(source)).close()
    await (await SqliteStore.open(path)).close()
    with exclusive_use(path):  # as `sosbot run` holds it
        result = sosbot("migrate-db", str(source), str(path))
    assert result.returncode == 1
    assert f"another sosbot run is using it (it holds {path}.lock)" in result.stderr
