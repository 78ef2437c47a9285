"""How values are held, the same in every store: times in UTC to the second; a conversation
and a language as their values' text, read back leniently (a value a later sosbot renamed reads
as nothing held, never as a failure)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.languages import Language
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)


def second(moment: datetime) -> datetime:
    """UTC, to the second, as the SQLite store stamps it. Raises ValueError on a naive time."""
    if moment.tzinfo is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(UTC).replace(microsecond=0)


def conversation_values(conversation: Conversation) -> tuple[str | None, str | None]:
    """(intent, council code), as columns hold them."""
    intent = None if conversation.intent is None else conversation.intent.value
    return intent, conversation.council_code


def stored_conversation(intent: str | None, council_code: str | None) -> Conversation:
    try:
        known = None if intent is None else Intent(intent)
    except ValueError:
        known = None
    return Conversation(intent=known, council_code=council_code)


def stored_language(value: str) -> Language | None:
    try:
        return Language(value)
    except ValueError:
        return None
