"""Subscription and admin commands: /subscribe, /unsubscribe, /subscriptions, /forget,
/reload and /stats."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot.actions import subscriptions as subscribing
from bot.actions.chat import run_understanding
from bot.clock import utc_now
from bot.errors import AdminOnlyError
from bot.replies.reply import Reply
from bot.scopes import ALL
from bot.understanding.engine import EVERYTHING, Conversation
from bot.understanding.intents import Intent
from bot.understanding.text import normalise
from handlers.common import (
    CONVERSATION_KEY,
    command_argument,
    may_remove_all,
    runtime_of,
    send_reply,
)
from handlers.reminders import reload_and_announce

logger = logging.getLogger(__name__)


async def _scoped(intent: Intent, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Reply:
    """The reply to /subscribe or /unsubscribe NAME: done, or a question back."""
    runtime = runtime_of(context)
    name = command_argument(context)
    if not name:
        return subscribing.choose_scope(runtime, intent)
    scope: str | None = ALL if EVERYTHING.fullmatch(normalise(name)) else None
    if scope is None:
        resolved = await run_understanding(name, lambda: runtime.engine.reply_about(intent, name))
        if resolved.scope is None:
            return resolved
        scope = resolved.scope
    assert update.effective_chat is not None
    if intent is Intent.SUBSCRIBE:
        return await subscribing.subscribe(runtime, update.effective_chat.id, scope, utc_now())
    try:
        return await subscribing.unsubscribe(
            runtime, update.effective_chat.id, scope, may_remove_all(update, context)
        )
    except AdminOnlyError:
        return subscribing.refusal()


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Subscribe this chat to a council's events, or to all: /subscribe NAME|all."""
    if update.effective_message is not None:
        await send_reply(update.effective_message, await _scoped(Intent.SUBSCRIBE, update, context))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stop a subscription, or all of them: /unsubscribe NAME|all."""
    if update.effective_message is not None:
        reply = await _scoped(Intent.UNSUBSCRIBE, update, context)
        await send_reply(update.effective_message, reply)


async def list_subscriptions(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """What this chat is subscribed to."""
    if update.effective_message is not None and update.effective_chat is not None:
        reply = await subscribing.list_subscriptions(runtime_of(context), update.effective_chat.id)
        await send_reply(update.effective_message, reply)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete everything held about this chat, and say so."""
    if update.effective_message is None or update.effective_chat is None:
        return
    try:
        reply = await subscribing.forget(
            runtime_of(context), update.effective_chat.id, may_remove_all(update, context)
        )
    except AdminOnlyError:
        await send_reply(update.effective_message, subscribing.refusal())
        return
    if context.chat_data is not None:
        context.chat_data[CONVERSATION_KEY] = Conversation()
    await send_reply(update.effective_message, reply)


def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    user = update.effective_user
    return user is not None and user.id in runtime_of(context).settings.admin_ids


async def _refuse(update: Update, command: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            f"Sorry, only the bot's operators can use /{command}."
        )


async def reload(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admin: reload the knowledge files and announce new events; `/reload confirm` accepts a
    reload that drops every event."""
    if not _is_admin(update, context):
        await _refuse(update, "reload")
        return
    confirmed = normalise(command_argument(context)) == "confirm"
    outcome = await reload_and_announce(context.application, confirmed=confirmed)
    if update.effective_message is not None:
        await update.effective_message.reply_text(outcome)


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Admin: subscribers by council, reminders sent and pending, questions answered."""
    if not _is_admin(update, context):
        await _refuse(update, "stats")
        return
    if update.effective_message is not None:
        reply = await subscribing.statistics(runtime_of(context))
        await send_reply(update.effective_message, reply)
