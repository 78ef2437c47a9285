"""The error handler: log the failure, apologise to the person, go on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

logger = logging.getLogger(__name__)

APOLOGY = "Sorry, something went wrong on my side. Please try again in a moment."


async def error_handler(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log an exception raised while handling an update and tell the person, if there is one."""
    logger.error("Exception while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(update.effective_chat.id, APOLOGY)
        except TelegramError:
            logger.warning("Could not send the apology", exc_info=True)
