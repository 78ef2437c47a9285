"""Shared fixtures: a clean environment for every test, and the shipped knowledge."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.actions import reload
from bot.actions.asking import QUESTIONS, answer, answer_in_console
from bot.replies.current import KnowledgeView
from bot.replies.reply import Reply
from bot.runtime import Runtime
from bot.storage.sqlite import SqliteStore
from bot.understanding.conversation import Conversation
from bot.understanding.engine import Engine
from bot.understanding.intents import Intent
from knowledge.base import Knowledge
from knowledge.loader import load_knowledge
from tests.postgres import postgres_server, postgres_url

__all__ = ["postgres_server", "postgres_url"]  # fixtures for every test, from tests/postgres.py

LONDON = ZoneInfo("Europe/London")
# The tests' "now": long after every event on record, as the real clock is.
FIXED_NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def empty_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cwd")


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, empty_directory: Path) -> Iterator[None]:
    """No SOSBOT_ setting from the developer's shell leaks into a test, nor a .env file: each
    test runs in an empty directory, emptied again after it. (One directory for all: making a
    numbered one per test costs a listing of all the others, quadratic in the suite.)"""
    for name in list(os.environ):
        if name.startswith("SOSBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(empty_directory)
    yield
    for entry in os.scandir(empty_directory):
        if entry.is_dir(follow_symlinks=False):
            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    """Where a test's database lives: a fresh file for every test."""
    return tmp_path / "sosbot.sqlite3"


@pytest.fixture
async def store(path: Path) -> AsyncIterator[SqliteStore]:
    opened = await SqliteStore.open(path)
    yield opened
    await opened.close()


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="session")
def view(knowledge: Knowledge) -> KnowledgeView:
    return KnowledgeView.build(knowledge, LONDON)


@pytest.fixture(scope="session")
def engine(view: KnowledgeView) -> Engine:
    return view.engine


Ask = Callable[..., Reply]


def console_asker(view: KnowledgeView) -> Ask:
    """The console's answer to a question at FIXED_NOW, in a conversation (a fresh one if none
    is given), which it updates (also scripts/score_questions.py's)."""

    def asking(text: str, conversation: Conversation | None = None) -> Reply:
        return answer_in_console(view, text, conversation or Conversation(), FIXED_NOW)

    return asking


@pytest.fixture(scope="session")
def ask(view: KnowledgeView) -> Ask:
    return console_asker(view)


async def reload_knowledge(runtime: Runtime, *, confirmed: bool = False) -> reload.ReloadOutcome:
    """What /reload does to the runtime's knowledge."""
    settings = runtime.settings
    return await reload.reload_knowledge(
        runtime.current,
        settings.knowledge_dir,
        settings.zone,
        runtime.reload_lock,
        confirmed=confirmed,
    )


@pytest.fixture
def make_read_only() -> Iterator[Callable[[Path], None]]:
    """Makes a file read-only, even to root (who ignores the mode): `chattr +i` as well, undone
    after the test so that its folder can be removed."""
    immutable: list[Path] = []

    def make(path: Path) -> None:
        path.chmod(0o444)
        if os.geteuid() == 0:
            if shutil.which("chattr") is None:
                pytest.skip("root without chattr cannot make a file read-only")
            subprocess.run(["chattr", "+i", str(path)], check=True)
            immutable.append(path)

    yield make
    for path in immutable:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def reply_for(view: KnowledgeView, intent: Intent, council_code: str | None) -> Reply:
    """The reply a button asking a question shows (at FIXED_NOW)."""
    request = view.engine.request_for(intent, council_code)
    assert isinstance(request, QUESTIONS)
    return answer(view, request, FIXED_NOW, 1.0)


def reply_about(view: KnowledgeView, intent: Intent, name: str) -> Reply:
    """The reply a command asking a question about `name` shows ("/council NAME")."""
    request = view.engine.request_about(intent, name)
    assert isinstance(request, QUESTIONS)
    return answer(view, request, FIXED_NOW, 1.0)
