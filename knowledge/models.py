"""The records sosbot answers from, as pydantic models.

Every model is frozen and forbids unknown keys, so a typo in an operator's YAML file is an error
with a line number rather than a silently ignored field.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal, Protocol, TypeVar
from zoneinfo import ZoneInfo

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from knowledge.dates import Period, period_of
from knowledge.records import Record, Translated

logger = logging.getLogger(__name__)

# Where naive times are read when the loader is told no other zone (SOSBOT_TIMEZONE's default).
DEFAULT_TIMEZONE = ZoneInfo("Europe/London")

# Control characters (NUL, escape, bell …) have no place in text people read, and an escape
# sequence could repaint an operator's terminal; tabs and line breaks are ordinary text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _printable(value: str) -> str:
    if found := _CONTROL.search(value):
        raise ValueError(f"contains a control character (U+{ord(found.group()):04X}); remove it")
    return value


Printable = Annotated[str, AfterValidator(_printable)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
# Stripped and measured before the printable check: constraints listed after a validator are not
# applied in order, and a text of spaces would pass as "".
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(_printable)
]

# The years a date may name: wide enough for any record, narrow enough that a period, a
# reminder's lead time or a calendar file's time zone rules never run off datetime's range
# (years 1 to 9999) in any time zone.
FIRST_YEAR, LAST_YEAR = 1900, 2999
_PARTIAL_DATE = re.compile(r"^\d{4}(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?)?$")
# Only the documented datetime form: a day, `T`, hours and minutes, optional seconds (and
# fraction) and an optional offset; fromisoformat alone would also take week dates and
# compact forms such as 20140203T0900.
_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:\d{2})?$"
)
_DATE_FORMS = "expected 2014-02 (a month), 2014-02-03 (a day) or 2014-02-03T09:30:00+00:00"


def _as_text(value: object) -> str:
    """YAML reads `2014` as a number; dates and times are kept as the text the operator wrote."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValueError("expected a date written as text, like 2014-02")
    return value.strip()


def _check_year(value: str) -> str:
    if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise ValueError(f"the year must be from {FIRST_YEAR} to {LAST_YEAR}")
    return value


def _check_partial_date(raw: object) -> str:
    value = _as_text(raw)
    if not _PARTIAL_DATE.match(value):
        raise ValueError("expected a date like 2014, 2014-02 or 2014-02-03")
    if len(value) == 10:
        date.fromisoformat(value)
    return _check_year(value)


def _check_event_time(raw: object) -> str:
    value = _as_text(raw)
    if _PARTIAL_DATE.match(value):
        return _check_partial_date(value)
    if not _DATETIME.match(value):
        raise ValueError(_DATE_FORMS)
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(_DATE_FORMS) from None
    return _check_year(value)


PartialDate = Annotated[str, BeforeValidator(_check_partial_date)]
EventTime = Annotated[str, BeforeValidator(_check_event_time)]


def timezone_of(info: ValidationInfo) -> ZoneInfo:
    """The zone naive times are read in: the validation context's `timezone`, if given."""
    context = info.context if isinstance(info.context, dict) else {}
    zone = context.get("timezone", DEFAULT_TIMEZONE)
    return zone if isinstance(zone, ZoneInfo) else DEFAULT_TIMEZONE


class Stage(StrEnum):
    """Where an authority is on its Signs of Safety journey, as its source describes it."""

    PLANNING = "planning"
    EARLY_IMPLEMENTATION = "early-implementation"
    IMPLEMENTING = "implementing"

    @property
    def label(self) -> str:
        return self.value.replace("-", " ").capitalize()


class Source(Translated):
    id: Slug
    title: Text
    title_cy: Text | None = None
    publisher: Text
    publisher_cy: Text | None = None
    file: Printable | None = Field(None, description="The source's text, relative to the folder")
    url: Printable | None = None
    as_of: PartialDate
    note: Printable | None = None


class Person(Translated):
    name: Text
    role: Text
    role_cy: Text | None = None
    quote: Text = Field(description="The source's own words; they stay in English")


# The kinds of role a question can ask about: "who chairs …", "who is the project manager?".
RoleKind = Literal["chair", "project-lead", "director", "consultant", "social-worker", "manager"]


class Role(Translated):
    """A role the source mentions at a council, and who holds it where it names them."""

    kind: RoleKind
    title: Text
    title_cy: Text | None = None
    holder: Text | None = None
    quote: Text


class Milestone(Translated):
    when: PartialDate
    until: PartialDate | None = None
    when_text: Printable | None = Field(None, description="How the source words a vague date")
    when_text_cy: Printable | None = None
    what: Text
    what_cy: Text | None = None
    quote: Text


