"""bot.storage.sql's `Sql` on PostgreSQL: statements on a connection from a pool (or the
reminder leader's one connection), psycopg's `%s` for sosbot's `?`, times as timestamptz."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime
from functools import cache
from typing import Any, Protocol

import psycopg
from psycopg import AsyncConnection

from bot.errors import StoreError
from bot.settings import PostgresUrl
from bot.storage.postgres_schema import failure
from bot.storage.stored import second

logger = logging.getLogger(__name__)


class Connections(Protocol):
    """Where a store's statements run: a pool, or the reminder leader's one connection."""

    def connection(self) -> AbstractAsyncContextManager[AsyncConnection[Any]]: ...


@cache
def _psycopg(sql: str) -> str:
    """sosbot's statements hold no `?` but their parameters', and no `%`."""
    return sql.replace("?", "%s")


class PostgresSql:
    """Each statement on a connection of its own, or a transaction on one."""

    def __init__(self, database: PostgresUrl, connections: Connections) -> None:
        self._database = database
        self._connections = connections

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[AsyncConnection[Any]]:
        """A connection for this coroutine alone; any failure of the database in the block
        comes out as StoreError, without the password."""
        try:
            async with self._connections.connection() as connection:
                yield connection
        except psycopg.Error as error:
            raise StoreError(failure(self._database, error)) from error

    def time(self, moment: datetime) -> datetime:
        return second(moment)

    async def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        async with self.connection() as connection:
            return await PostgresTransaction(connection).rows(sql, parameters)

    async def write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        async with self.connection() as connection:
            return await PostgresTransaction(connection).write(sql, parameters)

    async def write_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        async with self.transaction() as transaction:
            return await transaction.write_many(sql, rows)

    @asynccontextmanager
    async def transaction(self, *, writes: bool = True) -> AsyncIterator[PostgresTransaction]:
        # PostgreSQL's readers never wait for writers: `writes` changes nothing here.
        async with self.connection() as connection, connection.transaction():
            yield PostgresTransaction(connection)


class PostgresTransaction:
    """Statements on one connection (in the transaction it has open, if it has one)."""

    def __init__(self, connection: AsyncConnection[Any]) -> None:
        self._connection = connection

    def time(self, moment: datetime) -> datetime:
        return second(moment)

    async def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        cursor = await self._connection.execute(_psycopg(sql), parameters)
        return await cursor.fetchall()

    async def write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        cursor = await self._connection.execute(_psycopg(sql), parameters)
        return cursor.rowcount

    async def write_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        async with self._connection.cursor() as cursor:
            await cursor.executemany(_psycopg(sql), rows)
            return cursor.rowcount

    @asynccontextmanager
    async def transaction(self, *, writes: bool = True) -> AsyncIterator[PostgresTransaction]:
        """Already in one: the same."""
        yield self
