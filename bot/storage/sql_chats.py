"""How a store runs SQL (`Sql`), and the Store's statements about serving chats rather than
reminding them, the same on SQLite and PostgreSQL:

- statistics: two counters, and unanswered questions as normalised text with a count, with no
  chat id, user id or date at all;
- conversations: a chat's last intent and council code, and when they changed (pruned after
  CONVERSATION_KEPT); chat languages: the language a chat chose;
- handled updates: the ids of webhook updates handled, and when (pruned after a day).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

from bot.languages import Language
from bot.storage.stored import conversation_values, stored_conversation, stored_language
from bot.understanding.conversation import Conversation

logger = logging.getLogger(__name__)

# Names in the `state` table, which holds named integers.
_ANSWERED = "questions_answered"
_NOT_UNDERSTOOD = "questions_not_understood"


_SAVE_CONVERSATION = (
    "INSERT INTO conversations (chat_id, intent, council_code, changed_at) "
    "VALUES (?, ?, ?, ?) ON CONFLICT (chat_id) DO UPDATE SET "
    "intent = excluded.intent, council_code = excluded.council_code, "
    "changed_at = excluded.changed_at"
)
_FORGET_CONVERSATION = "DELETE FROM conversations WHERE chat_id = ?"
# Chats asked about in one statement: well under SQLite's and PostgreSQL's limits on parameters.
CHATS_PER_STATEMENT = 1000


def _empty(conversation: Conversation) -> bool:
    """Nothing to hold: saving it deletes what was held."""
    return conversation.intent is None and conversation.council_code is None


def _conversation_row(
    sql: Sql, chat_id: int, conversation: Conversation, now: datetime
) -> tuple[object, ...]:
    return (chat_id, *conversation_values(conversation), sql.time(now))


class Sql(Protocol):
    """Statements on one database, `?` for each parameter; any failure of the database comes
    out as StoreError."""

    def time(self, moment: datetime) -> object:
        """A time as a parameter: UTC, to the second. Raises ValueError on a naive time."""
        ...

    async def rows(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]: ...

    async def write(self, sql: str, parameters: Sequence[object] = ()) -> int:
        """One statement; the number of rows it changed."""
        ...

    async def write_many(self, sql: str, rows: Sequence[Sequence[object]]) -> int:
        """One statement for each row, in one transaction; the rows changed in all."""
        ...

    def transaction(self, *, writes: bool = True) -> AbstractAsyncContextManager[Sql]:
        """Statements in one transaction, committed at the end of the block, rolled back if it
        raises. Without `writes`, only reads, which another program's write lock on an SQLite
        file does not hold up."""
        ...


class SqlChatState:
    def __init__(self, sql: Sql) -> None:
        self._sql = sql

    # Statistics

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        await self._sql.write_many(
            "INSERT INTO state (name, value) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET value = state.value + excluded.value",
            [(_ANSWERED, answered), (_NOT_UNDERSTOOD, not_understood)],
        )

    async def question_counts(self) -> tuple[int, int]:
        rows = await self._sql.rows(
            "SELECT name, value FROM state WHERE name IN (?, ?)", (_ANSWERED, _NOT_UNDERSTOOD)
        )
        values = {str(name): int(value) for name, value in rows}
        return values.get(_ANSWERED, 0), values.get(_NOT_UNDERSTOOD, 0)

    async def log_unanswered(self, question: str) -> None:
        if not question:
            return
        await self._sql.write(
            "INSERT INTO unanswered (question, count) VALUES (?, 1) "
            "ON CONFLICT (question) DO UPDATE SET count = unanswered.count + 1",
            (question,),
        )

    async def top_unanswered(self, limit: int) -> list[tuple[str, int]]:
        rows = await self._sql.rows(
            "SELECT question, count FROM unanswered ORDER BY count DESC, question LIMIT ?",
            (limit,),
        )
        return [(str(question), int(count)) for question, count in rows]

    # Conversations and chat settings

    async def conversation(self, chat_id: int) -> Conversation:
        rows = await self._sql.rows(
            "SELECT intent, council_code FROM conversations WHERE chat_id = ?", (chat_id,)
        )
        return stored_conversation(rows[0][0], rows[0][1]) if rows else Conversation()

    async def save_conversation(
        self, chat_id: int, conversation: Conversation, now: datetime
    ) -> None:
        if _empty(conversation):
            await self._sql.write(_FORGET_CONVERSATION, (chat_id,))
            return
        await self._sql.write(
            _SAVE_CONVERSATION, _conversation_row(self._sql, chat_id, conversation, now)
        )

    async def save_conversations(
        self, changes: Mapping[int, tuple[Conversation, datetime]]
    ) -> None:
        """Several chats' `save_conversation` in one transaction."""
        saved = [
            _conversation_row(self._sql, chat_id, conversation, now)
            for chat_id, (conversation, now) in changes.items()
            if not _empty(conversation)
        ]
        emptied = [
            (chat_id,) for chat_id, (conversation, _) in changes.items() if _empty(conversation)
        ]
        async with self._sql.transaction() as sql:
            if saved:
                await sql.write_many(_SAVE_CONVERSATION, saved)
            if emptied:
                await sql.write_many(_FORGET_CONVERSATION, emptied)

    async def chat_language(self, chat_id: int) -> Language | None:
        rows = await self._sql.rows(
            "SELECT language FROM chat_languages WHERE chat_id = ?", (chat_id,)
        )
        return stored_language(rows[0][0]) if rows else None

    async def chat_languages(self, chat_ids: Iterable[int]) -> dict[int, Language]:
        chats = sorted(set(chat_ids))
        found: dict[int, Language] = {}
        for start in range(0, len(chats), CHATS_PER_STATEMENT):
            some = chats[start : start + CHATS_PER_STATEMENT]
            rows = await self._sql.rows(
                "SELECT chat_id, language FROM chat_languages"
                f" WHERE chat_id IN ({', '.join('?' * len(some))})",
                some,
            )
            for chat_id, value in rows:
                if (language := stored_language(value)) is not None:
                    found[int(chat_id)] = language
        return found

    async def set_chat_language(self, chat_id: int, language: Language | None) -> None:
        if language is None:
            await self._sql.write("DELETE FROM chat_languages WHERE chat_id = ?", (chat_id,))
            return
        await self._sql.write(
            "INSERT INTO chat_languages (chat_id, language) VALUES (?, ?) "
            "ON CONFLICT (chat_id) DO UPDATE SET language = excluded.language",
            (chat_id, language.value),
        )

    # Webhook updates handled by any instance

    async def update_handled(self, update_id: int) -> bool:
        rows = await self._sql.rows(
            "SELECT 1 FROM handled_updates WHERE update_id = ?", (update_id,)
        )
        return bool(rows)

    async def record_update_handled(self, update_id: int, now: datetime) -> None:
        await self._sql.write(
            "INSERT INTO handled_updates (update_id, handled_at) VALUES (?, ?) "
            "ON CONFLICT DO NOTHING",
            (update_id, self._sql.time(now)),
        )
