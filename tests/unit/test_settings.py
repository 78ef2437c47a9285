"""Settings: reading the reminder lead times."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import parse_lead_times

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
