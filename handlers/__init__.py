"""Telegram's side of sosbot: thin async handlers that call an action and send its reply.

This is the only package that imports telegram; its composition root is handlers.app.
`register` adds every handler in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.commands import COMMANDS
from bot.errors import CommandError
from handlers import callbacks, commands, errors, inline, messages, subscriptions
from handlers.common import (
    CALENDAR_BUTTON,
    LANGUAGE_BUTTON,
    QUESTION_BUTTON,
    SUBSCRIPTION_BUTTON,
)
from handlers.context import SosbotApplication, SosbotContext

logger = logging.getLogger(__name__)

# Only new messages in private chats and groups: edited messages and channel posts are left
# alone, and so is anything without text (stickers, photos).
_NEW_TEXT = filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND
_PRIVATE_TEXT = _NEW_TEXT & filters.ChatType.PRIVATE
# In groups only what is meant for the bot: a mention or a reply (the handler checks that the
# mention or the replied-to message is this bot's).
_GROUP_TEXT = _NEW_TEXT & filters.ChatType.GROUPS & (filters.Entity("mention") | filters.REPLY)


# Each command of the table (bot.commands.COMMANDS) and the handler that answers it.
COMMAND_HANDLERS: dict[str, Callable[[Update, SosbotContext], Coroutine[Any, Any, None]]] = {
    "start": commands.start,
    "help": commands.help_command,
    "councils": commands.councils,
    "council": commands.council,
    "events": commands.events,
    "subscribe": subscriptions.subscribe,
    "unsubscribe": subscriptions.unsubscribe,
    "subscriptions": subscriptions.list_subscriptions,
    "language": commands.language,
    "iaith": commands.language,
    "forget": subscriptions.forget,
    "reload": subscriptions.reload,
    "stats": subscriptions.stats,
}


def register(application: SosbotApplication) -> None:
    """Add every handler. Order matters only within a group: the first handler whose filter
    matches an update takes it, so commands come before free text (whose filter excludes
    commands anyway, for safety). Raises CommandError if the handlers and the command table
    disagree, which a test keeps from happening."""
    names = [command.name for command in COMMANDS]
    if sorted(names) != sorted(COMMAND_HANDLERS):
        raise CommandError(f"the command handlers do not match the command table: {names}", 1)
    for name in names:
        application.add_handler(
            CommandHandler(name, COMMAND_HANDLERS[name], filters=filters.UpdateType.MESSAGE)
        )
    # One handler per kind of button, as python-telegram-bot's inlinekeyboard example routes
    # them; the last takes whatever data fits no kind (forged, or from an older version).
    for pattern, callback in (
        (CALENDAR_BUTTON, callbacks.calendar_button),
        (LANGUAGE_BUTTON, callbacks.language_button),
        (SUBSCRIPTION_BUTTON, callbacks.subscription_button),
        (QUESTION_BUTTON, callbacks.question_button),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_handler(CallbackQueryHandler(callbacks.ignore_button))
    application.add_handler(InlineQueryHandler(inline.inline_query))
    application.add_handler(MessageHandler(_PRIVATE_TEXT | _GROUP_TEXT, messages.answer_text))
    application.add_error_handler(errors.error_handler)
