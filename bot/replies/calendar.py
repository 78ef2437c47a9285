"""An event as an iCalendar file, for "add to calendar".

Built with the icalendar library: escaping, line folding and time zones are its business.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from bot.translations import N_, Texts
from knowledge.models import Event

logger = logging.getLogger(__name__)

PRODID = "-//sosbot//EN"
NETWORK_WIDE = N_("All councils in the Signs of Safety network")


@dataclass(frozen=True, slots=True)
class CalendarText:
    """What a calendar shows of an event, in the chat's language."""

    summary: str
    location: str | None
    description: str


def calendar_text(
    title: str,
    location: str | None,
    description: str | None,
    authority_name: str | None,
    source_title: str | None,
    texts: Texts,
) -> CalendarText:
    """The event's texts as said (`title`, `location`, `description`), with which council's it
    is (None: network-wide) and its source's title (None: no listed source)."""
    lines = [
        description,
        texts._("Council: {council}").format(council=authority_name)
        if authority_name
        else texts._(NETWORK_WIDE),
        texts._("Source: {source}").format(source=source_title) if source_title else None,
    ]
    return CalendarText(title, location, "\n".join(line for line in lines if line))


def event_uid(event: Event) -> str:
    """Stable across files and runs, so that importing an event twice updates it."""
    return f"{event.id}@sosbot"


def _last_day(moment: datetime, timezone: ZoneInfo) -> date:
    """The exclusive end date of an all-day span ending at `moment`: the day after the last
    day touched."""
    local = moment.astimezone(timezone)
    return local.date() if local.time() == time() else local.date() + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CalendarSpan:
    """The dates an event's VEVENT and VTIMEZONE are written with: all-day events as dates,
    timed ones as local datetimes (`end` None: a moment)."""

    start: date | datetime
    end: date | datetime | None
    first_date: date
    last_date: date


def calendar_span(event: Event, timezone: ZoneInfo) -> CalendarSpan:
    """Every date the calendar file needs; raises ValueError or OverflowError where one falls
    outside the years Python can hold (an event in 9999 has no year after it)."""
    period = event.period(timezone)
    # The VTIMEZONE covers only the years of the event, not decades of transitions.
    first_date = date(period.start.year, 1, 1)
    last_date = date(period.end.year + 1, 1, 1)
    if period.precision == "time":
        # Without an end the event is a moment; RFC 5545 reads a missing DTEND that way, and
        # a calendar shows it better than a zero-length span.
        end = period.end.astimezone(timezone) if event.end is not None else None
        return CalendarSpan(period.start.astimezone(timezone), end, first_date, last_date)
    start_day = period.start.astimezone(timezone).date()
    # DTEND of an all-day event is exclusive: a February event ends on 1 March.
    end_day = max(_last_day(period.end, timezone), start_day + timedelta(days=1))
    return CalendarSpan(start_day, end_day, first_date, last_date)


def event_vevent(
    event: Event, text: CalendarText, span: CalendarSpan, *, stamp: datetime
) -> icalendar.Event:
    """The event's VEVENT, worded by `text`, at the dates of `span` (`calendar_span`). `stamp`
    (DTSTAMP) is when the file is made, from the caller's clock."""
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", stamp.astimezone(UTC))
    vevent.add("summary", text.summary)
    vevent.add("dtstart", span.start)
    if span.end is not None:
        vevent.add("dtend", span.end)
    if text.location:
        vevent.add("location", text.location)
    vevent.add("description", text.description)
    return vevent


def new_calendar() -> icalendar.Calendar:
    """An empty VCALENDAR with the header every file and feed of ours has."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def event_ics(event: Event, text: CalendarText, timezone: ZoneInfo, *, stamp: datetime) -> bytes:
    """One VEVENT in a VCALENDAR, worded by `text`. Month and day events are all-day (DATE)
    spanning their whole period; events with a time are DATE-TIMEs in `timezone`, with its
    VTIMEZONE. `stamp` (DTSTAMP) is when the file is made, from the caller's clock.
    """
    span = calendar_span(event, timezone)
    calendar = new_calendar()
    calendar.add_component(event_vevent(event, text, span, stamp=stamp))
    # The VTIMEZONE that DTSTART;TZID= refers to, so any calendar reads the time right.
    calendar.add_missing_timezones(first_date=span.first_date, last_date=span.last_date)
    return bytes(calendar.to_ical())
