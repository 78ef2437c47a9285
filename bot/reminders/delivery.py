"""Delivering reminders and announcements: what to send, to whom, how fast.

Telegram-free: the sending itself is a `Sender` the caller supplies (handlers.reminders adapts
python-telegram-bot to it). The rules:

- a message is recorded as delivered only once the Sender returned, i.e. Telegram accepted it,
  so that nothing is sent twice across restarts or a kill -9 and nothing is lost;
- bulk messages go out evenly, at most 30 a second overall, and at most one a second to a chat;
- a chat that cannot be reached (it blocked the bot, or no longer exists) is paused; a send that
  failed for a passing reason is left undelivered and tried again at the next tick;
- a message sent whose delivery cannot be recorded (database read-only, disk full) is kept in
  memory and recorded first next time; until that works nothing new is sent, so no message goes
  out twice, however long the database fails.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol

from bot.actions.reload import announced_events, event_changes
from bot.clock import utc_now
from bot.errors import ChatUnreachableError, SendFailedError, StoreError
from bot.reminders.schedule import DueReminder, due_reminders
from bot.replies.reply import Reply
from bot.runtime import Runtime
from bot.storage.port import Store

logger = logging.getLogger(__name__)

BATCH = 1000
PER_CHAT_INTERVAL = 1.0
# How long what was sent about an event is kept after its start: nothing is due for a start
# that has passed, and a month covers an events file emptied by mistake and restored.
KEPT_AFTER_START = timedelta(days=30)


class Sender(Protocol):
    async def __call__(self, chat_id: int, reply: Reply) -> None:
        """Send `reply`, waiting out rate limits; raise ChatUnreachableError or SendFailedError."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to send, and what to record once Telegram has accepted it."""

    chat_id: int
    reply: Reply
    record: Callable[[], Awaitable[None]]


@contextmanager
def watching_the_store(runtime: Runtime) -> Iterator[None]:
    """Run a delivery: a StoreError ends it, is logged once a failure period (not once a tick)
    and marks the store failing; success marks it working again."""
    try:
        yield
    except StoreError as error:
        runtime.store_failed(error)
    else:
        runtime.store_works()


async def record_unrecorded(runtime: Runtime) -> None:
    """Record what was sent but could not be recorded; raises StoreError while that fails."""
    while runtime.unrecorded:
        await runtime.unrecorded[0]()
        runtime.unrecorded.popleft()


async def fan_out(send: Sender, runtime: Runtime, items: Sequence[Outgoing]) -> int:
    """Send each message and record it once accepted; returns how many were sent. No chat gets
    more than one message a second, counting every fan-out of this bot; other chats' messages
    go in between. A message sent but not recorded stops the fan-out with StoreError."""
    queues: dict[int, deque[Outgoing]] = defaultdict(deque)
    for item in items:
        queues[item.chat_id].append(item)
    last_sent = runtime.last_sent_to_chat
    forgotten = time.monotonic() - PER_CHAT_INTERVAL
    for chat_id in [c for c, at in last_sent.items() if at < forgotten]:
        del last_sent[chat_id]
    sent = 0
    while queues:
        now = time.monotonic()
        ready = [c for c in queues if last_sent.get(c, forgotten) + PER_CHAT_INTERVAL <= now]
        if not ready:
            await asyncio.sleep(min(last_sent[c] for c in queues) + PER_CHAT_INTERVAL - now)
            continue
        for chat_id in ready:
            item = queues[chat_id].popleft()
            await runtime.bulk_pace.acquire()
            try:
                await send(chat_id, item.reply)
            except ChatUnreachableError:
                logger.info("A chat cannot be reached; its subscriptions are paused")
                await runtime.require_store.pause_chat(chat_id, utc_now())
                del queues[chat_id]
                continue
            except SendFailedError:
                logger.warning("A send failed; the chat's messages wait for the next tick")
                del queues[chat_id]
                continue
            last_sent[chat_id] = time.monotonic()
            try:
                await item.record()
            except StoreError:
                # Sent but not recorded: record it before anything else is sent.
                runtime.unrecorded.append(item.record)
                raise
            sent += 1
            if not queues[chat_id]:
                del queues[chat_id]
    return sent


async def due_now(runtime: Runtime, limit: int | None = None) -> list[DueReminder]:
    """The reminders due at this moment, from the store and the current knowledge."""
    settings = runtime.settings
    knowledge = runtime.current.view.knowledge
    return await due_reminders(
        runtime.require_store,
        knowledge.events,
        {a.id: a.council for a in knowledge.authorities},
        utc_now(),
        timezone=settings.zone,
        lead_times=settings.reminder_lead_times,
        check_interval=timedelta(seconds=settings.reminder_check_seconds),
        limit=limit,
    )


async def _record_delivery(store: Store, due: DueReminder) -> None:
    await store.record_delivery(due.chat_id, due.event_id, due.start, due.lead_seconds, utc_now())


def _reminder(runtime: Runtime, due: DueReminder) -> Outgoing | None:
    view = runtime.current.view
    event = view.knowledge.event(due.event_id)
    if event is None:
        return None
    reply = view.events.reminder(event, utc_now(), late=due.late)
    return Outgoing(due.chat_id, reply, partial(_record_delivery, runtime.require_store, due))


async def send_due_reminders(send: Sender, runtime: Runtime) -> int:
    """Send every reminder that is due, a batch at a time, until none is left (or none of a
    batch could be sent, which the next tick tries again). Raises StoreError, sending nothing
    more, while deliveries cannot be recorded."""
    await record_unrecorded(runtime)
    total = 0
    while True:
        due = await due_now(runtime, limit=BATCH)
        items = [item for d in due if (item := _reminder(runtime, d)) is not None]
        if not items:
            return total
        sent = await fan_out(send, runtime, items)
        total += sent
        if sent < len(items):
            return total


async def _record_announcement(store: Store, chat_id: int, event_id: str, start: datetime) -> None:
    await store.record_announcement(chat_id, event_id, start, utc_now())


async def announce_new_events(send: Sender, runtime: Runtime) -> int:
    """Tell the subscribers of each event added since the events were last seen, and those
    reminded or told of an event whose start has changed since. An event counts as seen only
    once its announcements are out, so a crash halfway loses none. Raises StoreError, sending
    nothing more, while announcements cannot be recorded."""
    runtime.announcing_unfinished = True
    await record_unrecorded(runtime)
    store = runtime.require_store
    view = runtime.current.view
    knowledge = view.knowledge
    zone = runtime.settings.zone
    changes = await event_changes(runtime, utc_now())
    items = []
    for event, old_start in [(e, None) for e in changes.new] + list(changes.moved):
        authority = knowledge.authority(event.authority) if event.authority else None
        council = authority.council if authority else None
        start = event.period(zone).start
        if old_start is None:
            reply = view.events.announcement(event)
            recipients = await store.announcement_recipients(event.id, council)
        else:
            reply = view.events.move(event, old_start)
            recipients = await store.move_recipients(event.id, council, start)
        items += [
            Outgoing(chat, reply, partial(_record_announcement, store, chat, event.id, start))
            for chat in recipients
        ]
    sent = await fan_out(send, runtime, items) if items else 0
    await announced_events(runtime)
    # By age, never by absence from the file: an event that vanishes for one reload and
    # comes back must not have its reminders sent again.
    started_before = utc_now() - KEPT_AFTER_START
    longest_lead = max(runtime.settings.reminder_lead_times, default=timedelta())
    await store.prune(started_before, started_before - longest_lead)
    runtime.announcing_unfinished = False
    return sent
