"""The composition root's start and stop, in process."""

from __future__ import annotations

from types import SimpleNamespace

from bot.errors import StoreError
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from handlers.app import _post_shutdown
from handlers.common import RUNTIME_KEY


class StoreOnAFullDisk:
    """Cannot save anything; remembers whether it was closed."""

    def __init__(self) -> None:
        self.closed = False

    async def add_question_counts(self, answered: int, not_understood: int) -> None:
        raise StoreError("database or disk is full")

    async def close(self) -> None:
        self.closed = True


async def test_shutdown_closes_the_store_even_when_the_last_statistics_cannot_be_saved(
    view: KnowledgeView,
) -> None:
    store = StoreOnAFullDisk()
    runtime = Runtime(Settings(), CurrentKnowledge(view))
    runtime.store = store  # type: ignore[assignment]
    runtime.questions.count(understood=True)
    await _post_shutdown(SimpleNamespace(bot_data={RUNTIME_KEY: runtime}))  # type: ignore[arg-type]
    assert store.closed
    assert runtime.store is None
