"""Record texts in Welsh: each one's Welsh where the knowledge files give it, and which texts
have none yet.

A record text `x` may have a Welsh sibling `x_cy` (see `Translated` in knowledge.models). The
reply layer asks for the Welsh and shows the English, with its own note, where there is none;
`sosbot check` lists the texts still without Welsh, as information for the operator.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from knowledge.base import Knowledge
from knowledge.files import describe, line_of, parse_yaml
from knowledge.loader import AUTHORITIES_FILE, EVENTS_FILE
from knowledge.records import WELSH_SUFFIX, Translated

logger = logging.getLogger(__name__)

# The record texts with a Welsh sibling, by the English field's name; a name no record has is a
# type error under mypy, and a record without that field a ValueError when asked.
TextField = Literal[
    "name",
    "stage_summary",
    "role",
    "title",
    "publisher",
    "when_text",
    "what",
    "unit",
    "location",
    "description",
]
ListField = Literal["services", "notes"]


def _sibling(record: Translated, field: str) -> object:
    # Asked for every record text a Welsh reply says: the attribute itself is read, not the
    # class's field table, which pydantic reaches through two layers of descriptors each time.
    try:
        return getattr(record, field + WELSH_SUFFIX)
    except AttributeError:
        raise ValueError(f"{type(record).__name__} has no Welsh text for {field!r}") from None


def welsh_or_none(record: Translated, field: TextField) -> str | None:
    """The Welsh of `record`'s `field` (`what` of a milestone, say), or None where the files give
    none: then the English is what there is."""
    value = _sibling(record, field)
    return value if isinstance(value, str) else None


def welsh_items_or_none(record: Translated, field: ListField) -> tuple[str, ...] | None:
    """The Welsh of a list of texts (an authority's `services` or `notes`), one for each English
    item and in its order, or None where the files give none."""
    value = _sibling(record, field)
    return value if isinstance(value, tuple) else None


Location = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class MissingWelsh:
    """A record text without its Welsh: the file it is in, the record's place in that file (as a
    validation error names it: `("authorities", 2, "milestones", 0)`) and the English field."""

    file: str
    record: Location
    field: str

    @property
    def location(self) -> Location:
        return (*self.record, self.field)

    def __str__(self) -> str:
        return f"{describe(self.location)}: no Welsh yet (add {self.field}{WELSH_SUFFIX})"


def _missing_in(record: BaseModel, at: Location) -> Iterator[tuple[Location, str]]:
    """Each text of `record`, and of the records inside it, that is given but has no Welsh."""
    fields = type(record).model_fields
    for name in fields:
        value = getattr(record, name)
        if name + WELSH_SUFFIX in fields:
            if value and getattr(record, name + WELSH_SUFFIX) is None:
                yield at, name
        elif isinstance(value, BaseModel):
            yield from _missing_in(value, (*at, name))
        elif isinstance(value, tuple):
            for index, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _missing_in(item, (*at, name, index))


def missing_welsh(knowledge: Knowledge) -> tuple[MissingWelsh, ...]:
    """Every record text without its Welsh, in file order: the authorities file, then events."""
    places: list[tuple[str, Location, BaseModel]] = [
        *((AUTHORITIES_FILE, ("sources", i), s) for i, s in enumerate(knowledge.sources.values())),
        (AUTHORITIES_FILE, ("network",), knowledge.network),
        *((AUTHORITIES_FILE, ("authorities", i), a) for i, a in enumerate(knowledge.authorities)),
        *((EVENTS_FILE, ("events", i), e) for i, e in enumerate(knowledge.events)),
    ]
    return tuple(
        MissingWelsh(file, location, field)
        for file, at, record in places
        for location, field in _missing_in(record, at)
    )


def missing_welsh_lines(folder: Path, missing: tuple[MissingWelsh, ...]) -> tuple[str, ...]:
    """Each text without Welsh as `path:line: where: no Welsh yet (add x_cy)`, the line being
    the English field's. `folder` must be the one `missing` was found in, already loaded."""
    nodes = {file: parse_yaml(folder / file)[1] for file in {m.file for m in missing}}
    lines = []
    for item in missing:
        line = line_of(nodes[item.file], item.location)
        where = f"{folder / item.file}:{line}" if line is not None else f"{folder / item.file}"
        lines.append(f"{where}: {item}")
    return tuple(lines)
