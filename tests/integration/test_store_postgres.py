"""The PostgreSQL store beyond the Store contract: its schema and migrations, several stores on
one database (as several instances are), recovery after the server restarts, and a password
that never shows."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import psycopg
import pytest

from bot.errors import StoreError, UnusableDatabaseError
from bot.settings import PostgresUrl
from bot.storage.postgres import PING_SECONDS, POOL_WAIT_SECONDS, PostgresStore
from bot.storage.postgres_schema import MIGRATIONS, NAMESPACE, REMINDER_LEADER_LOCK, connect
from tests.postgres import PASSWORD, PASSWORD_IN_URL, PostgresServer
from tests.store_contract import turns_taken

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
CHAT = 1001


@pytest.fixture
def database(postgres_url: str) -> PostgresUrl:
    return PostgresUrl.parse(postgres_url)


@pytest.fixture
async def two_stores(database: PostgresUrl) -> AsyncIterator[tuple[PostgresStore, PostgresStore]]:
    """Two stores on one database, as two instances of the bot have."""
    first = await PostgresStore.open(database)
    second = await PostgresStore.open(database)
    yield first, second
    await first.close()
    await second.close()


def _leader_backends(server: PostgresServer) -> list[int]:
    """The server processes holding the reminder leader's lock."""
    with server.admin() as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND classid = %s AND objid = %s AND objsubid = 2",
            (NAMESPACE, REMINDER_LEADER_LOCK),
        ).fetchall()
    return [int(row[0]) for row in rows]


# The schema


async def test_opening_an_empty_database_applies_every_migration(database: PostgresUrl) -> None:
    store = await PostgresStore.open(database)
    try:
        assert await store.schema_version() == len(MIGRATIONS)
    finally:
        await store.close()


