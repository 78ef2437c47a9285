"""Free text: every message in a private chat; in groups, only those meant for the bot."""

from __future__ import annotations

import logging
import re

from telegram import Message, MessageEntity, Update

from bot.actions.chat import respond
from handlers.common import send_reply, turn
from handlers.context import SosbotContext

logger = logging.getLogger(__name__)


def _addressed_text(message: Message, bot_username: str, bot_id: int) -> str | None:
    """The text meant for the bot, without its @mention; None if the message is not for it."""
    text = message.text or ""
    if message.chat.type == message.chat.PRIVATE:
        return text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == bot_id:
        return text
    mention = f"@{bot_username}".casefold()
    for entity, value in message.parse_entities([MessageEntity.MENTION]).items():
        if value.casefold() == mention:
            start, end = entity.offset, entity.offset + entity.length
            return re.sub(r"\s+", " ", text[:start] + text[end:]).strip()
    return None


async def answer_text(update: Update, context: SosbotContext) -> None:
    """Answer a question in the person's own words, with the chat's context."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = _addressed_text(message, context.bot.username, context.bot.id)
    if text is None:
        return
    await send_reply(message, await respond(turn(message.chat.id, update, context), text))
