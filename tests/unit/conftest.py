"""Fixtures for the unit tests: a store, and the services the use cases work with."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.actions.services import Services
from bot.actions.statistics import QuestionTally
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.storage.memory import MemoryStore
from bot.storage.port import Store
from tests.conftest import FIXED_NOW

LEAD_TIMES = (timedelta(days=7), timedelta(days=1))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Each question set's accuracy per kind of question, where the sets ran."""
    from tests.question_sets import kind_table
    from tests.unit.test_understanding import ACCURACY_BY_KIND

    for name, tally in sorted(ACCURACY_BY_KIND.items()):
        terminalreporter.write_sep("-", f"{name}: accuracy by kind")
        terminalreporter.write_line(kind_table(tally))


@pytest.fixture
def fake_store() -> Store:
    """The in-memory store: the same contract as the SQLite one (tests/store_contract.py runs
    against both), without a file."""
    return MemoryStore()


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
