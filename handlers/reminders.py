"""Sending reminders and announcements within Telegram's limits.

The database is the truth: each tick asks it what is due, and a reminder is recorded as
delivered only once Telegram has accepted it. python-telegram-bot's JobQueue only ticks. Bulk
messages go out at most 30 a second overall (aiolimiter) and one a second to each chat; a 429 is
waited out and retried however often it comes, and a chat that blocked the bot (403) is paused
instead of being retried.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence
from datetime import timedelta
from functools import partial

from telegram import Bot
from telegram.error import Forbidden
from telegram.ext import Application, ContextTypes

from bot.calendar import event_ics
from bot.engine import utc_now
from bot.reload import events_to_announce, reload_knowledge
from bot.reminders import DueReminder, due_reminders
from bot.render import render_html, split_message
from bot.reply import Reply
from bot.runtime import Runtime
from bot.store import Store
from bot.subscriptions import describe_lead
from handlers.common import RUNTIME_KEY, keyboard, runtime, send_html

logger = logging.getLogger(__name__)

BATCH = 1000
PER_CHAT_INTERVAL = 1.0
_LOCK_KEY = "reminder_lock"


# A message to send: the chat, the reply, and what to record once Telegram has accepted it.
Outgoing = tuple[int, Reply, Callable[[], Awaitable[None]]]


class ChatBlockedError(Exception):
    """The chat blocked the bot."""


async def send_within_limits(bot: Bot, chat_id: int, reply: Reply) -> None:
    """Send `reply` (429s waited out); ChatBlockedError if the chat blocked the bot (403)."""
    try:
        await send_html(bot, chat_id, split_message(render_html(reply))[0], keyboard(reply))
    except Forbidden as error:
        raise ChatBlockedError from error


async def _fan_out(bot: Bot, shared: Runtime, items: Sequence[Outgoing]) -> int:
    """Send each (chat, reply) and run its `record` once Telegram accepted it; returns how many
    were sent. No chat gets more than one message a second, counting every fan-out of this
    bot; other chats' messages go in between."""
    queues: dict[int, deque[tuple[Reply, Callable[[], Awaitable[None]]]]] = defaultdict(deque)
    for chat_id, reply, record in items:
        queues[chat_id].append((reply, record))
    pace = shared.bulk_pace
    last_sent = shared.last_sent_to_chat
    forgotten = time.monotonic() - PER_CHAT_INTERVAL
    for chat_id in [c for c, at in last_sent.items() if at < forgotten]:
        del last_sent[chat_id]
    sent = 0
    while queues:
        now = time.monotonic()
        ready = [
            c for c in queues if last_sent.get(c, -PER_CHAT_INTERVAL) + PER_CHAT_INTERVAL <= now
        ]
        if not ready:
            await asyncio.sleep(min(last_sent[c] for c in queues) + PER_CHAT_INTERVAL - now)
            continue
        for chat_id in ready:
            reply, record = queues[chat_id].popleft()
            await pace.acquire()
            try:
                await send_within_limits(bot, chat_id, reply)
            except ChatBlockedError:
                logger.info("A chat blocked the bot; its subscriptions are paused")
                await shared.require_store.pause_chat(chat_id, utc_now())
                del queues[chat_id]
                continue
            last_sent[chat_id] = time.monotonic()
            await record()
            sent += 1
            if not queues[chat_id]:
                del queues[chat_id]
    return sent


def _reminder_item(shared: Runtime, due: DueReminder) -> Outgoing | None:
    event = shared.engine.knowledge.event(due.event_id)
    if event is None:
        return None
    reply = shared.engine.compose.reminder(event, describe_lead(due.lead), late=due.late)

    async def record() -> None:
        await shared.require_store.record_delivery(
            due.chat_id, due.event_id, due.lead_seconds, utc_now()
        )

    return due.chat_id, reply, record


