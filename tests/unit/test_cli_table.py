"""The README's command-line table names every `sosbot` command the parser knows."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli import _parser

README = Path(__file__).parents[2] / "README.md"


def _command_line_rows() -> list[str]:
    section = README.read_text(encoding="utf-8").split("## The command line", 1)[1]
    table = section.split("\n## ")[0]
    return [line for line in table.splitlines() if line.startswith("| `sosbot ")]


def test_the_readme_documents_every_sosbot_command() -> None:
    [commands] = [
        action for action in _parser()._actions if isinstance(action, argparse._SubParsersAction)
    ]
    documented = {
        row.removeprefix("| `sosbot ").split()[0].rstrip("`") for row in _command_line_rows()
    }
    assert sorted(commands.choices) == sorted(documented)
