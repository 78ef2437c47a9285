"""The welcome, /help (its command list from bot.commands), "you're welcome", and the reply to
a question the bot cannot answer."""

from __future__ import annotations

import logging

from bot.commands import public_commands
from bot.replies.records import Records
from bot.replies.reply import Bullets, Choice, Paragraph, Reply
from bot.understanding.intents import Intent
from bot.understanding.text import shorten

logger = logging.getLogger(__name__)

# Questions to try, each as a button: its intent and the council code it is about (None: the
# network).
EXAMPLES: tuple[tuple[str, Intent, str | None], ...] = (
    ("what stage is Suffolk at?", Intent.STAGE, "SFK"),
    ("who trains Swansea?", Intent.TRAINERS, "SWA"),
    ("when is Lincolnshire's training?", Intent.EVENTS, "LIN"),
    ("how many councils are implementing?", Intent.COUNT, None),
)
ASK_EXAMPLES = ", ".join(f'"{question}"' for question, _, _ in EXAMPLES)


def command_lines() -> tuple[str, ...]:
    """ "/events [NAME]: upcoming events, …", one a command every user may send."""
    return tuple(f"{command.syntax}: {command.description}" for command in public_commands())


def one_line_summary(reply: Reply, limit: int = 100) -> str:
    """The first paragraph, cut to `limit` characters: a preview line."""
    first = next((b.text for b in reply.blocks if isinstance(b, Paragraph)), "")
    return shorten(first, limit)


def you_are_welcome() -> Reply:
    return Reply(
        intent=Intent.HELP,
        blocks=(Paragraph(text="You're welcome. Ask me anything else, or send /help."),),
    )


def cannot_help() -> Reply:
    return Reply(
        intent=Intent.UNKNOWN,
        blocks=(
            Paragraph(text="Sorry, I can't help with that."),
            Paragraph(
                text="I answer questions about the UK councils adopting Signs of Safety: "
                f"their stage, trainers, people and training events. Try {ASK_EXAMPLES}."
            ),
        ),
        actions=tuple(
            Choice(label=question[0].upper() + question[1:], intent=intent, council=code)
            for question, intent, code in EXAMPLES
        ),
    )


class HelpReplies(Records):
    """The replies that say what the bot knows and can do."""

    def welcome(self) -> Reply:
        network = self.knowledge.network
        return Reply(
            intent=Intent.HELP,
            title="Signs of Safety in the UK",
            blocks=(
                Paragraph(
                    text=f"I know the {len(self.knowledge.authorities)} UK local authorities "
                    "adopting Signs of Safety that the Signs of Safety UK network described, as of "
                    f"{self.date(network.as_of)}: their stage, trainers, people and training "
                    "events. I can also remind you of their events."
                ),
                Paragraph(text=f"Ask in your own words, e.g. {ASK_EXAMPLES}, or pick one:"),
            ),
            actions=(
                *self.adopter_choices(Intent.OVERVIEW),
                Choice(label="Events", intent=Intent.EVENTS),
            ),
        )

    def help(self) -> Reply:
        return Reply(
            intent=Intent.HELP,
            title="What I can do",
            blocks=(
                Paragraph(
                    text="Ask me about the UK councils adopting Signs of Safety, in your own "
                    f"words: {ASK_EXAMPLES}."
                ),
                Paragraph(text="Commands:"),
                Bullets(items=command_lines()),
            ),
            actions=self.adopter_choices(Intent.OVERVIEW),
        )
