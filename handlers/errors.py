"""The error handler: log the failure, apologise to the person, go on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.actions.language import from_telegram
from bot.languages import Language
from bot.translations import N_, texts_for
from handlers.context import SosbotContext

logger = logging.getLogger(__name__)

APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")


async def error_handler(update: object, context: SosbotContext) -> None:
    """Log an exception raised while handling an update and tell the person, if there is one."""
    chat = update.effective_chat if isinstance(update, Update) else None
    if isinstance(context.error, Forbidden):
        # The person blocked the bot: nobody to apologise to; pause their reminders.
        logger.info("A chat blocked the bot while being answered; its reminders are paused")
        if chat is not None:
            runtime = context.runtime
            await runtime.store.pause_chat(chat.id, runtime.clock())
        return
    logger.error("Exception while handling an update", exc_info=context.error)
    if chat is not None:
        # The store may be what failed: the language of the person's Telegram app, not the
        # chat's choice.
        user = update.effective_user if isinstance(update, Update) else None
        language = from_telegram(user.language_code if user else None) or Language.ENGLISH
        try:
            await context.bot.send_message(chat.id, texts_for(language)._(APOLOGY))
        except TelegramError:
            logger.warning("Could not send the apology", exc_info=True)
