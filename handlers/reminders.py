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

from telegram import Bot
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, TelegramError
from telegram.ext import Application, ContextTypes

from bot.actions.reload import reload_knowledge
from bot.errors import ChatUnreachableError, SendFailedError
from bot.reminders.delivery import (
    Sender,
    announce_new_events,
    send_due_reminders,
    watching_the_store,
)
from bot.replies.calendar import event_ics
from bot.replies.render import render_html, split_message
from bot.replies.reply import Reply
from bot.runtime import Runtime
from handlers.common import keyboard, runtime_in, runtime_of, send_html

logger = logging.getLogger(__name__)

_LOCK_KEY = "delivery_lock"


def telegram_sender(bot: Bot) -> Sender:
    """bot.reminders.delivery's Sender over python-telegram-bot."""

    async def send(chat_id: int, reply: Reply) -> None:
        try:
            await send_html(bot, chat_id, split_message(render_html(reply))[0], keyboard(reply))
        except (Forbidden, ChatMigrated) as error:
            raise ChatUnreachableError from error
        except BadRequest as error:
            if "chat not found" in str(error).casefold():
                raise ChatUnreachableError from error
            raise SendFailedError from error
        except (NetworkError, TelegramError) as error:
            raise SendFailedError from error

    return send


def _lock(bot_data: dict[object, object]) -> asyncio.Lock:
    """One delivery at a time: a tick, an announcement or a reload."""
    lock = bot_data.setdefault(_LOCK_KEY, asyncio.Lock())
    assert isinstance(lock, asyncio.Lock)
    return lock


async def reminder_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: send what is due; a tick while another still sends is skipped."""
    lock = _lock(context.bot_data)
    if lock.locked():
        return
    async with lock:
        runtime = runtime_of(context)
        with watching_the_store(runtime):
            await runtime.questions.save(runtime.require_store)
            if runtime.announcing_unfinished:
                await announce_new_events(telegram_sender(context.bot), runtime)
            sent = await send_due_reminders(telegram_sender(context.bot), runtime)
            if sent:
                logger.info("Sent %d reminders", sent)


async def announce_at_start(context: ContextTypes.DEFAULT_TYPE) -> None:
    """JobQueue callback: announce the events added while the bot was down."""
    runtime = runtime_of(context)
    async with _lock(context.bot_data):
        with watching_the_store(runtime):
            await announce_new_events(telegram_sender(context.bot), runtime)


async def reload_and_announce(
    application: Application,  # type: ignore[type-arg]
    *,
    confirmed: bool = False,
) -> str:
    """Reload the knowledge folder; announce the events it adds or moves. Returns what
    happened. `confirmed`: an admin accepts a reload that drops every event."""
    runtime = runtime_in(application.bot_data)
    outcome = await reload_knowledge(
        runtime.current,
        runtime.settings.knowledge_dir,
        runtime.settings.zone,
        runtime.reload_lock,
        confirmed=confirmed,
    )
    if not outcome.ok:
        return outcome.message
    async with _lock(application.bot_data):
        with watching_the_store(runtime):
            announced = await announce_new_events(telegram_sender(application.bot), runtime)
            return f"{outcome.message} Announced new and moved events in {announced} messages."
    return (
        f"{outcome.message} New and moved events will be announced once the database works again."
    )


def start_reminders(application: Application) -> None:  # type: ignore[type-arg]
    """Tick the reminders, announce events added while the bot was down, reload on SIGHUP."""
    runtime = runtime_in(application.bot_data)
    assert application.job_queue is not None, "install python-telegram-bot[job-queue]"
    application.job_queue.run_repeating(
        reminder_tick,
        interval=runtime.settings.reminder_check_seconds,
        first=0.1,
        name="reminders",
    )
    application.job_queue.run_once(announce_at_start, when=0, name="announce-at-start")

    def on_sighup() -> None:
        logger.info("SIGHUP: reloading the knowledge")
        application.create_task(reload_and_announce(application), name="reload")

    try:
        asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, on_sighup)
    except (NotImplementedError, AttributeError):
        logger.warning("This platform has no SIGHUP; use /reload")


async def send_calendar_file(bot: Bot, chat_id: int, runtime: Runtime, event_id: str) -> bool:
    """Send the event as an .ics file; False if there is no such event any more."""
    knowledge = runtime.current.view.knowledge
    event = knowledge.event(event_id)
    if event is None:
        return False
    authority = knowledge.authority(event.authority) if event.authority else None
    source = knowledge.sources.get(event.source or "")
    data = event_ics(
        event,
        authority.name if authority else None,
        runtime.settings.zone,
        source.title if source else None,
    )
    await bot.send_document(chat_id, document=data, filename=f"{event.id}.ics", caption=event.title)
    return True
