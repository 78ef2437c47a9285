"""The reminder leadership on PostgreSQL: a session advisory lock on a connection of the
leadership's own, which also runs the leader's delivery queries.

When the leader's process dies, its connection closes and the server frees the lock at once;
when the server restarts, every lock is gone and `still_held` says so. The leader's store runs
on that one connection, so a leader that lost its lock cannot write another delivery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

import psycopg
from psycopg import AsyncConnection

from bot.errors import StoreError
from bot.settings import PostgresUrl
from bot.storage.port import Store
from bot.storage.postgres_schema import NAMESPACE, REMINDER_LEADER_LOCK, connect, failure

logger = logging.getLogger(__name__)

_HOLDS_THE_LOCK = f"""
    SELECT EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
          AND classid = {NAMESPACE} AND objid = {REMINDER_LEADER_LOCK} AND objsubid = 2
    )"""


class LeaderConnection:
    """The leadership's connection, used by one coroutine at a time (a connection runs one
    statement at a time, and a transaction spans several awaits)."""

    def __init__(self, database: PostgresUrl) -> None:
        self.database = database
        self.lock = asyncio.Lock()
        self.open: AsyncConnection[Any] | None = None

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        """The connection, while it lives; StoreError if it died or there is none."""
        async with self.lock:
            if self.open is None or self.open.closed or self.open.broken:
                raise StoreError(f"the database {self.database} failed: not the reminder leader")
            yield self.open

    async def close(self) -> None:
        """Close the connection (which frees its lock); never raises."""
        if self.open is not None:
            with suppress(psycopg.Error):
                await self.open.close()
            self.open = None


class PostgresLeadership:
    """bot.storage.port.ReminderLeadership on PostgreSQL. `store` runs on `connection`."""

    def __init__(self, connection: LeaderConnection, store: Store) -> None:
        self._leader = connection
        self._store = store

    @property
    def store(self) -> Store:
        return self._store

    async def try_acquire(self) -> bool:
        async with self._leader.lock:
            if await self._holds():
                return True
            await self._leader.close()
            database = self._leader.database
            try:
                connection = await connect(database)
            except psycopg.Error as error:
                raise StoreError(failure(database, error)) from error
            try:
                cursor = await connection.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (NAMESPACE, REMINDER_LEADER_LOCK)
                )
                row = await cursor.fetchone()
            except psycopg.Error as error:
                with suppress(psycopg.Error):
                    await connection.close()
                raise StoreError(failure(database, error)) from error
            if row is None or not row[0]:
                with suppress(psycopg.Error):
                    await connection.close()
                return False
            self._leader.open = connection
            return True

    async def still_held(self) -> bool:
        async with self._leader.lock:
            return await self._holds()

    async def _holds(self) -> bool:
        connection = self._leader.open
        if connection is None or connection.closed or connection.broken:
            return False
        try:
            cursor = await connection.execute(_HOLDS_THE_LOCK)
            row = await cursor.fetchone()
        except psycopg.Error as error:
            logger.warning(
                "The reminder leadership's connection failed: %s",
                failure(self._leader.database, error),
            )
            await self._leader.close()
            return False
        return bool(row and row[0])

    async def release(self) -> None:
        async with self._leader.lock:
            if self._leader.open is not None:
                with suppress(psycopg.Error):
                    await self._leader.open.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", (NAMESPACE, REMINDER_LEADER_LOCK)
                    )
                await self._leader.close()
