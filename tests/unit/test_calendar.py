"""Events as iCalendar files: they parse back, with the right dates and text."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.languages import Language
from bot.replies.calendar import NETWORK_WIDE, PRODID, calendar_text, event_ics
from bot.translations import texts_for
from knowledge.models import Event

LONDON = ZoneInfo("Europe/London")
STAMP = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def _vevent(ics: bytes) -> icalendar.Event:
    calendar = icalendar.Calendar.from_ical(ics)
    [vevent] = calendar.walk("VEVENT")
    assert isinstance(vevent, icalendar.Event)
    return vevent


def _ics(event: Event, authority_name: str | None = "Suffolk", source: str | None = None) -> bytes:
    text = calendar_text(
        event.title,
        event.location,
        event.description,
        authority_name,
        source,
        texts_for(Language.ENGLISH),
    )
    return event_ics(event, text, LONDON, stamp=STAMP)


@pytest.mark.parametrize(
    ("start", "end", "first_day", "day_after"),
    [
        ("2014-02", None, date(2014, 2, 1), date(2014, 3, 1)),
        ("2013-07", "2013-12", date(2013, 7, 1), date(2014, 1, 1)),
        ("2014-02-03", None, date(2014, 2, 3), date(2014, 2, 4)),
        ("2014-02-03", "2014-02-05", date(2014, 2, 3), date(2014, 2, 6)),
        ("2012", None, date(2012, 1, 1), date(2013, 1, 1)),
        ("2014-02-03", "2014-02-05T13:00:00", date(2014, 2, 3), date(2014, 2, 6)),
    ],
)
def test_month_and_day_events_are_all_day_over_their_whole_period(
    start: str, end: str | None, first_day: date, day_after: date
) -> None:
    vevent = _vevent(_ics(Event(id="training", title="Training", start=start, end=end)))
    dtstart, dtend = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert not isinstance(dtstart, datetime)
    assert not isinstance(dtend, datetime)
    assert (dtstart, dtend) == (first_day, day_after)


def test_an_event_with_a_time_is_in_the_bots_time_zone() -> None:
    event = Event(
        id="training",
        title="Training",
        start="2014-06-03T09:30:00+00:00",
        end="2014-06-03T12:00:00",
    )
    ics = _ics(event)
    vevent = _vevent(ics)
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert start == datetime(2014, 6, 3, 9, 30, tzinfo=UTC)
    assert end == datetime(2014, 6, 3, 11, 0, tzinfo=UTC)  # noon in London, in summer time
    assert vevent["DTSTART"].params["TZID"] == "Europe/London"
    assert b"BEGIN:VTIMEZONE" in ics
    assert b"TZID:Europe/London" in ics


def test_an_event_at_a_time_with_no_end_has_no_dtend() -> None:
    vevent = _vevent(_ics(Event(id="call", title="Call", start="2014-06-03T09:30:00")))
    assert vevent.decoded("DTSTART") == datetime(2014, 6, 3, 8, 30, tzinfo=UTC)
    assert "DTEND" not in vevent


def test_the_calendar_names_sosbot_and_the_event_keeps_a_stable_uid() -> None:
    event = Event(id="suffolk-first-phase-training", title="Training", start="2014-02")
    first = _ics(event)
    text = calendar_text(
        event.title, event.location, event.description, "Suffolk", None, texts_for(Language.ENGLISH)
    )
    second = event_ics(event, text, LONDON, stamp=STAMP + timedelta(days=1))
    calendar = icalendar.Calendar.from_ical(first)
    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert str(_vevent(first)["UID"]) == "suffolk-first-phase-training@sosbot"
    assert _vevent(first)["UID"] == _vevent(second)["UID"]
    assert _vevent(first).decoded("DTSTAMP") == STAMP


def test_summary_location_and_description_carry_the_record() -> None:
    event = Event(
        id="training",
        title="Residency; day 1, part 2",
        start="2014-02",
        location="Endeavour House, Ipswich",
        description="Training for the first phase.",
    )
    vevent = _vevent(_ics(event, "Suffolk", "SofS UK network, 2013"))
    assert str(vevent["SUMMARY"]) == "Residency; day 1, part 2"
    assert str(vevent["LOCATION"]) == "Endeavour House, Ipswich"
    assert str(vevent["DESCRIPTION"]).splitlines() == [
        "Training for the first phase.",
        "Council: Suffolk",
        "Source: SofS UK network, 2013",
    ]


def test_a_network_wide_event_says_so_and_omits_what_it_lacks() -> None:
    vevent = _vevent(_ics(Event(id="network-day", title="Network day", start="2014-02"), None))
    assert str(vevent["DESCRIPTION"]) == NETWORK_WIDE
    assert "LOCATION" not in vevent
