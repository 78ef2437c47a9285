"""One SQLite connection, used by one coroutine at a time, reopened if its file is replaced;
every failure of the database comes out as StoreError."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager, suppress
from pathlib import Path
from typing import Self

import aiosqlite

from bot.errors import StoreError
from bot.storage.schema import FAILURES, connect, identity

logger = logging.getLogger(__name__)


class Database:
    """The connection to the database at `path`, on the file now at that path."""

    def __init__(self, connection: aiosqlite.Connection, path: Path, *, writable: bool) -> None:
        self._db = connection
        self._path = path
        self._writable = writable
        # The file the connection has open: if another takes its place (deleted, replaced), the
        # connection would go on writing into a file nobody will ever open again.
        self._identity = identity(path)
        self._open = True
        # How many times the file was opened anew after being replaced: what a caller kept of
        # the old file's rows is stale once this moves.
        self.generation = 0
        # aiosqlite runs one statement at a time, but a transaction spans several awaits: the
        # lock keeps another coroutine's statement from landing inside it.
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, writable: bool) -> Self:
        """See `bot.storage.schema.connect`. Raises UnusableDatabaseError."""
        return cls(await connect(path, writable=writable), path, writable=writable)

    async def close(self) -> None:
        """Close the connection; a failure here (at shutdown) is logged in one line, since
        everything written was committed already."""
        try:
            await self._db.close()
        except FAILURES as error:
            logger.warning("Closing the database %s failed: %s", self._path, error)

    @asynccontextmanager
    async def locked(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, to this coroutine alone, on the file now at the path; a failure of
        the database comes out as StoreError."""
        async with self._lock:
            try:
                await self._reopen_if_replaced()
                yield self._db
            except FAILURES as error:
                raise StoreError(f"the database {self._path} failed: {error}") from error

    async def _reopen_if_replaced(self) -> None:
        now_there = identity(self._path)
        if self._open and now_there == self._identity:
            return
        if self._open:
            logger.error(
                "The database %s was %s while the bot ran: opening a new one there. What the "
                "old file held (subscriptions, deliveries) is gone",
                self._path,
                "deleted" if now_there is None else "replaced by another file",
            )
            # Closing first lets SQLite remove the old file's -wal and -shm, which must not be
            # replayed into the new one.
            with suppress(*FAILURES):
                await self._db.close()
            self._open = False
        # If this fails, the next statement tries again, without saying it all again.
        self._db = await connect(self._path, writable=self._writable)
        self._open = True
        self._identity = identity(self._path)
        self.generation += 1

    @asynccontextmanager
    async def transaction(self, *, writes: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction; IMMEDIATE when it writes, so it never has to upgrade a read lock
        (and fail with "database is locked") halfway through."""
        async with self.locked() as db:
            await db.execute("BEGIN IMMEDIATE" if writes else "BEGIN")
            try:
                yield db
                await db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (disk full) leaves the transaction open: without the rollback
                # every later BEGIN would fail too.
                if db.in_transaction:
                    with suppress(*FAILURES):
                        await db.execute("ROLLBACK")
                raise

    async def write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        """One statement on its own; the number of rows it changed."""
        async with self.locked() as db:
            cursor = await db.execute(sql, parameters)
            changed = cursor.rowcount
            await cursor.close()
        return changed

    async def rows(
        self, sql: str, parameters: Sequence[object] | Mapping[str, object] = ()
    ) -> list[aiosqlite.Row]:
        async with self.locked() as db:
            return list(await db.execute_fetchall(sql, parameters))
