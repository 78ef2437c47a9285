"""Which reminders are due, and which events are new: pure rules over the store.

A reminder is an (event, lead) pair for a chat: with leads 7d,1d, a chat subscribed to Suffolk
hears of a Suffolk event a week before and a day before it starts. The rules:

- an event that has begun gets no reminder, however late the bot is;
- a lead L is due once `start - L <= now`;
- when several leads are due at once (the bot was down), only the shortest is sent; the longer
  ones are superseded for good, because a chat that has had a lead, or a shorter one, is never
  sent that lead again (see `Store.pending_reminders`);
- a chat gets an (event, start, lead) once, however many of its subscriptions match; paused
  chats get nothing. An event whose start changes is reminded again for its new start, and
  moving it back never repeats a reminder already sent for that start.

Nothing here sends anything: the caller sends each DueReminder and then records the delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.storage.port import ReminderSlot, Store
from knowledge.dates import period_of
from knowledge.models import Event

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DueReminder:
    """A reminder to send now. `late` means it fell due more than one check interval ago: the
    bot was down, so the message should not pretend the lead is exact."""

    chat_id: int
    event_id: str
    start: datetime
    lead: timedelta
    due_at: datetime
    late: bool

    @property
    def lead_seconds(self) -> int:
        """The lead as the store keys deliveries by it."""
        return int(self.lead.total_seconds())


def _shortest_due_lead(
    start: datetime, now: datetime, lead_times: Sequence[timedelta]
) -> timedelta | None:
    due = [lead for lead in lead_times if start - lead <= now]
    return min(due) if due else None


async def due_reminders(
    store: Store,
    events: Iterable[Event],
    councils: Mapping[str, str],
    now: datetime,
    *,
    timezone: ZoneInfo,
    lead_times: Sequence[timedelta],
    check_interval: timedelta,
    limit: int | None = None,
) -> list[DueReminder]:
    """The reminders to send at `now`, one a (chat, event).

    `councils` maps an authority id to its council code (`{a.id: a.council for a in
    knowledge.authorities}`); an event's start is read in `timezone` where it has no offset.
    `limit` caps the rows for sending in batches: each call leaves out what has been recorded.
    """
    slots: list[ReminderSlot] = []
    # Per event: its lead and when it fell due. Computed once, not once per chat.
    timing: dict[str, tuple[timedelta, datetime]] = {}
    for event in events:
        start = event.period(timezone).start
        if start <= now:
            continue
        lead = _shortest_due_lead(start, now, lead_times)
        if lead is None:
            continue
        council: str | None = None
        if event.authority is not None:
            if event.authority not in councils:
                # Sending it to everyone as if network-wide would be worse than not sending it.
                logger.warning("Event %s names unknown authority %s", event.id, event.authority)
                continue
            council = councils[event.authority]
        slots.append(ReminderSlot(event.id, start, council, int(lead.total_seconds())))
        timing[event.id] = (lead, start - lead)
    if not slots:
        return []
    pending = await store.pending_reminders(slots, limit=limit)
    # Late means owed for more than a check interval: owed since it fell due, or since the chat
    # subscribed or the start became known if that was later (a new subscriber's first
    # reminder, or the first after a move, is not late).
    cutoff = now - check_interval
    reminders: list[DueReminder] = []
    for row in pending:
        lead, fell_due = timing[row.slot.event_id]
        late = fell_due < cutoff and row.owed_since < cutoff
        slot = row.slot
        reminders.append(DueReminder(row.chat_id, slot.event_id, slot.start, lead, fell_due, late))
    return reminders


def new_events(
    previous_ids: Collection[str] | None,
    events: Iterable[Event],
    *,
    now: datetime,
    timezone: ZoneInfo,
) -> list[Event]:
    """Events to announce: not among `previous_ids` and not yet ended, soonest first.

    `previous_ids` None is the very first start: nothing is new, everything is remembered.
    """
    if previous_ids is None:
        return []
    fresh = [
        event
        for event in events
        if event.id not in previous_ids and not event.has_ended(now, timezone)
    ]
    return sorted(fresh, key=lambda event: event.period(timezone).start)


def moved_events(
    previous: Mapping[str, str | None] | None,
    events: Iterable[Event],
    *,
    now: datetime,
    timezone: ZoneInfo,
) -> list[tuple[Event, str]]:
    """Events seen before whose start has changed since, not yet ended, soonest first, each
    with the start it had (as written). An event seen before starts were kept has none to
    compare with: it is not counted as moved."""
    if previous is None:
        return []
    moved = []
    for event in events:
        before = previous.get(event.id)
        if before is None or event.has_ended(now, timezone):
            continue
        if period_of(before, timezone).start != event.period(timezone).start:
            moved.append((event, before))
    return sorted(moved, key=lambda pair: pair[0].period(timezone).start)
