"""Question statistics are tallied in memory and kept until they are saved."""

from __future__ import annotations

import pytest

from bot.errors import StoreError
from bot.runtime import QuestionTally
from bot.storage.memory import MemoryStore


async def test_statistics_that_cannot_be_saved_are_kept_for_the_next_save() -> None:
    store = MemoryStore(failing={"add_question_counts"})
    tally = QuestionTally()
    tally.count(understood=True)
    tally.count(understood=False)
    with pytest.raises(StoreError):
        await tally.save(store)
    store.failing.clear()
    await tally.save(store)
    assert await store.question_counts() == (1, 1)
    await tally.save(store)
    assert await store.question_counts() == (1, 1)
