"""Subscription and admin commands: /subscribe, /unsubscribe, /subscriptions, /forget,
/reload and /stats."""

from __future__ import annotations

import logging

from telegram import Update

from bot.actions.chat import forget_chat
from bot.actions.statistics import statistics
from bot.reminders.delivery import due_now
from bot.understanding.intents import Intent
from bot.understanding.text import normalise
from handlers.commands import answer_command
from handlers.common import command_argument, send_plain, send_reply, turn
from handlers.context import SosbotContext
from handlers.reminders import reload_and_announce

logger = logging.getLogger(__name__)


async def subscribe(update: Update, context: SosbotContext) -> None:
    """Subscribe this chat to a council's events, or to all: /subscribe NAME|all."""
    await answer_command(Intent.SUBSCRIBE, update, context)


async def unsubscribe(update: Update, context: SosbotContext) -> None:
    """Stop a subscription, or all of them: /unsubscribe NAME|all."""
    await answer_command(Intent.UNSUBSCRIBE, update, context)


async def list_subscriptions(update: Update, context: SosbotContext) -> None:
    """What this chat is subscribed to."""
    await answer_command(Intent.SUBSCRIPTIONS, update, context, name="")


async def forget(update: Update, context: SosbotContext) -> None:
    """Delete everything held about this chat, and say so."""
    message = update.effective_message
    if message is not None:
        await send_reply(message, await forget_chat(turn(message.chat.id, update, context)))


def _is_admin(update: Update, context: SosbotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.runtime.settings.admin_ids


async def _refuse(update: Update, context: SosbotContext, command: str) -> None:
    message = update.effective_message
    if message is not None:
        view = await turn(message.chat.id, update, context).view()
        refused = view.texts._("Sorry, only the bot's operators can use /{command}.")
        await message.reply_text(refused.format(command=command))


async def reload(update: Update, context: SosbotContext) -> None:
    """Admin: reload the knowledge files and announce new events; `/reload confirm` accepts a
    reload that drops every event."""
    if not _is_admin(update, context):
        await _refuse(update, context, "reload")
        return
    confirmed = normalise(command_argument(context)) == "confirm"
    outcome = await reload_and_announce(context.bot, context.bot_data, confirmed=confirmed)
    if update.effective_message is not None:
        await send_plain(update.effective_message, outcome)


async def stats(update: Update, context: SosbotContext) -> None:
    """Admin: subscribers by council, reminders sent and pending, questions answered."""
    if not _is_admin(update, context):
        await _refuse(update, context, "stats")
        return
    message = update.effective_message
    if message is not None:
        runtime = context.runtime
        reply = await statistics(
            await turn(message.chat.id, update, context).view(),
            runtime.store,
            runtime.questions,
            len(await due_now(runtime.store, runtime.events_view(), runtime.clock())),
        )
        await send_reply(message, reply)
