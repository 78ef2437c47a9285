"""The root of sosbot's exceptions, and the one the knowledge package raises.

SosbotError is defined here, not in bot/, because knowledge imports nothing of ours; the whole
tree is documented in bot/errors.py.

KnowledgeError      a knowledge folder cannot be served; `.problems` lists every fault found,
                    each rendered `path:line: what is wrong` for the operator who edits it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Problem:
    """One fault in one file, at a line where one is known."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else f"{self.path}"
        return f"{where}: {self.message}"


class SosbotError(Exception):
    """Anything sosbot raises on purpose; see bot/errors.py for the tree."""


class KnowledgeError(SosbotError):
    """A knowledge folder has faults; the program refuses to serve it."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
