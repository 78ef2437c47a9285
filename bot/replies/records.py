"""What every reply builder shares: the knowledge it cites, dates in the bot's time zone, event
lines and the buttons for the adopters."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.replies.reply import Block, Bullets, Choice, Citation, EventRef, Paragraph
from bot.understanding.intents import Intent
from knowledge.base import Knowledge
from knowledge.dates import describe_date
from knowledge.models import Authority, Event

logger = logging.getLogger(__name__)

MOST_RECENT_SHOWN = 5


class Records:
    """Reads one Knowledge, with dates shown in `timezone`. Each topic's builder extends it."""

    def __init__(self, knowledge: Knowledge, timezone: ZoneInfo) -> None:
        self.knowledge = knowledge
        self.timezone = timezone

    def citation(self, source_id: str) -> Citation:
        source = self.knowledge.sources[source_id]
        return Citation(title=source.title, as_of=f"as of {self.date(source.as_of)}")

    def citation_if_known(self, source_id: str | None) -> Citation | None:
        """An event's `source` is free text: cite it only when it names a listed source."""
        if source_id is None or source_id not in self.knowledge.sources:
            return None
        return self.citation(source_id)

    def date(self, value: str) -> str:
        return describe_date(value, self.timezone)

    def span(self, start: str, end: str | None) -> str:
        return f"{self.date(start)} to {self.date(end)}" if end else self.date(start)

    def event_line(self, event: Event, *, with_council: bool) -> str:
        line = f"{self.span(event.start, event.end)}: {event.title}"
        if event.location:
            line += f", {event.location}"
        if with_council:
            authority = self.knowledge.authority(event.authority) if event.authority else None
            line += f" ({authority.name if authority else 'network-wide'})"
        return line

    def milestone_lines(self, authority: Authority) -> tuple[str, ...]:
        return tuple(
            f"{m.when_text or self.span(m.when, m.until)}: {m.what}" for m in authority.milestones
        )

    def adopter_choices(self, intent: Intent) -> tuple[Choice, ...]:
        return tuple(
            Choice(label=self.knowledge.council_of(a).short_name, intent=intent, council=a.council)
            for a in self.knowledge.authorities
        )

    def event_blocks(
        self, authority_id: str | None, name: str, now: datetime
    ) -> tuple[list[Block], tuple[EventRef, ...], bool]:
        """The blocks listing events, the upcoming ones as calendar offers, and whether any
        event is on record at all."""
        with_council = authority_id is None
        upcoming = self.knowledge.upcoming_events(authority_id, now, self.timezone)
        if upcoming:
            lines = tuple(self.event_line(e, with_council=with_council) for e in upcoming)
            offers = tuple(EventRef(id=e.id, title=e.title) for e in upcoming)
            return [Paragraph(text="Upcoming:"), Bullets(items=lines)], offers, True
        past = self.knowledge.past_events(authority_id, now, self.timezone)[:MOST_RECENT_SHOWN]
        if not past:
            return [Paragraph(text=f"The record has no dated event for {name}.")], (), False
        lines = tuple(self.event_line(e, with_council=with_council) for e in past)
        today = f"{now.astimezone(self.timezone):%-d %B %Y}"
        heading = Paragraph(
            text=f"Nothing upcoming for {name} as of today ({today}). "
            "The most recent dated events on record:"
        )
        return [heading, Bullets(items=lines)], (), True
