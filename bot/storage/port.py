"""The Store port: what the rest of the bot asks of storage, whatever holds it.

`bot.storage.sqlite.SqliteStore` implements it on one SQLite file, `bot.storage.postgres`
on a PostgreSQL database that several instances share; `bot.storage.memory` holds a fake for
fast tests. Times are aware datetimes; any zone will do.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.languages import Language
from bot.understanding.conversation import Conversation

logger = logging.getLogger(__name__)

# `prune` drops a conversation nobody continued for this long, and the ids of webhook updates
# handled longer ago than Telegram goes on re-sending one (it gives up within a day).
CONVERSATION_KEPT = timedelta(days=30)
HANDLED_UPDATES_KEPT = timedelta(days=1)


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
    Every method raises StoreError when the database fails (cannot be written, locked, gone),
    except where a write may come after the call (`save_conversation`)."""

    async def close(self) -> None: ...

    async def ping(self) -> None:
        """Ask the database something trivial, and answer quickly: whether this instance is
        ready (`GET /readyz`). Raises StoreError if the database does not answer."""
        ...

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
        pause state, its conversation and its chosen language."""
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

    async def prune(
        self, started_before: datetime, delivered_before: datetime, *, now: datetime
    ) -> None:
        """Forget deliveries and announcements of events that started before `started_before`
        (nothing will be sent for that start again: a reminder is due only before its start),
        and rows from before starts were kept if delivered before `delivered_before`; known
        events that ended before `started_before`; and chats left with nothing held about
        them. Never by absence from the events file. Also conversations last changed
        CONVERSATION_KEPT before `now`, and the ids of updates handled HANDLED_UPDATES_KEPT
        before it."""
        ...

    # Conversations and chat settings, shared by every instance of the bot

    async def conversation(self, chat_id: int) -> Conversation:
        """What the chat's previous turns were about; a fresh Conversation if nothing is
        held."""
        ...

    async def save_conversation(
        self, chat_id: int, conversation: Conversation, now: datetime
    ) -> None:
        """Keep the conversation's intent and council code (nothing else of the chat's), as
        changed at `now`; an empty conversation deletes what was held. `conversation` answers
        with it at once; a store one process owns may write it to the database a little later,
        with other chats' (SQLite: bot.storage.sqlite), logging a failure and trying again
        rather than raising. Raises ValueError on a naive `now`."""
        ...

    async def chat_language(self, chat_id: int) -> Language | None:
        """The language the chat chose; None if it chose none."""
        ...

    async def set_chat_language(self, chat_id: int, language: Language | None) -> None:
        """Keep the chat's choice of language; None clears it."""
        ...

    async def chat_languages(self, chat_ids: Iterable[int]) -> dict[int, Language]:
        """The language of each of `chat_ids` that chose one, read at once: a reminder's or an
        announcement's recipients are worded in theirs."""
        ...

    # Several instances as one bot

    def chat_turn(self, key: int) -> AbstractAsyncContextManager[None]:
        """Hold `key` (a chat's id, or a user's) for the block: another block on the same key,
        in this process or (PostgreSQL) any instance, waits until this one ends. Raises
        StoreError on entering if the database cannot be reached."""
        ...

    async def update_handled(self, update_id: int) -> bool:
        """Whether any instance recorded the webhook update as handled."""
        ...

    async def record_update_handled(self, update_id: int, now: datetime) -> None:
        """The update was handled at `now`: it is not to be handled again. A repeat is a
        no-op."""
        ...

    def reminder_leadership(self) -> ReminderLeadership:
        """The right to send reminders and announcements, which one instance holds at a
        time. Each call gives a new contender."""
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


class ReminderLeadership(Protocol):
    """Being the one instance that sends reminders and announcements.

    On PostgreSQL a session advisory lock on a connection of the leadership's own, which also
    runs `store`'s queries: when the leader dies its connection closes, the lock frees at once,
    and nothing the dead leader had begun can still be written. With a store one process owns
    (SQLite, memory) it is always held, and `store` is that store.
    """

    @property
    def store(self) -> Store:
        """The store to run delivery on (pending_reminders, record_delivery,
        announcement_recipients, record_announcement, move_recipients, known_events,
        remember_events, prune) while the leadership is held."""
        ...

    async def try_acquire(self) -> bool:
        """Become the leader, or stay it; False while another instance is. Raises StoreError
        if the database cannot be reached."""
        ...

    async def still_held(self) -> bool:
        """Whether this is still the leader: False once the database restarted or the
        leadership's connection died (then `try_acquire` again), or before acquiring."""
        ...

    async def release(self) -> None:
        """Stop being the leader (at shutdown, to hand over at once); never raises."""
        ...
