"""Subscription and admin commands: /subscribe, /unsubscribe, /subscriptions, /forget,
/reload and /stats."""

from __future__ import annotations

import logging

from telegram import Update

from bot.actions import subscriptions as subscribing
from bot.actions.chat import run_understanding
from bot.errors import AdminOnlyError
from bot.replies.reply import Reply
from bot.scopes import ALL
from bot.understanding.engine import EVERYTHING
from bot.understanding.intents import Intent
from bot.understanding.text import normalise
from handlers.common import (
    command_argument,
    may_remove_all,
    send_plain,
    send_reply,
)
from handlers.context import SosbotContext
from handlers.reminders import reload_and_announce

logger = logging.getLogger(__name__)


async def _scoped(intent: Intent, chat_id: int, update: Update, context: SosbotContext) -> Reply:
    """The reply to /subscribe or /unsubscribe NAME from `chat_id`: done, or a question back."""
    runtime = context.runtime
    name = command_argument(context)
    if not name:
        return subscribing.choose_scope(runtime, intent)
    scope: str | None = ALL if EVERYTHING.fullmatch(normalise(name)) else None
    if scope is None:
        resolved = await run_understanding(name, lambda: runtime.engine.reply_about(intent, name))
        if resolved.scope is None:
            return resolved
        scope = resolved.scope
    if intent is Intent.SUBSCRIBE:
        return await subscribing.subscribe(runtime, chat_id, scope, runtime.clock())
    try:
        return await subscribing.unsubscribe(
            runtime, chat_id, scope, may_remove_all(update, context)
        )
    except AdminOnlyError:
        return subscribing.refusal()


async def subscribe(update: Update, context: SosbotContext) -> None:
    """Subscribe this chat to a council's events, or to all: /subscribe NAME|all."""
    message = update.effective_message
    if message is not None:
        reply = await _scoped(Intent.SUBSCRIBE, message.chat.id, update, context)
        await send_reply(message, reply)


async def unsubscribe(update: Update, context: SosbotContext) -> None:
    """Stop a subscription, or all of them: /unsubscribe NAME|all."""
    message = update.effective_message
    if message is not None:
        reply = await _scoped(Intent.UNSUBSCRIBE, message.chat.id, update, context)
        await send_reply(message, reply)


async def list_subscriptions(update: Update, context: SosbotContext) -> None:
    """What this chat is subscribed to."""
    if update.effective_message is not None and update.effective_chat is not None:
        reply = await subscribing.list_subscriptions(context.runtime, update.effective_chat.id)
        await send_reply(update.effective_message, reply)


async def forget(update: Update, context: SosbotContext) -> None:
    """Delete everything held about this chat, and say so."""
    if update.effective_message is None or update.effective_chat is None:
        return
    try:
        reply = await subscribing.forget(
            context.runtime, update.effective_chat.id, may_remove_all(update, context)
        )
    except AdminOnlyError:
        await send_reply(update.effective_message, subscribing.refusal())
        return
    context.forget_conversation()
    await send_reply(update.effective_message, reply)


def _is_admin(update: Update, context: SosbotContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.runtime.settings.admin_ids


async def _refuse(update: Update, command: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            f"Sorry, only the bot's operators can use /{command}."
        )


async def reload(update: Update, context: SosbotContext) -> None:
    """Admin: reload the knowledge files and announce new events; `/reload confirm` accepts a
    reload that drops every event."""
    if not _is_admin(update, context):
        await _refuse(update, "reload")
        return
    confirmed = normalise(command_argument(context)) == "confirm"
    outcome = await reload_and_announce(context.bot, context.bot_data, confirmed=confirmed)
    if update.effective_message is not None:
        await send_plain(update.effective_message, outcome)


async def stats(update: Update, context: SosbotContext) -> None:
    """Admin: subscribers by council, reminders sent and pending, questions answered."""
    if not _is_admin(update, context):
        await _refuse(update, "stats")
        return
    if update.effective_message is not None:
        reply = await subscribing.statistics(context.runtime)
        await send_reply(update.effective_message, reply)
