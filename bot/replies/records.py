"""What every reply builder shares: the knowledge it cites, dates in the bot's time zone, event
lines and the buttons for the adopters."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from bot.replies.reply import Block, Bullets, Choice, Citation, EventRef, Paragraph
from bot.translations import N_, Texts
from bot.understanding.intents import Intent
from bot.understanding.text import shorten
from knowledge.base import Knowledge
from knowledge.models import Authority, Council, Event, Milestone, Person, Source, Stage
from knowledge.records import Translated
from knowledge.welsh import ListField, TextField, welsh_items_or_none, welsh_or_none

logger = logging.getLogger(__name__)

MOST_RECENT_SHOWN = 5
CALENDAR_LABEL_LIMIT = 40
# Each stage in words (the records' Stage.label, which a test keeps equal), for the catalogue.
STAGE_LABELS: dict[Stage, str] = {
    Stage.PLANNING: N_("Planning"),
    Stage.EARLY_IMPLEMENTATION: N_("Early implementation"),
    Stage.IMPLEMENTING: N_("Implementing"),
}


class Records:
    """Reads one Knowledge, with dates shown in `timezone`, and says it in the language of
    `texts`. Each topic's builder extends it."""

    def __init__(self, knowledge: Knowledge, timezone: ZoneInfo, texts: Texts) -> None:
        self.knowledge = knowledge
        self.timezone = timezone
        self.texts = texts
        # Nearly every reply names an adopter and cites a source, of a handful on record and in
        # one language: each is worked out once by this builder, not once per reply.
        self._welsh_names: dict[str, str] = {}
        self._citations: dict[str, Citation] = {}
        # What an adopter's overview, stage and trainers say depends on the records alone: made
        # once per adopter by this builder (which a reload replaces), not once per question.
        self._blocks: dict[tuple[Intent, str], tuple[Block, ...]] = {}

    def made_once(
        self, intent: Intent, authority: Authority, make: Callable[[Authority], list[Block]]
    ) -> tuple[Block, ...]:
        """The blocks `make` says of `authority` for `intent`, made the first time asked."""
        blocks = self._blocks.get((intent, authority.id))
        if blocks is None:
            blocks = self._blocks[intent, authority.id] = tuple(make(authority))
        return blocks

    def name(self, authority: Authority) -> str:
        """The adopter's name as the records give it; in Welsh, its Welsh name in the records,
        else the register's, else the English (a name, shown without a note)."""
        if not self.texts.welsh:
            return authority.name
        name = self._welsh_names.get(authority.id)
        if name is None:
            council = self.knowledge.councils.get(authority.council)
            register = council.welsh_official_name if council is not None else None
            name = welsh_or_none(authority, "name") or register or authority.name
            self._welsh_names[authority.id] = name
        return name

    def council_name(self, council: Council) -> str:
        """A council's name: an adopter's as `name` says it, any other's from the register."""
        authority = self.knowledge.authority_for_council(council.code)
        if authority is not None and self.texts.welsh:
            return self.name(authority)
        return self.texts.council_name(council)

    def stage_label(self, stage: Stage) -> str:
        """ "Early implementation" / "Gweithredu cynnar"."""
        return self.texts._(STAGE_LABELS[stage])

    def said(self, record: Translated, field: TextField) -> str:
        """A record's text (`field`): in Welsh its Welsh sibling (`<field>_cy`) where the
        record has one, else the English with a note that the record is in English."""
        english = getattr(record, field)
        if not isinstance(english, str) or not self.texts.welsh:
            return str(english)
        return welsh_or_none(record, field) or self.texts.in_english(english)

    def said_each(self, record: Translated, field: ListField) -> tuple[str, ...]:
        """A record's list of texts (`services`, `notes`), each as `said` says it."""
        english: tuple[str, ...] = getattr(record, field)
        if not self.texts.welsh:
            return english
        welsh = welsh_items_or_none(record, field)
        return welsh or tuple(self.texts.in_english(text) for text in english)

    def role(self, person: Person) -> str:
        return self.said(person, "role")

    def citation(self, source_id: str) -> Citation:
        citation = self._citations.get(source_id)
        if citation is None:
            source = self.knowledge.sources[source_id]
            as_of = self.texts._("as of {date}").format(date=self.date(source.as_of))
            label = self.texts._("Source:")
            citation = Citation(title=self.source_title(source), as_of=as_of, label=label)
            self._citations[source_id] = citation
        return citation

    def source_title(self, source: Source, field: Literal["title", "publisher"] = "title") -> str:
        """A source's title (or publisher); in Welsh its Welsh one where the records give one (a
        title is a name: without one, the English, with no note)."""
        welsh = welsh_or_none(source, field) if self.texts.welsh else None
        return welsh or getattr(source, field)

    def citation_if_known(self, source_id: str | None) -> Citation | None:
        """An event's `source` is free text: cite it only when it names a listed source."""
        if source_id is None or source_id not in self.knowledge.sources:
            return None
        return self.citation(source_id)

    def date(self, value: str) -> str:
        return self.texts.date(value, self.timezone)

    def span(self, start: str, end: str | None) -> str:
        if end is None:
            return self.date(start)
        return self.texts._("{start} to {end}").format(start=self.date(start), end=self.date(end))

    def event_line(self, event: Event, *, with_council: bool) -> str:
        line = f"{self.span(event.start, event.end)}: {self.said(event, 'title')}"
        if event.location:
            line += f", {self.said(event, 'location')}"
        if with_council:
            authority = self.knowledge.authority(event.authority) if event.authority else None
            whose = self.name(authority) if authority else self.texts._("network-wide")
            line += f" ({whose})"
        return line

    def milestone_lines(self, authority: Authority) -> tuple[str, ...]:
        return tuple(
            f"{self.milestone_when(m)}: {self.said(m, 'what')}" for m in authority.milestones
        )

    def milestone_when(self, milestone: Milestone) -> str:
        if milestone.when_text:
            return self.said(milestone, "when_text")
        return self.span(milestone.when, milestone.until)

    def calendar_offers(self, events: Sequence[Event]) -> tuple[EventRef, ...]:
        """The events as calendar files to offer: one "Add to calendar" button, or a button
        each named by its event."""
        if len(events) == 1:
            label = self.texts._("Add to calendar (.ics)")
            return (EventRef(id=events[0].id, title=events[0].title, label=label),)
        return tuple(
            EventRef(
                id=e.id,
                title=e.title,
                label=self.texts._("Calendar: {title}").format(
                    title=shorten(self.said(e, "title"), CALENDAR_LABEL_LIMIT)
                ),
            )
            for e in events
        )

    def adopter_choices(self, intent: Intent) -> tuple[Choice, ...]:
        return tuple(
            Choice(
                label=self.texts.council_short_name(self.knowledge.council_of(a)),
                intent=intent,
                council=a.council,
            )
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
            offers = self.calendar_offers(upcoming)
            return [Paragraph(text=self.texts._("Upcoming:")), Bullets(items=lines)], offers, True
        past = self.knowledge.past_events(authority_id, now, self.timezone)[:MOST_RECENT_SHOWN]
        if not past:
            none = self.texts._("The record has no dated event for {name}.").format(name=name)
            return [Paragraph(text=none)], (), False
        lines = tuple(self.event_line(e, with_council=with_council) for e in past)
        heading = Paragraph(
            text=self.texts._(
                "Nothing upcoming for {name} as of today ({today}). "
                "The most recent dated events on record:"
            ).format(name=name, today=self.texts.day(now.astimezone(self.timezone)))
        )
        return [heading, Bullets(items=lines)], (), True
