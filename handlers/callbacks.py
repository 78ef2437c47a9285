"""Inline buttons: open a council or ask about it, in place of the message they were on."""

from __future__ import annotations

import logging

from telegram import Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.chat import choose
from bot.render import render_html, split_message
from handlers.common import (
    CALENDAR_PREFIX,
    conversation,
    keyboard,
    parse_callback_data,
    runtime_of,
)
from handlers.reminders import send_calendar_file

logger = logging.getLogger(__name__)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show what a button asks for by editing the message it was on."""
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    data = query.data or ""
    if not isinstance(query.message, Message):
        return
    runtime = runtime_of(context)
    chat_id = query.message.chat.id
    if data.startswith(CALENDAR_PREFIX):
        if not await send_calendar_file(
            context.bot, chat_id, runtime, data.removeprefix(CALENDAR_PREFIX)
        ):
            await query.message.reply_text("That event is no longer on record.")
        return
    parsed = parse_callback_data(data)
    if parsed is None:
        return
    intent, council_code = parsed
    reply = await choose(runtime, chat_id, intent, council_code, conversation(context))
    text = split_message(render_html(reply))[0]
    try:
        await query.message.edit_text(
            text,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply),
        )
    except BadRequest as error:
        # Pressing the button the message already shows changes nothing; Telegram says so.
        if "not modified" not in str(error).casefold():
            raise
