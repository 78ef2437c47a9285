"""The Store on one SQLite file: sosbot's embedded default, for one process on one machine.

`SqliteStore` runs bot.storage.sql's statements (which also say what is held, and why) with
aiosqlite, over bot.storage.connection (one connection, reopened if its file is replaced) and
bot.storage.schema (migrations, opening, file modes, the lock). Its own are the heavy query
(bot.storage.queries, joins over a temporary table of the due slots) and, since one process
owns the file (`sosbot run` holds its lock), chat turns as asyncio locks, a reminder
leadership that is always held, and each chat's conversation and language kept in memory once
read (every update reads them; the file changes only through this store).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager, suppress
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Self

from bot.errors import StoreError
from bot.languages import Language
from bot.scopes import ALL
from bot.storage.connection import Database
from bot.storage.local import KeptValues, KeyedLocks, SoleLeadership
from bot.storage.port import PendingReminder, ReminderLeadership, ReminderSlot
from bot.storage.queries import PENDING_REMINDERS
from bot.storage.schema import schema_version
from bot.storage.sql import SqlStore
from bot.storage.sqlite_sql import SqliteSql, stamp
from bot.storage.transfer import Row, Table
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)

# How long a changed conversation may wait to be written, with every other chat's changed
# meanwhile: no turn waits for the disk, and a busy bot writes one batch where it would write
# each. A crash loses the changes of at most this long (a follow-up then lacks its context).
CONVERSATIONS_WRITTEN_WITHIN = 0.5  # seconds


def _moment(value: object) -> object:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _stamped(value: object) -> object:
    return stamp(value) if isinstance(value, datetime) else value


class SqliteStore(SqlStore):
    """The Store in one SQLite file, in WAL mode so that `sosbot` commands can read it while the
    bot runs. Any failure of the database is raised as StoreError."""

    def __init__(self, database: Database) -> None:
        super().__init__(SqliteSql(database))
        self._db = database
        self._turns = KeyedLocks()
        # Read once from the file, then kept (what the file holds: only this process writes
        # it); emptied at each prune, so that it holds only the chats heard from since and
        # nothing pruned, and when the file is replaced.
        self._conversations: KeptValues[tuple[Intent | None, str | None]] = KeptValues()
        self._languages: KeptValues[Language | None] = KeptValues()
        self._generation = database.generation
        # Conversations saved but not yet written, with when they changed; and the task that
        # writes them, once CONVERSATIONS_WRITTEN_WITHIN is up.
        self._unsaved: dict[int, tuple[Conversation, datetime]] = {}
        self._writing_soon: asyncio.Task[None] | None = None
        # One batch at a time: a batch that fails puts its conversations back, and must not
        # put back one that a later batch (prune's, close's) wrote newer, or that forget
        # dropped, while it was in flight.
        self._one_batch = asyncio.Lock()
        self._sleeping = True
        self._closing = False

    @classmethod
    async def open(cls, path: Path, *, writable: bool = True) -> Self:
        """Open (creating if need be) the database and bring its schema up to date; with
        `writable`, refuse a database that cannot be written. Without, open it read-only and
        refuse a missing or out-of-date one. Raises UnusableDatabaseError."""
        return cls(await Database.open(path, writable=writable))

    async def close(self) -> None:
        """Write the conversations not yet written (a failure is logged: they are lost), then
        close."""
        self._closing = True
        if (writing := self._writing_soon) is not None:
            if self._sleeping:
                writing.cancel()
            with suppress(asyncio.CancelledError):
                await writing
        try:
            await self._write_conversations()
        except StoreError as error:
            logger.error(
                "Conversations of %d chats could not be saved: %s", len(self._unsaved), error
            )
        finally:
            # Whatever went wrong: an open connection keeps aiosqlite's thread, and with it
            # the process, alive.
            await self._db.close()

    async def schema_version(self) -> int:
        async with self._db.locked() as db:
            return await schema_version(db)

    # Each chat's conversation and language, kept in memory

    def _forget_kept(self) -> None:
        self._conversations.clear()
        self._languages.clear()
        self._generation = self._db.generation

    def _kept(self) -> None:
        """Forget what was kept of a file that has since been replaced."""
        if self._generation != self._db.generation:
            self._forget_kept()

    async def _stored_conversation(self, chat_id: int) -> tuple[Intent | None, str | None]:
        conversation = await super().conversation(chat_id)
        return conversation.intent, conversation.council_code

    async def conversation(self, chat_id: int) -> Conversation:
        if (unsaved := self._unsaved.get(chat_id)) is not None:
            return replace(unsaved[0])
        self._kept()
        intent, council_code = await self._conversations.read(
            chat_id, partial(self._stored_conversation, chat_id)
        )
        # A new object each time: the caller changes it, and only a save changes what is kept.
        return Conversation(intent=intent, council_code=council_code)

    async def save_conversation(
        self, chat_id: int, conversation: Conversation, now: datetime
    ) -> None:
        """Kept at once, written within CONVERSATIONS_WRITTEN_WITHIN with the other chats'."""
        # A time the batch could not write (naive) is refused here, not in every later batch.
        self._sql.time(now)
        self._unsaved[chat_id] = (replace(conversation), now)
        self._conversations.keep(chat_id, (conversation.intent, conversation.council_code))
        if self._writing_soon is None:
            self._writing_soon = asyncio.create_task(self._write_conversations_soon())

    async def _write_conversations_soon(self) -> None:
        try:
            await asyncio.sleep(CONVERSATIONS_WRITTEN_WITHIN)
            # Not cancelled from here on (see close): a write cut short may be committed.
            self._sleeping = False
            await self._write_conversations()
        except StoreError as error:
            # Kept in memory, and tried again with the next conversation saved, or at closing.
            logger.warning(
                "Conversations of %d chats could not be saved: %s", len(self._unsaved), error
            )
            return
        finally:
            self._writing_soon = None
            self._sleeping = True
        if self._unsaved and not self._closing:  # saved while these were written
            self._writing_soon = asyncio.create_task(self._write_conversations_soon())

    async def _write_conversations(self) -> None:
        """Write every conversation not yet written; raises StoreError, keeping them."""
        async with self._one_batch:
            writing, self._unsaved = self._unsaved, {}
            if not writing:
                return
            try:
                await self.save_conversations(writing)
            except BaseException:
                for chat_id, change in writing.items():
                    self._unsaved.setdefault(chat_id, change)
                raise

    async def chat_language(self, chat_id: int) -> Language | None:
        self._kept()
        return await self._languages.read(chat_id, partial(super().chat_language, chat_id))

    async def set_chat_language(self, chat_id: int, language: Language | None) -> None:
        async with self._languages.changing(chat_id, language):
            await super().set_chat_language(chat_id, language)

    async def forget(self, chat_id: int) -> None:
        async with self._one_batch:  # a batch in flight would put it back if it failed
            self._unsaved.pop(chat_id, None)
        async with (
            self._conversations.changing(chat_id, (None, None)),
            self._languages.changing(chat_id, None),
        ):
            await super().forget(chat_id)

    async def prune(
        self, started_before: datetime, delivered_before: datetime, *, now: datetime
    ) -> None:
        try:
            # Written first: what is kept is forgotten below, and read from the file again.
            await self._write_conversations()
            await super().prune(started_before, delivered_before, now=now)
        finally:
            self._forget_kept()

    # Reminders

    async def pending_reminders(
        self, slots: Sequence[ReminderSlot], limit: int | None = None
    ) -> list[PendingReminder]:
        if not slots:
            return []
        # Only the temporary table is written: the main database is read, in one snapshot.
        async with self._db.transaction(writes=False) as db:
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
                    (position, slot.event_id, stamp(slot.start), slot.council, slot.lead_seconds)
                    for position, slot in enumerate(slots)
                ],
            )
            # Once a slot, not once a row: when its start became known ('' if not yet).
            await db.execute(
                "UPDATE temp.due_slots SET start_seen_at = coalesce((SELECT k.start_seen_at "
                "FROM known_events AS k WHERE k.event_id = due_slots.event_id), '')"
            )
            sql = PENDING_REMINDERS + ("" if limit is None else " LIMIT ?")
            rows = await db.execute_fetchall(sql, (ALL,) if limit is None else (ALL, limit))
            await db.execute("DELETE FROM temp.due_slots")
        # Rows name their slot by position: an integer crosses over faster than the event id.
        return [
            PendingReminder(chat_id, slots[position], datetime.fromisoformat(since))
            for chat_id, position, since in rows
        ]

    # Several instances as one bot: one process owns an SQLite file

    def chat_turn(self, key: int) -> AbstractAsyncContextManager[None]:
        return self._turns.hold(key)

    def reminder_leadership(self) -> ReminderLeadership:
        return SoleLeadership(self)

    # Whole tables, for copying between databases (bot.storage.transfer)

    async def table_rows(self, table: Table) -> list[Row]:
        rows = await self._db.rows(f"SELECT {', '.join(table.columns)} FROM {table.name}")
        return [
            tuple(
                _moment(value) if column in table.times else value
                for column, value in zip(table.columns, row, strict=True)
            )
            for row in rows
        ]

    async def add_table_rows(self, table: Table, rows: Sequence[Row]) -> int:
        self._forget_kept()
        columns, marks = ", ".join(table.columns), ", ".join("?" for _ in table.columns)
        if table.count is not None:
            sql = (
                f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) "
                f"ON CONFLICT ({', '.join(table.key)}) DO UPDATE SET "
                f"{table.count} = excluded.{table.count} "
                f"WHERE excluded.{table.count} > {table.name}.{table.count}"
            )
            keys: list[int] = []
        else:
            # `IS` rather than ON CONFLICT: a delivery from before starts were kept has none
            # (NULL), and SQLite's unique keys tell NULLs apart.
            same = " AND ".join(f"{column} IS ?" for column in table.key)
            sql = (
                f"INSERT INTO {table.name} ({columns}) SELECT {marks} "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table.name} WHERE {same})"
            )
            keys = [table.columns.index(column) for column in table.key]
        return await self._sql.write_many(
            sql,
            [
                (*(_stamped(value) for value in row), *(_stamped(row[i]) for i in keys))
                for row in rows
            ],
        )
