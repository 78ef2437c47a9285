"""What every handler needs: the runtime, and sending a Reply as Telegram HTML with buttons."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Mapping
from datetime import timedelta
from functools import lru_cache

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import RetryAfter
from telegram.ext import ContextTypes

from bot.actions.chat import Turn
from bot.actions.services import Permission
from bot.replies.render import render_html, split_message
from bot.replies.reply import Choice, EventRef, Reply
from bot.runtime import Runtime
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from bot.understanding.text import shorten

logger = logging.getLogger(__name__)

RUNTIME_KEY = "runtime"
CONVERSATION_KEY = "conversation"
BUTTONS_PER_ROW = 3
MAX_CALENDAR_BUTTONS = 5
CALENDAR_LABEL_LIMIT = 40
CALENDAR_PREFIX = "ics:"
CALLBACK_DATA_LIMIT = 64


def runtime_in(bot_data: Mapping[object, object]) -> Runtime:
    """The Runtime the composition root put in python-telegram-bot's bot_data."""
    found = bot_data.get(RUNTIME_KEY)
    if not isinstance(found, Runtime):
        raise TypeError("bot_data holds no Runtime; build the application with handlers.app")
    return found


def runtime_of(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return runtime_in(context.bot_data)


def may_remove_all(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Permission:
    """Whether whoever sent `update` may remove everything its chat holds: anyone in a private
    chat; in a group, its administrators and creator. Telegram is asked only when it matters."""

    async def allowed() -> bool:
        chat, user, message = update.effective_chat, update.effective_user, update.message
        if chat is None:
            return False
        if chat.type == ChatType.PRIVATE:
            return True
        if message is not None and message.sender_chat is not None:
            # An anonymous administrator writes as the group itself; anyone else as a channel.
            return message.sender_chat.id == chat.id
        if user is None:
            return False
        member = await context.bot.get_chat_member(chat.id, user.id)
        return member.status in {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}

    return allowed


def turn(chat_id: int, update: Update, context: ContextTypes.DEFAULT_TYPE) -> Turn:
    """The update as bot.actions sees it: its chat, the chat's conversation and who may remove
    everything the chat holds."""
    return Turn(
        runtime_of(context).services,
        chat_id,
        conversation(context),
        may_remove_all(update, context),
    )


def command_argument(context: ContextTypes.DEFAULT_TYPE) -> str:
    """What follows the command: "/council east riding" → "east riding"."""
    return " ".join(context.args or []).strip()


def conversation(context: ContextTypes.DEFAULT_TYPE) -> Conversation:
    """This chat's conversation context; in memory only, so a restart forgets it."""
    chat_data = context.chat_data if context.chat_data is not None else {}
    found = chat_data.get(CONVERSATION_KEY)
    if not isinstance(found, Conversation):
        found = Conversation()
        chat_data[CONVERSATION_KEY] = found
    return found


def callback_data(choice: Choice) -> str:
    """`intent:CODE`, well under Telegram's 64 bytes."""
    return f"{choice.intent.value}:{choice.council or ''}"


# The three kinds of button, by their callback_data; handlers.register routes each kind to its
# handler, and anything else (forged or malformed) to one that does nothing. Whether a council
# code or an event id is known is checked when the button is pressed.
CALENDAR_BUTTON = re.compile(rf"^{CALENDAR_PREFIX}(?P<event>[a-z0-9][a-z0-9-]*)$")
SUBSCRIPTION_BUTTON = re.compile(
    rf"^(?P<intent>{Intent.SUBSCRIBE.value}|{Intent.UNSUBSCRIBE.value}):(?P<scope>[A-Za-z0-9-]+)$"
)
QUESTION_BUTTON = re.compile(
    "^(?P<intent>"
    + "|".join(i.value for i in Intent if i not in {Intent.SUBSCRIBE, Intent.UNSUBSCRIBE})
    + "):(?P<council>[A-Za-z0-9-]*)$"
)


def calendar_data(event_id: str) -> str:
    return f"{CALENDAR_PREFIX}{event_id}"


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Options one to a row (council names are long), then actions three to a row, then a
    calendar-file button for each event the reply lists."""
    return _keyboard(reply.options, reply.actions, reply.calendar)


# Replies repeat the same few keyboards, and a markup is immutable: build each once.
@lru_cache(maxsize=512)
def _keyboard(
    options: tuple[Choice, ...], actions: tuple[Choice, ...], calendar: tuple[EventRef, ...]
) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(option.label, callback_data=callback_data(option))]
        for option in options
    ]
    buttons = [InlineKeyboardButton(a.label, callback_data=callback_data(a)) for a in actions]
    rows += [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    rows += [
        [
            InlineKeyboardButton(
                "Add to calendar (.ics)"
                if len(calendar) == 1
                else f"Calendar: {shorten(event.title, CALENDAR_LABEL_LIMIT)}",
                callback_data=calendar_data(event.id),
            )
        ]
        for event in calendar[:MAX_CALENDAR_BUTTONS]
        if len(calendar_data(event.id).encode()) <= CALLBACK_DATA_LIMIT
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def send_html(
    bot: Bot,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    reply_to: int | None = None,
) -> Message:
    """Send HTML text, waiting out each 429 for as long as Telegram asks and trying again."""
    while True:
        try:
            return await bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                reply_parameters=(
                    ReplyParameters(reply_to, allow_sending_without_reply=True)
                    if reply_to is not None
                    else None
                ),
            )
        except RetryAfter as error:
            wait = error.retry_after
            seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
            logger.warning("Telegram asked to wait %.0f s; waiting, then retrying", seconds)
            await asyncio.sleep(seconds)


async def send_reply(message: Message, reply: Reply) -> None:
    """Answer `message` in as many messages as Telegram's length limit needs, the buttons with
    the last one. In groups the answer quotes the question, so it is clear whom it answers."""
    quoted = None if message.chat.type == ChatType.PRIVATE else message.message_id
    pieces = split_message(render_html(reply))
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        markup = keyboard(reply) if last else None
        await send_html(message.get_bot(), message.chat.id, piece, markup, quoted)
