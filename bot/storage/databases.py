"""Which store the `database` setting names: an SQLite file, or a PostgreSQL URL.

psycopg is imported only to open a PostgreSQL store: `sosbot ask` and `chat` start without it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings import PostgresUrl
from bot.storage.schema import exclusive_use
from bot.storage.sqlite import SqliteStore

if TYPE_CHECKING:
    from bot.storage.postgres import PostgresStore

logger = logging.getLogger(__name__)


async def open_store(
    database: Path | PostgresUrl, *, writable: bool = True
) -> SqliteStore | PostgresStore:
    """The store on `database`, its schema brought up to date; without `writable`, opened to
    read only, and refused if its schema is not up to date. Raises UnusableDatabaseError."""
    if isinstance(database, PostgresUrl):
        from bot.storage.postgres import PostgresStore

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
