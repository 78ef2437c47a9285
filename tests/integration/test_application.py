"""The runtime's start and stop, and the composition root around it, in process."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import StoreError, UnusableDatabaseError
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from knowledge.errors import KnowledgeError


class StoreOnAFullDisk:
    """Cannot save anything; remembers whether it was closed."""

    def __init__(self) -> None:
        self.closed = False

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        raise StoreError("database or disk is full")

    async def close(self) -> None:
        self.closed = True


async def test_closing_closes_the_store_even_when_the_last_statistics_cannot_be_saved(
    view: KnowledgeView,
) -> None:
    store = StoreOnAFullDisk()
    runtime = Runtime(Settings(), CurrentKnowledge(view), store)  # type: ignore[arg-type]
    runtime.questions.count(understood=True)
    await runtime.close()
    assert store.closed
    assert runtime.questions.answered == 1, "kept, since it was not saved"


async def test_opening_opens_the_store_and_loads_the_knowledge(path: Path) -> None:
    runtime = await Runtime.open(Settings(database=path))
    try:
        assert runtime.current.view.knowledge.authorities
        assert await runtime.store.subscriptions(1) == []
    finally:
        await runtime.close()


async def test_opening_refuses_a_database_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(UnusableDatabaseError):
        await Runtime.open(Settings(database=tmp_path))


async def test_opening_refuses_a_missing_knowledge_folder(tmp_path: Path, path: Path) -> None:
    with pytest.raises(KnowledgeError):
        await Runtime.open(Settings(database=path, knowledge_dir=tmp_path / "missing"))
