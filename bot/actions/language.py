"""Which language a chat is answered in, and the chat's own choice of it (/language, /iaith).

Welsh when the message is written in Welsh (a Welsh question from an English chat is answered
in Welsh); otherwise the language the chat chose, kept in the store; otherwise Welsh when the
person's Telegram app speaks Welsh (its `language_code` starts with "cy"); otherwise English.
"""

from __future__ import annotations

import logging

from bot.actions.services import Services
from bot.languages import Language
from bot.replies.reply import LanguageChoice, Paragraph, Reply
from bot.translations import Texts, texts_for
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)

# Each language's button, named in its own words whatever the chat's language.
LANGUAGE_NAMES = {Language.ENGLISH: "English", Language.WELSH: "Cymraeg"}


def from_telegram(language_code: str | None) -> Language | None:
    """The language of a Telegram app's `language_code` ("cy", "cy-GB"), if sosbot speaks it
    and it is not English, the default anyway."""
    if language_code and language_code.casefold().startswith(Language.WELSH.value):
        return Language.WELSH
    return None


async def chat_language(
    services: Services,
    chat_id: int,
    language_code: str | None,
    written_in: Language | None = None,
) -> Language:
    """The language to answer in: the message's if Welsh, else the chat's choice, else the
    Telegram app's if Welsh, else English."""
    if written_in is Language.WELSH:
        return Language.WELSH
    chosen = await services.store.chat_language(chat_id)
    if chosen is not None:
        return chosen
    return from_telegram(language_code) or Language.ENGLISH


def offer_languages(texts: Texts) -> Reply:
    """/language: the languages as buttons."""
    return Reply(
        intent=Intent.HELP,
        blocks=(
            Paragraph(
                text=texts._(
                    "Which language shall I answer this chat in? I answer a message written in "
                    "Welsh in Welsh whatever you choose."
                )
            ),
        ),
        languages=tuple(
            LanguageChoice(label=label, language=language)
            for language, label in LANGUAGE_NAMES.items()
        ),
    )


async def choose_language(services: Services, chat_id: int, language: Language) -> Reply:
    """Keep the chat's choice, and say so in the language chosen."""
    await services.store.set_chat_language(chat_id, language)
    texts = texts_for(language)
    return Reply(
        intent=Intent.HELP,
        blocks=(
            Paragraph(
                # Translators: said in the language just chosen: "… in Welsh. Send /iaith …".
                text=texts._(
                    "Done: I will answer this chat in English. Send /language to change it."
                )
            ),
        ),
    )
