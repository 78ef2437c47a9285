"""The welcome, /help (its command list from bot.commands), "you're welcome", and the reply to
a question the bot cannot answer."""

from __future__ import annotations

import logging

from bot.commands import public_commands
from bot.replies.records import Records
from bot.replies.reply import Bullets, Choice, Paragraph, Reply
from bot.translations import N_, Texts
from bot.understanding.intents import Intent
from bot.understanding.text import shorten

logger = logging.getLogger(__name__)

# Questions to try, each as a button: its intent and the council code it is about (None: the
# network).
EXAMPLES: tuple[tuple[str, Intent, str | None], ...] = (
    (N_("what stage is Suffolk at?"), Intent.STAGE, "SFK"),
    (N_("who trains Swansea?"), Intent.TRAINERS, "SWA"),
    (N_("when is Lincolnshire's training?"), Intent.EVENTS, "LIN"),
    (N_("how many councils are implementing?"), Intent.COUNT, None),
)


def ask_examples(texts: Texts) -> str:
    """ "what stage is Suffolk at?", "who trains Swansea?", … in the language of `texts`."""
    return ", ".join(f'"{texts._(question)}"' for question, _, _ in EXAMPLES)


def command_lines(texts: Texts) -> tuple[str, ...]:
    """ "/events [NAME]: upcoming events, …", one a command every user may send."""
    return tuple(
        f"{command.said_syntax(texts)}: {texts._(command.description)}"
        for command in public_commands()
    )


def one_line_summary(reply: Reply, limit: int = 100) -> str:
    """The first paragraph, cut to `limit` characters: a preview line."""
    first = next((b.text for b in reply.blocks if isinstance(b, Paragraph)), "")
    return shorten(first, limit)


def you_are_welcome(texts: Texts) -> Reply:
    return Reply(
        intent=Intent.HELP,
        blocks=(Paragraph(text=texts._("You're welcome. Ask me anything else, or send /help.")),),
    )


def cannot_help(texts: Texts) -> Reply:
    return Reply(
        intent=Intent.UNKNOWN,
        blocks=(
            Paragraph(text=texts._("Sorry, I can't help with that.")),
            Paragraph(
                text=texts._(
                    "I answer questions about the UK councils adopting Signs of Safety: their "
                    "stage, trainers, people and training events. Try {examples}."
                ).format(examples=ask_examples(texts))
            ),
        ),
        actions=tuple(
            Choice(label=_capitalised(texts._(question)), intent=intent, council=code)
            for question, intent, code in EXAMPLES
        ),
    )


def _capitalised(text: str) -> str:
    return text[0].upper() + text[1:]


class HelpReplies(Records):
    """The replies that say what the bot knows and can do."""

    def welcome(self) -> Reply:
        _ = self.texts._
        network = self.knowledge.network
        return Reply(
            intent=Intent.HELP,
            title=_("Signs of Safety in the UK"),
            blocks=(
                Paragraph(
                    text=_(
                        "I know the {count} UK local authorities adopting Signs of Safety that "
                        "the Signs of Safety UK network described, as of {date}: their stage, "
                        "trainers, people and training events. I can also remind you of their "
                        "events."
                    ).format(count=len(self.knowledge.authorities), date=self.date(network.as_of))
                ),
                Paragraph(
                    text=_("Ask in your own words, e.g. {examples}, or pick one:").format(
                        examples=ask_examples(self.texts)
                    )
                ),
            ),
            actions=(
                *self.adopter_choices(Intent.OVERVIEW),
                Choice(label=_("Events"), intent=Intent.EVENTS),
            ),
        )

    def help(self) -> Reply:
        _ = self.texts._
        return Reply(
            intent=Intent.HELP,
            title=_("What I can do"),
            blocks=(
                Paragraph(
                    text=_(
                        "Ask me about the UK councils adopting Signs of Safety, in your own "
                        "words: {examples}."
                    ).format(examples=ask_examples(self.texts))
                ),
                Paragraph(text=_("Commands:")),
                Bullets(items=command_lines(self.texts)),
            ),
            actions=self.adopter_choices(Intent.OVERVIEW),
        )
