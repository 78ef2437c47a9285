"""Slash commands: /start, /help, /councils, /council NAME and /events [NAME]."""

from __future__ import annotations

import logging

from telegram import Update

from bot.actions.chat import run_understanding
from bot.understanding.intents import Intent
from handlers.common import command_argument, send_reply
from handlers.context import SosbotContext

logger = logging.getLogger(__name__)


async def start(update: Update, context: SosbotContext) -> None:
    """Welcome, or open a council from a deep link (t.me/<bot>?start=suffolk)."""
    if update.effective_message is None:
        return
    runtime = context.runtime
    # Unblocking the bot in Telegram sends /start: reminders paused after a 403 resume.
    await runtime.store.resume_chat(update.effective_message.chat.id)
    engine = runtime.engine
    name = command_argument(context)
    reply = (
        await run_understanding(name, lambda: engine.reply_about(Intent.OVERVIEW, name))
        if name
        else engine.composer.welcome()
    )
    await send_reply(update.effective_message, reply)


async def help_command(update: Update, context: SosbotContext) -> None:
    """What to ask and every command."""
    if update.effective_message is not None:
        await send_reply(update.effective_message, context.runtime.engine.composer.help(1.0))


async def councils(update: Update, context: SosbotContext) -> None:
    """Every council on record, with a button each."""
    if update.effective_message is not None:
        await send_reply(update.effective_message, context.runtime.engine.composer.listing(1.0))


async def council(update: Update, context: SosbotContext) -> None:
    """One council's overview: /council NAME."""
    if update.effective_message is None:
        return
    engine = context.runtime.engine
    name = command_argument(context)
    reply = (
        await run_understanding(name, lambda: engine.reply_about(Intent.OVERVIEW, name))
        if name
        else engine.composer.which_council(Intent.OVERVIEW, 1.0)
    )
    await send_reply(update.effective_message, reply)


async def events(update: Update, context: SosbotContext) -> None:
    """Upcoming events, everywhere or for one council: /events [NAME]."""
    if update.effective_message is None:
        return
    engine = context.runtime.engine
    name = command_argument(context)
    reply = (
        await run_understanding(name, lambda: engine.reply_about(Intent.EVENTS, name))
        if name
        else engine.composer.network_events(1.0)
    )
    await send_reply(update.effective_message, reply)
