"""The Store on a PostgreSQL database that several instances of sosbot share.

psycopg 3 with psycopg_pool: the pools check each connection before lending it, so after the
server restarts the next call gets a new connection rather than a dead one. `PostgresStore`
runs bot.storage.sql's statements (which also say what is held, and why) through
bot.storage.postgres_sql; the schema (bot.storage.postgres_schema) holds what SQLite's holds.
What only PostgreSQL does:

- `chat_turn(key)`: a transaction holding `pg_advisory_xact_lock(key)` on a connection of a
  pool of its own, so that a chat's updates are handled one at a time across instances;
- `reminder_leadership()`: `pg_try_advisory_lock` on a connection the leadership keeps, which
  also runs the leader's store (bot.storage.postgres_leadership).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress
from typing import Any, Self

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from bot.errors import StoreError, UnusableDatabaseError
from bot.scopes import ALL
from bot.settings import PostgresUrl
from bot.storage.port import PendingReminder, ReminderLeadership, ReminderSlot
from bot.storage.postgres_leadership import LeaderConnection, PostgresLeadership
from bot.storage.postgres_schema import CONNECTION_OPTIONS, connect, failure, prepare
from bot.storage.postgres_sql import Connections, PostgresSql
from bot.storage.queries import POSTGRES_PENDING_REMINDERS
from bot.storage.sql import SqlStore
from bot.storage.stored import second
from bot.storage.transfer import Row, Table

logger = logging.getLogger(__name__)

# Connections an instance opens at most: for statements, and for chat turns in flight (a turn
# beyond that waits for one, up to POOL_WAIT_SECONDS, then fails as the database would). Chat
# turns have a pool of their own: were they the statements' pool, turns in flight could take
# every connection and leave their own statements none.
STATEMENT_CONNECTIONS = 10
TURN_CONNECTIONS = 20
POOL_WAIT_SECONDS = 10.0
# How long `ping` (GET /readyz) waits for the database: a load balancer's health check gives
# up after a few seconds, and an outage should turn the instance unready well before
# POOL_WAIT_SECONDS.
PING_SECONDS = 2.0

Pool = AsyncConnectionPool[AsyncConnection[Any]]


def _pool(database: PostgresUrl, name: str, size: int) -> Pool:
    return AsyncConnectionPool(
        database.url.get_secret_value(),
        min_size=1,
        max_size=size,
        open=False,
        # A connection is tried before it is lent: one the server dropped (a restart) is
        # replaced rather than failing the caller's statement.
        check=AsyncConnectionPool.check_connection,
        kwargs=CONNECTION_OPTIONS,
        timeout=POOL_WAIT_SECONDS,
        name=name,
    )


class PostgresStore(SqlStore):
    """The Store on PostgreSQL. Build it with `open`."""

    def __init__(
        self, database: PostgresUrl, statements: Connections, turns: Pool, owned: Sequence[Pool]
    ) -> None:
        self._statements = PostgresSql(database, statements)
        super().__init__(self._statements)
        self._database = database
        self._turns = turns
        # The pools `close` closes: none for the reminder leader's store, which runs on the
        # leadership's connection.
        self._owned = tuple(owned)

    @classmethod
    async def open(cls, database: PostgresUrl, *, writable: bool = True) -> Self:
        """Connect, and bring the schema up to date (with `writable`; without, refuse one that
        is not). Raises UnusableDatabaseError, without the password."""
        try:
            connection = await connect(database)
        except psycopg.Error as error:
            raise UnusableDatabaseError(str(database), failure(database, error)) from error
        try:
            await prepare(connection, database, writable=writable)
        except psycopg.Error as error:
            raise UnusableDatabaseError(str(database), failure(database, error)) from error
        finally:
            await connection.close()
        statements = _pool(database, "sosbot-statements", STATEMENT_CONNECTIONS)
        turns = _pool(database, "sosbot-chat-turns", TURN_CONNECTIONS)
        await statements.open()
        await turns.open()
        return cls(database, statements, turns, (statements, turns))

    async def close(self) -> None:
        for pool in self._owned:
            await pool.close()

    async def ping(self) -> None:
        try:
            async with asyncio.timeout(PING_SECONDS):
                await super().ping()
        except TimeoutError:
            raise StoreError(
                f"the database {self._database} did not answer within {PING_SECONDS:g} s"
            ) from None

    async def schema_version(self) -> int:
        rows = await self._sql.rows("SELECT version FROM schema_version")
        return int(rows[0][0])

    # Reminders

    async def pending_reminders(
        self, slots: Sequence[ReminderSlot], limit: int | None = None
    ) -> list[PendingReminder]:
        if not slots:
            return []
        async with self._statements.connection() as connection:
            cursor = await connection.execute(
                POSTGRES_PENDING_REMINDERS,
                {
                    "positions": list(range(len(slots))),
                    "events": [slot.event_id for slot in slots],
                    "starts": [second(slot.start) for slot in slots],
                    "councils": [slot.council for slot in slots],
                    "leads": [slot.lead_seconds for slot in slots],
                    "all": ALL,
                    "limit": limit,
                },
            )
            rows = await cursor.fetchall()
        # Rows name their slot by position, as in SQLite.
        return [PendingReminder(chat, slots[position], since) for chat, position, since in rows]

    # Several instances as one bot

    @asynccontextmanager
    async def chat_turn(self, key: int) -> AsyncIterator[None]:
        """A transaction holding the key's advisory lock, on a connection of its own, for the
        block's duration."""
        async with PostgresSql(self._database, self._turns).connection() as connection:
            await connection.execute("BEGIN")
            try:
                await connection.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
                yield
            finally:
                # Ending the transaction frees the lock. If the connection died meanwhile, its
                # lock went with it, and the pool replaces it: the block's work stands.
                with suppress(psycopg.Error):
                    await connection.execute("ROLLBACK")

    def reminder_leadership(self) -> ReminderLeadership:
        leader = LeaderConnection(self._database)
        return PostgresLeadership(leader, PostgresStore(self._database, leader, self._turns, ()))

    # Whole tables, for copying between databases (bot.storage.transfer)

    async def table_rows(self, table: Table) -> list[Row]:
        return await self._sql.rows(f"SELECT {', '.join(table.columns)} FROM {table.name}")

    async def add_table_rows(self, table: Table, rows: Sequence[Row]) -> int:
        columns, marks = ", ".join(table.columns), ", ".join("?" for _ in table.columns)
        # A delivery from before starts were kept has none (NULL): the unique key of deliveries
        # is NULLS NOT DISTINCT, so ON CONFLICT finds it.
        merge = (
            "DO NOTHING"
            if table.count is None
            else f"({', '.join(table.key)}) DO UPDATE SET {table.count} = excluded.{table.count} "
            f"WHERE excluded.{table.count} > {table.name}.{table.count}"
        )
        return await self._sql.write_many(
            f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) ON CONFLICT {merge}", rows
        )
