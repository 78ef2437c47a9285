"""What is sent about one event: a reminder, an announcement of a new event, a move; and the
upcoming events a subscription brings."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.replies.calendar import CalendarText, calendar_text
from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, Paragraph, Reply
from bot.scopes import ALL
from bot.translations import Texts
from bot.understanding.intents import Intent
from knowledge.models import Event

logger = logging.getLogger(__name__)


def describe_time_left(left: timedelta, texts: Texts) -> str:
    """How soon, as a person would say it: "in 7 days", "in 5 hours", "in 20 minutes"."""
    if left >= timedelta(days=1):
        count = round(left / timedelta(days=1))
        said = texts.ngettext("in {count} day", "in {count} days", count)
    elif left >= timedelta(hours=1):
        count = round(left / timedelta(hours=1))
        said = texts.ngettext("in {count} hour", "in {count} hours", count)
    else:
        count = max(1, round(left / timedelta(minutes=1)))
        said = texts.ngettext("in {count} minute", "in {count} minutes", count)
    return said.format(count=count)


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
        _ = self.texts._
        authority = self.knowledge.authority(event.authority) if event.authority else None
        where = self.said(event, "location") if event.location else _("not given")
        council = self.name(authority) if authority else _("the whole network")
        blocks: list[Block] = [
            Bullets(
                items=(
                    _("When: {when}").format(when=self.span(event.start, event.end)),
                    _("Where: {where}").format(where=where),
                    _("Council: {council}").format(council=council),
                )
            )
        ]
        if event.description:
            blocks.append(Paragraph(text=self.said(event, "description")))
        return blocks

    def calendar_text(self, event: Event) -> CalendarText:
        """The event's calendar file's texts."""
        authority = self.knowledge.authority(event.authority) if event.authority else None
        source = self.knowledge.sources.get(event.source or "")
        return calendar_text(
            self.said(event, "title"),
            self.said(event, "location") if event.location else None,
            self.said(event, "description") if event.description else None,
            self.name(authority) if authority else None,
            self.source_title(source) if source else None,
            self.texts,
        )

    def _about(self, event: Event, title: str, *blocks: Block) -> Reply:
        return Reply(
            intent=Intent.EVENTS,
            authority=event.authority,
            title=title,
            blocks=(*blocks, *self.details(event)),
            citation=self.citation_if_known(event.source),
            calendar=self.calendar_offers((event,)),
        )

    def reminder(self, event: Event, now: datetime, *, late: bool) -> Reply:
        """A reminder of `event`, saying how soon it starts; a late one says so."""
        left = event.period(self.timezone).start - now
        _ = self.texts._
        soon = describe_time_left(left, self.texts)
        notes: list[Block] = [Paragraph(text=_("It starts {soon}.").format(soon=soon))]
        if late:
            notes.append(Paragraph(text=_("Sent late: I was offline when this reminder fell due.")))
        title = _("Reminder: {title}").format(title=self.said(event, "title"))
        return self._about(event, title, *notes)

    def announcement(self, event: Event) -> Reply:
        title = self.texts._("New event: {title}").format(title=self.said(event, "title"))
        return self._about(event, title)

    def move(self, event: Event, old_start: str) -> Reply:
        """An event the subscriber heard of has a new start: both times, then the details."""
        _ = self.texts._
        note = Paragraph(
            text=_("It has moved to {when}; it was {before}.").format(
                when=self.span(event.start, event.end), before=self.date(old_start)
            )
        )
        title = _("Moved: {title}").format(title=self.said(event, "title"))
        return self._about(event, title, note)
