"""Slash commands: /start, /help, /councils, /council NAME and /events [NAME]."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.intents import Intent
from handlers.common import runtime, send_reply

logger = logging.getLogger(__name__)

# Shown in Telegram's command menu (setMyCommands).
MENU = (
    ("councils", "Councils adopting Signs of Safety"),
    ("council", "One council's overview: /council NAME"),
    ("events", "Upcoming events: /events [NAME]"),
    ("subscribe", "Event reminders: /subscribe NAME or all"),
    ("unsubscribe", "Stop reminders: /unsubscribe NAME or all"),
    ("subscriptions", "What you are subscribed to"),
    ("forget", "Delete everything held about this chat"),
    ("help", "What to ask and every command"),
)


def _argument(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Welcome, or open a council from a deep link (t.me/<bot>?start=suffolk)."""
    if update.effective_message is None:
        return
    engine = runtime(context).engine
    name = _argument(context)
    reply = engine.reply_about(Intent.OVERVIEW, name) if name else engine.compose.welcome()
    await send_reply(update.effective_message, reply)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What to ask and every command."""
    if update.effective_message is not None:
        await send_reply(update.effective_message, runtime(context).engine.compose.help(1.0))


async def councils(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every council on record, with a button each."""
    if update.effective_message is not None:
        await send_reply(update.effective_message, runtime(context).engine.compose.listing(1.0))


async def council(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """One council's overview: /council NAME."""
    if update.effective_message is None:
        return
    engine = runtime(context).engine
    name = _argument(context)
    reply = (
        engine.reply_about(Intent.OVERVIEW, name)
        if name
        else engine.compose.which_council(Intent.OVERVIEW, 1.0)
    )
    await send_reply(update.effective_message, reply)


async def events(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Upcoming events, everywhere or for one council: /events [NAME]."""
    if update.effective_message is None:
        return
    engine = runtime(context).engine
    name = _argument(context)
    reply = engine.reply_about(Intent.EVENTS, name) if name else engine.compose.network_events(1.0)
    await send_reply(update.effective_message, reply)
