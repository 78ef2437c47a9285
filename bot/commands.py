"""Every Telegram command, in one table.

Telegram's command menu (setMyCommands), the command list in /help, the handlers' registration
and the README's table all come from `COMMANDS`; a test checks that the README agrees.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command: `/name usage` and what it does. Admin-only commands are left out of the
    menu and of /help, which every user sees; `in_menu` False leaves a public one out of
    Telegram's menu only (/start, which Telegram's own Start button sends)."""

    name: str
    usage: str
    description: str
    admin_only: bool = False
    in_menu: bool = True

    @property
    def syntax(self) -> str:
        """ "/events [NAME]"."""
        return f"/{self.name} {self.usage}".rstrip()


COMMANDS: tuple[Command, ...] = (
    Command(
        "start",
        "",
        "what the bot knows, with buttons for each council and for events",
        in_menu=False,
    ),
    Command("councils", "", "the councils adopting Signs of Safety, a button each"),
    Command("council", "NAME", "one council's overview"),
    Command("events", "[NAME]", "upcoming events, each with its calendar file"),
    Command("subscribe", "NAME|all", "reminders of a council's events, or of every event"),
    Command("unsubscribe", "NAME|all", "stop reminders"),
    Command("subscriptions", "", "what this chat is subscribed to"),
    Command("forget", "", "delete everything held about this chat"),
    Command("help", "", "what to ask and every command"),
    Command("reload", "[confirm]", "reload the knowledge files", admin_only=True),
    Command("stats", "", "subscribers, reminders and questions answered", admin_only=True),
)


def public_commands() -> tuple[Command, ...]:
    """The commands every user may send, as /help shows them."""
    return tuple(command for command in COMMANDS if not command.admin_only)


def menu_commands() -> tuple[Command, ...]:
    """The commands in Telegram's command menu (setMyCommands)."""
    return tuple(command for command in public_commands() if command.in_menu)
