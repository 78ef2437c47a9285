"""Every Telegram command, in one table.

Telegram's command menu (setMyCommands, in English and in Welsh), the command list in /help, the
handlers' registration and the README's table all come from `COMMANDS`; a test checks that the
README agrees. Usages and descriptions are the catalogue's English messages, said in the chat's
language where shown.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.translations import N_, Texts

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

    def said_syntax(self, texts: Texts) -> str:
        """ "/events [NAME]" / "/events [ENW]"."""
        return f"/{self.name} {texts._(self.usage)}".rstrip() if self.usage else f"/{self.name}"


COMMANDS: tuple[Command, ...] = (
    Command(
        "start",
        "",
        N_("what the bot knows, with buttons for each council and for events"),
        in_menu=False,
    ),
    Command("councils", "", N_("the councils adopting Signs of Safety, a button each")),
    Command("council", N_("NAME"), N_("one council's overview")),
    Command("events", N_("[NAME]"), N_("upcoming events, each with its calendar file")),
    Command("subscribe", N_("NAME|all"), N_("reminders of a council's events, or of every event")),
    Command("unsubscribe", N_("NAME|all"), N_("stop reminders")),
    Command("subscriptions", "", N_("what this chat is subscribed to")),
    Command("language", "", N_("answer this chat in English or in Welsh (Cymraeg)")),
    Command("iaith", "", N_("the same as /language, for Welsh speakers")),
    Command("forget", "", N_("delete everything held about this chat")),
    Command("help", "", N_("what to ask and every command")),
    Command("reload", N_("[confirm]"), N_("reload the knowledge files"), admin_only=True),
    Command("stats", "", N_("subscribers, reminders and questions answered"), admin_only=True),
)


def public_commands() -> tuple[Command, ...]:
    """The commands every user may send, as /help shows them."""
    return tuple(command for command in COMMANDS if not command.admin_only)


def menu_commands() -> tuple[Command, ...]:
    """The commands in Telegram's command menu (setMyCommands)."""
    return tuple(command for command in public_commands() if command.in_menu)