async def test_stores_opened_at_the_same_moment_migrate_once(
    database: PostgresUrl, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.storage.postgres_schema")
    stores = await asyncio.gather(*(PostgresStore.open(database) for _ in range(4)))
    try:
        migrated = [r for r in caplog.records if "migrated to version" in r.getMessage()]
        assert len(migrated) == len(MIGRATIONS)
        assert await stores[3].subscribe(CHAT, "SFK", NOW)
        assert await stores[0].subscriptions(CHAT) == ["SFK"]
    finally:
        for store in stores:
            await store.close()


async def test_a_database_of_a_newer_sosbot_is_refused(
    database: PostgresUrl, postgres_url: str
) -> None:
    await (await PostgresStore.open(database)).close()
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("UPDATE schema_version SET version = %s", (len(MIGRATIONS) + 1,))
    with pytest.raises(UnusableDatabaseError, match="newer than this sosbot knows"):
        await PostgresStore.open(database)


async def test_another_programs_database_is_refused_and_left_alone(
    database: PostgresUrl, postgres_url: str
) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("CREATE TABLE invoices (id integer)")
    with pytest.raises(UnusableDatabaseError, match="not sosbot's: it holds tables invoices"):
        await PostgresStore.open(database)
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        assert connection.execute("SELECT to_regclass('chats')").fetchone() == (None,)


async def test_reading_only_refuses_a_database_not_yet_migrated(database: PostgresUrl) -> None:
    with pytest.raises(UnusableDatabaseError, match="needs migrating"):
        await PostgresStore.open(database, writable=False)
    await (await PostgresStore.open(database)).close()
    store = await PostgresStore.open(database, writable=False)
    try:
        assert await store.top_unanswered(5) == []
    finally:
        await store.close()


# The password


@pytest.mark.parametrize("wrong", ["no-such-database", "wrong password"])
async def test_a_database_that_cannot_be_reached_is_refused_without_the_password(
    postgres_url: str, wrong: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url = (
        postgres_url.rsplit("/", 1)[0] + "/no_such_database"
        if wrong == "no-such-database"
        else postgres_url.replace(PASSWORD_IN_URL, PASSWORD_IN_URL + "x")
    )
    with pytest.raises(UnusableDatabaseError) as raised:
        await PostgresStore.open(PostgresUrl.parse(url))
    assert "postgresql://postgres@127.0.0.1" in str(raised.value)
    said = [str(raised.value), raised.value.reason, *(r.getMessage() for r in caplog.records)]
    for secret in (PASSWORD, PASSWORD_IN_URL, "p@ss"):
        assert not [line for line in said if secret in line]


def test_the_url_is_shown_without_its_password(postgres_url: str) -> None:
    database = PostgresUrl.parse(postgres_url)
    assert PASSWORD_IN_URL not in f"{database} {database!r}"
    assert str(database).startswith("postgresql://postgres@127.0.0.1:")
    assert database.redact(f"failed for {PASSWORD} ({PASSWORD_IN_URL})") == "failed for *** (***)"


# Recovery


async def test_the_store_works_again_after_the_server_restarts(
    database: PostgresUrl, postgres_server: PostgresServer
) -> None:
    store = await PostgresStore.open(database)
    try:
        await store.subscribe(CHAT, "SFK", NOW)
        await postgres_server.restart()
        assert await store.subscriptions(CHAT) == ["SFK"]
        async with store.chat_turn(CHAT):
            await store.save_conversation(CHAT, await store.conversation(CHAT), NOW)
    finally:
        await store.close()


async def test_while_the_server_is_down_calls_fail_in_bounded_time_and_then_work_again(
    database: PostgresUrl, postgres_server: PostgresServer
) -> None:
    store = await PostgresStore.open(database)
    leadership = store.reminder_leadership()
    try:
        await store.subscribe(CHAT, "SFK", NOW)
        await asyncio.to_thread(postgres_server.stop)
        try:
            started = time.monotonic()
            with pytest.raises(StoreError, match="failed"):
                await store.subscriptions(CHAT)
            assert time.monotonic() - started < POOL_WAIT_SECONDS + 5
            with pytest.raises(StoreError):
                await leadership.try_acquire()
        finally:
            await asyncio.to_thread(postgres_server.start)
        assert await store.subscriptions(CHAT) == ["SFK"]
        assert await leadership.try_acquire()
    finally:
        await leadership.release()
        await store.close()


async def test_while_the_server_is_down_a_ping_fails_well_within_the_pools_wait(
    database: PostgresUrl, postgres_server: PostgresServer
) -> None:
    store = await PostgresStore.open(database)
    try:
        await store.ping()
        await asyncio.to_thread(postgres_server.stop)
        try:
            started = time.monotonic()
            with pytest.raises(StoreError) as raised:
                await store.ping()
            assert time.monotonic() - started < PING_SECONDS + 1 < POOL_WAIT_SECONDS
            assert PASSWORD not in str(raised.value)
        finally:
            await asyncio.to_thread(postgres_server.start)
        await store.ping()
    finally:
        await store.close()


async def test_the_server_takes_a_silent_peer_for_dead_within_half_a_minute(
    database: PostgresUrl,
) -> None:
    # The leader's connection among them: a leader's machine that dies without closing it must
    # not keep the reminder leadership for the kernel's two hours.
    connection = await connect(database)
    try:
        cursor = await connection.execute(
            "SELECT current_setting('tcp_keepalives_idle')::int, "
            "current_setting('tcp_keepalives_interval')::int, "
            "current_setting('tcp_keepalives_count')::int"
        )
        idle, interval, count = await cursor.fetchone() or (0, 0, 0)
    finally:
        await connection.close()
    assert 0 < idle + interval * count <= 30


async def test_a_leadership_is_lost_with_a_restart_and_can_be_taken_again(
    database: PostgresUrl, postgres_server: PostgresServer
) -> None:
    store = await PostgresStore.open(database)
    leadership = store.reminder_leadership()
    try:
        assert await leadership.try_acquire()
        await postgres_server.restart()
        assert await leadership.still_held() is False
        with pytest.raises(StoreError):
            await leadership.store.delivered_count()
        assert await leadership.try_acquire()
        assert await leadership.still_held()
        assert await leadership.store.delivered_count() == 0
    finally:
        await leadership.release()
        await store.close()


# Several instances on one database


async def test_a_chat_turn_in_one_instance_waits_for_another_instances(
    two_stores: tuple[PostgresStore, PostgresStore],
) -> None:
    # Long enough for the second store to ask the server for the lock meanwhile.
    assert await turns_taken(*two_stores, hold=0.5) == ["first in", "first out", "second in"]


async def test_one_instance_leads_at_a_time_and_a_released_lead_passes_on(
    two_stores: tuple[PostgresStore, PostgresStore],
) -> None:
    first, second = (store.reminder_leadership() for store in two_stores)
    try:
        assert await first.try_acquire()
        assert await first.try_acquire()  # still the leader
        assert await second.try_acquire() is False
        assert await second.still_held() is False
        await first.release()
        assert await first.still_held() is False
        assert await second.try_acquire()
        assert await first.try_acquire() is False
    finally:
        await first.release()
        await second.release()


async def test_a_leader_whose_connection_dies_frees_the_lead_at_once(
    two_stores: tuple[PostgresStore, PostgresStore], postgres_server: PostgresServer
) -> None:
    first, second = (store.reminder_leadership() for store in two_stores)
    try:
        assert await first.try_acquire()
        [backend] = _leader_backends(postgres_server)
        with postgres_server.admin() as connection:
            connection.execute("SELECT pg_terminate_backend(%s)", (backend,))
        assert await second.try_acquire()
        assert await first.still_held() is False
        with pytest.raises(StoreError):
            await first.store.record_delivery(CHAT, "an-event", NOW, 86400, NOW)
        assert await first.try_acquire() is False
    finally:
        await first.release()
        await second.release()


async def test_an_update_handled_by_one_instance_is_handled_for_all(
    two_stores: tuple[PostgresStore, PostgresStore],
) -> None:
    first, second = two_stores
    await first.record_update_handled(7, NOW)
    assert await second.update_handled(7)
