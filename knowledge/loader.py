"""Reading a knowledge folder: YAML and CSV files into validated, frozen records.

Operators edit these files by hand, so every problem is reported as `path:line: what is wrong`,
all of them at once, and nothing half-valid is ever served.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

import yaml
from pydantic import ValidationError

from knowledge.base import Knowledge
from knowledge.errors import KnowledgeError, Problem
from knowledge.files import explain, line_of, parse_yaml, read_text, validate
from knowledge.models import (
    DEFAULT_TIMEZONE,
    AliasesFile,
    AuthoritiesFile,
    Council,
    EventsFile,
    Source,
)

logger = logging.getLogger(__name__)

DEFAULT_DIRECTORY = Path(__file__).parent / "data"
AUTHORITIES_FILE = "authorities.yaml"
EVENTS_FILE = "events.yaml"
ALIASES_FILE = "aliases.yaml"
COUNCILS_FILE = "councils.csv"
TOWNS_FILE = "towns.csv"

ResultT = TypeVar("ResultT")


COUNCIL_COLUMNS = (
    "code",
    "name",
    "short_name",
    "nation",
    "region",
    "powers",
    "children_services",
    "current",
    "replaced_by",
    "welsh_name",
    "welsh_official_name",
    "variants",
)

TOWN_COLUMNS = ("town", "council")


def _csv_rows(
    path: Path, columns: tuple[str, ...], problems: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of a CSV file as its line and its cells by column; a row of the wrong width
    is added to `problems`, and so is a file that stops being CSV (past which nothing is read)."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""))
    try:
        header = next(reader, [])
        if missing := [column for column in columns if column not in header]:
            raise KnowledgeError([Problem(path, 1, f"missing columns: {', '.join(missing)}")])
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(header):
                message = f"expected {len(header)} columns, found {len(cells)}"
                problems.append(Problem(path, reader.line_num, message))
                continue
            yield reader.line_num, dict(zip(header, cells, strict=True))
    except csv.Error as error:
        # Past a malformed row (a field over csv's size limit, say) the rest cannot be trusted.
        problems.append(Problem(path, reader.line_num, f"not valid CSV: {error}"))


def _read_councils(path: Path) -> dict[str, Council]:
    councils: dict[str, Council] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    for line, row in _csv_rows(path, COUNCIL_COLUMNS, problems):
        try:
            council = Council(
                code=row["code"],
                name=row["name"],
                short_name=row["short_name"],
                nation=row["nation"],
                region=row["region"],
                powers=row["powers"],
                children_services=row["children_services"] or None,
                current=row["current"] == "true",
                replaced_by=_split(row["replaced_by"]),
                welsh_name=row["welsh_name"] or None,
                welsh_official_name=row["welsh_official_name"] or None,
                variants=_split(row["variants"]),
            )
        except ValidationError as error:
            problems.append(Problem(path, line, explain(error.errors()[0])[1]))
            continue
        if (first := lines.get(council.code)) is not None:
            problems.append(Problem(path, line, f"code {council.code} is on line {first} already"))
            continue
        lines[council.code] = line
        councils[council.code] = council
    if problems:
        raise KnowledgeError(problems)
    return councils


def _read_towns(path: Path, councils: Mapping[str, Council]) -> dict[str, tuple[str, ...]]:
    """Towns by name, each with the codes of the councils that hold a town of that name."""
    towns: dict[str, tuple[str, ...]] = {}
    lines: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    for line, row in _csv_rows(path, TOWN_COLUMNS, problems):
        town, code = row["town"].strip(), row["council"].strip()
        if not town or not town.isprintable():
            problems.append(Problem(path, line, f"town {town!r} must be printable text"))
        elif code not in councils:
            problems.append(Problem(path, line, f"{town}: unknown council code {code!r}"))
        elif (first := lines.get((town, code))) is not None:
            problems.append(Problem(path, line, f"{town}, {code} is on line {first} already"))
        else:
            lines[town, code] = line
            towns[town] = (*towns.get(town, ()), code)
    if problems:
        raise KnowledgeError(problems)
    return towns


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split("|") if part)


def _read_aliases(path: Path, councils: dict[str, Council], timezone: ZoneInfo) -> dict[str, str]:
    records, node = validate(AliasesFile, path, timezone)
    problems = [
        Problem(path, line_of(node, ["aliases", alias]), f"{alias}: unknown council code {code!r}")
        for alias, code in records.aliases.items()
        if code not in councils
    ]
    if problems:
        raise KnowledgeError(problems)
    return dict(records.aliases)


def _cross_check(
    authorities: tuple[AuthoritiesFile, yaml.Node | None],
    events: tuple[EventsFile, yaml.Node | None],
    councils: dict[str, Council],
    folder: Path,
) -> Iterator[Problem]:
    """What no single file can check: codes and ids that refer to another file."""
    records, node = authorities
    known = {authority.id for authority in records.authorities}
    for index, authority in enumerate(records.authorities):
        if authority.council not in councils:
            yield Problem(
                folder / AUTHORITIES_FILE,
                line_of(node, ["authorities", index, "council"]),
                f"{authority.id}: unknown council code {authority.council!r} (see {COUNCILS_FILE})",
            )
    event_records, event_node = events
    for index, event in enumerate(event_records.events):
        if event.authority is not None and event.authority not in known:
            yield Problem(
                folder / EVENTS_FILE,
                line_of(event_node, ["events", index, "authority"]),
                f"{event.id}: unknown authority {event.authority!r} "
                f"(one of: {', '.join(sorted(known))})",
            )


def _collect(read: Callable[[], ResultT], problems: list[Problem]) -> ResultT | None:
    """What `read` returns, or None with its problems added: one file's faults do not hide
    another's."""
    try:
        return read()
    except KnowledgeError as error:
        problems.extend(error.problems)
        return None