class Figure(Translated):
    value: int
    unit: Text | None = Field(None, description="What the value counts, when not `what`: days")
    unit_cy: Text | None = None
    what: Text
    what_cy: Text | None = None
    year: int | None = None
    keywords: tuple[str, ...] = ()
    quote: Text


class Network(Record):
    implementing: int
    training: int
    source: Slug
    as_of: PartialDate
    quote: Text


class Authority(Translated):
    id: Slug
    name: Text
    name_cy: Text | None = None
    council: Printable = Field(description="The council's code in councils.csv, e.g. LIN")
    stage: Stage
    stage_summary: Text
    stage_summary_cy: Text | None = None
    services: tuple[Text, ...] = ()
    services_cy: tuple[Text, ...] | None = None
    trainers: tuple[Person, ...] = ()
    people: tuple[Person, ...] = ()
    roles: tuple[Role, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    figures: tuple[Figure, ...] = ()
    notes: tuple[Text, ...] = ()
    notes_cy: tuple[Text, ...] | None = None
    source: Slug
    as_of: PartialDate


class Event(Translated):
    id: Slug
    title: Text
    title_cy: Text | None = None
    authority: Slug | None = None
    start: EventTime
    end: EventTime | None = None
    location: Printable | None = None
    location_cy: Printable | None = None
    description: Printable | None = None
    description_cy: Printable | None = None
    source: Printable | None = None

    def period(self, timezone: ZoneInfo) -> Period:
        """From the start of `start` to the end of `end` (or of `start` where there is none)."""
        start = period_of(self.start, timezone)
        last = period_of(self.end, timezone) if self.end else start
        return Period(start.start, last.end, start.precision)

    def has_ended(self, now: datetime, timezone: ZoneInfo) -> bool:
        return self.period(timezone).end <= now

    @model_validator(mode="after")
    def _end_not_before_start(self, info: ValidationInfo) -> Event:
        # Naive times are read in the zone the bot will read them in (the loader passes it as
        # the validation context): 10:30 in Tokyo is before 10:00 in London.
        if self.end is not None:
            zone = timezone_of(info)
            if period_of(self.end, zone).start < period_of(self.start, zone).start:
                raise ValueError("end is before start")
        return self


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


RecordT = TypeVar("RecordT", bound=_Identified)


def _unique_ids(records: tuple[RecordT, ...], kind: str) -> tuple[RecordT, ...]:
    """`records`, if no two share an id; else an error naming the repeated ones and where they
    stand (the loader points at the list's line)."""
    places: dict[str, list[int]] = {}
    for number, record in enumerate(records, 1):
        places.setdefault(record.id, []).append(number)
    repeated = [
        f"{id_!r} (entries {', '.join(map(str, at))})" for id_, at in places.items() if len(at) > 1
    ]
    if repeated:
        raise ValueError(f"{kind} ids used twice: {'; '.join(repeated)}")
    return records


class AuthoritiesFile(Record):
    sources: tuple[Source, ...]
    network: Network
    authorities: tuple[Authority, ...]

    @field_validator("authorities")
    @classmethod
    def _authority_ids_unique(cls, value: tuple[Authority, ...]) -> tuple[Authority, ...]:
        return _unique_ids(value, "authority")

    @field_validator("sources")
    @classmethod
    def _source_ids_unique(cls, value: tuple[Source, ...]) -> tuple[Source, ...]:
        return _unique_ids(value, "source")

    @model_validator(mode="after")
    def _sources_known(self) -> AuthoritiesFile:
        known = {s.id for s in self.sources}
        cited = [self.network.source, *(a.source for a in self.authorities)]
        if unknown := sorted(set(cited) - known):
            raise ValueError(f"unknown source: {', '.join(unknown)} (list it under sources:)")
        return self


class EventsFile(Record):
    events: tuple[Event, ...] = ()

    @field_validator("events")
    @classmethod
    def _event_ids_unique(cls, value: tuple[Event, ...]) -> tuple[Event, ...]:
        return _unique_ids(value, "event")


class Council(Record):
    """A UK council from the mySociety and GOV.UK registers (see councils.csv)."""

    code: Printable
    name: Printable
    short_name: Printable
    nation: Printable
    region: Printable
    powers: Printable
    children_services: Printable | None
    current: bool
    replaced_by: tuple[Printable, ...] = ()
    welsh_name: Printable | None = None
    welsh_official_name: Printable | None = None
    variants: tuple[Printable, ...] = ()


def _council_code(value: object) -> object:
    if not isinstance(value, str):
        raise ValueError("expected a council code from councils.csv, like LIN")
    return value


class AliasesFile(Record):
    """Short forms of council names, each mapped to a council code (checked by the loader)."""

    aliases: dict[Text, Annotated[str, BeforeValidator(_council_code)]]
