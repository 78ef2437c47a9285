"""The composition root: builds the python-telegram-bot Application and runs it.

Everything the bot needs is made here, once: settings are read by the caller, knowledge is
loaded, the store is opened in post_init and closed in post_shutdown, and the handlers are
registered in one place (handlers.register). Besides handlers/, this is the only module that
imports telegram.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from telegram import BotCommand, Update
from telegram.error import InvalidToken
from telegram.ext import Application, ApplicationBuilder

import handlers
from bot.errors import StoreError, TokenRejectedError
from bot.logs import configure_logging
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.sqlite import SqliteStore
from handlers.commands import MENU
from handlers.common import RUNTIME_KEY, runtime_in
from handlers.reminders import start_reminders
from handlers.updates import PerChatUpdateProcessor
from knowledge.loader import load_knowledge

logger = logging.getLogger(__name__)

# Updates of different chats handled at once (handlers.updates keeps each chat's in order).
# A few suffice to keep the network busy; many more only add overhead.
CONCURRENT_UPDATES = 4


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    runtime = runtime_in(application.bot_data)
    runtime.store = await SqliteStore.open(runtime.settings.database)
    await application.bot.set_my_commands([BotCommand(name, text) for name, text in MENU])
    start_reminders(application)
    # What start-up built (knowledge, council index, modules) lives as long as the process:
    # keep it out of every later garbage collection, which then only walks per-update objects.
    gc.freeze()
    logger.info("sosbot is running as @%s", application.bot.username)


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    runtime = runtime_in(application.bot_data)
    store, runtime.store = runtime.store, None
    if store is None:
        return
    try:
        await runtime.questions.save(store)
    except StoreError as error:
        logger.error("The question counts since the last save are lost: %s", error)
    finally:
        # An open store keeps aiosqlite's thread, and with it the process, alive.
        await store.close()


def build_application(settings: Settings) -> Application:  # type: ignore[type-arg]
    """The whole bot, ready to poll; raises KnowledgeError if the knowledge cannot be served."""
    if settings.telegram_token is None:
        raise ValueError("a bot token is needed to build the application")
    knowledge = load_knowledge(settings.knowledge_dir, timezone=settings.zone)
    current = CurrentKnowledge(KnowledgeView.build(knowledge, settings.zone))
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .concurrent_updates(PerChatUpdateProcessor(CONCURRENT_UPDATES))
        # Each update in flight may hold a connection, and reminders need one of their own.
        .connection_pool_size(2 * CONCURRENT_UPDATES)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
    )
    if settings.telegram_api_url.endswith("/bot"):
        builder = builder.base_file_url(
            settings.telegram_api_url.removesuffix("/bot") + "/file/bot"
        )
    application = builder.build()
    application.bot_data[RUNTIME_KEY] = Runtime(settings=settings, current=current)
    handlers.register(application)
    return application


def run_polling(settings: Settings) -> None:
    """Poll until SIGINT or SIGTERM, then stop cleanly."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    configure_logging(settings.log_level, secrets=[token])
    application = build_application(settings)
    # Initialised here, on the loop run_polling then uses (it skips initialising again), because
    # run_polling's own start-up logs a rejected token with a traceback before raising.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(application.initialize())
    except InvalidToken:
        loop.close()
        raise TokenRejectedError("the Bot API rejected the token") from None
    application.run_polling(
        allowed_updates=Update.ALL_TYPES,
        stop_signals=(signal.SIGINT, signal.SIGTERM),
    )
