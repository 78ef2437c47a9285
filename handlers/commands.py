"""Slash commands: /start, /help, /councils, /council NAME, /events [NAME] and /language (or
/iaith)."""

from __future__ import annotations

import logging

from telegram import Update

from bot.actions.chat import command, offer_languages, welcome
from bot.understanding.intents import Intent
from handlers.common import command_argument, send_reply, turn
from handlers.context import SosbotContext

logger = logging.getLogger(__name__)


async def answer_command(
    intent: Intent, update: Update, context: SosbotContext, name: str | None = None
) -> None:
    """Carry out a command about its argument (or `name`), and send the reply."""
    message = update.effective_message
    if message is not None:
        argument = command_argument(context) if name is None else name
        reply = await command(turn(message.chat.id, update, context), intent, argument)
        await send_reply(message, reply)


async def start(update: Update, context: SosbotContext) -> None:
    """Welcome, or open a council from a deep link (t.me/<bot>?start=suffolk)."""
    if update.effective_message is None:
        return
    runtime = context.runtime
    # Unblocking the bot in Telegram sends /start: reminders paused after a 403 resume.
    await runtime.store.resume_chat(update.effective_message.chat.id)
    if command_argument(context):
        await answer_command(Intent.OVERVIEW, update, context)
    else:
        message = update.effective_message
        await send_reply(message, await welcome(turn(message.chat.id, update, context)))


async def help_command(update: Update, context: SosbotContext) -> None:
    """What to ask and every command."""
    await answer_command(Intent.HELP, update, context, name="")


async def councils(update: Update, context: SosbotContext) -> None:
    """Every council on record, with a button each."""
    await answer_command(Intent.LIST, update, context, name="")


async def council(update: Update, context: SosbotContext) -> None:
    """One council's overview: /council NAME."""
    await answer_command(Intent.OVERVIEW, update, context)


async def events(update: Update, context: SosbotContext) -> None:
    """Upcoming events, everywhere or for one council: /events [NAME]."""
    await answer_command(Intent.EVENTS, update, context)


async def language(update: Update, context: SosbotContext) -> None:
    """/language and /iaith: English or Cymraeg, as buttons."""
    message = update.effective_message
    if message is not None:
        await send_reply(message, await offer_languages(turn(message.chat.id, update, context)))
