"""Copying what one database holds into another (`sosbot migrate-db FROM TO`), SQLite or
PostgreSQL either way.

Table by table, in an order that puts chats before the rows that name them. What the target
already holds is kept: a row it lacks is added, one it has is left as it is, and a count (the
question statistics, an unanswered question's) becomes the larger of the two. So a second run
adds nothing, and a target that the bot already used loses nothing. Handled webhook updates
are not copied: they matter for a day, to the instances that recorded them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

logger = logging.getLogger(__name__)

Row = tuple[object, ...]


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    # The columns that tell one row from another (the table's unique key).
    key: tuple[str, ...]
    # Columns holding a time: text in SQLite, timestamptz in PostgreSQL; aware datetimes here.
    times: frozenset[str] = frozenset()
    # A count: the larger of the target's and the source's is kept.
    count: str | None = None


TABLES: tuple[Table, ...] = (
    Table("chats", ("chat_id", "paused_at"), ("chat_id",), frozenset({"paused_at"})),
    Table(
        "subscriptions",
        ("chat_id", "scope", "subscribed_at"),
        ("chat_id", "scope"),
        frozenset({"subscribed_at"}),
    ),
    Table(
        "deliveries",
        ("chat_id", "event_id", "event_start", "lead_seconds", "delivered_at"),
        ("chat_id", "event_id", "event_start", "lead_seconds"),
        frozenset({"event_start", "delivered_at"}),
    ),
    Table(
        "announcements",
        ("chat_id", "event_id", "event_start", "announced_at"),
        ("chat_id", "event_id"),
        frozenset({"event_start", "announced_at"}),
    ),
    Table(
        "known_events",
        ("event_id", "start", "start_seen_at", "ends_at"),
        ("event_id",),
        frozenset({"start_seen_at", "ends_at"}),
    ),
    Table(
        "conversations",
        ("chat_id", "intent", "council_code", "changed_at"),
        ("chat_id",),
        frozenset({"changed_at"}),
    ),
    Table("chat_languages", ("chat_id", "language"), ("chat_id",)),
    # Named integers: the question statistics, and whether events were ever remembered.
    Table("state", ("name", "value"), ("name",), count="value"),
    Table("unanswered", ("question", "count"), ("question",), count="count"),
)


class CopyableStore(Protocol):
    """A store whose tables can be read and added to whole (SqliteStore, PostgresStore)."""

    async def table_rows(self, table: Table) -> list[Row]:
        """Every row of the table, its columns in `table.columns`' order."""
        ...

    async def add_table_rows(self, table: Table, rows: Sequence[Row]) -> int:
        """Add the rows the store lacks and raise its counts to the rows' (see the module);
        how many rows that added or changed. One transaction."""
        ...


@dataclass(frozen=True, slots=True)
class Copied:
    table: str
    read: int
    added: int


async def copy_database(source: CopyableStore, target: CopyableStore) -> list[Copied]:
    """Copy every table of TABLES from `source` into `target`. Raises StoreError."""
    copied: list[Copied] = []
    for table in TABLES:
        rows = await source.table_rows(table)
        added = await target.add_table_rows(table, rows) if rows else 0
        copied.append(Copied(table.name, len(rows), added))
    return copied
