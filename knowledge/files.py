"""Reading the files operators edit by hand, safely, keeping each value's line.

YAML is read with a loader that refuses what operators never need and what could hurt (anchors
and aliases, which make alias bombs; keys that are not text; runaway nesting), and a pydantic
error is turned into `path:line: what is wrong` by walking the YAML nodes to the value's line.
"""

from __future__ import annotations

import codecs
import logging
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TypeVar, cast
from zoneinfo import ZoneInfo

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from knowledge.errors import KnowledgeError, Problem

logger = logging.getLogger(__name__)

ModelT = TypeVar("ModelT", bound=BaseModel)


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


def read_text(path: Path) -> str:
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


def parse_yaml(path: Path) -> tuple[Any, yaml.Node | None]:
    """The document and its node tree (which remembers line numbers)."""
    text = read_text(path)
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


def line_of(node: yaml.Node | None, location: Sequence[int | str]) -> int | None:
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


def describe(location: Sequence[int | str]) -> str:
    parts: list[str] = []
    for step in location:
        if isinstance(step, int):
            parts.append(f"[{step + 1}]")
        elif step != "[key]":  # pydantic's mark for a mapping's key: the key itself says it
            # A name with a control character is shown escaped, never as raw bytes.
            parts.append(f".{step}" if step.isprintable() else f".{step!r}")
    return "".join(parts).lstrip(".")


def explain(item: ErrorDetails) -> tuple[list[int | str], str]:
    """A pydantic error as its location and an operator's sentence: `events[2].start: …`."""
    location = [step for step in item["loc"] if isinstance(step, int | str)]
    where = describe(location)
    message = item["msg"].removeprefix("Value error, ")
    return location, f"{where}: {message}" if where else message


def validate(
    model: type[ModelT], path: Path, timezone: ZoneInfo
) -> tuple[ModelT, yaml.Node | None]:
    document, node = parse_yaml(path)
    try:
        content = document if document is not None else {}
        return model.model_validate(content, context={"timezone": timezone}), node
    except ValidationError as error:
        problems = []
        for item in error.errors(include_url=False):
            location, message = explain(item)
            problems.append(Problem(path, line_of(node, location), message))
        raise KnowledgeError(problems) from error
