"""Settings: reading the reminder lead times and the database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import PostgresUrl, Settings, parse_lead_times

WEEK = timedelta(days=7)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d,1d", (WEEK, DAY)),
        ("1d,7d", (WEEK, DAY)),
        (" 7 d , 1D ", (WEEK, DAY)),
        ("2h", (timedelta(hours=2),)),
        ("90m,30s", (timedelta(minutes=90), timedelta(seconds=30))),
        ("1d,12h,15m", (DAY, timedelta(hours=12), timedelta(minutes=15))),
    ],
)
def test_lead_times_are_read_longest_first(text: str, expected: tuple[timedelta, ...]) -> None:
    assert parse_lead_times(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "unit"),
        ("7", "unit"),
        ("d", "unit"),
        ("2w", "unit"),
        ("1.5d", "unit"),
        ("-1d", "unit"),
        ("7d,,1d", "unit"),
        ("0h", "zero"),
        ("0d,1d", "zero"),
        ("1d,24h", "twice"),
        ("367d", "366 days"),
        ("8809h", "366 days"),
        ("99999999999d", "366 days"),
        ("7d,99999999999999999999999999s", "366 days"),
    ],
)
def test_bad_lead_times_are_refused_with_the_reason(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_lead_times(text)


# The database: an SQLite file, or a PostgreSQL URL whose password is never shown


def test_the_database_is_an_sqlite_file_unless_given_as_a_postgresql_url(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert Settings().database == Path("sosbot.sqlite3")
    monkeypatch.setenv("SOSBOT_DATABASE", "/var/lib/sosbot/bot.sqlite3")
    assert Settings().database == Path("/var/lib/sosbot/bot.sqlite3")


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://sosbot:s3cret@db.example:5432/sosbot",
        "postgres://sosbot:s3cret@db.example/sosbot",
        "POSTGRESQL://sosbot:s3cret@10.0.0.5:6432/sosbot?sslmode=require",
    ],
)
def test_a_postgresql_url_is_kept_secret_and_shown_without_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.setenv("SOSBOT_DATABASE", url)
    settings = Settings()
    assert isinstance(settings.database, PostgresUrl)
    assert settings.database.url.get_secret_value() == url
    shown = f"{settings.database} {settings.database!r} {settings!r}"
    assert "s3cret" not in shown
    assert "sosbot@" in str(settings.database)
    assert "sslmode" not in str(settings.database)


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://sosbot:s3cret@db.example:port/sosbot", "not a valid PostgreSQL URL"),
        ("postgresql://sosbot:s3cret@db.example:5432", "expected postgresql://"),
        ("postgresql://sosbot:s3cret@db.example:5432/", "expected postgresql://"),
    ],
)
def test_a_bad_postgresql_url_is_refused_without_repeating_it(
    monkeypatch: pytest.MonkeyPatch, url: str, problem: str
) -> None:
    monkeypatch.setenv("SOSBOT_DATABASE", url)
    with pytest.raises(ValidationError, match=problem) as refused:
        Settings()
    assert "s3cret" not in str(refused.value)


def test_a_password_is_taken_out_of_a_drivers_message_as_written_and_decoded() -> None:
    database = PostgresUrl.parse("postgresql://bot:p%40ss@db.example/sosbot")
    assert database.redact("auth failed: p@ss / p%40ss") == "auth failed: *** / ***"
