"""What reminders need of the current knowledge, taken once per delivery run: the events, which
council each authority belongs to, the time zone, lead times, and how to word each message in
each chat's language.

A run works on one EventsView from start to end, so that a reload during it (which replaces
the knowledge whole) cannot make it announce one set of events and remember another.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.languages import Language
from bot.replies.reply import Reply
from bot.storage.port import Store
from knowledge.base import Knowledge
from knowledge.models import Event

logger = logging.getLogger(__name__)


class ReminderTexts(Protocol):
    """How each message is worded (bot.replies.events.EventReplies is one)."""

    def reminder(self, event: Event, now: datetime, *, late: bool) -> Reply: ...

    def announcement(self, event: Event) -> Reply: ...

    def move(self, event: Event, old_start: str) -> Reply: ...


@dataclass(frozen=True, slots=True)
class EventsView:
    """The knowledge one delivery run works on, from its start to its end."""

    knowledge: Knowledge
    # How each message is worded, in each language a chat may have chosen.
    texts: Mapping[Language, ReminderTexts]
    timezone: ZoneInfo
    lead_times: tuple[timedelta, ...]
    # How often reminders are checked: a reminder owed for longer than this is late.
    check_interval: timedelta

    @property
    def events(self) -> tuple[Event, ...]:
        return self.knowledge.events

    def councils(self) -> dict[str, str]:
        """Each authority's council code, by authority id."""
        return {a.id: a.council for a in self.knowledge.authorities}

    async def wording(self, store: Store, chats: Iterable[int]) -> dict[int, ReminderTexts]:
        """The wording for each chat: in the language it chose (or was subscribed in), else
        English."""
        recipients = set(chats)
        chosen = await store.chat_languages(recipients)
        return {chat: self.texts[chosen.get(chat, Language.ENGLISH)] for chat in recipients}

    def council_of(self, event: Event) -> str | None:
        """The council whose subscribers hear of the event; None for a network-wide one."""
        authority = self.knowledge.authority(event.authority) if event.authority else None
        return authority.council if authority else None
