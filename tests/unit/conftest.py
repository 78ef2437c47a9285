"""Fixtures for the unit tests: a store, and the services the use cases work with."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.actions.services import Services
from bot.actions.statistics import QuestionTally
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.storage.port import Store
from bot.storage.sqlite import SqliteStore
from tests.conftest import FIXED_NOW

LEAD_TIMES = (timedelta(days=7), timedelta(days=1))


@pytest.fixture
async def fake_store(tmp_path: Path) -> AsyncIterator[Store]:
    """A store for one test. For now the SQLite one in a fresh file; the in-memory fake will
    take its place."""
    opened = await SqliteStore.open(tmp_path / "unit.sqlite3")
    yield opened
    await opened.close()


@pytest.fixture
def services(fake_store: Store, view: KnowledgeView) -> Services:
    """The shipped knowledge, the store, and a clock stopped at FIXED_NOW."""
    return Services(
        store=fake_store,
        current=CurrentKnowledge(view),
        clock=lambda: FIXED_NOW,
        lead_times=LEAD_TIMES,
        questions=QuestionTally(),
    )
