"""One command table (bot.commands.COMMANDS): the handlers, Telegram's menu and the README's
"In Telegram" table all come from it, and a test keeps each in step."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application, ApplicationBuilder, CommandHandler

import handlers
from bot.commands import COMMANDS, menu_commands, public_commands
from bot.errors import CommandError
from bot.languages import Language
from bot.translations import texts_for
from handlers.app import menu_entry
from tests.bot_api_in_process import RecordingRequest

README = Path(__file__).parents[2] / "README.md"


def _readme_commands() -> list[str]:
    """The first cell of each row of README.md's "In Telegram" table, unescaped."""
    section = README.read_text(encoding="utf-8").split("## In Telegram", 1)[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [re.split(r"(?<!\\)\|", row)[1].strip().replace("\\|", "|") for row in rows]


def readme_rows() -> list[str]:
    """The rows README.md's table must have, in the table's order."""
    return [
        f"| `{command.syntax}` | {command.description}"
        f"{' (admins only)' if command.admin_only else ''} |".replace("|all", "\\|all")
        for command in COMMANDS
    ]


def test_the_readme_lists_exactly_the_commands_of_the_table_in_its_order() -> None:
    assert _readme_commands() == [f"`{command.syntax}`" for command in COMMANDS], (
        "README.md's In Telegram table should start its rows so:\n" + "\n".join(readme_rows())
    )


def test_every_command_of_the_table_has_a_handler_and_every_handler_a_command() -> None:
    assert sorted(handlers.COMMAND_HANDLERS) == sorted(command.name for command in COMMANDS)


def _application() -> Application[Any, Any, Any, Any, Any, Any]:
    request = RecordingRequest()
    builder = ApplicationBuilder().token("1:token").request(request)
    return builder.get_updates_request(request).build()


def test_registering_answers_each_command_of_the_table_once() -> None:
    application = _application()
    handlers.register(application)
    registered = [
        name
        for handler in application.handlers[0]
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    ]
    assert registered == [command.name for command in COMMANDS]


def test_registering_refuses_handlers_that_disagree_with_the_table(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delitem(handlers.COMMAND_HANDLERS, "stats")
    with pytest.raises(CommandError, match="command table"):
        handlers.register(_application())


def test_the_menu_holds_the_public_commands_but_start_which_telegram_sends_itself() -> None:
    assert [c.name for c in menu_commands()] == [
        c.name for c in public_commands() if c.name != "start"
    ]
    assert not any(c.admin_only for c in menu_commands())


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("events", "Upcoming events, each with its calendar file: /events [NAME]"),
        ("help", "What to ask and every command"),
    ],
)
def test_a_menu_entry_says_what_the_command_does_and_how_to_write_it(name: str, text: str) -> None:
    [command] = [c for c in COMMANDS if c.name == name]
    entry = menu_entry(command, texts_for(Language.ENGLISH))
    assert (entry.command, entry.description) == (name, text)
    assert len(entry.description) <= 256
