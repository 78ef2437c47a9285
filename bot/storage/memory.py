"""The Store in memory, for fast tests: the same rules as the SQLite store, nothing kept.

Times are kept as SQLite keeps them, in UTC to the second (bot.storage.stored.second), so
that both stores agree on what "the same start" and "at the same second" mean. `failing` names
methods that raise StoreError, as a read-only database or a full disk would, so that tests can
break the store on demand.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.scopes import ALL, check_scope
from bot.storage.local import SoleLeadership
from bot.storage.memory_chats import MemoryChatState
from bot.storage.port import (
    KnownEvent,
    PendingReminder,
    ReminderLeadership,
    ReminderSlot,
)
from bot.storage.stored import second

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Known:
    start: str | None
    start_seen_at: datetime | None
    ends_at: datetime


@dataclass
class MemoryStore(MemoryChatState):
    """Implements bot.storage.port.Store in dictionaries."""

    # chat id -> when it was paused (None: active)
    _chats: dict[int, datetime | None] = field(default_factory=dict)
    # (chat, scope) -> since when
    _subscriptions: dict[tuple[int, str], datetime] = field(default_factory=dict)
    # (chat, event, start, lead seconds) -> when
    _deliveries: dict[tuple[int, str, datetime, int], datetime] = field(default_factory=dict)
    # (chat, event) -> (the start told of, when)
    _announcements: dict[tuple[int, str], tuple[datetime, datetime]] = field(default_factory=dict)
    _known: dict[str, _Known] | None = None

    async def close(self) -> None:
        return

    async def ping(self) -> None:
        self._may("ping")

    # Subscriptions

    async def subscribe(self, chat_id: int, scope: str, now: datetime) -> bool:
        check_scope(scope)
        self._may("subscribe")
        since = second(now)
        self._chats[chat_id] = None
        if (chat_id, scope) in self._subscriptions:
            return False
        self._subscriptions[chat_id, scope] = since
        return True

    async def unsubscribe(self, chat_id: int, scope: str) -> bool:
        self._may("unsubscribe")
        removed = self._subscriptions.pop((chat_id, scope), None) is not None
        self._forget_pause_if_unsubscribed(chat_id)
        return removed

    async def unsubscribe_all(self, chat_id: int) -> int:
        self._may("unsubscribe_all")
        scopes = self._scopes(chat_id)
        for scope in scopes:
            del self._subscriptions[chat_id, scope]
        self._forget_pause_if_unsubscribed(chat_id)
        return len(scopes)

    def _forget_pause_if_unsubscribed(self, chat_id: int) -> None:
        if chat_id in self._chats and not self._scopes(chat_id):
            self._chats[chat_id] = None

    def _scopes(self, chat_id: int) -> list[str]:
        return [scope for chat, scope in self._subscriptions if chat == chat_id]

    def _active(self, chat_id: int) -> bool:
        return chat_id in self._chats and self._chats[chat_id] is None

    async def subscriptions(self, chat_id: int) -> list[str]:
        self._may("subscriptions")
        return sorted(self._scopes(chat_id), key=lambda scope: (scope != ALL, scope))

    async def forget(self, chat_id: int) -> None:
        self._may("forget")
        self._chats.pop(chat_id, None)
        self._subscriptions = {k: v for k, v in self._subscriptions.items() if k[0] != chat_id}
        self._deliveries = {k: v for k, v in self._deliveries.items() if k[0] != chat_id}
        self._announcements = {k: v for k, v in self._announcements.items() if k[0] != chat_id}
        self._conversations.pop(chat_id, None)
        self._languages.pop(chat_id, None)

    async def pause_chat(self, chat_id: int, now: datetime) -> None:
        self._may("pause_chat")
        if self._active(chat_id):
            self._chats[chat_id] = second(now)

    async def resume_chat(self, chat_id: int) -> None:
        self._may("resume_chat")
        if chat_id in self._chats:
            self._chats[chat_id] = None

    async def subscriber_counts(self) -> dict[str, int]:
        self._may("subscriber_counts")
        counts: dict[str, int] = {}
        for chat, scope in self._subscriptions:
            if self._active(chat):
                counts[scope] = counts.get(scope, 0) + 1
        return dict(sorted(counts.items()))

    # Reminders

    def _reminded(self, chat_id: int, slot: ReminderSlot) -> bool:
        """It has had this lead of the event, or a shorter one, for this start."""
        start = second(slot.start)
        return any(
            chat == chat_id and event == slot.event_id and at == start and lead <= slot.lead_seconds
            for chat, event, at, lead in self._deliveries
        )

    def _start_seen_at(self, event_id: str) -> datetime | None:
        known = (self._known or {}).get(event_id)
        return None if known is None else known.start_seen_at

    async def pending_reminders(
        self, slots: Sequence[ReminderSlot], limit: int | None = None
    ) -> list[PendingReminder]:
        self._may("pending_reminders")
        found: list[PendingReminder] = []
        for slot in slots:
            for chat_id, subscribed_at in self._owed(slot):
                if not self._active(chat_id) or self._reminded(chat_id, slot):
                    continue
                seen = self._start_seen_at(slot.event_id)
                owed_since = subscribed_at if seen is None else max(subscribed_at, seen)
                found.append(PendingReminder(chat_id, slot, owed_since))
        return found if limit is None else found[:limit]

    def _owed(self, slot: ReminderSlot) -> list[tuple[int, datetime]]:
        """The chats the slot goes to, once each, with when they subscribed to what matches:
        the council's subscription before `ALL`; for a network-wide event, the first one."""
        since: dict[int, datetime] = {}
        for (chat, scope), at in sorted(self._subscriptions.items(), key=lambda item: item[1]):
            if slot.council is None:
                since.setdefault(chat, at)
            elif scope == slot.council or (
                scope == ALL and (chat, slot.council) not in self._subscriptions
            ):
                since[chat] = at
        return sorted(since.items())

    async def record_delivery(
        self, chat_id: int, event_id: str, start: datetime, lead_seconds: int, now: datetime
    ) -> None:
        self._may("record_delivery")
        if chat_id in self._chats:
            key = (chat_id, event_id, second(start), lead_seconds)
            self._deliveries.setdefault(key, second(now))

    async def delivered_count(self) -> int:
        self._may("delivered_count")
        return len(self._deliveries)

    # Announcements

    def _subscribers(self, council: str | None) -> list[int]:
        """Active chats subscribed to `council` or `ALL` (to anything, for council None)."""
        return sorted(
            {
                chat
                for chat, scope in self._subscriptions
                if self._active(chat) and (council is None or scope in (council, ALL))
            }
        )

    async def announcement_recipients(self, event_id: str, council: str | None) -> list[int]:
        self._may("announcement_recipients")
        return [c for c in self._subscribers(council) if (c, event_id) not in self._announcements]

    def _last_told(self, chat_id: int, event_id: str) -> datetime | None:
        """The start the chat was last told of: its latest delivery or announcement of the
        event; at the same second, the announcement."""
        told = [
            (at, 0, start)
            for (chat, event, start, _), at in self._deliveries.items()
            if chat == chat_id and event == event_id
        ]
        if (chat_id, event_id) in self._announcements:
            start, at = self._announcements[chat_id, event_id]
            told.append((at, 1, start))
        return max(told)[2] if told else None

    async def move_recipients(
        self, event_id: str, council: str | None, start: datetime
    ) -> list[int]:
        self._may("move_recipients")
        moved_to = second(start)
        return [
            chat
            for chat in self._subscribers(council)
            if (told := self._last_told(chat, event_id)) is not None and told != moved_to
        ]

    async def record_announcement(
        self, chat_id: int, event_id: str, start: datetime, now: datetime
    ) -> None:
        self._may("record_announcement")
        told = self._announcements.get((chat_id, event_id))
        if chat_id in self._chats and (told is None or told[0] != second(start)):
            self._announcements[chat_id, event_id] = (second(start), second(now))

    async def known_events(self) -> dict[str, str | None] | None:
        self._may("known_events")
        if self._known is None:
            return None
        return {event_id: known.start for event_id, known in self._known.items()}

    async def remember_events(self, events: Iterable[KnownEvent], now: datetime | None) -> None:
        self._may("remember_events")
        seen_at = None if now is None else second(now)
        known = dict(self._known or {})
        for event in events:
            before = known.get(event.event_id)
            same = before is not None and before.start == event.start
            since = before.start_seen_at if same and before is not None else seen_at
            known[event.event_id] = _Known(event.start, since, second(event.ends_at))
        self._known = known

    async def prune(
        self, started_before: datetime, delivered_before: datetime, *, now: datetime
    ) -> None:
        self._may("prune")
        self._prune_chat_state(now)
        # Every delivery here has its start (rows without one come only from SQLite's first
        # schema): `delivered_before` has nothing to prune.
        started = second(started_before)
        self._deliveries = {k: at for k, at in self._deliveries.items() if k[2] >= started}
        self._announcements = {
            k: told for k, told in self._announcements.items() if told[0] >= started
        }
        if self._known is not None:
            self._known = {i: k for i, k in self._known.items() if k.ends_at >= started}
        held = {
            key[0]
            for table in (self._subscriptions, self._deliveries, self._announcements)
            for key in table
        }
        self._chats = {
            chat: paused
            for chat, paused in self._chats.items()
            if paused is not None or chat in held
        }

    def reminder_leadership(self) -> ReminderLeadership:
        return SoleLeadership(self)