async def send_due_reminders(bot: Bot, shared: Runtime) -> int:
    """Send every reminder that is due, in batches, until none is left."""
    settings = shared.settings
    total = 0
    while True:
        knowledge = shared.engine.knowledge
        due = await due_reminders(
            shared.require_store,
            knowledge.events,
            {a.id: a.council for a in knowledge.authorities},
            utc_now(),
            timezone=settings.zone,
            lead_times=settings.reminder_lead_times,
            check_interval=timedelta(seconds=settings.reminder_check_seconds),
            limit=BATCH,
        )
        items = [item for d in due if (item := _reminder_item(shared, d)) is not None]
        if not items:
            return total
        sent = await _fan_out(bot, shared, items)
        total += sent
        if sent == 0:
            return total


async def _record_announcement(store: Store, chat_id: int, event_id: str) -> None:
    await store.record_announcement(chat_id, event_id, utc_now())


async def announce_new_events(bot: Bot, shared: Runtime) -> int:
    """Tell subscribers of each event that was added since the events were last seen."""
    store = shared.require_store
    items = []
    for event in await events_to_announce(shared, utc_now()):
        authority = shared.engine.knowledge.authority(event.authority) if event.authority else None
        reply = shared.engine.compose.announcement(event)
        for chat_id in await store.announcement_recipients(
            event.id, authority.council if authority else None
        ):
            items.append((chat_id, reply, partial(_record_announcement, store, chat_id, event.id)))
    return await _fan_out(bot, shared, items) if items else 0


async def reminder_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: send what is due; a tick still sending makes the next one skip."""
    lock = context.bot_data.setdefault(_LOCK_KEY, asyncio.Lock())
    if lock.locked():
        return
    async with lock:
        shared = runtime(context)
        await shared.questions.save(shared.require_store)
        sent = await send_due_reminders(context.bot, shared)
        if sent:
            logger.info("Sent %d reminders", sent)


async def _announce_at_start(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: announce the events added while the bot was down."""
    async with context.bot_data.setdefault(_LOCK_KEY, asyncio.Lock()):
        await announce_new_events(context.bot, runtime(context))


async def reload_and_announce(application: Application) -> str:  # type: ignore[type-arg]
    """Reload the knowledge folder; announce the events it adds. Returns what happened."""
    shared = application.bot_data[RUNTIME_KEY]
    assert isinstance(shared, Runtime)
    outcome = reload_knowledge(shared)
    if not outcome.ok:
        return outcome.message
    lock = application.bot_data.setdefault(_LOCK_KEY, asyncio.Lock())
    async with lock:
        announced = await announce_new_events(application.bot, shared)
    return f"{outcome.message} Announced new events in {announced} messages."


def start_reminders(application: Application) -> None:  # type: ignore[type-arg]
    """Tick the reminders, announce events added while the bot was down, reload on SIGHUP."""
    shared = application.bot_data[RUNTIME_KEY]
    assert isinstance(shared, Runtime)
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    application.job_queue.run_repeating(
        reminder_tick,
        interval=shared.settings.reminder_check_seconds,
        first=0.1,
        name="reminders",
    )

    application.job_queue.run_once(_announce_at_start, when=0, name="announce-at-start")

    def on_sighup() -> None:
        logger.info("SIGHUP: reloading the knowledge")
        application.create_task(reload_and_announce(application), name="reload")

    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, on_sighup)
    except (NotImplementedError, AttributeError):
        logger.warning("This platform has no SIGHUP; use /reload")


async def send_calendar_file(bot: Bot, chat_id: int, shared: Runtime, event_id: str) -> bool:
    """Send the event as an .ics file; False if there is no such event any more."""
    knowledge = shared.engine.knowledge
    event = knowledge.event(event_id)
    if event is None:
        return False
    authority = knowledge.authority(event.authority) if event.authority else None
    source = knowledge.sources.get(event.source or "")
    data = event_ics(
        event,
        authority.name if authority else None,
        shared.settings.zone,
        source.title if source else None,
    )
    await bot.send_document(chat_id, document=data, filename=f"{event.id}.ics", caption=event.title)
    return True
