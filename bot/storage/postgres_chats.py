"""The PostgreSQL store's connections and its tables about serving chats rather than reminding
them: statistics, conversations, chosen languages, handled webhook updates and chat turns (see
bot.storage.postgres); and every table read or added to whole, for bot.storage.transfer."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, suppress
from datetime import datetime
from typing import Any, Protocol

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from bot.errors import StoreError
from bot.languages import Language
from bot.settings import PostgresUrl
from bot.storage.postgres_schema import failure
from bot.storage.stored import conversation_values, second, stored_conversation, stored_language
from bot.storage.transfer import Row, Table
from bot.understanding.conversation import Conversation

logger = logging.getLogger(__name__)

# Names in the `state` table, which holds named integers.
_ANSWERED = "questions_answered"
_NOT_UNDERSTOOD = "questions_not_understood"


class Connections(Protocol):
    """Where a store's queries run: a pool, or the reminder leader's one connection."""

    def connection(self) -> AbstractAsyncContextManager[AsyncConnection[Any]]: ...


class PostgresChatState:
    def __init__(
        self,
        database: PostgresUrl,
        queries: Connections,
        turns: AsyncConnectionPool[AsyncConnection[Any]],
    ) -> None:
        self._database = database
        self._queries = queries
        # Each chat turn holds a connection of this pool for its whole block: were they the
        # queries' pool, turns in flight could take every connection and leave their own
        # queries none.
        self._turns = turns

    @asynccontextmanager
    async def _connection(
        self, connections: Connections | None = None
    ) -> AsyncIterator[AsyncConnection[Any]]:
        """A connection for this coroutine alone; any failure of the database comes out as
        StoreError."""
        try:
            async with (connections or self._queries).connection() as connection:
                yield connection
        except psycopg.Error as error:
            raise StoreError(failure(self._database, error)) from error

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[AsyncConnection[Any]]:
        async with self._connection() as connection, connection.transaction():
            yield connection

    async def _rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        async with self._connection() as connection:
            cursor = await connection.execute(sql, parameters)
            return await cursor.fetchall()

    async def _write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        """One statement on its own; the number of rows it changed."""
        async with self._connection() as connection:
            cursor = await connection.execute(sql, parameters)
            return cursor.rowcount

    # Statistics

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        async with self._transaction() as connection, connection.cursor() as cursor:
            await cursor.executemany(
                "INSERT INTO state (name, value) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET value = state.value + excluded.value",
                [(_ANSWERED, answered), (_NOT_UNDERSTOOD, not_understood)],
            )

    async def question_counts(self) -> tuple[int, int]:
        rows = await self._rows(
            "SELECT name, value FROM state WHERE name IN (%s, %s)", (_ANSWERED, _NOT_UNDERSTOOD)
        )
        values = {str(name): int(value) for name, value in rows}
        return values.get(_ANSWERED, 0), values.get(_NOT_UNDERSTOOD, 0)

    async def log_unanswered(self, question: str) -> None:
        if not question:
            return
        await self._write(
            "INSERT INTO unanswered (question, count) VALUES (%s, 1) "
            "ON CONFLICT (question) DO UPDATE SET count = unanswered.count + 1",
            (question,),
        )

    async def top_unanswered(self, limit: int) -> list[tuple[str, int]]:
        rows = await self._rows(
            "SELECT question, count FROM unanswered ORDER BY count DESC, question LIMIT %s",
            (limit,),
        )
        return [(str(question), int(count)) for question, count in rows]

    # Conversations and chat settings

    async def conversation(self, chat_id: int) -> Conversation:
        rows = await self._rows(
            "SELECT intent, council_code FROM conversations WHERE chat_id = %s", (chat_id,)
        )
        return stored_conversation(rows[0][0], rows[0][1]) if rows else Conversation()

    async def save_conversation(
        self, chat_id: int, conversation: Conversation, now: datetime
    ) -> None:
        changed_at = second(now)
        if conversation.intent is None and conversation.council_code is None:
            await self._write("DELETE FROM conversations WHERE chat_id = %s", (chat_id,))
            return
        await self._write(
            "INSERT INTO conversations (chat_id, intent, council_code, changed_at) "
            "VALUES (%s, %s, %s, %s) ON CONFLICT (chat_id) DO UPDATE SET "
            "intent = excluded.intent, council_code = excluded.council_code, "
            "changed_at = excluded.changed_at",
            (chat_id, *conversation_values(conversation), changed_at),
        )

    async def chat_language(self, chat_id: int) -> Language | None:
        rows = await self._rows(
            "SELECT language FROM chat_languages WHERE chat_id = %s", (chat_id,)
        )
        return stored_language(rows[0][0]) if rows else None

    async def set_chat_language(self, chat_id: int, language: Language | None) -> None:
        if language is None:
            await self._write("DELETE FROM chat_languages WHERE chat_id = %s", (chat_id,))
            return
        await self._write(
            "INSERT INTO chat_languages (chat_id, language) VALUES (%s, %s) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language.value),
        )

    # Several instances as one bot

    @asynccontextmanager
    async def chat_turn(self, key: int) -> AsyncIterator[None]:
        """A transaction holding the key's advisory lock, on a connection of its own, for the
        block's duration."""
        async with self._connection(self._turns) as connection:
            await connection.execute("BEGIN")
            try:
                await connection.execute("SELECT pg_advisory_xact_lock(%s)", (key,))
                yield
            finally:
                # Ending the transaction frees the lock. If the connection died meanwhile, its
                # lock went with it, and the pool replaces it: the block's work stands.
                with suppress(psycopg.Error):
                    await connection.execute("ROLLBACK")

    async def update_handled(self, update_id: int) -> bool:
        rows = await self._rows("SELECT 1 FROM handled_updates WHERE update_id = %s", (update_id,))
        return bool(rows)

    async def record_update_handled(self, update_id: int, now: datetime) -> None:
        await self._write(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (%s, %s) "
            "ON CONFLICT DO NOTHING",
            (update_id, second(now)),
        )

    # Whole tables, for copying between databases

    async def table_rows(self, table: Table) -> list[Row]:
        return await self._rows(f"SELECT {', '.join(table.columns)} FROM {table.name}")

    async def add_table_rows(self, table: Table, rows: Sequence[Row]) -> int:
        columns, marks = ", ".join(table.columns), ", ".join("%s" for _ in table.columns)
        # A delivery from before starts were kept has none (NULL): the unique key of deliveries
        # is NULLS NOT DISTINCT, so ON CONFLICT finds it.
        merge = (
            "DO NOTHING"
            if table.count is None
            else f"({', '.join(table.key)}) DO UPDATE SET {table.count} = excluded.{table.count} "
            f"WHERE excluded.{table.count} > {table.name}.{table.count}"
        )
        async with self._transaction() as connection, connection.cursor() as cursor:
            await cursor.executemany(
                f"INSERT INTO {table.name} ({columns}) VALUES ({marks}) ON CONFLICT {merge}",
                rows,
            )
            return cursor.rowcount
