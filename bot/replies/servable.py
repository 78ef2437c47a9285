"""Which events the bot can serve: those whose dates it can compute on every path.

The loader refuses impossible dates, but an event whose period, reminder text or calendar file
cannot be computed (a start in 9999 has no end; year 0 does not exist) must never stop the
others' reminders and listings. Such an event is left out once, when an Engine is built, and
logged by its id; nothing downstream meets it.
"""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC
from zoneinfo import ZoneInfo

from bot.replies.calendar import calendar_span
from knowledge.base import Knowledge
from knowledge.dates import describe_date
from knowledge.models import Event

logger = logging.getLogger(__name__)


def _computable(event: Event, timezone: ZoneInfo) -> bool:
    """Whether every date the bot computes of the event (its period in UTC and locally, its
    dates in words, its calendar file's dates) can be computed."""
    try:
        period = event.period(timezone)
        for moment in (period.start, period.end):
            moment.astimezone(UTC)
            moment.astimezone(timezone)
        for value in (event.start, event.end):
            if value is not None:
                describe_date(value, timezone)
        calendar_span(event, timezone)
    except (ValueError, OverflowError, TypeError) as error:
        logger.error("Event %s is left out: its dates cannot be computed (%s)", event.id, error)
        return False
    return True


def servable(knowledge: Knowledge, timezone: ZoneInfo) -> Knowledge:
    """`knowledge` without the events whose dates cannot be computed, each logged once."""
    events = tuple(event for event in knowledge.events if _computable(event, timezone))
    if len(events) == len(knowledge.events):
        return knowledge
    return dataclasses.replace(knowledge, events=events)
