"""What every handler needs: who may remove everything, and sending a Reply as Telegram HTML
with buttons, whole, however long (Telegram takes 4,096 characters a message)."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import timedelta
from functools import lru_cache
from html import escape

from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import BadRequest, RetryAfter

from bot.actions.chat import Turn
from bot.actions.services import Permission
from bot.languages import Language
from bot.replies.render import TELEGRAM_LIMIT, render_html, split_message
from bot.replies.reply import Choice, EventRef, LanguageChoice, Reply
from bot.translations import Texts
from bot.understanding.intents import Intent
from handlers.context import SosbotContext

logger = logging.getLogger(__name__)

BUTTONS_PER_ROW = 3
MAX_CALENDAR_BUTTONS = 5
CALENDAR_PREFIX = "ics:"
CALLBACK_DATA_LIMIT = 64
LANGUAGE_PREFIX = "lang:"


def may_remove_all(update: Update, context: SosbotContext) -> Permission:
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


def turn(chat_id: int, update: Update, context: SosbotContext) -> Turn:
    """The update as bot.actions sees it: its chat, the chat's conversation, who may remove
    everything the chat holds and the language of the sender's Telegram app."""
    user = update.effective_user
    return Turn(
        context.runtime.services,
        chat_id,
        context.conversation,
        may_remove_all(update, context),
        user.language_code if user is not None else None,
    )


def command_argument(context: SosbotContext) -> str:
    """What follows the command: "/council east riding" → "east riding"."""
    return " ".join(context.args or []).strip()


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


LANGUAGE_BUTTON = re.compile(
    "^" + LANGUAGE_PREFIX + "(?P<language>" + "|".join(lang.value for lang in Language) + ")$"
)


def calendar_data(event_id: str) -> str:
    return f"{CALENDAR_PREFIX}{event_id}"


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """Options one to a row (council names are long), then actions three to a row, then a
    calendar-file button for each event the reply lists."""
    return _keyboard(reply.options, reply.actions, reply.calendar, reply.languages)


# Replies repeat the same few keyboards, and a markup is immutable: build each once.
@lru_cache(maxsize=512)
def _keyboard(
    options: tuple[Choice, ...],
    actions: tuple[Choice, ...],
    calendar: tuple[EventRef, ...],
    languages: tuple[LanguageChoice, ...],
) -> InlineKeyboardMarkup | None:
    rows = [
        [InlineKeyboardButton(option.label, callback_data=callback_data(option))]
        for option in options
    ]
    buttons = [InlineKeyboardButton(a.label, callback_data=callback_data(a)) for a in actions]
    rows += [buttons[i : i + BUTTONS_PER_ROW] for i in range(0, len(buttons), BUTTONS_PER_ROW)]
    rows += [
        [InlineKeyboardButton(event.label, callback_data=calendar_data(event.id))]
        for event in calendar[:MAX_CALENDAR_BUTTONS]
        if len(calendar_data(event.id).encode()) <= CALLBACK_DATA_LIMIT
    ]
    if languages:
        rows.append(
            [
                InlineKeyboardButton(choice.label, callback_data=LANGUAGE_PREFIX + choice.language)
                for choice in languages
            ]
        )
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


async def _send_pieces(
    bot: Bot,
    chat_id: int,
    pieces: list[str],
    markup: InlineKeyboardMarkup | None,
    reply_to: int | None = None,
) -> None:
    """Each piece as a message of its own, in order, the buttons with the last: Telegram
    accepted the whole only once the last returns."""
    for index, piece in enumerate(pieces):
        last = index == len(pieces) - 1
        await send_html(bot, chat_id, piece, markup if last else None, reply_to)


async def send_whole(bot: Bot, chat_id: int, reply: Reply, reply_to: int | None = None) -> None:
    """The reply in as many messages as Telegram's length limit needs."""
    await _send_pieces(bot, chat_id, split_message(render_html(reply)), keyboard(reply), reply_to)


async def send_reply(message: Message, reply: Reply) -> None:
    """Answer `message` with the whole reply. In groups the answer quotes the question, so it
    is clear whom it answers."""
    quoted = None if message.chat.type == ChatType.PRIVATE else message.message_id
    await send_whole(message.get_bot(), message.chat.id, reply, quoted)


async def edit_to_reply(message: Message, reply: Reply) -> None:
    """Show the reply in place of `message` (the one a button was on): its first piece there,
    any further ones as new messages after it, the buttons with the last."""
    first, *rest = split_message(render_html(reply))
    markup = keyboard(reply)
    try:
        await message.edit_text(
            first, parse_mode=ParseMode.HTML, reply_markup=None if rest else markup
        )
    except BadRequest as error:
        # Pressing the button the message already shows changes nothing; Telegram says so.
        if "not modified" not in str(error).casefold():
            raise
    await _send_pieces(message.get_bot(), message.chat.id, rest, markup)


async def send_plain(message: Message, text: str) -> None:
    """Plain text (no HTML), whole, in as many messages as it takes: an admin's reload refusal
    lists every `path:line:` fault, which can run far past one message."""
    for piece in split_message(text):
        await message.reply_text(piece)


def one_message(reply: Reply, bot_username: str, texts: Texts) -> str:
    """The reply as one message (an inline result can be no more): if it is too long, cut at a
    block boundary and say where the rest is, never lost silently."""
    text = render_html(reply)
    if len(text) <= TELEGRAM_LIMIT:
        return text
    shortened = texts._("… shortened: ask @{bot} for the whole answer.")
    more = "\n\n" + escape(shortened.format(bot=bot_username), quote=False)
    return split_message(text, TELEGRAM_LIMIT - len(more))[0] + more
