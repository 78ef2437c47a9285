"""sosbot's settings: one pydantic-settings class, read once at start and passed down.

Each comes from an environment variable with the prefix SOSBOT_ or from a `.env` file in the
working folder; `.env.example` lists them all with what they mean. Nothing else in the program
reads the environment.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from knowledge.loader import DEFAULT_DIRECTORY

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://api.telegram.org/bot"

_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_LEAD = re.compile(r"^(\d+)\s*([smhd])$")
# A reminder more than a year ahead is a typo, and a big enough number overflows timedelta.
MAX_LEAD = timedelta(days=366)
# What Telegram accepts as a webhook's secret_token (setWebhook): 1-256 of these.
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
# host:port, the host a name, an IPv4 address or a bracketed IPv6 one.
_LISTEN = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(?P<port>[0-9]{1,5})")


def parse_lead_times(text: str) -> tuple[timedelta, ...]:
    """`"7d, 1d"` → (7 days, 1 day): comma-separated amounts with a unit (s, m, h, d), longest
    first."""
    leads: list[timedelta] = []
    for part in text.split(","):
        item = part.strip().lower()
        match = _LEAD.match(item)
        if match is None:
            raise ValueError(
                f"lead time {part.strip()!r} is not a whole number with a unit s, m, h or d, "
                "as in 7d,1d or 2h"
            )
        # Compared as a whole number of seconds before a timedelta is made: any size compares.
        seconds = int(match[1]) * _UNIT_SECONDS[match[2]]
        if seconds > MAX_LEAD.total_seconds():
            raise ValueError(f"lead time {part.strip()!r} is more than 366 days")
        lead = timedelta(seconds=seconds)
        if not lead:
            raise ValueError(f"lead time {part.strip()!r} is zero: reminders come before events")
        if lead in leads:
            raise ValueError(f"lead time {part.strip()!r} is given twice")
        leads.append(lead)
    return tuple(sorted(leads, reverse=True))


POSTGRES_SCHEMES = frozenset({"postgresql", "postgres"})


class PostgresUrl(BaseModel):
    """A PostgreSQL database's URL, `postgresql://user:password@host:port/dbname`. The URL
    itself (which may hold a password) is a secret: `str()` gives it without the password or
    query, for logs and messages."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    url: SecretStr

    @classmethod
    def parse(cls, url: str) -> PostgresUrl:
        """Raises ValueError, saying why without repeating the URL."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018  (raises ValueError on a port that is not a number)
        except ValueError:
            raise ValueError(
                "not a valid PostgreSQL URL (postgresql://user:pass@host:port/db)"
            ) from None
        if parts.scheme.lower() not in POSTGRES_SCHEMES or not parts.path.strip("/"):
            raise ValueError("expected postgresql://user:pass@host:port/dbname")
        return cls(url=SecretStr(url))

    def __str__(self) -> str:
        parts = urlsplit(self.url.get_secret_value())
        user = f"{parts.username}@" if parts.username else ""
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{user}{host}{port}{parts.path}"

    @property
    def passwords(self) -> list[str]:
        """The password as written in the URL and decoded (none without one)."""
        password = urlsplit(self.url.get_secret_value()).password
        return [password, unquote(password)] if password else []

    def redact(self, text: str) -> str:
        """`text` without the password, in case a driver's message quotes it."""
        for secret in self.passwords:
            text = text.replace(secret, "***")
        return text


def database_location(text: str) -> Path | PostgresUrl:
    """A database as SOSBOT_DATABASE names it: a postgresql:// (or postgres://) URL, or else an
    SQLite file's path. Raises ValueError on a PostgreSQL URL that is not one."""
    if text.split(":", 1)[0].lower() in POSTGRES_SCHEMES:
        return PostgresUrl.parse(text)
    return Path(text)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SOSBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        # A bad token or database URL is never repeated in an error: both may hold a secret.
        hide_input_in_errors=True,
    )

    telegram_token: SecretStr | None = Field(
        None, description="The bot's token from @BotFather; `sosbot run` needs it"
    )
    telegram_api_url: str = Field(
        DEFAULT_API_URL, description="Bot API base URL: a local Bot API server or a test server"
    )
    admin_ids: Annotated[tuple[int, ...], NoDecode] = Field(
        (), description="Telegram user ids allowed the admin commands, comma-separated"
    )
    knowledge_dir: Path = Field(DEFAULT_DIRECTORY, description="Folder of the knowledge files")
    database: Path | PostgresUrl = Field(
        Path("sosbot.sqlite3"),
        description="SQLite file, or a postgresql://user:pass@host:port/dbname URL",
    )
    timezone: str = Field("Europe/London", description="Time zone for dates shown and naive times")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    reminder_lead_times: Annotated[tuple[timedelta, ...], NoDecode] = Field(
        (timedelta(days=7), timedelta(days=1)),
        description="How long before events reminders go out, e.g. 7d,1d (s, m, h, d; up to 366d)",
    )
    reminder_check_seconds: float = Field(60.0, gt=0, description="How often reminders are due")
    log_unanswered: bool = Field(
        False, description="Keep questions the engine could not answer, without any user id"
    )
    # Webhook mode (`sosbot serve`, `sosbot set-webhook`).
    listen: str = Field(
        "127.0.0.1:8080", description="host:port `sosbot serve` listens on, behind the proxy"
    )
    webhook_secret: SecretStr | None = Field(
        None, description="Sent back by Telegram with every update: 1-256 of A-Z a-z 0-9 _ -"
    )
    webhook_url: str | None = Field(
        None, description="The public https URL Telegram posts updates to (`set-webhook`)"
    )
    webhook_max_connections: int = Field(
        40, ge=1, le=100, description="Updates Telegram posts at once (`set-webhook`)"
    )
    drain_seconds: float = Field(
        2.0,
        ge=0,
        le=5,
        description="After SIGTERM, how long `serve` answers 503 before it stops listening",
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated_ids(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(int(part) for part in value.replace(" ", "").split(",") if part)
        if isinstance(value, int):
            return (value,)
        return value

    @field_validator("database", mode="before")
    @classmethod
    def _database(cls, value: object) -> object:
        return database_location(value) if isinstance(value, str) else value

    @field_validator("reminder_lead_times", mode="before")
    @classmethod
    def _lead_times(cls, value: object) -> object:
        return parse_lead_times(value) if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}, e.g. Europe/London") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("expected DEBUG, INFO, WARNING or ERROR")
        return level

    @field_validator("listen")
    @classmethod
    def _host_and_port(cls, value: str) -> str:
        match = _LISTEN.fullmatch(value)
        if match is None or not 0 < int(match["port"]) < 65536:
            raise ValueError("expected host:port, e.g. 127.0.0.1:8080")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _usable_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("expected 1 to 256 of A-Z, a-z, 0-9, _ and -")
        return value

    @property
    def listen_address(self) -> tuple[str, int]:
        """SOSBOT_LISTEN as (host, port), the brackets of an IPv6 host taken off."""
        host, _, port = self.listen.rpartition(":")
        return host.strip("[]"), int(port)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def secrets(self) -> list[str]:
        """What no log line may show: the token, the webhook secret and the database's
        password, as written in the URL and decoded."""
        found = [
            secret.get_secret_value()
            for secret in (self.telegram_token, self.webhook_secret)
            if secret is not None
        ]
        if isinstance(self.database, PostgresUrl):
            found += self.database.passwords
        return [secret for secret in found if secret]
