"""The SQLite database file: its schema and migrations, how it is opened, its file modes, and
the lock that keeps a second bot off it.

Opening for writing creates a missing file (mode 0600) and migrates it; opening read-only (as
`sosbot unanswered` does) changes nothing: a missing file or one that needs migrating is refused.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import quote

import aiosqlite
from filelock import FileLock, Timeout

from bot.errors import UnusableDatabaseError

logger = logging.getLogger(__name__)

# The database, its -wal and -shm (SQLite gives them the database's mode) and the lock file hold
# chat ids: readable by the bot's own user only.
FILE_MODE = 0o600
# What a database or file-system failure looks like from sqlite3 and the OS.
FAILURES = (sqlite3.Error, OSError)
# The tables every version of sosbot's schema has: a database without them is not sosbot's.
_SOSBOT_TABLES = frozenset(
    {"chats", "subscriptions", "deliveries", "announcements", "known_events", "state"}
)

# Each entry moves the schema up one version (PRAGMA user_version). Never edit an entry that
# has shipped: append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chats (
        chat_id INTEGER PRIMARY KEY,
        paused_at TEXT
    );
    CREATE TABLE subscriptions (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        scope TEXT NOT NULL,
        subscribed_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, scope)
    ) WITHOUT ROWID;
    CREATE INDEX subscriptions_by_scope ON subscriptions (scope, chat_id, subscribed_at);
    CREATE TABLE deliveries (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        lead_seconds INTEGER NOT NULL,
        delivered_at TEXT NOT NULL,
        UNIQUE (chat_id, event_id, lead_seconds)
    );
    CREATE TABLE announcements (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        announced_at TEXT NOT NULL,
        UNIQUE (chat_id, event_id)
    );
    CREATE TABLE known_events (
        event_id TEXT PRIMARY KEY
    ) WITHOUT ROWID;
    CREATE TABLE state (
        name TEXT PRIMARY KEY,
        value INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE unanswered (
        question TEXT PRIMARY KEY,
        count INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    # Deliveries keyed on the event's start too, so that a moved event is reminded again for
    # its new time. Rows from before have no start (NULL): they count for any start, so none
    # is sent twice. Announcements say which start they told of; known events keep their start
    # (to notice a move), since when it is known (a reminder owed only since then is not late)
    # and their end (to be pruned by age).
    """
    CREATE TABLE deliveries_by_start (
        chat_id INTEGER NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        event_id TEXT NOT NULL,
        event_start TEXT,
        lead_seconds INTEGER NOT NULL,
        delivered_at TEXT NOT NULL,
        UNIQUE (chat_id, event_id, event_start, lead_seconds)
    );
    INSERT INTO deliveries_by_start (chat_id, event_id, event_start, lead_seconds, delivered_at)
        SELECT chat_id, event_id, NULL, lead_seconds, delivered_at FROM deliveries;
    DROP TABLE deliveries;
    ALTER TABLE deliveries_by_start RENAME TO deliveries;
    ALTER TABLE announcements ADD COLUMN event_start TEXT;
    ALTER TABLE known_events ADD COLUMN start TEXT;
    ALTER TABLE known_events ADD COLUMN start_seen_at TEXT;
    ALTER TABLE known_events ADD COLUMN ends_at TEXT;
    """,
    # What several instances share on PostgreSQL, kept here too so that both stores hold the
    # same: a chat's conversation (intent and council code only) and chosen language, and the
    # webhook updates already handled.
    """
    CREATE TABLE conversations (
        chat_id INTEGER PRIMARY KEY,
        intent TEXT,
        council_code TEXT,
        changed_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX conversations_by_age ON conversations (changed_at);
    CREATE TABLE chat_languages (
        chat_id INTEGER PRIMARY KEY,
        language TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE handled_updates (
        update_id INTEGER PRIMARY KEY,
        handled_at TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX handled_updates_by_age ON handled_updates (handled_at);
    """,
)


def lock_path(database: Path) -> Path:
    """The lock file that `sosbot run` holds beside its database; the same however the
    database's path is spelled (relative, through a symbolic link)."""
    resolved = database.resolve()
    return resolved.with_name(resolved.name + ".lock")


@contextmanager
def exclusive_use(database: Path) -> Iterator[None]:
    """Hold the database's lock file for the whole block, or raise UnusableDatabaseError at once
    if another process holds it: two bots on one database would both send every reminder. The
    OS drops the lock when the process ends, however it ends."""
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(lock_path(database), mode=FILE_MODE, blocking=False)
        lock.acquire()
    except Timeout as error:
        raise UnusableDatabaseError(
            database, f"another sosbot run is using it (it holds {lock_path(database)})"
        ) from error
    except OSError as error:
        raise UnusableDatabaseError(database, f"cannot lock it: {error}") from error
    try:
        yield
    finally:
        lock.release()


def identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (device, inode); None if none is."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


async def schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


def _restrict_modes(path: Path) -> None:
    """Make the database and its -wal and -shm, if this user owns them, readable by it alone: a
    file made by an older sosbot, or by hand, may be readable by everyone."""
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            status = file.stat()
            if status.st_uid == os.geteuid() and status.st_mode & 0o777 != FILE_MODE:
                file.chmod(FILE_MODE)
        except OSError:
            # Gone, or an owner who cannot chmod it (immutable, a read-only file system): then
            # it cannot be written either, which opening for writing finds out next and says.
            continue


async def _open_connection(path: Path, *, writable: bool) -> aiosqlite.Connection:
    if not writable:
        if not path.exists():
            raise UnusableDatabaseError(path, "it does not exist")
        # Read-only at the SQLite level: nothing is created or migrated.
        uri = f"file:{quote(str(path.absolute()))}?mode=ro"
        return await aiosqlite.connect(uri, uri=True, isolation_level=None)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created here rather than by SQLite, which would make it (and its -wal and -shm, which
    # copy its mode) readable by everyone.
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, FILE_MODE))
    _restrict_modes(path)
    # Autocommit: each statement commits unless inside an explicit BEGIN.
    return await aiosqlite.connect(path, isolation_level=None)


async def connect(path: Path, *, writable: bool) -> aiosqlite.Connection:
    """A connection to the database at `path`. With `writable`: created mode 0600 if missing,
    its schema migrated, proven writable. Without: read-only, refused if missing or not up to
    date. Raises UnusableDatabaseError."""
    if path.is_dir():
        raise UnusableDatabaseError(path, "it is a folder, not a file")
    try:
        connection = await _open_connection(path, writable=writable)
    except FAILURES as error:
        raise UnusableDatabaseError(path, str(error)) from error
    try:
        if writable:
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute("PRAGMA synchronous=NORMAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute("PRAGMA busy_timeout=5000")
        await _check_schema(connection, path, writable=writable)
        if writable:
            await _migrate(connection)
            # Writing user_version inside a transaction that is rolled back changes nothing,
            # but fails at once on a read-only file.
            version = await schema_version(connection)
            await connection.executescript(
                f"BEGIN IMMEDIATE; PRAGMA user_version = {version}; ROLLBACK;"
            )
    except BaseException as error:
        with suppress(*FAILURES):
            if connection.in_transaction:
                await connection.rollback()
            await connection.close()
        if isinstance(error, FAILURES):
            raise UnusableDatabaseError(path, str(error)) from error
        raise
    return connection


async def _check_schema(db: aiosqlite.Connection, path: Path, *, writable: bool) -> None:
    """Refuse a database of a newer sosbot, another program's, or (read-only) one that needs
    migrating, before anything is written to it."""
    current = await schema_version(db)
    if current > len(MIGRATIONS):
        raise UnusableDatabaseError(
            path,
            f"it has schema version {current}, newer than this sosbot knows "
            f"({len(MIGRATIONS)}): upgrade sosbot",
        )
    rows = await db.execute_fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "ORDER BY name"
    )
    tables = [str(row[0]) for row in rows]
    if tables and (current == 0 or not set(tables) >= _SOSBOT_TABLES):
        # Another program's database: adding sosbot's tables to it would do it harm.
        raise UnusableDatabaseError(
            path, f"it is not sosbot's: it holds tables {', '.join(tables)}"
        )
    if not writable and current < len(MIGRATIONS):
        raise UnusableDatabaseError(
            path,
            f"it has schema version {current} and needs migrating to {len(MIGRATIONS)}: "
            "start the bot once to migrate it",
        )


async def _migrate(db: aiosqlite.Connection) -> None:
    current = await schema_version(db)
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        # executescript runs the BEGIN … COMMIT as given, so a failed migration leaves the
        # schema and user_version as they were (connect rolls back what is left open).
        await db.executescript(
            f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
        )
        logger.info("Database schema migrated to version %d", version)
