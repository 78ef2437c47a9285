"""The in-memory store keeps the Store contract (tests/store_contract.py)."""

from __future__ import annotations

import pytest

from bot.errors import StoreError
from bot.storage.memory import MemoryStore
from bot.storage.port import Store
from tests.store_contract import NOW, StoreContract


class TestMemoryStore(StoreContract):
    @pytest.fixture
    def store(self) -> Store:
        return MemoryStore()


async def test_a_method_named_failing_raises_store_error_and_changes_nothing() -> None:
    store = MemoryStore(failing={"subscribe"})
    with pytest.raises(StoreError):
        await store.subscribe(1, "SFK", NOW)
    store.failing.clear()
    assert await store.subscriptions(1) == []
