"""The Store port: what the rest of the bot asks of storage, whatever holds it.

`bot.storage.sqlite.SqliteStore` implements it on one SQLite file; `bot.storage.memory` holds a
fake for fast tests. Times are aware datetimes; any zone will do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReminderSlot:
    """One event's reminder that is due now: for which start, who it goes to, at which lead.

    `council` None means a network-wide event, which goes to every subscriber.
    """

    event_id: str
    start: datetime
    council: str | None
    lead_seconds: int


@dataclass(frozen=True, slots=True)
class KnownEvent:
    """An event as last seen: its start as written (to tell of a move from it) and its end."""

    event_id: str
    start: str
    ends_at: datetime


@dataclass(frozen=True, slots=True)
class PendingReminder:
    """A slot's reminder that a chat should get and has not had. `owed_since` is when the chat
    subscribed to the matching scope, or when the event's start became known if later (it was
    added or moved), so that a reminder owed only since then is not "late"."""

    chat_id: int
    slot: ReminderSlot
    owed_since: datetime


class Store(Protocol):
    """Subscriptions, deliveries and statistics. Times are aware datetimes; any zone will do.
    Every method raises StoreError when the database fails (cannot be written, locked, gone)."""

    async def close(self) -> None: ...

    # Subscriptions

    async def subscribe(self, chat_id: int, scope: str, now: datetime) -> bool:
        """Subscribe a chat to `ALL` or a council code; False if it already was. Resumes the chat
        if it was paused."""
        ...

    async def unsubscribe(self, chat_id: int, scope: str) -> bool:
        """False if the chat was not subscribed to `scope`."""
        ...

    async def unsubscribe_all(self, chat_id: int) -> int:
        """How many subscriptions were removed."""
        ...

    async def subscriptions(self, chat_id: int) -> list[str]:
        """The chat's scopes, sorted, `ALL` first."""
        ...

    async def forget(self, chat_id: int) -> None:
        """Delete everything held about the chat: subscriptions, deliveries, announcements,
        pause state."""
        ...

    async def pause_chat(self, chat_id: int, now: datetime) -> None:
        """The chat blocked the bot: keep its subscriptions but send it nothing. A chat the
        store does not know is not recorded."""
        ...

    async def resume_chat(self, chat_id: int) -> None:
        """The chat talks to the bot again: reminders resume."""
        ...

    async def subscriber_counts(self) -> dict[str, int]:
        """Subscriptions of chats that are not paused, by scope."""
        ...

    # Reminders, sent exactly once

    async def pending_reminders(
        self, slots: Sequence[ReminderSlot], limit: int | None = None
    ) -> list[PendingReminder]:
        """For each slot, the active chats subscribed to its council, to `ALL`, or (council None)
        to anything, that have had neither this lead nor a shorter one of the event at this
        start; one row a (chat, event). With `limit`, at most that many rows, for sending in
        batches: what has been recorded meanwhile drops out of the next call."""
        ...

    async def record_delivery(
        self, chat_id: int, event_id: str, start: datetime, lead_seconds: int, now: datetime
    ) -> None:
        """Telegram accepted the reminder of the event starting at `start`. A repeat is a
        no-op."""
        ...

    async def delivered_count(self) -> int: ...

    # Announcements of new events

    async def announcement_recipients(self, event_id: str, council: str | None) -> list[int]:
        """Active chats subscribed to the event's council (or to anything, for council None)
        that have not been told of it."""
        ...

    async def record_announcement(
        self, chat_id: int, event_id: str, start: datetime, now: datetime
    ) -> None:
        """Telegram accepted an announcement of the event, new or moved, starting at `start`.
        A chat keeps one announcement an event: the last start it was told of."""
        ...

    async def move_recipients(
        self, event_id: str, council: str | None, start: datetime
    ) -> list[int]:
        """Active chats subscribed to the event's council (or to anything, for council None)
        that were reminded or told of it, last for another start than `start`."""
        ...

    async def known_events(self) -> dict[str, str | None] | None:
        """The events seen so far, by id, with their start as written (None if seen before
        starts were kept); None before the first `remember_events`, the very first start, when
        current events are remembered without being announced."""
        ...

    async def remember_events(self, events: Iterable[KnownEvent], now: datetime | None) -> None:
        """Remember these events as seen, with their start and end; a start not seen before
        is known from `now` (None: from before, as on the very first start)."""
        ...

    async def prune(self, started_before: datetime, delivered_before: datetime) -> None:
        """Forget deliveries and announcements of events that started before `started_before`
        (nothing will be sent for that start again: a reminder is due only before its start),
        and rows from before starts were kept if delivered before `delivered_before`; known
        events that ended before `started_before`; and chats left with nothing held about
        them. Never by absence from the events file."""
        ...

    # Statistics, with no chat or user ids

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        """Add to the running totals; the caller tallies in memory and adds now and then, so
        that answering a question costs no write."""
        ...

    async def question_counts(self) -> tuple[int, int]:
        """(answered, not understood)."""
        ...

    async def log_unanswered(self, question: str) -> None:
        """Count the question, kept as given (the caller normalises it), with no chat id, user
        id or date; an empty question is not kept."""
        ...

    async def top_unanswered(self, limit: int) -> list[tuple[str, int]]:
        """The most asked unanswered questions, most asked first."""
        ...
