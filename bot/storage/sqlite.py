"""What sosbot remembers between runs: subscriptions, deliveries, and anonymous statistics.

`Store` is the interface the rest of the bot uses; `SqliteStore` implements it with aiosqlite.
A PostgreSQL store could implement the same methods later: every method is one or two plain
SQL statements, and the one heavy query (`pending_reminders`) is joins over a temporary table of
the due slots.

What is held, and why:

- chats: a chat's id and, when it blocked the bot, since when. Nothing else about it.
- subscriptions: (chat, scope, since when); the date makes a new subscriber's first reminder
  "on time" rather than "late".
- deliveries: (chat, event, the event's start, lead) already sent, so nothing is sent twice
  for the same start, and when; announcements: (chat, event) told of, with the start told.
  `prune` drops them a while after their events' starts (by age, never by absence from the
  events file, which a bad edit can empty for one reload), and chats left with nothing.
- known events: the ids of events already seen, with their start as written and when they
  end, so a restart does not announce them again and a changed start is noticed.
- statistics: two counters, and unanswered questions as normalised text with a count, with no
  chat id, user id or date at all.

`forget(chat_id)` deletes every row that names the chat.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import aiosqlite
from filelock import FileLock, Timeout

from bot.errors import StoreError, UnusableDatabaseError
from bot.scopes import ALL, check_scope
from bot.storage.port import KnownEvent, PendingReminder, ReminderSlot
from bot.understanding.text import normalise

logger = logging.getLogger(__name__)


# Long digit runs in a question are phone numbers or reference numbers, never the question.
_LONG_NUMBER = re.compile(r"\d{5,}")
# A pasted essay is not a question; its first words are enough to see what was asked.
_UNANSWERED_MAX_CHARS = 200

# The database, its -wal and -shm (SQLite gives them the database's mode) and the lock file hold
# chat ids: readable by the bot's own user only.
_FILE_MODE = 0o600
# What a database or file-system failure looks like from sqlite3 and the OS.
_FAILURES = (sqlite3.Error, OSError)

# Names in the `state` table, which holds named integers.
_ANSWERED = "questions_answered"
_NOT_UNDERSTOOD = "questions_not_understood"
_EVENTS_REMEMBERED = "events_remembered"

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
)


# A chat has had a reminder, or one that supersedes it, when it has had this lead of the event or
# a shorter one, for this start (or before starts were kept): shorter leads fall due later, so a
# later one replaces the earlier ones.
_NOT_YET_REMINDED = """
    NOT EXISTS (
        SELECT 1 FROM deliveries AS x
        WHERE x.chat_id = {chat}.chat_id AND x.event_id = e.event_id
          AND (x.event_start = e.event_start OR x.event_start IS NULL)
          AND x.lead_seconds <= e.lead_seconds
    )"""
# One row a (chat, event), without a GROUP BY over every match, so LIMIT can stop early:
# a council's subscribers; then `all` subscribers not also subscribed to that council; then,
# for a network-wide event, every active chat with a subscription, once, whatever its scopes.
# CROSS JOIN keeps the due slots (a few rows) as the outer loop.
_PENDING_REMINDERS = f"""
    SELECT s.chat_id, e.position, max(s.subscribed_at, e.start_seen_at)
    FROM temp.due_slots AS e
    CROSS JOIN subscriptions AS s ON s.scope = e.council
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE {_NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT s.chat_id, e.position, max(s.subscribed_at, e.start_seen_at)
    FROM temp.due_slots AS e
    CROSS JOIN subscriptions AS s ON s.scope = ?
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE e.council IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM subscriptions AS o WHERE o.chat_id = s.chat_id AND o.scope = e.council
      )
      AND {_NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT c.chat_id, e.position,
           max(
             (SELECT min(o.subscribed_at) FROM subscriptions AS o WHERE o.chat_id = c.chat_id),
             e.start_seen_at
           )
    FROM temp.due_slots AS e
    CROSS JOIN chats AS c
    WHERE e.council IS NULL AND c.paused_at IS NULL
      AND EXISTS (SELECT 1 FROM subscriptions AS o WHERE o.chat_id = c.chat_id)
      AND {_NOT_YET_REMINDED.format(chat="c")}
"""


def _stamp(moment: datetime) -> str:
    """UTC, to the second, in one fixed format, so that stamps compare as text."""
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def unanswered_key(text: str) -> str:
    """How an unanswered question is kept: normalised, long numbers masked, shortened."""
    masked = _LONG_NUMBER.sub("#", normalise(text))
    if len(masked) <= _UNANSWERED_MAX_CHARS:
        return masked
    # Cut at a word boundary, so no half word is counted as a different question.
    return masked[: _UNANSWERED_MAX_CHARS + 1].rsplit(" ", 1)[0]


def lock_path(database: Path) -> Path:
    """The lock file that `sosbot run` holds beside its database."""
    return database.with_name(database.name + ".lock")


@contextmanager
def exclusive_use(database: Path) -> Iterator[None]:
    """Hold the database's lock file for the whole block, or raise UnusableDatabaseError at once
    if another process holds it: two bots on one database would both send every reminder. The
    OS drops the lock when the process ends, however it ends."""
    lock = FileLock(lock_path(database), mode=_FILE_MODE, blocking=False)
    try:
        database.parent.mkdir(parents=True, exist_ok=True)
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


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (device, inode); None if none is."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


class SqliteStore:
    """The Store in one SQLite file, in WAL mode so that `sosbot` commands can read it while the
    bot runs. Any failure of the database is raised as StoreError."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._db = connection
        self._path = path
        # The file the connection has open: if another takes its place (deleted, replaced), the
        # connection would go on writing into a file nobody will ever open again.
        self._identity = _identity(path)
        self._open = True
        # aiosqlite runs one statement at a time, but a transaction spans several awaits: the
        # lock keeps another coroutine's statement from landing inside it.
        self._lock = asyncio.Lock()

    @classmethod
    async def open(cls, path: Path, *, writable: bool = True) -> Self:
        """Open (creating if need be) the database and bring its schema up to date; with
        `writable`, refuse a database that cannot be written. Raises UnusableDatabaseError."""
        return cls(await _connect(path, writable=writable), path)

    async def close(self) -> None:
        await self._db.close()

    async def schema_version(self) -> int:
        async with self._locked() as db:
            return await _schema_version(db)

    @asynccontextmanager
    async def _locked(self) -> AsyncIterator[aiosqlite.Connection]:
        """The connection, to this coroutine alone, on the file now at the path; a failure of
        the database comes out as StoreError."""
        async with self._lock:
            try:
                await self._reopen_if_replaced()
                yield self._db
            except _FAILURES as error:
                raise StoreError(f"the database {self._path} failed: {error}") from error

    async def _reopen_if_replaced(self) -> None:
        identity = _identity(self._path)
        if self._open and identity == self._identity:
            return
        if self._open:
            logger.error(
                "The database %s was %s while the bot ran: opening a new one there. What the "
                "old file held (subscriptions, deliveries) is gone",
                self._path,
                "deleted" if identity is None else "replaced by another file",
            )
            # Closing first lets SQLite remove the old file's -wal and -shm, which must not be
            # replayed into the new one.
            with suppress(*_FAILURES):
                await self._db.close()
            self._open = False
        # If this fails, the next statement tries again, without saying it all again.
        self._db = await _connect(self._path, writable=True)
        self._open = True
        self._identity = _identity(self._path)

    @asynccontextmanager
    async def _transaction(self, *, writes: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """One transaction; IMMEDIATE when it writes, so it never has to upgrade a read lock
        (and fail with "database is locked") halfway through."""
        async with self._locked() as db:
            await db.execute("BEGIN IMMEDIATE" if writes else "BEGIN")
            try:
                yield db
                await db.execute("COMMIT")
            except BaseException:
                # A failed COMMIT (disk full) leaves the transaction open: without the rollback
                # every later BEGIN would fail too.
                if db.in_transaction:
                    with suppress(*_FAILURES):
                        await db.execute("ROLLBACK")
                raise

    async def _write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        """One statement on its own; the number of rows it changed."""
        async with self._locked() as db:
            cursor = await db.execute(sql, parameters)
            changed = cursor.rowcount
            await cursor.close()
        return changed

    async def _rows(
        self, sql: str, parameters: Sequence[object] | Mapping[str, object] = ()
    ) -> list[aiosqlite.Row]:
        async with self._locked() as db:
            return list(await db.execute_fetchall(sql, parameters))

    # Subscriptions

    async def subscribe(self, chat_id: int, scope: str, now: datetime) -> bool:
        check_scope(scope)
        async with self._transaction() as db:
            await db.execute(
                "INSERT INTO chats (chat_id) VALUES (?) "
                "ON CONFLICT (chat_id) DO UPDATE SET paused_at = NULL",
                (chat_id,),
            )
            cursor = await db.execute(
                "INSERT INTO subscriptions (chat_id, scope, subscribed_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (chat_id, scope, _stamp(now)),
            )
            added = cursor.rowcount == 1
            await cursor.close()
        return added

    async def unsubscribe(self, chat_id: int, scope: str) -> bool:
        removed = await self._write(
            "DELETE FROM subscriptions WHERE chat_id = ? AND scope = ?", (chat_id, scope)
        )
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed == 1

    async def unsubscribe_all(self, chat_id: int) -> int:
        removed = await self._write("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed

    async def _forget_pause_if_unsubscribed(self, chat_id: int) -> None:
        """Pausing only matters to subscribers; the chat row stays for its deliveries, so that a
        quick re-subscription does not repeat a reminder."""
        await self._write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = ? AND paused_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE chat_id = ?)",
            (chat_id, chat_id),
        )

    async def subscriptions(self, chat_id: int) -> list[str]:
        rows = await self._rows(
            "SELECT scope FROM subscriptions WHERE chat_id = ? ORDER BY scope != ?, scope",
            (chat_id, ALL),
        )
        return [str(row[0]) for row in rows]

    async def forget(self, chat_id: int) -> None:
        # Subscriptions, deliveries and announcements go with the chat row (ON DELETE CASCADE).
        await self._write("DELETE FROM chats WHERE chat_id = ?", (chat_id,))

    async def pause_chat(self, chat_id: int, now: datetime) -> None:
        # Only a known chat is paused: a stranger who blocks the bot leaves nothing behind.
        await self._write(
            "UPDATE chats SET paused_at = ? WHERE chat_id = ? AND paused_at IS NULL",
            (_stamp(now), chat_id),
        )

    async def resume_chat(self, chat_id: int) -> None:
        await self._write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = ? AND paused_at IS NOT NULL",
            (chat_id,),
        )

    async def subscriber_counts(self) -> dict[str, int]:
        rows = await self._rows(
            "SELECT s.scope, count(*) FROM subscriptions AS s "
            "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
            "GROUP BY s.scope ORDER BY s.scope"
        )
        return {str(row[0]): int(row[1]) for row in rows}

    # Reminders

    async def pending_reminders(
        self, slots: Sequence[ReminderSlot], limit: int | None = None
    ) -> list[PendingReminder]:
        if not slots:
            return []
        # Only the temporary table is written: the main database is read, in one snapshot.
        async with self._transaction(writes=False) as db:
            # The due slots go in a temporary table (per connection, invisible to any other
            # reader) so that one statement joins them to the subscriptions by the scope index,
            # rather than Python looping over every subscription.
            await db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS due_slots (position INTEGER PRIMARY KEY, "
                "event_id TEXT NOT NULL, event_start TEXT NOT NULL, council TEXT, "
                "lead_seconds INTEGER NOT NULL, start_seen_at TEXT NOT NULL DEFAULT '')"
            )
            await db.execute("DELETE FROM temp.due_slots")
            await db.executemany(
                "INSERT INTO temp.due_slots (position, event_id, event_start, council, "
                "lead_seconds) VALUES (?, ?, ?, ?, ?)",
                [
                    (position, slot.event_id, _stamp(slot.start), slot.council, slot.lead_seconds)
                    for position, slot in enumerate(slots)
                ],
            )
            # Once a slot, not once a row: when its start became known ('' if not yet).
            await db.execute(
                "UPDATE temp.due_slots SET start_seen_at = coalesce((SELECT k.start_seen_at "
                "FROM known_events AS k WHERE k.event_id = due_slots.event_id), '')"
            )
            sql = _PENDING_REMINDERS + ("" if limit is None else " LIMIT ?")
            rows = await db.execute_fetchall(sql, (ALL,) if limit is None else (ALL, limit))
            await db.execute("DELETE FROM temp.due_slots")
        # Rows name their slot by position: an integer crosses over faster than the event id.
        return [
            PendingReminder(chat_id, slots[position], datetime.fromisoformat(since))
            for chat_id, position, since in rows
        ]

    async def record_delivery(
        self, chat_id: int, event_id: str, start: datetime, lead_seconds: int, now: datetime
    ) -> None:
        # A chat forgotten while its reminder was being sent stays forgotten.
        await self._write(
            "INSERT INTO deliveries (chat_id, event_id, event_start, lead_seconds, delivered_at) "
            "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = ?) "
            "ON CONFLICT DO NOTHING",
            (chat_id, event_id, _stamp(start), lead_seconds, _stamp(now), chat_id),
        )

    async def delivered_count(self) -> int:
        rows = await self._rows("SELECT count(*) FROM deliveries")
        return int(rows[0][0])

    # Announcements

    async def _subscribers_where(
        self, council: str | None, condition: str, parameters: dict[str, object]
    ) -> list[int]:
        """Active chats subscribed to `council` or `ALL` (to anything, for council None) for
        which `condition`, on `s.chat_id` and the named `parameters`, holds."""
        scope_filter = "" if council is None else "AND s.scope IN (:council, :all)"
        rows = await self._rows(
            "SELECT DISTINCT s.chat_id FROM subscriptions AS s "
            "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
            f"WHERE {condition} {scope_filter} ORDER BY s.chat_id",
            {**parameters, "council": council, "all": ALL},
        )
        return [int(row[0]) for row in rows]

    async def announcement_recipients(self, event_id: str, council: str | None) -> list[int]:
        return await self._subscribers_where(
            council,
            "NOT EXISTS (SELECT 1 FROM announcements AS a "
            "            WHERE a.chat_id = s.chat_id AND a.event_id = :event)",
            {"event": event_id},
        )

    async def move_recipients(
        self, event_id: str, council: str | None, start: datetime
    ) -> list[int]:
        # The start a chat was last told of: its latest delivery or announcement of the event;
        # at the same second, the announcement (a move is announced after what it moves).
        # A chat never told of the event has no row: NULL, and the condition is not met.
        return await self._subscribers_where(
            council,
            "(SELECT coalesce(t.event_start, '') FROM ("
            "    SELECT event_start, delivered_at AS at, 0 AS rank FROM deliveries"
            "    WHERE chat_id = s.chat_id AND event_id = :event"
            "    UNION ALL"
            "    SELECT event_start, announced_at, 1 FROM announcements"
            "    WHERE chat_id = s.chat_id AND event_id = :event"
            "  ) AS t ORDER BY t.at DESC, t.rank DESC LIMIT 1) != :start",
            {"event": event_id, "start": _stamp(start)},
        )

    async def record_announcement(
        self, chat_id: int, event_id: str, start: datetime, now: datetime
    ) -> None:
        await self._write(
            "INSERT INTO announcements (chat_id, event_id, event_start, announced_at) "
            "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = ?) "
            "ON CONFLICT (chat_id, event_id) DO UPDATE SET "
            "event_start = excluded.event_start, announced_at = excluded.announced_at "
            "WHERE event_start IS NOT excluded.event_start",
            (chat_id, event_id, _stamp(start), _stamp(now), chat_id),
        )

    async def known_events(self) -> dict[str, str | None] | None:
        async with self._locked() as db:
            remembered = await db.execute_fetchall(
                "SELECT 1 FROM state WHERE name = ?", (_EVENTS_REMEMBERED,)
            )
            if not list(remembered):
                return None
            rows = await db.execute_fetchall("SELECT event_id, start FROM known_events")
        return {str(row[0]): None if row[1] is None else str(row[1]) for row in rows}

    async def remember_events(self, events: Iterable[KnownEvent], now: datetime | None) -> None:
        seen_at = None if now is None else _stamp(now)
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO known_events (event_id, start, start_seen_at, ends_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET "
                "start_seen_at = CASE WHEN start IS excluded.start THEN start_seen_at "
                "                     ELSE excluded.start_seen_at END, "
                "start = excluded.start, ends_at = excluded.ends_at",
                [
                    (event.event_id, event.start, seen_at, _stamp(event.ends_at))
                    for event in events
                ],
            )
            await db.execute(
                "INSERT INTO state (name, value) VALUES (?, 1) ON CONFLICT DO NOTHING",
                (_EVENTS_REMEMBERED,),
            )

    async def prune(self, started_before: datetime, delivered_before: datetime) -> None:
        started, delivered = _stamp(started_before), _stamp(delivered_before)
        async with self._transaction() as db:
            for table, at in (("deliveries", "delivered_at"), ("announcements", "announced_at")):
                await db.execute(
                    f"DELETE FROM {table} WHERE event_start < ? "
                    f"OR (event_start IS NULL AND {at} < ?)",
                    (started, delivered),
                )
            await db.execute("DELETE FROM known_events WHERE ends_at < ?", (started,))
            await db.execute(
                "DELETE FROM chats WHERE paused_at IS NULL"
                " AND chat_id NOT IN (SELECT chat_id FROM subscriptions)"
                " AND chat_id NOT IN (SELECT chat_id FROM deliveries)"
                " AND chat_id NOT IN (SELECT chat_id FROM announcements)"
            )

    # Statistics

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        async with self._transaction() as db:
            await db.executemany(
                "INSERT INTO state (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                [(_ANSWERED, answered), (_NOT_UNDERSTOOD, not_understood)],
            )

    async def question_counts(self) -> tuple[int, int]:
        rows = await self._rows(
            "SELECT name, value FROM state WHERE name IN (?, ?)", (_ANSWERED, _NOT_UNDERSTOOD)
        )
        values = {str(row[0]): int(row[1]) for row in rows}
        return values.get(_ANSWERED, 0), values.get(_NOT_UNDERSTOOD, 0)

    async def log_unanswered(self, text: str) -> None:
        question = unanswered_key(text)
        if not question:
            return
        await self._write(
            "INSERT INTO unanswered (question, count) VALUES (?, 1) "
            "ON CONFLICT (question) DO UPDATE SET count = count + 1",
            (question,),
        )

    async def top_unanswered(self, limit: int) -> list[tuple[str, int]]:
        rows = await self._rows(
            "SELECT question, count FROM unanswered ORDER BY count DESC, question LIMIT ?",
            (limit,),
        )
        return [(str(row[0]), int(row[1])) for row in rows]


