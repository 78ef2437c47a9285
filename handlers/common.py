"""What every handler needs: the runtime, and sending a Reply as Telegram HTML with buttons."""

from __future__ import annotations

import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.engine import Conversation
from bot.intents import Intent
from bot.render import render_html, split_message
from bot.reply import Choice, Reply
from bot.runtime import Runtime

logger = logging.getLogger(__name__)

RUNTIME_KEY = "runtime"
CONVERSATION_KEY = "conversation"
BUTTONS_PER_ROW = 3
MAX_CALENDAR_BUTTONS = 5
CALENDAR_PREFIX = "ics:"
CALLBACK_DATA_LIMIT = 64


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    found = context.bot_data[RUNTIME_KEY]
    if not isinstance(found, Runtime):
        raise TypeError("bot_data holds no Runtime; build the application with bot.application")
    return found


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


def parse_callback_data(data: str) -> tuple[Intent, str | None] | None:
    intent, _, code = data.partition(":")
    try:
        return Intent(intent), code or None
    except ValueError:
        return None


def calendar_data(event_id: str) -> str:
    return f"{CALENDAR_PREFIX}{event_id}"


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Options one to a row (council names are long), then actions three to a row, then a
    calendar-file button for each event the reply lists."""
    rows = [
        [InlineKeyboardButton(option.label, callback_data=callback_data(option))]
        for option in reply.options
    ]
    actions = [InlineKeyboardButton(a.label, callback_data=callback_data(a)) for a in reply.actions]
    rows += [actions[i : i + BUTTONS_PER_ROW] for i in range(0, len(actions), BUTTONS_PER_ROW)]
    rows += [
        [
            InlineKeyboardButton(
                "Add to calendar (.ics)" if len(reply.event_ids) == 1 else f"Calendar: {event_id}",
                callback_data=calendar_data(event_id),
            )
        ]
        for event_id in reply.event_ids[:MAX_CALENDAR_BUTTONS]
        if len(calendar_data(event_id).encode()) <= CALLBACK_DATA_LIMIT
    ]
    return InlineKeyboardMarkup(rows) if rows else None


async def send_reply(message: Message, reply: Reply) -> None:
    """Reply to `message` in as many messages as Telegram's length limit needs; the buttons go
    with the last one."""
    pieces = split_message(render_html(reply))
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        await message.reply_text(
            piece,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if last else None,
            disable_web_page_preview=True,
        )


def chat_id_of(update: Update) -> int | None:
    return update.effective_chat.id if update.effective_chat else None
