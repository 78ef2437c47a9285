"""The Store on a PostgreSQL database that several instances of sosbot share.

psycopg 3 with psycopg_pool: the pool checks each connection before lending it, so after the
server restarts the next call gets a new connection rather than a dead one. Each method is one
statement or one transaction; any failure of the database comes out as StoreError. The schema
(bot.storage.postgres_schema) holds what the SQLite store holds (see bot.storage.sqlite), and
`forget(chat_id)` deletes every row that names the chat. What only PostgreSQL does:

- `chat_turn(key)`: a transaction holding `pg_advisory_xact_lock(key)` on a connection of a
  pool of its own, so that a chat's updates are handled one at a time across instances;
- `reminder_leadership()`: `pg_try_advisory_lock` on a connection the leadership keeps, which
  also runs the leader's delivery queries (bot.storage.postgres_leadership).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Self

import psycopg
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from bot.errors import UnusableDatabaseError
from bot.scopes import ALL, check_scope
from bot.settings import PostgresUrl
from bot.storage.port import (
    CONVERSATION_KEPT,
    HANDLED_UPDATES_KEPT,
    KnownEvent,
    PendingReminder,
    ReminderLeadership,
    ReminderSlot,
)
from bot.storage.postgres_chats import Connections, PostgresChatState
from bot.storage.postgres_leadership import LeaderConnection, PostgresLeadership
from bot.storage.postgres_queries import PENDING_REMINDERS
from bot.storage.postgres_schema import CONNECTION_OPTIONS, connect, failure, prepare
from bot.storage.stored import second

logger = logging.getLogger(__name__)

# Names in the `state` table, which holds named integers.
_EVENTS_REMEMBERED = "events_remembered"
# Connections an instance opens at most: for queries, and for chat turns in flight (a turn
# beyond that waits for one, up to POOL_WAIT_SECONDS, then fails as the database would).
QUERY_CONNECTIONS = 10
TURN_CONNECTIONS = 20
POOL_WAIT_SECONDS = 10.0


def _pool(database: PostgresUrl, name: str, size: int) -> AsyncConnectionPool[Any]:
    return AsyncConnectionPool(
        database.url.get_secret_value(),
        min_size=1,
        max_size=size,
        open=False,
        # A connection is tried before it is lent: one the server dropped (a restart) is
        # replaced rather than failing the caller's query.
        check=AsyncConnectionPool.check_connection,
        kwargs=CONNECTION_OPTIONS,
        timeout=POOL_WAIT_SECONDS,
        name=name,
    )


class PostgresStore(PostgresChatState):
    """The Store on PostgreSQL. Build it with `open`."""

    def __init__(
        self,
        database: PostgresUrl,
        queries: Connections,
        turns: AsyncConnectionPool[AsyncConnection[Any]],
        owned: Sequence[AsyncConnectionPool[AsyncConnection[Any]]],
    ) -> None:
        super().__init__(database, queries, turns)
        # The pools `close` closes: none for the reminder leader's store, which runs on the
        # leadership's connection.
        self._owned = tuple(owned)

    @classmethod
    async def open(cls, database: PostgresUrl, *, writable: bool = True) -> Self:
        """Connect, and bring the schema up to date (with `writable`; without, refuse one that
        is not). Raises UnusableDatabaseError, without the password."""
        try:
            connection = await connect(database)
        except psycopg.Error as error:
            raise UnusableDatabaseError(str(database), failure(database, error)) from error
        try:
            await prepare(connection, database, writable=writable)
        except psycopg.Error as error:
            raise UnusableDatabaseError(str(database), failure(database, error)) from error
        finally:
            await connection.close()
        queries = _pool(database, "sosbot-queries", QUERY_CONNECTIONS)
        turns = _pool(database, "sosbot-chat-turns", TURN_CONNECTIONS)
        await queries.open()
        await turns.open()
        return cls(database, queries, turns, (queries, turns))

    async def close(self) -> None:
        for pool in self._owned:
            await pool.close()

    async def schema_version(self) -> int:
        rows = await self._rows("SELECT version FROM schema_version")
        return int(rows[0][0])

    def reminder_leadership(self) -> ReminderLeadership:
        leader = LeaderConnection(self._database)
        return PostgresLeadership(leader, PostgresStore(self._database, leader, self._turns, ()))

    # Subscriptions

    async def subscribe(self, chat_id: int, scope: str, now: datetime) -> bool:
        check_scope(scope)
        since = second(now)
        async with self._transaction() as connection:
            await connection.execute(
                "INSERT INTO chats (chat_id) VALUES (%s) "
                "ON CONFLICT (chat_id) DO UPDATE SET paused_at = NULL",
                (chat_id,),
            )
            cursor = await connection.execute(
                "INSERT INTO subscriptions (chat_id, scope, subscribed_at) VALUES (%s, %s, %s) "
                "ON CONFLICT DO NOTHING",
                (chat_id, scope, since),
            )
            return cursor.rowcount == 1

    async def unsubscribe(self, chat_id: int, scope: str) -> bool:
        removed = await self._write(
            "DELETE FROM subscriptions WHERE chat_id = %s AND scope = %s", (chat_id, scope)
        )
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed == 1

    async def unsubscribe_all(self, chat_id: int) -> int:
        removed = await self._write("DELETE FROM subscriptions WHERE chat_id = %s", (chat_id,))
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed

    async def _forget_pause_if_unsubscribed(self, chat_id: int) -> None:
        """Pausing only matters to subscribers; the chat row stays for its deliveries."""
        await self._write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = %s AND paused_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE chat_id = %s)",
            (chat_id, chat_id),
        )

    async def subscriptions(self, chat_id: int) -> list[str]:
        rows = await self._rows(
            "SELECT scope FROM subscriptions WHERE chat_id = %s ORDER BY scope != %s, scope",
            (chat_id, ALL),
        )
        return [str(row[0]) for row in rows]

    async def forget(self, chat_id: int) -> None:
        # Subscriptions, deliveries and announcements go with the chat row (ON DELETE CASCADE).
        async with self._transaction() as connection:
            for table in ("chats", "conversations", "chat_languages"):
                await connection.execute(
                    f"DELETE FROM {table} WHERE chat_id = %s",
                    (chat_id,),
                )

    async def pause_chat(self, chat_id: int, now: datetime) -> None:
        await self._write(
            "UPDATE chats SET paused_at = %s WHERE chat_id = %s AND paused_at IS NULL",
            (second(now), chat_id),
        )

    async def resume_chat(self, chat_id: int) -> None:
        await self._write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = %s AND paused_at IS NOT NULL",
            (chat_id,),
        )

    async def subscriber_counts(self) -> dict[str, int]:
        rows = await self._rows(
            "SELECT s.scope, count(*) FROM subscriptions AS s "
            "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
            "GROUP BY s.scope ORDER BY s.scope"
        )
        return {str(scope): int(count) for scope, count in rows}

    # Reminders

    async def pending_reminders(
        self, slots: Sequence[ReminderSlot], limit: int | None = None
    ) -> list[PendingReminder]:
        if not slots:
            return []
        async with self._connection() as connection:
            cursor = await connection.execute(
                PENDING_REMINDERS,
                {
                    "positions": list(range(len(slots))),
                    "events": [slot.event_id for slot in slots],
                    "starts": [second(slot.start) for slot in slots],
                    "councils": [slot.council for slot in slots],
                    "leads": [slot.lead_seconds for slot in slots],
                    "all": ALL,
                    "limit": limit,
                },
            )
            rows = await cursor.fetchall()
        return [
            PendingReminder(chat_id, slots[position], since) for chat_id, position, since in rows
        ]

    async def record_delivery(
        self, chat_id: int, event_id: str, start: datetime, lead_seconds: int, now: datetime
    ) -> None:
        # A chat forgotten while its reminder was being sent stays forgotten.
        await self._write(
            "INSERT INTO deliveries (chat_id, event_id, event_start, lead_seconds, delivered_at) "
            "SELECT %s, %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = %s) "
            "ON CONFLICT DO NOTHING",
            (chat_id, event_id, second(start), lead_seconds, second(now), chat_id),
        )

    async def delivered_count(self) -> int:
        rows = await self._rows("SELECT count(*) FROM deliveries")
        return int(rows[0][0])

    # Announcements

    async def _subscribers_where(
        self, council: str | None, condition: str, parameters: dict[str, object]
    ) -> list[int]:
        """Active chats subscribed to `council` or `ALL` (to anything, for council None) for
        which `condition`, on `s.chat_id` and the named `parameters`, holds."""
        scope_filter = "" if council is None else "AND s.scope IN (%(council)s, %(all)s)"
        async with self._connection() as connection:
            cursor = await connection.execute(
                "SELECT DISTINCT s.chat_id FROM subscriptions AS s "
                "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
                f"WHERE {condition} {scope_filter} ORDER BY s.chat_id",
                {**parameters, "council": council, "all": ALL},
            )
            rows = await cursor.fetchall()
        return [int(row[0]) for row in rows]

    async def announcement_recipients(self, event_id: str, council: str | None) -> list[int]:
        return await self._subscribers_where(
            council,
            "NOT EXISTS (SELECT 1 FROM announcements AS a "
            "            WHERE a.chat_id = s.chat_id AND a.event_id = %(event)s)",
            {"event": event_id},
        )

    async def move_recipients(
        self, event_id: str, council: str | None, start: datetime
    ) -> list[int]:
        # As in SQLite: the start a chat was last told of, from its latest delivery or
        # announcement, the announcement first at the same second. A chat never told has no
        # row (NULL: not met); one told before starts were kept, -infinity (met).
        return await self._subscribers_where(
            council,
            "(SELECT coalesce(t.event_start, '-infinity') FROM ("
            "    SELECT event_start, delivered_at AS at, 0 AS rank FROM deliveries"
            "    WHERE chat_id = s.chat_id AND event_id = %(event)s"
            "    UNION ALL"
            "    SELECT event_start, announced_at, 1 FROM announcements"
            "    WHERE chat_id = s.chat_id AND event_id = %(event)s"
            "  ) AS t ORDER BY t.at DESC, t.rank DESC LIMIT 1) != %(start)s",
            {"event": event_id, "start": second(start)},
        )

    async def record_announcement(
        self, chat_id: int, event_id: str, start: datetime, now: datetime
    ) -> None:
        await self._write(
            "INSERT INTO announcements (chat_id, event_id, event_start, announced_at) "
            "SELECT %s, %s, %s, %s WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = %s) "
            "ON CONFLICT (chat_id, event_id) DO UPDATE SET "
            "event_start = excluded.event_start, announced_at = excluded.announced_at "
            "WHERE announcements.event_start IS DISTINCT FROM excluded.event_start",
            (chat_id, event_id, second(start), second(now), chat_id),
        )

    async def known_events(self) -> dict[str, str | None] | None:
        async with self._transaction() as connection:
            cursor = await connection.execute(
                "SELECT 1 FROM state WHERE name = %s", (_EVENTS_REMEMBERED,)
            )
            if await cursor.fetchone() is None:
                return None
            cursor = await connection.execute("SELECT event_id, start FROM known_events")
            rows = await cursor.fetchall()
        return {str(event_id): None if start is None else str(start) for event_id, start in rows}

    async def remember_events(self, events: Iterable[KnownEvent], now: datetime | None) -> None:
        seen_at = None if now is None else second(now)
        rows = [(event.event_id, event.start, seen_at, second(event.ends_at)) for event in events]
        async with self._transaction() as connection:
            async with connection.cursor() as cursor:
                await cursor.executemany(
                    "INSERT INTO known_events (event_id, start, start_seen_at, ends_at) "
                    "VALUES (%s, %s, %s, %s) ON CONFLICT (event_id) DO UPDATE SET "
                    "start_seen_at = CASE "
                    "  WHEN known_events.start IS NOT DISTINCT FROM excluded.start "
                    "  THEN known_events.start_seen_at ELSE excluded.start_seen_at END, "
                    "start = excluded.start, ends_at = excluded.ends_at",
                    rows,
                )
            await connection.execute(
                "INSERT INTO state (name, value) VALUES (%s, 1) ON CONFLICT DO NOTHING",
                (_EVENTS_REMEMBERED,),
            )

    async def prune(
        self, started_before: datetime, delivered_before: datetime, *, now: datetime
    ) -> None:
        started, delivered = second(started_before), second(delivered_before)
        async with self._transaction() as connection:
            for table, at in (("deliveries", "delivered_at"), ("announcements", "announced_at")):
                await connection.execute(
                    f"DELETE FROM {table} WHERE event_start < %s "
                    f"OR (event_start IS NULL AND {at} < %s)",
                    (started, delivered),
                )
            await connection.execute("DELETE FROM known_events WHERE ends_at < %s", (started,))
            await connection.execute(
                "DELETE FROM chats WHERE paused_at IS NULL"
                " AND chat_id NOT IN (SELECT chat_id FROM subscriptions)"
                " AND chat_id NOT IN (SELECT chat_id FROM deliveries)"
                " AND chat_id NOT IN (SELECT chat_id FROM announcements)"
            )
            await connection.execute(
                "DELETE FROM conversations WHERE changed_at < %s",
                (second(now - CONVERSATION_KEPT),),
            )
            await connection.execute(
                "DELETE FROM handled_updates WHERE handled_at < %s",
                (second(now - HANDLED_UPDATES_KEPT),),
            )
