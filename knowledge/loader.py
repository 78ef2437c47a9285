"""Reading a knowledge folder: YAML and CSV files into validated, frozen records.

Operators edit these files by hand, so every problem is reported as `path:line: what is wrong`,
all of them at once, and nothing half-valid is ever served.
"""

from __future__ import annotations

import csv
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from knowledge.base import Knowledge
from knowledge.errors import KnowledgeError, Problem
from knowledge.models import AuthoritiesFile, Council, EventsFile

logger = logging.getLogger(__name__)

DEFAULT_DIRECTORY = Path(__file__).parent / "data"
AUTHORITIES_FILE = "authorities.yaml"
EVENTS_FILE = "events.yaml"
ALIASES_FILE = "aliases.yaml"
COUNCILS_FILE = "councils.csv"

ModelT = TypeVar("ModelT", bound=BaseModel)
ResultT = TypeVar("ResultT")


class _TextDatesLoader(yaml.SafeLoader):
    """A safe loader that leaves dates as the text written (`2014-02-03` stays a string) and
    refuses a key given twice, where plain YAML would silently keep the second."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[object] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key {key!r} given twice", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _parse_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (which remembers line numbers)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeError([Problem(path, None, f"cannot read: {error.strerror}")]) from error
    loader = _TextDatesLoader(text)
    try:
        node = loader.get_single_node()
        document = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(error, "problem", None) or str(error)
        raise KnowledgeError([Problem(path, line, f"not valid YAML: {reason}")]) from error
    finally:
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
        parts.append(f"[{step + 1}]" if isinstance(step, int) else f".{step}")
    return "".join(parts).lstrip(".")


def _validate(model: type[ModelT], path: Path) -> tuple[ModelT, yaml.Node | None]:
    document, node = _parse_yaml(path)
    try:
        return model.model_validate(document if document is not None else {}), node
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            location = [step for step in item["loc"] if isinstance(step, int | str)]
            where = _describe(location)
            message = item["msg"].removeprefix("Value error, ")
            problems.append(
                Problem(path, _line_of(node, location), f"{where}: {message}" if where else message)
            )
        raise KnowledgeError(problems) from error


def _read_councils(path: Path) -> dict[str, Council]:
    councils: dict[str, Council] = {}
    problems: list[Problem] = []
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
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
                except (KeyError, ValidationError) as error:
                    problems.append(Problem(path, reader.line_num, _first_line(error)))
                    continue
                councils[council.code] = council
    except OSError as error:
        raise KnowledgeError([Problem(path, None, f"cannot read: {error.strerror}")]) from error
    if problems:
        raise KnowledgeError(problems)
    return councils


def _first_line(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing column {error}"
    return str(error).splitlines()[0]


def _split(cell: str) -> tuple[str, ...]:
    return tuple(part for part in cell.split("|") if part)


def _read_aliases(path: Path, councils: dict[str, Council]) -> dict[str, str]:
    document, node = _parse_yaml(path)
    aliases = (document or {}).get("aliases") if isinstance(document, dict) else None
    if not isinstance(aliases, dict):
        raise KnowledgeError([Problem(path, _line_of(node, []), "expected `aliases:` mapping")])
    problems = [
        Problem(path, _line_of(node, ["aliases", alias]), f"{alias}: unknown council code {code!r}")
        for alias, code in aliases.items()
        if code not in councils
    ]
    if problems:
        raise KnowledgeError(problems)
    return {str(alias): str(code) for alias, code in aliases.items()}


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


def load_knowledge(folder: Path = DEFAULT_DIRECTORY) -> Knowledge:
    """Read and validate a knowledge folder; raise KnowledgeError listing every fault found."""
    problems: list[Problem] = []
    authorities = _collect(lambda: _validate(AuthoritiesFile, folder / AUTHORITIES_FILE), problems)
    events = _collect(lambda: _validate(EventsFile, folder / EVENTS_FILE), problems)
    councils = _collect(lambda: _read_councils(folder / COUNCILS_FILE), problems)
    if problems or authorities is None or events is None or councils is None:
        raise KnowledgeError(problems)
    aliases = _read_aliases(folder / ALIASES_FILE, councils)
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
