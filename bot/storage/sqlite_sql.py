"""bot.storage.sql's `Sql` on SQLite: statements through bot.storage.connection's Database,
times as text stamps that compare in order."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import aiosqlite

from bot.storage.connection import Database
from bot.storage.stored import second

logger = logging.getLogger(__name__)


def stamp(moment: datetime) -> str:
    """UTC, to the second, in one fixed format, so that stamps compare as text."""
    return second(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


class SqliteSql:
    """Each statement on its own, or a transaction (IMMEDIATE: see Database.transaction)."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def time(self, moment: datetime) -> str:
        return stamp(moment)

    async def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self._db.rows(sql, parameters)]

    async def write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        return await self._db.write(sql, parameters)

    async def write_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        async with self.transaction() as transaction:
            return await transaction.write_many(sql, rows)

    @asynccontextmanager
    async def transaction(self, *, writes: bool = True) -> AsyncIterator[SqliteTransaction]:
        async with self._db.transaction(writes=writes) as db:
            yield SqliteTransaction(db)


class SqliteTransaction:
    """Statements inside a transaction the connection `db` has open."""

    def __init__(self, db: aiosqlite.Connection) -> None:
        self._db = db

    def time(self, moment: datetime) -> str:
        return stamp(moment)

    async def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in await self._db.execute_fetchall(sql, parameters)]

    async def write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        cursor = await self._db.execute(sql, parameters)
        changed = cursor.rowcount
        await cursor.close()
        return changed

    async def write_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        cursor = await self._db.executemany(sql, rows)
        changed = cursor.rowcount
        await cursor.close()
        return changed

    @asynccontextmanager
    async def transaction(self, *, writes: bool = True) -> AsyncIterator[SqliteTransaction]:
        """Already in one: the same."""
        yield self
