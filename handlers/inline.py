"""Inline mode: `@bot swansea` in any chat offers the council's overview to share."""

from __future__ import annotations

import logging

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode

from bot.actions.asking import inline_overviews
from bot.actions.chat import run_understanding
from bot.actions.language import from_telegram
from bot.languages import Language
from bot.replies.help import one_line_summary
from handlers.common import one_message
from handlers.context import SosbotContext

logger = logging.getLogger(__name__)

CACHE_SECONDS = 300


async def inline_query(update: Update, context: SosbotContext) -> None:
    """Offer the overview of each council the query could mean (all adopters when empty)."""
    query = update.inline_query
    if query is None:
        return
    runtime = context.runtime
    # No chat to look up a choice for: the language of the person's Telegram app.
    language = from_telegram(query.from_user.language_code) or Language.ENGLISH
    view = runtime.current.view.speaking(language)
    results = []
    for reply in await run_understanding(
        query.query, lambda: inline_overviews(view, query.query, runtime.clock())
    ):
        results.append(
            InlineQueryResultArticle(
                id=reply.council_code or reply.intent.value,
                title=reply.title or reply.council or "Signs of Safety",
                description=one_line_summary(reply),
                input_message_content=InputTextMessageContent(
                    one_message(reply, context.bot.username, view.texts),
                    parse_mode=ParseMode.HTML,
                ),
            )
        )
    # Personal: the results are in the asker's language, so Telegram must not hand them to
    # someone else who types the same query.
    await query.answer(results, cache_time=CACHE_SECONDS, is_personal=True)
