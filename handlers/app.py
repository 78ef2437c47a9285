"""The composition root: builds the python-telegram-bot Application around a Runtime and runs it.

Everything the bot needs is made once, before any handler runs: settings are read by the
caller, `Runtime.open` opens the store and loads the knowledge, and the handlers are registered
in one place (handlers.register). The store is closed in post_shutdown. Besides handlers/, this
is the only module that imports telegram.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from functools import partial

from telegram import Bot, BotCommand
from telegram.error import InvalidToken, TelegramError
from telegram.ext import ApplicationBuilder, JobQueue
from telegram.request import BaseRequest, HTTPXRequest

import handlers
from bot.commands import Command, menu_commands
from bot.errors import CommandError, TokenRejectedError
from bot.languages import Language
from bot.logs import REDACTED, configure_logging
from bot.runtime import Runtime
from bot.settings import Settings
from bot.translations import Texts, texts_for
from handlers.context import SosbotApplication, SosbotContext, context_types
from handlers.metered import MeteredRequest
from handlers.reminders import start_reminders
from handlers.turns import HANDLED_KINDS, handle_in_turn
from handlers.updates import PerChatUpdateProcessor

logger = logging.getLogger(__name__)

# Updates of different chats handled at once (handlers.updates keeps each chat's in order).
# A few suffice to keep the network busy; many more only add overhead.
CONCURRENT_UPDATES = 4
# The exit status of a command used wrongly, as the command line's.
EXIT_USAGE = 2


def menu_entry(command: Command, texts: Texts) -> BotCommand:
    """The command's line in Telegram's menu, as "Upcoming events, …: /events [NAME]"."""
    description = texts._(command.description)
    text = description[:1].upper() + description[1:]
    return BotCommand(
        command.name, f"{text}: {command.said_syntax(texts)}" if command.usage else text
    )


async def set_menus(bot: Bot) -> None:
    """Telegram's command menu: English for everyone, and Welsh for Telegram apps in Welsh."""
    for language in Language:
        entries = [menu_entry(c, texts_for(language)) for c in menu_commands()]
        code = None if language is Language.ENGLISH else language.value
        await bot.set_my_commands(entries, language_code=code)


async def _post_shutdown(application: SosbotApplication) -> None:
    shared = application.bot_data
    try:
        async with shared.delivery_lock:
            await shared.leader.release()
    finally:
        await shared.runtime.close()


def build_application(
    runtime: Runtime, request: BaseRequest | None = None, *, webhook: bool = False
) -> SosbotApplication:
    """The whole bot around an open runtime: ready to poll, or with `webhook` to be given
    updates (no updater; python-telegram-bot's customwebhookbot example). `request`: the HTTP
    client for the Bot API (tests pass one that answers in process); by default
    python-telegram-bot's."""
    settings = runtime.settings
    if settings.telegram_token is None:
        raise CommandError("sosbot needs a bot token (SOSBOT_TELEGRAM_TOKEN)", EXIT_USAGE)
    jobs: JobQueue[SosbotContext] = JobQueue()
    processor = PerChatUpdateProcessor(CONCURRENT_UPDATES)

    async def post_init(application: SosbotApplication) -> None:
        await set_menus(application.bot)
        start_reminders(application, jobs)
        # What start-up built (knowledge, council index, modules) lives as long as the process:
        # keep it out of every later garbage collection, which then only walks per-update objects.
        gc.freeze()
        logger.info("sosbot is running as @%s", application.bot.username)

    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .context_types(context_types(runtime))
        .job_queue(jobs)
        .concurrent_updates(processor)
        .post_init(post_init)
        .post_shutdown(_post_shutdown)
    )
    if webhook:
        builder = builder.updater(None)
    if request is None:
        # Each update in flight may hold a connection (a webhook's are as many as Telegram
        # sends at once), and reminders and sends beside the updates need some of their own.
        in_flight = settings.webhook_max_connections if webhook else CONCURRENT_UPDATES
        request = HTTPXRequest(connection_pool_size=in_flight + 3 * CONCURRENT_UPDATES)
    elif not webhook:
        builder = builder.get_updates_request(request)
    builder = builder.request(MeteredRequest(request, runtime.metrics))
    if settings.telegram_api_url.endswith("/bot"):
        builder = builder.base_file_url(
            settings.telegram_api_url.removesuffix("/bot") + "/file/bot"
        )
    application = builder.build()
    processor.turn = partial(handle_in_turn, application, claimed=False)
    handlers.register(application)
    return application


async def _refuse_if_webhook_set(bot: Bot) -> None:
    """Raises CommandError while a webhook is set: python-telegram-bot's polling would delete it
    without a word, and so take every update from the `sosbot serve` instances it points at."""
    webhook = await bot.get_webhook_info()
    if webhook.url:
        raise CommandError(
            f"sosbot run: a webhook is set ({webhook.url}): Telegram sends the updates there, "
            "to `sosbot serve`. To poll instead, run `sosbot set-webhook --delete` first.",
            1,
        )


def bot_api_failure(error: TelegramError, token: str) -> TokenRejectedError | CommandError:
    """What a Bot API error at start-up tells the operator: the token refused, or the Bot API
    out of reach (the token taken out of the error's text, which may quote the request's URL).
    Raised `from None`: python-telegram-bot's errors print the token."""
    if isinstance(error, InvalidToken):
        return TokenRejectedError("the Bot API rejected the token")
    reason = str(error).replace(token, REDACTED) if token else str(error)
    return CommandError(f"sosbot: cannot reach the Bot API: {reason}", 1)


def run_polling(settings: Settings) -> None:
    """Poll until SIGINT or SIGTERM, then stop cleanly. Raises UnusableDatabaseError,
    KnowledgeError or TokenRejectedError, each before anything is sent."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    configure_logging(settings.log_level, secrets=settings.secrets)
    # The runtime is opened, and the application initialised, on the loop run_polling then uses
    # (it skips initialising again): the store's connection belongs to it, and run_polling's own
    # start-up logs a rejected token with a traceback before raising.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        runtime = loop.run_until_complete(Runtime.open(settings))
    except BaseException:
        loop.close()
        raise
    application: SosbotApplication | None = None
    try:
        application = build_application(runtime)
        loop.run_until_complete(application.initialize())
        loop.run_until_complete(_refuse_if_webhook_set(application.bot))
    except BaseException as error:
        if application is not None:
            loop.run_until_complete(application.shutdown())
        # An open store keeps aiosqlite's thread, and with it the process, alive.
        loop.run_until_complete(runtime.close())
        loop.close()
        if isinstance(error, TelegramError):
            raise bot_api_failure(error, token) from None
        raise
    application.run_polling(
        # Only the kinds it handles, as set-webhook asks of a webhook.
        allowed_updates=list(HANDLED_KINDS),
        stop_signals=(signal.SIGINT, signal.SIGTERM),
    )
