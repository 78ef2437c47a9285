"""The SQLite store keeps the Store contract (tests/store_contract.py); the `store` fixture is
tests/conftest.py's, a fresh SqliteStore."""

from __future__ import annotations

from tests.store_contract import StoreContract


class TestSqliteStore(StoreContract):
    pass
