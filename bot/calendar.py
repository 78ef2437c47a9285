"""An event as an iCalendar file, for "add to calendar".

Built with the icalendar library: escaping, line folding and time zones are its business.
"""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar

from knowledge.models import Event

logger = logging.getLogger(__name__)

PRODID = "-//sosbot//EN"
NETWORK_WIDE = "All councils in the Signs of Safety network"


def event_uid(event: Event) -> str:
    """Stable across files and runs, so that importing an event twice updates it."""
    return f"{event.id}@sosbot"


def _last_day(moment: datetime, timezone: ZoneInfo) -> date:
    """The exclusive end date of an all-day span ending at `moment`: the day after the last
    day touched."""
    local = moment.astimezone(timezone)
    return local.date() if local.time() == time() else local.date() + timedelta(days=1)


def event_ics(
    event: Event,
    authority_name: str | None,
    timezone: ZoneInfo,
    source_title: str | None,
    *,
    stamp: datetime | None = None,
) -> bytes:
    """One VEVENT in a VCALENDAR. Month and day events are all-day (DATE) spanning their whole
    period; events with a time are DATE-TIMEs in `timezone`, with its VTIMEZONE.

    `authority_name` None means a network-wide event; `stamp` (DTSTAMP) defaults to now.
    """
    period = event.period(timezone)
    vevent = icalendar.Event()
    vevent.add("uid", event_uid(event))
    vevent.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    vevent.add("summary", event.title)
    if period.precision == "time":
        vevent.add("dtstart", period.start.astimezone(timezone))
        # Without an end the event is a moment; RFC 5545 reads a missing DTEND that way, and
        # a calendar shows it better than a zero-length span.
        if event.end is not None:
            vevent.add("dtend", period.end.astimezone(timezone))
    else:
        start_day = period.start.astimezone(timezone).date()
        vevent.add("dtstart", start_day)
        # DTEND of an all-day event is exclusive: a February event ends on 1 March.
        vevent.add("dtend", max(_last_day(period.end, timezone), start_day + timedelta(days=1)))
    if event.location:
        vevent.add("location", event.location)
    lines = [
        event.description,
        f"Council: {authority_name}" if authority_name else NETWORK_WIDE,
        f"Source: {source_title}" if source_title else None,
    ]
    vevent.add("description", "\n".join(line for line in lines if line))

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(vevent)
    # The VTIMEZONE that DTSTART;TZID= refers to, so any calendar reads the time right; only
    # the years of the event, not decades of transitions.
    calendar.add_missing_timezones(
        first_date=date(period.start.year, 1, 1), last_date=date(period.end.year + 1, 1, 1)
    )
    return bytes(calendar.to_ical())
