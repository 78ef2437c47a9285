"""Log lines never carry the bot token."""

from __future__ import annotations

import logging

import pytest

from bot.logs import REDACTED, RedactingFilter
from bot.settings import Settings

TOKEN = "123456:SECRET-token"


@pytest.fixture
def captured() -> list[str]:
    return []


@pytest.fixture
def logger(captured: list[str]) -> logging.Logger:
    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append(self.format(record))

    handler = Collect()
    handler.addFilter(RedactingFilter([TOKEN]))
    test_logger = logging.getLogger("tests.redaction")
    test_logger.handlers = [handler]
    test_logger.setLevel(logging.DEBUG)
    test_logger.propagate = False
    return test_logger


def test_a_url_with_the_token_is_logged_redacted(
    logger: logging.Logger, captured: list[str]
) -> None:
    logger.debug("POST %s", f"https://api.telegram.org/bot{TOKEN}/getUpdates")
    assert captured == [f"POST https://api.telegram.org/bot{REDACTED}/getUpdates"]


def test_a_traceback_with_the_token_is_logged_redacted(
    logger: logging.Logger, captured: list[str]
) -> None:
    try:
        raise RuntimeError(f"failed to reach /bot{TOKEN}/sendMessage")
    except RuntimeError:
        logger.exception("Request failed")
    [line] = captured
    assert TOKEN not in line
    assert REDACTED in line


def test_lines_without_the_token_pass_unchanged(
    logger: logging.Logger, captured: list[str]
) -> None:
    logger.info("Sent %d reminders", 3)
    assert captured == ["Sent 3 reminders"]


def test_the_settings_secrets_are_the_token_the_webhook_secret_and_the_database_password() -> None:
    settings = Settings(
        telegram_token=TOKEN,
        webhook_secret="hook-secret_1",
        database="postgresql://sosbot:p%40ss%2Fword@db.example.org:5432/sosbot",
    )
    assert sorted(settings.secrets) == sorted(
        [TOKEN, "hook-secret_1", "p%40ss%2Fword", "p@ss/word"]
    )
    assert Settings(database="bot.sqlite3").secrets == []
