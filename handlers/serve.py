"""`sosbot serve`: one webhook instance under uvicorn, from start to a clean stop.

Start: the store opened (PostgreSQL migrates under its advisory lock, so instances starting
together do not race), the Application initialised (the token checked) and started, then the
server listens. SIGTERM or SIGINT: /readyz turns 503 and new updates get 503 at once (for
SOSBOT_DRAIN_SECONDS, so that the load balancer's health check sees it and sends elsewhere), a
reminder fan-out stops after the message in flight, then uvicorn stops listening and lets the
updates in hand finish, the leadership is handed over, the store closed; exit status 0.

uvicorn re-raises a signal it caught once it has shut down, so that the process dies of it
(status -15, not 0); this server's signal handlers only ask it to stop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator

import uvicorn
from telegram import Bot
from telegram.error import TelegramError

from bot.errors import CommandError
from bot.logs import configure_logging
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.app import EXIT_USAGE, bot_api_failure, build_application
from handlers.context import SosbotApplication
from handlers.turns import HANDLED_KINDS
from handlers.webhook import Serving, webhook_app

logger = logging.getLogger(__name__)

# After a SIGTERM the process exits within STOP_SECONDS: the drain, then the updates in hand
# get up to GRACEFUL_SECONDS to finish (less if the drain is long), and SHUTDOWN_SECONDS are
# left for handing the leadership over and closing the store.
STOP_SECONDS = 15
GRACEFUL_SECONDS = 10
SHUTDOWN_SECONDS = 2


def graceful_seconds(drain_seconds: float) -> int:
    """How long the updates in hand may take after a drain of `drain_seconds` (whole seconds,
    as uvicorn takes them)."""
    return max(1, min(GRACEFUL_SECONDS, int(STOP_SECONDS - SHUTDOWN_SECONDS - drain_seconds)))


STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class _Server(uvicorn.Server):
    """uvicorn's server whose stop signals drain the instance first and are not re-raised."""

    def __init__(
        self,
        config: uvicorn.Config,
        application: SosbotApplication,
        serving: Serving,
        drain_seconds: float,
    ):
        super().__init__(config)
        self._application = application
        self._serving = serving
        self._drain_seconds = drain_seconds

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        loop = asyncio.get_running_loop()
        for which in STOP_SIGNALS:
            loop.add_signal_handler(which, self._stop, which)
        try:
            yield
        finally:
            for which in STOP_SIGNALS:
                loop.remove_signal_handler(which)

    def _stop(self, which: signal.Signals) -> None:
        if self._serving.draining:
            # A second signal: stop now, without waiting for the updates in hand.
            self.should_exit = self.force_exit = True
            return
        logger.info("%s: draining, then stopping", which.name)
        self._serving.draining = True
        self._application.bot_data.runtime.delivery.halted = True
        asyncio.get_running_loop().call_later(self._drain_seconds, self._stop_listening)

    def _stop_listening(self) -> None:
        self.should_exit = True


@contextlib.contextmanager
def _token_errors(token: str) -> Iterator[None]:
    try:
        yield
    except TelegramError as error:
        raise bot_api_failure(error, token) from None


async def serve_webhook(settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT. Raises UnusableDatabaseError, KnowledgeError or
    TokenRejectedError before listening."""
    if settings.webhook_secret is None:
        raise CommandError("sosbot serve needs SOSBOT_WEBHOOK_SECRET", EXIT_USAGE)
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    runtime = await Runtime.open(settings)
    try:
        application = build_application(runtime, webhook=True)
        with _token_errors(token):
            await application.initialize()
    except BaseException:
        await runtime.close()
        raise
    serving = Serving()
    host, port = settings.listen_address
    config = uvicorn.Config(
        webhook_app(application, settings.webhook_secret.get_secret_value(), serving),
        host=host,
        port=port,
        lifespan="off",
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=graceful_seconds(settings.drain_seconds),
    )
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await application.start()
        await _Server(config, application, serving, settings.drain_seconds).serve()
    finally:
        serving.draining = True
        runtime.delivery.halted = True
        if application.running:
            await application.stop()
        try:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
        finally:
            await application.shutdown()
    logger.info("sosbot serve stopped")


def run_webhook(settings: Settings) -> None:
    configure_logging(settings.log_level, secrets=settings.secrets)
    asyncio.run(serve_webhook(settings))


async def configure_webhook(settings: Settings, *, delete: bool) -> str:
    """setWebhook with the settings (never dropping the updates Telegram holds), or, with
    `delete`, deleteWebhook; what was done, in a line. Raises CommandError without a token, a
    URL or a secret, and TokenRejectedError."""
    if settings.telegram_token is None:
        raise CommandError("sosbot set-webhook needs SOSBOT_TELEGRAM_TOKEN", EXIT_USAGE)
    token = settings.telegram_token.get_secret_value()
    bot = Bot(token, base_url=settings.telegram_api_url)
    with _token_errors(token):
        async with bot:
            if delete:
                await bot.delete_webhook(drop_pending_updates=False)
                return "Webhook deleted: `sosbot run` (polling) can take the updates now."
            if settings.webhook_url is None or settings.webhook_secret is None:
                raise CommandError(
                    "sosbot set-webhook needs SOSBOT_WEBHOOK_URL and SOSBOT_WEBHOOK_SECRET",
                    EXIT_USAGE,
                )
            await bot.set_webhook(
                url=settings.webhook_url,
                secret_token=settings.webhook_secret.get_secret_value(),
                allowed_updates=list(HANDLED_KINDS),
                max_connections=settings.webhook_max_connections,
                drop_pending_updates=False,
            )
    return (
        f"Webhook set: Telegram posts {', '.join(HANDLED_KINDS)} updates to "
        f"{settings.webhook_url}, up to {settings.webhook_max_connections} at once."
    )


def set_webhook(settings: Settings, *, delete: bool) -> str:
    configure_logging("WARNING", secrets=settings.secrets)
    return asyncio.run(configure_webhook(settings, delete=delete))
