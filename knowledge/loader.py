"""Reading a knowledge folder: YAML and CSV files into validated, frozen records.

Operators edit these files by hand, so every problem is reported as `path:line: what is wrong`,
all of them at once, and nothing half-valid is ever served.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import stat
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from knowledge.base import Knowledge
from knowledge.errors import KnowledgeError, Problem
from knowledge.models import (
    DEFAULT_TIMEZONE,
    AliasesFile,
    AuthoritiesFile,
    Council,
    EventsFile,
)

logger = logging.getLogger(__name__)

DEFAULT_DIRECTORY = Path(__file__).parent / "data"
AUTHORITIES_FILE = "authorities.yaml"
EVENTS_FILE = "events.yaml"
ALIASES_FILE = "aliases.yaml"
COUNCILS_FILE = "councils.csv"

ModelT = TypeVar("ModelT", bound=BaseModel)
ResultT = TypeVar("ResultT")


# Nesting levels a file may have; the knowledge files need six, and a bound keeps a runaway
# `[[[[…` from exhausting Python's recursion limit.
MAX_DEPTH = 32


class _NodeEvent(Protocol):
    """What a node's first parser event holds: an alias (`*x`) or the anchor (`&x`) of a
    scalar, sequence or mapping, and where it starts."""

    anchor: str | None
    start_mark: yaml.error.Mark


class _EventQueue(Protocol):
    """PyYAML's parser method, which its type stubs leave untyped."""

    def peek_event(self) -> _NodeEvent: ...


class _OperatorLoader(yaml.SafeLoader):
    """A safe loader for hand-edited files. Dates stay the text written (`2014-02-03` stays a
    string). Refused, each at its line: a key given twice (plain YAML keeps the second), a key
    that is not text, anchors and aliases (nobody needs them here, and they make a billion-laughs
    bomb), and nesting deeper than MAX_DEPTH."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = cast(_EventQueue, self).peek_event()
        if event.anchor is not None:
            raise yaml.composer.ComposerError(
                None,
                None,
                "anchors (&name) and aliases (*name) are not accepted; write the value out",
                event.start_mark,
            )
        if self._depth >= MAX_DEPTH:
            raise yaml.composer.ComposerError(
                None, None, f"nested too deeply (more than {MAX_DEPTH} levels)", event.start_mark
            )
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[str] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                written = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"a key must be text; put {written!r} in quotes"
                    if written is not None
                    else "a key must be text, not a list or mapping",
                    key_node.start_mark,
                )
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _scalar_text(loader: _OperatorLoader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


# Dates, written plainly or tagged !!timestamp, are kept as text: the models read them.
_OperatorLoader.add_constructor("tag:yaml.org,2002:timestamp", _scalar_text)


def _read_text(path: Path) -> str:
    """The file's text. A FIFO or device would block or never end, so only a regular file is
    opened; a file in another encoding (UTF-16, Latin-1) is refused at the line of its first
    undecodable byte."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise KnowledgeError([Problem(path, None, "not a regular file")])
        data = path.read_bytes()
    except OSError as error:
        raise KnowledgeError([Problem(path, None, f"cannot read: {error.strerror}")]) from error
    # A byte-order mark, as some editors write, is not an error.
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise KnowledgeError(
            [
                Problem(
                    path,
                    line,
                    f"not UTF-8 text (byte 0x{data[error.start]:02x}); save the file as UTF-8",
                )
            ]
        ) from error


def _parse_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (which remembers line numbers)."""
    text = _read_text(path)
    loader: _OperatorLoader | None = None
    try:
        # The reader checks every character at once, so even creating the loader can fail.
        loader = _OperatorLoader(text)
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.reader.ReaderError as error:
        at = text.count("\n", 0, error.position) + 1
        reason = f"unacceptable character U+{error.character:04X}: {error.reason}"
        raise KnowledgeError([Problem(path, at, f"not valid YAML: {reason}")]) from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        raise KnowledgeError([Problem(path, line, f"not valid YAML: {reason}")]) from error
    finally:
        if loader is not None:
            loader.dispose()
    return document, node


def _line_of(node: yaml.Node | None, location: Sequence[int | str]) -> int | None:
    """The line of the deepest node that `location` (a pydantic error's loc) reaches."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for step in location:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == step:
                    line = key.start_mark.line + 1
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(node.value)
        ):
            child = node.value[step]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line


