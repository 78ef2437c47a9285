"""Which store the `database` setting names: an SQLite file, or a PostgreSQL URL."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bot.settings import PostgresUrl
from bot.storage.postgres import PostgresStore
from bot.storage.schema import exclusive_use
from bot.storage.sqlite import SqliteStore

logger = logging.getLogger(__name__)

DatabaseStore = SqliteStore | PostgresStore


async def open_store(database: Path | PostgresUrl, *, writable: bool = True) -> DatabaseStore:
    """The store on `database`, its schema brought up to date; without `writable`, opened to
    read only, and refused if its schema is not up to date. Raises UnusableDatabaseError."""
    if isinstance(database, PostgresUrl):
        return await PostgresStore.open(database, writable=writable)
    return await SqliteStore.open(database, writable=writable)


@contextmanager
def sole_use(database: Path | PostgresUrl) -> Iterator[None]:
    """For the block, keep every other `sosbot run` off an SQLite file (its lock file); a
    PostgreSQL database is for sharing: several instances may use it at once. Raises
    UnusableDatabaseError."""
    if isinstance(database, PostgresUrl):
        yield
        return
    with exclusive_use(database):
        yield
