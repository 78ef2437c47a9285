"""Calendar feeds of the events on record: every event of a council, or of the network, as a
feed a calendar subscribes to (`GET /calendar/{id}.ics`).

Each event is written by bot.replies.calendar, as one VEVENT with a UID that stays the same
across runs; a feed gathers those VEVENTs under one VCALENDAR with the time zone they refer to,
so that a calendar polling the feed updates its events in place rather than adding copies.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.replies.calendar import calendar_span, event_vevent, new_calendar
from bot.replies.current import KnowledgeView

logger = logging.getLogger(__name__)

# The feed's id for every event of the network.
EVERY_EVENT = "all"
# The name a calendar shows for a feed it subscribed to.
FEED_NAME = "Signs of Safety events"


def calendar_feed(
    view: KnowledgeView, feed_id: str, timezone: ZoneInfo, stamp: datetime
) -> bytes | None:
    """Every event of the authority `feed_id` and the network-wide ones, or every event for
    EVERY_EVENT, in one calendar worded in `view`'s language; None for an id that is neither."""
    knowledge = view.knowledge
    if feed_id == EVERY_EVENT:
        events, name = knowledge.events, FEED_NAME
    else:
        authority = knowledge.authority(feed_id)
        if authority is None:
            return None
        events, name = knowledge.events_of(feed_id), f"{FEED_NAME}: {authority.name}"
    feed = new_calendar()
    feed.add("x-wr-calname", name)
    first, last = None, None
    for event in events:
        try:
            span = calendar_span(event, timezone)
        except (ValueError, OverflowError):
            # A date Python cannot hold the year after of: no calendar can show it either.
            logger.warning("An event's dates cannot be written to a calendar; left out")
            continue
        text = view.events.calendar_text(event)
        feed.add_component(event_vevent(event, text, span, stamp=stamp))
        first = span.first_date if first is None else min(first, span.first_date)
        last = span.last_date if last is None else max(last, span.last_date)
    if first is not None and last is not None:
        feed.add_missing_timezones(first_date=first, last_date=last)
    return bytes(feed.to_ical())
