"""Announcing events: telling subscribers of events added, and of events whose start changed,
since the events were last seen; and forgetting, by age, what was sent about events long past.

An event counts as seen only once its announcements are out, so a crash halfway loses none;
on the very first start nothing is announced: the events there are then are only remembered.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from bot.errors import StoreError
from bot.reminders.delivery import Delivery, Outgoing, Sender, send_due_reminders
from bot.reminders.schedule import moved_events, new_events
from bot.reminders.view import EventsView
from bot.replies.reply import Reply
from bot.storage.port import KnownEvent, Store
from knowledge.models import Event

logger = logging.getLogger(__name__)

# How long what was sent about an event is kept after its start: nothing is due for a start
# that has passed, and a month covers an events file emptied by mistake and restored.
KEPT_AFTER_START = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class EventChanges:
    """What to tell subscribers: events added, and events whose start changed (with the start
    they had)."""

    new: list[Event]
    moved: list[tuple[Event, str]]


def event_changes(
    known: Mapping[str, str | None], events: Iterable[Event], *, now: datetime, timezone: ZoneInfo
) -> EventChanges:
    """Events not among `known` and events known with another start, not yet ended."""
    events = tuple(events)
    return EventChanges(
        new_events(known, events, now=now, timezone=timezone),
        moved_events(known, events, now=now, timezone=timezone),
    )


async def remember_events_seen(
    store: Store, events: Iterable[Event], timezone: ZoneInfo, now: datetime | None
) -> None:
    """Remember these events as seen, with their starts. A start not seen before is known from
    `now`; None on the very first start, whose events were there before (their reminders may be
    late)."""
    await store.remember_events(
        (KnownEvent(e.id, e.start, e.period(timezone).end) for e in events), now
    )


async def _record_announcement(
    delivery: Delivery, chat_id: int, event_id: str, start: datetime
) -> None:
    await delivery.store.record_announcement(chat_id, event_id, start, delivery.clock())


async def _announcements(
    delivery: Delivery, view: EventsView, changes: EventChanges
) -> list[Outgoing]:
    store, items = delivery.store, []
    for event, old_start in [(e, None) for e in changes.new] + list(changes.moved):
        council = view.council_of(event)
        start = event.period(view.timezone).start
        if old_start is None:
            recipients = await store.announcement_recipients(event.id, council)
        else:
            recipients = await store.move_recipients(event.id, council, start)
        wording = await view.wording(store, recipients)
        # One message a language, however many chats are told.
        said: dict[int, Reply] = {}
        for texts in wording.values():
            if id(texts) not in said:
                said[id(texts)] = (
                    texts.announcement(event) if old_start is None else texts.move(event, old_start)
                )
        record = partial(_record_announcement, delivery, event_id=event.id, start=start)
        items += [
            Outgoing(chat, said[id(wording[chat])], partial(record, chat)) for chat in recipients
        ]
    return items


async def announce_new_events(delivery: Delivery, send: Sender, view: EventsView) -> int:
    """Tell the subscribers of each event of `view` added since the events were last seen, and
    those reminded or told of an event whose start has changed since; then remember exactly
    these events as seen. Returns how many messages were sent. Raises StoreError, sending
    nothing more, while announcements cannot be recorded (the next tick finishes the run)."""
    delivery.announcing_unfinished = True
    try:
        await delivery.record_unrecorded()
        known = await delivery.store.known_events()
        now = delivery.clock()
        if known is None:
            await remember_events_seen(delivery.store, view.events, view.timezone, None)
            sent = 0
        else:
            changes = event_changes(known, view.events, now=now, timezone=view.timezone)
            items = await _announcements(delivery, view, changes)
            sent = await delivery.fan_out(send, items) if items else 0
            if delivery.halted:
                # Cut short as the bot stops: the events stay unseen, for the next sender.
                return sent
            await remember_events_seen(delivery.store, view.events, view.timezone, now)
    except StoreError:
        raise
    except Exception:
        # Not a passing failure of the database: trying again at every tick would only fail
        # again, and stop the reminders behind it. The next reload or start tries again.
        delivery.announcing_unfinished = False
        raise
    delivery.announcing_unfinished = False
    return sent


async def prune_old_records(store: Store, now: datetime, lead_times: Iterable[timedelta]) -> None:
    """Forget what was sent about events that started more than KEPT_AFTER_START ago. By age,
    never by absence from the events file: an event that vanishes for one reload and comes back
    must not have its reminders sent again."""
    started_before = now - KEPT_AFTER_START
    longest_lead = max(lead_times, default=timedelta())
    await store.prune(started_before, started_before - longest_lead, now=now)


async def tick(delivery: Delivery, send: Sender, view: EventsView) -> int:
    """One reminder tick: finish an announcing run a database failure cut short, then send the
    reminders due. Returns how many reminders were sent. Raises StoreError while the database
    fails; an unexpected failure in announcing is logged and never stops the reminders."""
    await delivery.record_unrecorded()
    if delivery.announcing_unfinished:
        try:
            await announce_new_events(delivery, send, view)
        except StoreError:
            raise
        except Exception:
            logger.exception("Announcing new events failed; reminders go on")
    return await send_due_reminders(delivery, send, view)
