"""The SQLite store's tables about serving chats rather than reminding them: statistics,
conversations, chosen languages and handled webhook updates (see bot.storage.sqlite); and every
table read or added to whole, for bot.storage.transfer."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

from bot.languages import Language
from bot.storage.connection import Database
from bot.storage.local import KeyedLocks
from bot.storage.stored import conversation_values, stored_conversation, stored_language
from bot.storage.transfer import Row, Table
from bot.understanding.conversation import Conversation

logger = logging.getLogger(__name__)

# Names in the `state` table, which holds named integers.
_ANSWERED = "questions_answered"
_NOT_UNDERSTOOD = "questions_not_understood"


def stamp(moment: datetime) -> str:
    """UTC, to the second, in one fixed format, so that stamps compare as text."""
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _moment(value: object) -> object:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def _stamped(value: object) -> object:
    return stamp(value) if isinstance(value, datetime) else value


class SqliteChatState:
    def __init__(self, database: Database) -> None:
        self._db = database
        # One process owns the file (sosbot run holds its lock): chat turns are its own.
        self._turns = KeyedLocks()

    # Statistics

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        async with self._db.transaction() as db:
            await db.executemany(
                "INSERT INTO state (name, value) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET value = value + excluded.value",
                [(_ANSWERED, answered), (_NOT_UNDERSTOOD, not_understood)],
            )

    async def question_counts(self) -> tuple[int, int]:
        rows = await self._db.rows(
            "SELECT name, value FROM state WHERE name IN (?, ?)", (_ANSWERED, _NOT_UNDERSTOOD)
        )
        values = {str(row[0]): int(row[1]) for row in rows}
        return values.get(_ANSWERED, 0), values.get(_NOT_UNDERSTOOD, 0)

    async def log_unanswered(self, question: str) -> None:
        if not question:
            return
        await self._db.write(
            "INSERT INTO unanswered (question, count) VALUES (?, 1) "
            "ON CONFLICT (question) DO UPDATE SET count = count + 1",
            (question,),
        )

    async def top_unanswered(self, limit: int) -> list[tuple[str, int]]:
        rows = await self._db.rows(
            "SELECT question, count FROM unanswered ORDER BY count DESC, question LIMIT ?",
            (limit,),
        )
        return [(str(row[0]), int(row[1])) for row in rows]

    # Conversations and chat settings

    async def conversation(self, chat_id: int) -> Conversation:
        rows = await self._db.rows(
            "SELECT intent, council_code FROM conversations WHERE chat_id = ?", (chat_id,)
        )
        return stored_conversation(rows[0][0], rows[0][1]) if rows else Conversation()

    async def save_conversation(
        self, chat_id: int, conversation: Conversation, now: datetime
    ) -> None:
        if conversation.intent is None and conversation.council_code is None:
            await self._db.write("DELETE FROM conversations WHERE chat_id = ?", (chat_id,))
            return
        await self._db.write(
            "INSERT INTO conversations (chat_id, intent, council_code, changed_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET intent = excluded.intent, "
            "council_code = excluded.council_code, changed_at = excluded.changed_at",
            (chat_id, *conversation_values(conversation), stamp(now)),
        )

    async def chat_language(self, chat_id: int) -> Language | None:
        rows = await self._db.rows(
            "SELECT language FROM chat_languages WHERE chat_id = ?", (chat_id,)
        )
        return stored_language(rows[0][0]) if rows else None

    async def set_chat_language(self, chat_id: int, language: Language | None) -> None:
        if language is None:
            await self._db.write("DELETE FROM chat_languages WHERE chat_id = ?", (chat_id,))
            return
        await self._db.write(
            "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language.value),
        )

    # Several instances as one bot: one process owns an SQLite file

    def chat_turn(self, key: int) -> AbstractAsyncContextManager[None]:
        return self._turns.hold(key)

    async def update_handled(self, update_id: int) -> bool:
        rows = await self._db.rows(
            "SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,)
        )
        return bool(rows)

    async def record_update_handled(self, update_id: int, now: datetime) -> None:
        await self._db.write(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            (update_id, stamp(now)),
        )

    # Whole tables, for copying between databases

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
        async with self._db.transaction() as db:
            cursor = await db.executemany(
                sql,
                [
                    (*(_stamped(value) for value in row), *(_stamped(row[i]) for i in keys))
                    for row in rows
                ],
            )
            added = cursor.rowcount
            await cursor.close()
        return added