def load_knowledge(
    folder: Path = DEFAULT_DIRECTORY, *, timezone: ZoneInfo = DEFAULT_TIMEZONE
) -> Knowledge:
    """Read and validate a knowledge folder; raise KnowledgeError listing every fault found.

    Naive times in the files are read in `timezone` (the bot's SOSBOT_TIMEZONE)."""
    problems: list[Problem] = []
    authorities = _collect(
        lambda: validate(AuthoritiesFile, folder / AUTHORITIES_FILE, timezone), problems
    )
    events = _collect(lambda: validate(EventsFile, folder / EVENTS_FILE, timezone), problems)
    councils = _collect(lambda: _read_councils(folder / COUNCILS_FILE), problems)
    if problems or authorities is None or events is None or councils is None:
        raise KnowledgeError(problems)
    aliases = _read_aliases(folder / ALIASES_FILE, councils, timezone)
    towns = _read_towns(folder / TOWNS_FILE, councils)
    if cross_problems := list(_cross_check(authorities, events, councils, folder)):
        raise KnowledgeError(cross_problems)
    records, event_records = authorities[0], events[0]
    logger.info(
        "Loaded %d authorities, %d events, %d councils and %d towns from %s",
        len(records.authorities),
        len(event_records.events),
        len(councils),
        len(towns),
        folder,
    )
    return Knowledge(
        sources={source.id: source for source in records.sources},
        network=records.network,
        authorities=records.authorities,
        events=event_records.events,
        councils=councils,
        aliases=aliases,
        towns=towns,
        texts=_read_sources(folder, records.sources),
    )


def _read_sources(folder: Path, sources: tuple[Source, ...]) -> dict[str, str]:
    """The text of each source that names a file in `folder`; a missing file is a fault."""
    texts: dict[str, str] = {}
    problems: list[Problem] = []
    for source in sources:
        if source.file is None:
            continue
        try:
            texts[source.id] = read_text(folder / source.file)
        except KnowledgeError as error:
            problems.extend(error.problems)
    if problems:
        raise KnowledgeError(problems)
    return texts


def events_line(folder: Path) -> int:
    """The line of the events list in `folder`'s events file (1 where the file has none), for
    a remark on the list as a whole. The file must have loaded."""
    _, node = parse_yaml(folder / EVENTS_FILE)
    return line_of(node, ["events"]) or 1
