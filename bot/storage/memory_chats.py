"""The in-memory store's state about serving chats rather than reminding them: statistics,
conversations, chosen languages and handled webhook updates (see bot.storage.memory)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime

from bot.errors import StoreError
from bot.languages import Language
from bot.storage.local import KeyedLocks
from bot.storage.port import CONVERSATION_KEPT, HANDLED_UPDATES_KEPT
from bot.storage.stored import second
from bot.understanding.conversation import Conversation

logger = logging.getLogger(__name__)


@dataclass
class MemoryChatState:
    # Methods that raise StoreError, as a read-only database or a full disk would.
    failing: set[str] = field(default_factory=set)
    _answered: int = 0
    _not_understood: int = 0
    _unanswered: dict[str, int] = field(default_factory=dict)
    # chat id -> (its conversation, as a copy, and when it last changed)
    _conversations: dict[int, tuple[Conversation, datetime]] = field(default_factory=dict)
    _languages: dict[int, Language] = field(default_factory=dict)
    # update id -> when it was handled
    _handled: dict[int, datetime] = field(default_factory=dict)
    _turns: KeyedLocks = field(default_factory=KeyedLocks)

    def _may(self, method: str) -> None:
        if method in self.failing:
            raise StoreError(f"{method} failed: database or disk is full")

    def _prune_chat_state(self, now: datetime) -> None:
        untouched_since = second(now - CONVERSATION_KEPT)
        handled_before = second(now - HANDLED_UPDATES_KEPT)
        self._conversations = {
            chat: kept for chat, kept in self._conversations.items() if kept[1] >= untouched_since
        }
        self._handled = {update: at for update, at in self._handled.items() if at >= handled_before}

    # Statistics

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        self._may("add_question_counts")
        self._answered += answered
        self._not_understood += not_understood

    async def question_counts(self) -> tuple[int, int]:
        self._may("question_counts")
        return self._answered, self._not_understood

    async def log_unanswered(self, question: str) -> None:
        self._may("log_unanswered")
        if question:
            self._unanswered[question] = self._unanswered.get(question, 0) + 1

    async def top_unanswered(self, limit: int) -> list[tuple[str, int]]:
        self._may("top_unanswered")
        ranked = sorted(self._unanswered.items(), key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    # Conversations and chat settings

    async def conversation(self, chat_id: int) -> Conversation:
        self._may("conversation")
        kept = self._conversations.get(chat_id)
        return Conversation() if kept is None else replace(kept[0])

    async def save_conversation(
        self, chat_id: int, conversation: Conversation, now: datetime
    ) -> None:
        self._may("save_conversation")
        changed_at = second(now)
        if conversation.intent is None and conversation.council_code is None:
            self._conversations.pop(chat_id, None)
        else:
            self._conversations[chat_id] = (replace(conversation), changed_at)

    async def chat_language(self, chat_id: int) -> Language | None:
        self._may("chat_language")
        return self._languages.get(chat_id)

    async def chat_languages(self, chat_ids: Iterable[int]) -> dict[int, Language]:
        self._may("chat_languages")
        return {chat: self._languages[chat] for chat in chat_ids if chat in self._languages}

    async def set_chat_language(self, chat_id: int, language: Language | None) -> None:
        self._may("set_chat_language")
        if language is None:
            self._languages.pop(chat_id, None)
        else:
            self._languages[chat_id] = language

    # Several instances as one bot: one process here

    def chat_turn(self, key: int) -> AbstractAsyncContextManager[None]:
        self._may("chat_turn")
        return self._turns.hold(key)

    async def update_handled(self, update_id: int) -> bool:
        self._may("update_handled")
        return update_id in self._handled

    async def record_update_handled(self, update_id: int, now: datetime) -> None:
        self._may("record_update_handled")
        self._handled.setdefault(update_id, second(now))
