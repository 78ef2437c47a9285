"""Inline buttons: open a council or ask about it, in place of the message they were on;
subscribe or unsubscribe; send an event's calendar file; choose the chat's language.

One handler per kind of button, routed by the patterns in handlers.common. Data that fits none,
or names a council that does not exist, is a forged or out-of-date button: the press is
answered (so the person's client stops waiting) and nothing else is done.
"""

from __future__ import annotations

import logging
import re

from telegram import CallbackQuery, Message, Update

from bot.actions.chat import choose_language, press
from bot.errors import AdminOnlyError
from bot.languages import Language
from bot.scopes import ALL
from bot.understanding.intents import Intent
from handlers.common import edit_to_reply, turn
from handlers.context import SosbotContext
from handlers.reminders import send_calendar_file

logger = logging.getLogger(__name__)


def _pressed(
    update: Update, context: SosbotContext
) -> tuple[CallbackQuery, Message, re.Match[str]] | None:
    """The query, the message its button was on and its data's match of the handler's pattern;
    None for a message too old to have one, or data python-telegram-bot let through unmatched
    (it passes empty data to every pattern's handler)."""
    query = update.callback_query
    match = context.matches[0] if context.matches else None
    if query is None or not isinstance(query.message, Message) or not isinstance(match, re.Match):
        return None
    return query, query.message, match


async def _answered(update: Update, context: SosbotContext) -> tuple[Message, re.Match[str]] | None:
    """A press whose data the handler's pattern matched, answered at once: its message and
    the match; None, the press answered and ignored, where there is none (see `_pressed`)."""
    pressed = _pressed(update, context)
    if pressed is None:
        await ignore_button(update, context)
        return None
    query, message, match = pressed
    await query.answer()
    return message, match


async def calendar_button(update: Update, context: SosbotContext) -> None:
    """Send the event's .ics file, or say it is gone (a button from before a reload)."""
    answered = await _answered(update, context)
    if answered is None:
        return
    message, match = answered
    view = await turn(message.chat.id, update, context).view()
    if not await send_calendar_file(
        context.bot, message.chat.id, context.runtime, view, match["event"]
    ):
        await message.reply_text(view.texts._("That event is no longer on record."))


async def language_button(update: Update, context: SosbotContext) -> None:
    """English or Cymraeg: kept for the chat, and said in the language chosen."""
    answered = await _answered(update, context)
    if answered is None:
        return
    message, match = answered
    chosen = Language(match["language"])
    await edit_to_reply(
        message, await choose_language(turn(message.chat.id, update, context), chosen)
    )


async def _council_button(
    update: Update, context: SosbotContext, group: str, *, everything: bool
) -> tuple[CallbackQuery, Message, Intent, str | None] | None:
    """A button about a council: the query, its message, what it asks, and the council's code
    from the pattern's `group` (None where the group is empty; ALL only with `everything`).
    None, the press answered and ignored, where the data names no council on record."""
    pressed = _pressed(update, context)
    code = (pressed[2][group] or None) if pressed is not None else None
    councils = context.runtime.current.view.knowledge.councils
    known = code is None or code in councils or (everything and code == ALL)
    if pressed is None or not known:
        await ignore_button(update, context)
        return None
    query, message, match = pressed
    return query, message, Intent(match["intent"]), code


async def subscription_button(update: Update, context: SosbotContext) -> None:
    """Subscribe or unsubscribe the chat: a known council or every event. In a group, only its
    administrators may unsubscribe it from every event; anyone else is told so in an alert."""
    button = await _council_button(update, context, "scope", everything=True)
    if button is None:
        return
    query, message, intent, scope = button
    try:
        reply = await press(turn(message.chat.id, update, context), intent, scope)
    except AdminOnlyError as refused:
        await query.answer(str(refused), show_alert=True)
        return
    await query.answer()
    await edit_to_reply(message, reply)


async def question_button(update: Update, context: SosbotContext) -> None:
    """A question about a known council, or a general one (events, the list of councils)."""
    button = await _council_button(update, context, "council", everything=False)
    if button is None:
        return
    query, message, intent, council = button
    await query.answer()
    reply = await press(turn(message.chat.id, update, context), intent, council)
    await edit_to_reply(message, reply)


async def ignore_button(update: Update, context: SosbotContext) -> None:
    """A button this bot never made, or no longer can act on: answered, nothing done."""
    if update.callback_query is not None:
        await update.callback_query.answer()
