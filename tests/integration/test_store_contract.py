"""The SQLite store and the PostgreSQL store keep the Store contract (tests/store_contract.py).
SQLite's `store` fixture is tests/conftest.py's, a fresh SqliteStore; PostgreSQL's is a fresh
database on the session's server (tests/postgres.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.settings import PostgresUrl
from bot.storage.postgres import PostgresStore
from tests.store_contract import StoreContract


class TestSqliteStore(StoreContract):
    pass


class TestPostgresStore(StoreContract):
    @pytest.fixture
    async def store(self, postgres_url: str) -> AsyncIterator[PostgresStore]:
        opened = await PostgresStore.open(PostgresUrl.parse(postgres_url))
        yield opened
        await opened.close()
