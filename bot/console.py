"""The console's conversation: `sosbot ask` and `sosbot chat`, answered by the same engine and
reply builders as the Telegram bot, in English or Welsh (`--language`)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import TextIO

from bot.actions.asking import ConsoleAnswer, console_answer
from bot.clock import Clock, utc_now
from bot.languages import Language
from bot.replies.current import KnowledgeView
from bot.replies.render import render_plain
from bot.translations import texts_for
from bot.understanding.conversation import Conversation

logger = logging.getLogger(__name__)

# `--language`: a language, or "auto" (None), the language each question is written in.
LANGUAGES: dict[str, Language | None] = {"auto": None, **{str(lang): lang for lang in Language}}


def reply_as_json(answered: ConsoleAnswer) -> str:
    reply = answered.reply
    return json.dumps(
        {
            "intent": reply.intent.value,
            "authority": reply.authority,
            "council": reply.council,
            "confidence": reply.confidence,
            "reply": render_plain(reply),
            "options": [option.label for option in reply.options],
            "councils": list(reply.councils),
            "quotes": list(reply.quotes),
            "language": answered.language.value,
        },
        ensure_ascii=False,
    )


def one_line(text: str) -> str:
    return " | ".join(line.strip() for line in text.splitlines() if line.strip())


def ask(
    view: KnowledgeView,
    questions: Iterable[str],
    *,
    as_json: bool,
    shared: bool,
    out: TextIO,
    clock: Clock = utc_now,
    language: Language | None = None,
) -> None:
    """Answer each question, in `language` (None: each question's own); with several, one line
    of output each."""
    conversation = Conversation()
    before = Language.ENGLISH
    for question in questions:
        if not shared:
            conversation, before = Conversation(), Language.ENGLISH
        answered = console_answer(view, question, conversation, clock(), language, before)
        before = answered.language
        if as_json:
            print(reply_as_json(answered), file=out, flush=True)
        else:
            print(one_line(render_plain(answered.reply)), file=out, flush=True)


def chat(
    view: KnowledgeView,
    source: TextIO,
    out: TextIO,
    clock: Clock = utc_now,
    language: Language | None = None,
) -> None:
    """A console conversation with the same engine and answers as the Telegram bot, in
    `language` (None: the language of the last question that showed one)."""
    interactive = source.isatty()
    if interactive:
        import readline  # noqa: F401  (gives input() line editing and history)
    greeting = texts_for(language or Language.ENGLISH)._(
        'sosbot: ask about the UK councils adopting Signs of Safety, e.g. "{example}". Type '
        '"quit" or press Ctrl-D to leave.'
    )
    example = texts_for(language or Language.ENGLISH)._("what stage is Suffolk at?")
    print(greeting.format(example=example), file=out)
    conversation = Conversation()
    before = Language.ENGLISH
    while True:
        try:
            question = input("you> ") if interactive else source.readline()
        except (EOFError, KeyboardInterrupt):
            print(file=out)
            return
        if not interactive and not question:
            return
        question = question.strip()
        if question.casefold() in {"quit", "exit", "bye"}:
            return
        if not question:
            continue
        answered = console_answer(view, question, conversation, clock(), language, before)
        before = answered.language
        print(f"\n{render_plain(answered.reply)}\n", file=out, flush=True)
