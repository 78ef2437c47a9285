"""The `sosbot` command: ask, chat, check, run, serve, set-webhook, unanswered and migrate-db.

`ask`, `chat` and `check` never import telegram: they must work, and start fast, on a machine
where nobody has a bot token.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from bot.console import LANGUAGES, ask, chat, one_line
from bot.errors import CommandError, SosbotError, TokenRejectedError, UnusableDatabaseError
from bot.logs import configure_logging
from bot.replies.current import KnowledgeView
from bot.settings import PostgresUrl, Settings, database_location
from bot.storage.databases import open_store, sole_use
from bot.storage.transfer import Copied, copy_database
from knowledge.errors import KnowledgeError, Problem
from knowledge.loader import EVENTS_FILE, events_line, load_knowledge
from knowledge.welsh import missing_welsh, missing_welsh_lines

logger = logging.getLogger(__name__)

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
NO_TOKEN = (
    "sosbot run needs a bot token: ask @BotFather in Telegram for one (/newbot), then put "
    "SOSBOT_TELEGRAM_TOKEN=<token> in the environment or in a .env file here. "
    "`sosbot chat` works without one."
)

NO_EVENTS = (
    "the events list is empty: a running bot would drop every event (its reload asks for "
    "/reload confirm); run sosbot check --allow-no-events if that is meant"
)


def _settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problems = "; ".join(
            f"SOSBOT_{'_'.join(str(part) for part in item['loc']).upper()}: {item['msg']}"
            for item in error.errors(include_url=False)
        )
        raise CommandError(f"sosbot: bad setting: {problems}", EXIT_USAGE) from error


def _view(settings: Settings) -> KnowledgeView:
    try:
        knowledge = load_knowledge(settings.knowledge_dir, timezone=settings.zone)
    except KnowledgeError as error:
        raise CommandError(str(error), 1) from error
    return KnowledgeView.build(knowledge, settings.zone)


def check(
    folder: Path, timezone: ZoneInfo, out: TextIO, err: TextIO, *, allow_no_events: bool = False
) -> int:
    try:
        knowledge = load_knowledge(folder, timezone=timezone)
        if not knowledge.events and not allow_no_events:
            # Loading accepts an empty list (a bot may start with none), but an operator who
            # emptied it by mistake should hear so before a reload drops every event.
            raise KnowledgeError([Problem(folder / EVENTS_FILE, events_line(folder), NO_EVENTS)])
    except KnowledgeError as error:
        for problem in error.problems:
            print(problem, file=err)
        return 1
    print(
        f"{folder}: OK: {len(knowledge.authorities)} authorities, {len(knowledge.events)} events, "
        f"{len(knowledge.councils)} councils, {len(knowledge.aliases)} aliases",
        file=out,
    )
    # Information, not a fault: a Welsh chat is shown the English of a text without its Welsh.
    if missing := missing_welsh(knowledge):
        texts = "text has" if len(missing) == 1 else "texts have"
        print(f"{folder}: {len(missing)} {texts} no Welsh yet (shown in English):", file=out)
        for line in missing_welsh_lines(folder, missing):
            print(line, file=out)
    else:
        print(f"{folder}: every record text has its Welsh", file=out)
    return 0


@contextmanager
def _database_errors() -> Iterator[None]:
    """A database sosbot cannot use ends the command with one line saying why."""
    try:
        yield
    except UnusableDatabaseError as error:
        raise CommandError(f"sosbot: {error}", 1) from error


def start_bot(settings: Settings, command: str, *, delete: bool, out: TextIO) -> None:
    """`run` (polling), `serve` (one webhook instance) or `set-webhook`. No token, a database
    it cannot use, a rejected token or knowledge it refuses ends it with one line (or the
    knowledge's faults) and its status."""
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        raise CommandError(NO_TOKEN.replace("sosbot run", f"sosbot {command}"), EXIT_USAGE)
    # Imported here so that ask, chat and check never load telegram.
    from handlers import serve as webhook
    from handlers.app import run_polling

    try:
        with _database_errors():
            if command == "serve":
                # An SQLite file is one process's, as for `run`; PostgreSQL is for sharing.
                with sole_use(settings.database):
                    webhook.run_webhook(settings)
            elif command == "set-webhook":
                print(webhook.set_webhook(settings, delete=delete), file=out)
            else:
                # The lock is held until the bot stops: a second bot on the database would send
                # every reminder twice. run_polling opens the database before Telegram is asked.
                with sole_use(settings.database):
                    run_polling(settings)
    except TokenRejectedError as error:
        raise CommandError(f"sosbot: {error}", EXIT_USAGE) from None
    except KnowledgeError as error:
        raise CommandError(
            f"sosbot: refusing to serve {settings.knowledge_dir}:\n{error}", 1
        ) from error


def unanswered(settings: Settings, limit: int, out: TextIO) -> None:
    async def top() -> list[tuple[str, int]]:
        # Only reads: works while the bot runs, and on a file this user may not write.
        store = await open_store(settings.database, writable=False)
        try:
            return await store.top_unanswered(limit)
        finally:
            await store.close()

    with _database_errors():
        rows = asyncio.run(top())
    if not rows:
        print("No unanswered questions kept (set SOSBOT_LOG_UNANSWERED=true).", file=out)
    for text, count in rows:
        print(f"{count:6d}  {text}", file=out)


def migrate_db(source: Path | PostgresUrl, target: Path | PostgresUrl, out: TextIO) -> None:
    """Copy what `source` holds into `target` (bot.storage.transfer), both brought up to date
    first, and say what was copied."""

    async def copy() -> list[Copied]:
        reading = await open_store(source)
        try:
            writing = await open_store(target)
            try:
                return await copy_database(reading, writing)
            finally:
                await writing.close()
        finally:
            await reading.close()

    # A running bot's SQLite file is its own (it keeps what it read in memory): not a target.
    with _database_errors(), sole_use(target):
        copied = asyncio.run(copy())
    print(f"Copied {source} into {target}:", file=out)
    for table in copied:
        print(
            f"  {table.table:<15} {table.read:8d} read {table.added:8d} added or raised",
            file=out,
        )


def _database_argument(text: str) -> Path | PostgresUrl:
    try:
        return database_location(text)
    except ValueError as error:
        # argparse repeats the argument after its own message: say why without the URL.
        raise argparse.ArgumentTypeError(str(error)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sosbot",
        description="Answers questions about UK councils adopting Signs of Safety.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    ask_parser = commands.add_parser("ask", help="answer one question, or one per input line")
    ask_parser.add_argument("question", nargs="?", help="the question; omitted: read stdin")
    ask_parser.add_argument("--json", action="store_true", help="print JSON objects")
    ask_parser.add_argument(
        "--conversation", action="store_true", help="input lines are one conversation"
    )
    chat_parser = commands.add_parser(
        "chat", help="talk to the bot in this console; no token needed"
    )
    for console in (ask_parser, chat_parser):
        console.add_argument(
            "--language",
            choices=list(LANGUAGES),
            default="auto",
            help="answer in English (en) or Welsh (cy); auto: the language of the question",
        )
    check_parser = commands.add_parser("check", help="validate a knowledge folder")
    check_parser.add_argument("folder", nargs="?", type=Path, help="default: the settings' one")
    check_parser.add_argument(
        "--allow-no-events", action="store_true", help="accept an empty events list"
    )
    commands.add_parser("run", help="run the Telegram bot (needs SOSBOT_TELEGRAM_TOKEN)")
    commands.add_parser("serve", help="run one webhook instance (README: Deployment)")
    webhook = commands.add_parser("set-webhook", help="point Telegram at SOSBOT_WEBHOOK_URL")
    webhook.add_argument("--delete", action="store_true", help="delete it: back to polling")
    unanswered_parser = commands.add_parser(
        "unanswered", help="the questions most often not understood"
    )
    unanswered_parser.add_argument("--limit", type=int, default=20)
    migrate_parser = commands.add_parser(
        "migrate-db", help="copy one database into another (SQLite file or PostgreSQL URL)"
    )
    migrate_parser.add_argument("source", metavar="FROM", type=_database_argument)
    migrate_parser.add_argument("target", metavar="TO", type=_database_argument)
    return parser


def _read_leniently(source: TextIO) -> None:
    """Bytes that are not UTF-8 are read as U+FFFD, whatever the locale's strictness
    (PYTHONIOENCODING=utf-8:strict): a stray byte is not worth a traceback."""
    if isinstance(source, io.TextIOWrapper):
        source.reconfigure(errors="replace")


def main(argv: Sequence[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    if arguments.command in {"ask", "chat"}:
        _read_leniently(sys.stdin)
    try:
        settings = _settings()
        configure_logging(settings.log_level if arguments.command == "run" else "WARNING")
        match arguments.command:
            case "ask":
                questions = [arguments.question] if arguments.question is not None else sys.stdin
                ask(
                    _view(settings),
                    (line.rstrip("\n") for line in questions),
                    as_json=arguments.json,
                    shared=arguments.conversation,
                    out=sys.stdout,
                    language=LANGUAGES[arguments.language],
                )
            case "chat":
                chat(_view(settings), sys.stdin, sys.stdout, language=LANGUAGES[arguments.language])
            case "check":
                return check(
                    arguments.folder or settings.knowledge_dir,
                    settings.zone,
                    sys.stdout,
                    sys.stderr,
                    allow_no_events=arguments.allow_no_events,
                )
            case "run" | "serve" | "set-webhook":
                delete = getattr(arguments, "delete", False)
                start_bot(settings, arguments.command, delete=delete, out=sys.stdout)
            case "unanswered":
                unanswered(settings, arguments.limit, sys.stdout)
            case "migrate-db":
                migrate_db(arguments.source, arguments.target, sys.stdout)
    except CommandError as error:
        print(error, file=sys.stderr)
        return error.status
    except SosbotError as error:
        # Any other failure sosbot foresaw (a database locked by another program while read,
        # say) is one line too, never a traceback.
        print(f"sosbot: {one_line(str(error))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # Ctrl-C while `ask` or `chat` reads standard input: the shell's status for SIGINT.
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # Whoever read the output went away (`sosbot ask < questions | head -1`): say nothing
        # more to it, and keep Python's final flush from failing too (Python's docs, "Note on
        # SIGPIPE").
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
