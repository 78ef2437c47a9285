"""What is sent about one event: a reminder, an announcement of a new event, a move; and the
upcoming events a subscription brings."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, EventRef, Paragraph, Reply
from bot.scopes import ALL
from bot.understanding.intents import Intent
from knowledge.models import Event

logger = logging.getLogger(__name__)


def describe_time_left(left: timedelta) -> str:
    """How soon, as a person would say it: "in 7 days", "in 5 hours", "in 20 minutes"."""
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        if left >= size:
            count = round(left / size)
            return f"in {count} {unit}{'' if count == 1 else 's'}"
    minutes = max(1, round(left / timedelta(minutes=1)))
    return f"in {minutes} minute{'' if minutes == 1 else 's'}"


class EventReplies(Records):
    """Builds the messages about one event that go out without being asked for."""

    def upcoming_for_scope(self, scope: str, now: datetime) -> tuple[str, ...]:
        """Lines for the upcoming events a subscription to `scope` (ALL or a council code)
        brings."""
        if scope == ALL:
            events = self.knowledge.upcoming_events(None, now, self.timezone)
        else:
            authority = self.knowledge.authority_for_council(scope)
            events = [
                e
                for e in self.knowledge.upcoming_events(
                    authority.id if authority else None, now, self.timezone
                )
                if authority is not None or e.authority is None
            ]
        return tuple(self.event_line(e, with_council=True) for e in events)

    def details(self, event: Event) -> list[Block]:
        """What, when, where and which council: the body of a reminder or an announcement."""
        authority = self.knowledge.authority(event.authority) if event.authority else None
        blocks: list[Block] = [
            Bullets(
                items=(
                    f"When: {self.span(event.start, event.end)}",
                    f"Where: {event.location or 'not given'}",
                    f"Council: {authority.name if authority else 'the whole network'}",
                )
            )
        ]
        if event.description:
            blocks.append(Paragraph(text=event.description))
        return blocks

    def _about(self, event: Event, title: str, *blocks: Block) -> Reply:
        return Reply(
            intent=Intent.EVENTS,
            authority=event.authority,
            title=title,
            blocks=(*blocks, *self.details(event)),
            citation=self.citation_if_known(event.source),
            calendar=(EventRef(id=event.id, title=event.title),),
        )

    def reminder(self, event: Event, now: datetime, *, late: bool) -> Reply:
        """A reminder of `event`, saying how soon it starts; a late one says so."""
        left = event.period(self.timezone).start - now
        notes: list[Block] = [Paragraph(text=f"It starts {describe_time_left(left)}.")]
        if late:
            notes.append(Paragraph(text="Sent late: I was offline when this reminder fell due."))
        return self._about(event, f"Reminder: {event.title}", *notes)

    def announcement(self, event: Event) -> Reply:
        return self._about(event, f"New event: {event.title}")

    def move(self, event: Event, old_start: str) -> Reply:
        """An event the subscriber heard of has a new start: both times, then the details."""
        note = Paragraph(
            text=f"It has moved to {self.span(event.start, event.end)}; it was "
            f"{self.date(old_start)}."
        )
        return self._about(event, f"Moved: {event.title}", note)
