"""Dates as the records write them (`2014`, `2014-02`, `2014-02-03`, or a time): the span each
stands for, and how it is said."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

logger = logging.getLogger(__name__)

Precision = Literal["year", "month", "day", "time"]


@dataclass(frozen=True, slots=True)
class Period:
    """The span of time a partial date or datetime stands for: `2014-02` is all of February."""

    start: datetime
    end: datetime
    precision: Precision


# Records repeat a few hundred dates, and every question about events orders them all: each is
# read once. (Periods are immutable; the bound keeps a reload's new dates from piling up.)
@lru_cache(maxsize=4096)
def period_of(value: str, timezone: ZoneInfo) -> Period:
    """The span `value` (an EventTime or PartialDate) covers; in `timezone` unless it has an
    offset."""
    if len(value) == 4:
        year = int(value)
        start = datetime(year, 1, 1, tzinfo=timezone)
        return Period(start, datetime(year + 1, 1, 1, tzinfo=timezone), "year")
    if len(value) == 7:
        year, month = int(value[:4]), int(value[5:])
        start = datetime(year, month, 1, tzinfo=timezone)
        end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=timezone)
        return Period(start, end, "month")
    if len(value) == 10:
        start = datetime.combine(date.fromisoformat(value), time(), tzinfo=timezone)
        return Period(start, start + timedelta(days=1), "day")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone)
    return Period(moment, moment, "time")


def describe_date(value: str, timezone: ZoneInfo) -> str:
    """`2014-02` → "February 2014", `2014-02-03` → "3 February 2014", times with their hour."""
    span = period_of(value, timezone)
    match span.precision:
        case "year":
            return value
        case "month":
            return span.start.strftime("%B %Y")
        case "day":
            return f"{span.start.day} {span.start:%B %Y}"
        case "time":
            local = span.start.astimezone(timezone)
            return f"{local.day} {local:%B %Y, %H:%M} ({local.tzname()})"
