"""Reminders and announcements on Telegram: the JobQueue tick, reloads, and the Sender that
bot.reminders.delivery sends through.

The database is the truth: each tick asks it what is due (python-telegram-bot's JobQueue keeps
jobs only in memory, so it only ticks). A 429 is waited out and retried however often it comes
(handlers.common.send_html); what Telegram's errors mean for delivery is decided here.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from datetime import timedelta

from prometheus_client import Counter
from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TelegramError
from telegram.ext import JobQueue

from bot.actions.reload import reload_knowledge
from bot.errors import ChatUnreachableError, SendFailedError, StoreError
from bot.reminders.announcements import announce_new_events, prune_old_records, tick
from bot.reminders.delivery import Sender
from bot.replies.calendar import event_ics
from bot.replies.current import KnowledgeView
from bot.replies.reply import Reply
from bot.runtime import Runtime
from bot.understanding.text import shorten
from handlers.common import send_whole
from handlers.context import BotData, SosbotApplication, SosbotContext

logger = logging.getLogger(__name__)

# Telegram refuses a document's caption over 1,024 characters; an event title may be longer.
CAPTION_LIMIT = 1024
# How often the questions counted in memory are added to the stored totals (and at shutdown).
STATISTICS_SAVE_SECONDS = 60.0
# How often the leader forgets what is old enough, besides at taking the lead and at reloads:
# an instance may lead for weeks, and handled updates are to be kept a day, conversations a month.
PRUNE_EVERY = timedelta(hours=1)


def telegram_sender(bot: Bot, sent: Counter) -> Sender:
    """bot.reminders.delivery's Sender over python-telegram-bot: the whole reply, in as many
    messages as it takes; accepted once the last is, and counted in `sent` (the reminders' or
    the announcements' counter of bot.metrics)."""

    async def send(chat_id: int, reply: Reply) -> None:
        try:
            await send_whole(bot, chat_id, reply)
            sent.inc()
        except (Forbidden, ChatMigrated) as error:
            raise ChatUnreachableError from error
        except BadRequest as error:
            if "chat not found" in str(error).casefold():
                raise ChatUnreachableError from error
            raise SendFailedError from error
        except (NetworkError, TelegramError) as error:
            raise SendFailedError from error

    return send


async def reminder_tick(context: SosbotContext) -> None:
    """JobQueue callback: if this instance holds the reminder leadership (tried for if not),
    send what is due; on taking it, first announce the events added while nobody led. A tick
    while another delivery still runs is skipped."""
    shared = context.bot_data
    if shared.delivery_lock.locked() or shared.runtime.delivery.halted:
        return
    async with shared.delivery_lock:
        leader = shared.leader
        was_leading = leader.held
        if not await leader.lead():
            return
        runtime = shared.runtime
        delivery = runtime.delivery
        if not was_leading:
            await _announce_and_prune_held(context.bot, shared)
        send = telegram_sender(context.bot, runtime.metrics.reminders)
        with delivery.watching_the_store():
            sent = await tick(delivery, send, runtime.events_view())
            if sent:
                logger.info("Sent %d reminders", sent)
            pruned_at = shared.pruned_at
            if pruned_at is None or runtime.clock() - pruned_at >= PRUNE_EVERY:
                await _prune(shared)


async def save_statistics(context: SosbotContext) -> None:
    """JobQueue callback: add the questions counted in memory to the stored totals."""
    runtime = context.runtime
    try:
        await runtime.questions.save(runtime.store)
    except StoreError:
        # Kept in memory for the next save; the reminders say once that the database fails.
        logger.warning("The question counts could not be saved; they are kept for next time")


async def _announce_and_prune_held(bot: Bot, shared: BotData) -> int | None:
    """Announce new and moved events, then prune what is old enough, holding delivery_lock and
    the leadership; how many messages went out, or None if the database failed (said once in
    the log)."""
    runtime = shared.runtime
    delivery = runtime.delivery
    send = telegram_sender(bot, runtime.metrics.announcements)
    with delivery.watching_the_store():
        try:
            announced = await announce_new_events(delivery, send, runtime.events_view())
        except StoreError:
            raise
        except Exception:
            logger.exception("Announcing new events failed; reminders go on")
            return 0
        await _prune(shared)
        return announced
    return None


async def _prune(shared: BotData) -> None:
    """Forget what is old enough, through the leader's store; raises StoreError."""
    runtime = shared.runtime
    now = runtime.clock()
    await prune_old_records(runtime.delivery.store, now, runtime.settings.reminder_lead_times)
    shared.pruned_at = now


async def _announce_and_prune(bot: Bot, shared: BotData) -> str:
    """Announce new and moved events and prune, one delivery at a time, if this instance leads;
    what happened, said to whoever reloaded."""
    async with shared.delivery_lock:
        if not await shared.leader.lead():
            return (
                "New and moved events are announced by the instance that sends reminders, once "
                "it has these files too."
            )
        announced = await _announce_and_prune_held(bot, shared)
    if announced is None:
        return "New and moved events will be announced once the database works again."
    return f"Announced new and moved events in {announced} messages."


async def reload_and_announce(bot: Bot, shared: BotData, *, confirmed: bool = False) -> str:
    """Reload the knowledge folder; announce the events it adds or moves. Returns what
    happened. `confirmed`: an admin accepts a reload that drops every event."""
    runtime = shared.runtime
    outcome = await reload_knowledge(
        runtime.current,
        runtime.settings.knowledge_dir,
        runtime.settings.zone,
        runtime.reload_lock,
        confirmed=confirmed,
    )
    if not outcome.ok:
        return outcome.message
    return f"{outcome.message} {await _announce_and_prune(bot, shared)}"


def start_reminders(application: SosbotApplication, jobs: JobQueue[SosbotContext]) -> None:
    """Tick the reminders, announce events added while the bot was down, reload on SIGHUP."""
    jobs.run_repeating(
        reminder_tick,
        interval=application.bot_data.runtime.settings.reminder_check_seconds,
        first=0.1,
        name="reminders",
    )
    jobs.run_repeating(
        save_statistics,
        interval=STATISTICS_SAVE_SECONDS,
        first=STATISTICS_SAVE_SECONDS,
        name="statistics",
    )

    def on_sighup() -> None:
        logger.info("SIGHUP: reloading the knowledge")
        reloading = reload_and_announce(application.bot, application.bot_data)
        application.create_task(reloading, name="reload")

    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, on_sighup)
    except (NotImplementedError, AttributeError):
        logger.warning("This platform has no SIGHUP; use /reload")


async def send_calendar_file(
    bot: Bot, chat_id: int, runtime: Runtime, view: KnowledgeView, event_id: str
) -> bool:
    """Send the event as an .ics file, in the language of `view`; False if there is no such
    event any more."""
    event = view.knowledge.event(event_id)
    if event is None:
        return False
    text = view.events.calendar_text(event)
    data = event_ics(event, text, runtime.settings.zone, stamp=runtime.clock())
    caption = shorten(text.summary, CAPTION_LIMIT)
    await bot.send_document(chat_id, document=data, filename=f"{event.id}.ics", caption=caption)
    return True