def _describe(location: Sequence[int | str]) -> str:
    parts: list[str] = []
    for step in location:
        if isinstance(step, int):
            parts.append(f"[{step + 1}]")
        elif step != "[key]":  # pydantic's mark for a mapping's key: the key itself says it
            # A name with a control character is shown escaped, never as raw bytes.
            parts.append(f".{step}" if step.isprintable() else f".{step!r}")
    return "".join(parts).lstrip(".")


def _explain(item: ErrorDetails) -> tuple[list[int | str], str]:
    """A pydantic error as its location and an operator's sentence: `events[2].start: …`."""
    location = [step for step in item["loc"] if isinstance(step, int | str)]
    where = _describe(location)
    message = item["msg"].removeprefix("Value error, ")
    return location, f"{where}: {message}" if where else message


def _validate(
    model: type[ModelT], path: Path, timezone: ZoneInfo
) -> tuple[ModelT, yaml.Node | None]:
    document, node = _parse_yaml(path)
    try:
        content = document if document is not None else {}
        return model.model_validate(content, context={"timezone": timezone}), node
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            location, message = _explain(item)
            problems.append(Problem(path, _line_of(node, location), message))
        raise KnowledgeError(problems) from error


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


def _read_councils(path: Path) -> dict[str, Council]:
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    councils: dict[str, Council] = {}
    lines: dict[str, int] = {}
    problems: list[Problem] = []
    try:
        header = next(reader, [])
        if missing := [column for column in COUNCIL_COLUMNS if column not in header]:
            raise KnowledgeError([Problem(path, 1, f"missing columns: {', '.join(missing)}")])
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(header):
                problems.append(
                    Problem(
                        path,
                        reader.line_num,
                        f"expected {len(header)} columns, found {len(cells)}",
                    )
                )
                continue
            row = dict(zip(header, cells, strict=True))
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
                problems.append(Problem(path, reader.line_num, _explain(error.errors()[0])[1]))
                continue
            if (first := lines.get(council.code)) is not None:
                problems.append(
                    Problem(
                        path, reader.line_num, f"code {council.code} is on line {first} already"
                    )
                )
                continue
            lines[council.code] = reader.line_num
            councils[council.code] = council
    except csv.Error as error:
        # Past a malformed row (a field over csv's size limit, say) the rest cannot be trusted.
        problems.append(Problem(path, reader.line_num, f"not valid CSV: {error}"))
    if problems:
        raise KnowledgeError(problems)
    return councils


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split("|") if part)


def _read_aliases(path: Path, councils: dict[str, Council], timezone: ZoneInfo) -> dict[str, str]:
    records, node = _validate(AliasesFile, path, timezone)
    problems = [
        Problem(path, _line_of(node, ["aliases", alias]), f"{alias}: unknown council code {code!r}")
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
                _line_of(node, ["authorities", index, "council"]),
                f"{authority.id}: unknown council code {authority.council!r} (see {COUNCILS_FILE})",
            )
    event_records, event_node = events
    for index, event in enumerate(event_records.events):
        if event.authority is not None and event.authority not in known:
            yield Problem(
                folder / EVENTS_FILE,
                _line_of(event_node, ["events", index, "authority"]),
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
        lambda: _validate(AuthoritiesFile, folder / AUTHORITIES_FILE, timezone), problems
    )
    events = _collect(lambda: _validate(EventsFile, folder / EVENTS_FILE, timezone), problems)
    councils = _collect(lambda: _read_councils(folder / COUNCILS_FILE), problems)
    if problems or authorities is None or events is None or councils is None:
        raise KnowledgeError(problems)
    aliases = _read_aliases(folder / ALIASES_FILE, councils, timezone)
    if cross_problems := list(_cross_check(authorities, events, councils, folder)):
        raise KnowledgeError(cross_problems)
    records, event_records = authorities[0], events[0]
    logger.info(
        "Loaded %d authorities, %d events and %d councils from %s",
        len(records.authorities),
        len(event_records.events),
        len(councils),
        folder,
    )
    return Knowledge(
        sources={source.id: source for source in records.sources},
        network=records.network,
        authorities=records.authorities,
        events=event_records.events,
        councils=councils,
        aliases=aliases,
    )


def events_line(folder: Path) -> int:
    """The line of the events list in `folder`'s events file (1 where the file has none), for
    a remark on the list as a whole. The file must have loaded."""
    _, node = _parse_yaml(folder / EVENTS_FILE)
    return _line_of(node, ["events"]) or 1
