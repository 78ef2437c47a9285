"""Delivering reminders: what to send, to whom, how fast, and what a failure means.

Telegram-free: the sending itself is a `Sender` the caller supplies (handlers.reminders adapts
python-telegram-bot to it). The rules:

- a message is recorded as delivered only once the Sender returned, i.e. Telegram accepted it,
  so that nothing is sent twice across restarts or a kill -9 and nothing is lost;
- bulk messages go out evenly, at most 30 a second overall, and at most one a second to a chat
  (bot.reminders.pacing);
- a chat that cannot be reached (it blocked the bot, or no longer exists) is paused; a send that
  failed for a passing reason is left undelivered and tried again at the next tick;
- a message sent whose delivery cannot be recorded (database read-only, disk full) is kept in
  memory and recorded first next time; until that works nothing new is sent, so no message goes
  out twice, however long the database fails.
"""

from __future__ import annotations

import logging
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Protocol

from bot.clock import Clock
from bot.errors import ChatUnreachableError, SendFailedError, StoreError
from bot.reminders.pacing import Pacer
from bot.reminders.schedule import DueReminder, due_reminders
from bot.reminders.view import EventsView, ReminderTexts
from bot.replies.reply import Reply
from bot.storage.port import Store

logger = logging.getLogger(__name__)

BATCH = 1000

Record = Callable[[], Awaitable[None]]


class Sender(Protocol):
    async def __call__(self, chat_id: int, reply: Reply) -> None:
        """Send `reply` whole, waiting out rate limits; raise ChatUnreachableError or
        SendFailedError."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to send, and what to record once Telegram has accepted it."""

    chat_id: int
    reply: Reply
    record: Record


@dataclass(eq=False)
class Delivery:
    """What every delivery run of one bot shares: the store, the clock, the pacing, and whether
    the store works."""

    store: Store
    clock: Clock
    pacer: Pacer = field(default_factory=Pacer)
    # False while the database cannot be written: nothing new is sent meanwhile.
    store_healthy: bool = True
    # How to record the messages Telegram accepted but the store could not record: recorded
    # before anything else is sent, so that none is sent twice.
    unrecorded: deque[Record] = field(default_factory=deque)
    # New events whose announcing a database failure cut short: the next tick finishes it.
    announcing_unfinished: bool = False
    # Set when the bot stops: a fan-out ends after the message in flight, the rest left for
    # whichever instance sends next (nothing is recorded that was not sent).
    halted: bool = False

    @contextmanager
    def watching_the_store(self) -> Iterator[None]:
        """Run a delivery: a StoreError ends it, is logged once a failure period (not once a
        tick) and marks the store failing; success marks it working again."""
        try:
            yield
        except StoreError as error:
            if self.store_healthy:
                logger.error(
                    "The database cannot be used (%s): no reminder or announcement goes out "
                    "until it can; what was sent meanwhile is recorded then, and not sent again",
                    error,
                )
            self.store_healthy = False
        else:
            if not self.store_healthy:
                logger.info("The database works again: reminders and announcements resume")
            self.store_healthy = True

    async def record_unrecorded(self) -> None:
        """Record what was sent but could not be recorded; raises StoreError while that fails."""
        while self.unrecorded:
            await self.unrecorded[0]()
            self.unrecorded.popleft()

    async def record_unrecorded_at_shutdown(self) -> None:
        """The last chance to record what was sent: if it fails, say how many may go again."""
        try:
            await self.record_unrecorded()
        except StoreError as error:
            logger.error(
                "%d messages sent could not be recorded (%s): they may be sent again",
                len(self.unrecorded),
                error,
            )

    async def fan_out(self, send: Sender, items: Sequence[Outgoing]) -> int:
        """Send each message and record it once accepted; returns how many were sent. No chat
        gets more than one message a second, counting every fan-out of this bot; other chats'
        messages go in between. A message sent but not recorded stops it with StoreError."""
        queues: dict[int, deque[Outgoing]] = defaultdict(deque)
        for item in items:
            queues[item.chat_id].append(item)
        pacer = self.pacer
        pacer.forget_idle_chats()
        sent = 0
        while queues and not self.halted:
            now = pacer.monotonic()
            ready = [c for c in queues if pacer.ready_at(c) <= now]
            if not ready:
                await pacer.sleep(min(pacer.ready_at(c) for c in queues) - now)
                continue
            for chat_id in ready:
                item = queues[chat_id].popleft()
                if await self._send_one(send, item):
                    sent += 1
                else:
                    del queues[chat_id]
                    continue
                if not queues[chat_id]:
                    del queues[chat_id]
        return sent

    async def _send_one(self, send: Sender, item: Outgoing) -> bool:
        """Send and record one message; False if the chat's messages wait (or go) for now."""
        await self.pacer.take_turn()
        try:
            await send(item.chat_id, item.reply)
        except ChatUnreachableError:
            logger.info("A chat cannot be reached; its subscriptions are paused")
            await self.store.pause_chat(item.chat_id, self.clock())
            return False
        except SendFailedError:
            logger.warning("A send failed; the chat's messages wait for the next tick")
            return False
        self.pacer.sent(item.chat_id)
        try:
            await item.record()
        except StoreError:
            # Sent but not recorded: record it before anything else is sent.
            self.unrecorded.append(item.record)
            raise
        return True


async def due_now(
    store: Store, view: EventsView, now: datetime, *, limit: int | None = None
) -> list[DueReminder]:
    """The reminders due at `now`."""
    return await due_reminders(
        store,
        view.events,
        view.councils(),
        now,
        timezone=view.timezone,
        lead_times=view.lead_times,
        check_interval=view.check_interval,
        limit=limit,
    )


async def _record_delivery(delivery: Delivery, due: DueReminder) -> None:
    await delivery.store.record_delivery(
        due.chat_id, due.event_id, due.start, due.lead_seconds, delivery.clock()
    )


def _reminder(
    delivery: Delivery, view: EventsView, texts: ReminderTexts, due: DueReminder
) -> Outgoing | None:
    event = view.knowledge.event(due.event_id)
    if event is None:
        return None
    reply = texts.reminder(event, delivery.clock(), late=due.late)
    return Outgoing(due.chat_id, reply, partial(_record_delivery, delivery, due))


async def send_due_reminders(delivery: Delivery, send: Sender, view: EventsView) -> int:
    """Send every reminder that is due, a batch at a time, until none is left (or none of a
    batch could be sent, which the next tick tries again). Raises StoreError, sending nothing
    more, while deliveries cannot be recorded."""
    await delivery.record_unrecorded()
    total = 0
    while True:
        due = await due_now(delivery.store, view, delivery.clock(), limit=BATCH)
        wording = await view.wording(delivery.store, (d.chat_id for d in due))
        items = [
            item
            for d in due
            if (item := _reminder(delivery, view, wording[d.chat_id], d)) is not None
        ]
        if not items:
            return total
        sent = await delivery.fan_out(send, items)
        total += sent
        if sent < len(items) or delivery.halted:
            return total