async def _schema_version(db: aiosqlite.Connection) -> int:
    async with db.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def _connect(path: Path, *, writable: bool) -> aiosqlite.Connection:
    """A connection to the database at `path`, created mode 0600 if missing, its schema
    migrated; with `writable`, proven writable. Raises UnusableDatabaseError."""
    if path.is_dir():
        raise UnusableDatabaseError(path, "it is a folder, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Created here rather than by SQLite, which would make it (and its -wal and -shm, which
        # copy its mode) readable by everyone.
        with suppress(FileExistsError):
            os.close(os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, _FILE_MODE))
        # Autocommit: each statement commits unless inside an explicit BEGIN.
        connection = await aiosqlite.connect(path, isolation_level=None)
    except _FAILURES as error:
        raise UnusableDatabaseError(path, str(error)) from error
    try:
        await connection.execute("PRAGMA journal_mode=WAL")
        await connection.execute("PRAGMA synchronous=NORMAL")
        await connection.execute("PRAGMA foreign_keys=ON")
        await connection.execute("PRAGMA busy_timeout=5000")
        await _migrate(connection, path)
        if writable:
            # Writing user_version inside a transaction that is rolled back changes nothing,
            # but fails at once on a read-only file.
            version = await _schema_version(connection)
            await connection.executescript(
                f"BEGIN IMMEDIATE; PRAGMA user_version = {version}; ROLLBACK;"
            )
    except BaseException as error:
        with suppress(*_FAILURES):
            if connection.in_transaction:
                await connection.rollback()
            await connection.close()
        if isinstance(error, _FAILURES):
            raise UnusableDatabaseError(path, str(error)) from error
        raise
    return connection


async def _migrate(db: aiosqlite.Connection, path: Path) -> None:
    current = await _schema_version(db)
    if current > len(MIGRATIONS):
        raise UnusableDatabaseError(
            path,
            f"it has schema version {current}, newer than this sosbot knows "
            f"({len(MIGRATIONS)}): upgrade sosbot",
        )
    if current == 0:
        tables = await db.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "ORDER BY name"
        )
        if tables:
            # Another program's database: adding sosbot's tables to it would do it harm.
            names = ", ".join(str(row[0]) for row in tables)
            raise UnusableDatabaseError(path, f"it is not sosbot's: it holds tables {names}")
    for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
        # executescript runs the BEGIN … COMMIT as given, so a failed migration leaves the
        # schema and user_version as they were (_connect rolls back what is left open).
        await db.executescript(
            f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {version};\nCOMMIT;"
        )
        logger.info("Database schema migrated to version %d", version)
