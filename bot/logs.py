"""Logging set-up, with the bot token kept out of every line.

httpx and python-telegram-bot log request URLs, and a Bot API URL contains the token. httpx is
raised to WARNING as in python-telegram-bot's examples, and a filter on the root handlers
redacts the token from anything that still carries it, at any level.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

logger = logging.getLogger(__name__)

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "[token redacted]"


class RedactingFilter(logging.Filter):
    """Replaces each secret in a record's formatted message (and its traceback text)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = tuple(secret for secret in secrets if secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        for secret in self._secrets:
            message = message.replace(secret, REDACTED)
            if record.exc_text:
                record.exc_text = record.exc_text.replace(secret, REDACTED)
        record.msg, record.args = message, None
        return True


def configure_logging(level: str, secrets: Iterable[str] = ()) -> None:
    """Root logging to stderr at `level`; httpx at WARNING, the libraries that would print
    message text or ids at INFO; `secrets` never printed."""
    logging.basicConfig(format=LOG_FORMAT, level=level, force=True)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # At DEBUG python-telegram-bot and httpcore log whole updates and requests, and aiosqlite
    # every statement with its parameters: message text beside chat and user ids. filelock's
    # and bm25s's DEBUG lines are only noise. sosbot's own DEBUG lines hold none of these.
    for name in ("telegram", "httpcore", "aiosqlite", "filelock", "bm25s", "psycopg"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLevelName(level)))
    # psycopg's pool says at INFO each time it lends or takes back a connection.
    logging.getLogger("psycopg.pool").setLevel(logging.WARNING)
    redactor = RedactingFilter(secrets)
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
