"""The Store's statements, written once for both SQL databases: SQLite (bot.storage.sqlite)
and PostgreSQL (bot.storage.postgres) run them through an `Sql`, which says how each passes
parameters and times and turns its failures into StoreError.

What is held, and why (both databases hold the same):

- chats: a chat's id and, when it blocked the bot, since when. Nothing else about it.
- subscriptions: (chat, scope, since when); the date makes a new subscriber's first reminder
  "on time" rather than "late".
- deliveries: (chat, event, the event's start, lead) already sent, so nothing is sent twice
  for the same start, and when; announcements: (chat, event) told of, with the start told.
  `prune` drops them a while after their events' starts (by age, never by absence from the
  events file, which a bad edit can empty for one reload), and chats left with nothing.
- known events: the ids of events already seen, with their start as written and when they
  end, so a restart does not announce them again and a changed start is noticed.
- statistics, conversations, chat languages and handled updates: see bot.storage.sql_chats.

`forget(chat_id)` deletes every row that names the chat.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.scopes import ALL, check_scope
from bot.storage.port import CONVERSATION_KEPT, HANDLED_UPDATES_KEPT, KnownEvent
from bot.storage.sql_chats import SqlChatState

logger = logging.getLogger(__name__)

# Names in the `state` table, which holds named integers.
_EVENTS_REMEMBERED = "events_remembered"
# Before any start: what a delivery from before starts were kept counts as, when the start a
# chat was last told of is compared with a new one.
_LONG_AGO = datetime(1, 1, 1, tzinfo=UTC)


class SqlStore(SqlChatState):
    """The Store's methods that are the same statements on either database; the adapters add
    opening, closing, the pending-reminders query and what several instances need."""

    async def ping(self) -> None:
        await self._sql.rows("SELECT 1")

    # Subscriptions

    async def subscribe(self, chat_id: int, scope: str, now: datetime) -> bool:
        check_scope(scope)
        since = self._sql.time(now)
        async with self._sql.transaction() as sql:
            await sql.write(
                "INSERT INTO chats (chat_id) VALUES (?) "
                "ON CONFLICT (chat_id) DO UPDATE SET paused_at = NULL",
                (chat_id,),
            )
            added = await sql.write(
                "INSERT INTO subscriptions (chat_id, scope, subscribed_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (chat_id, scope, since),
            )
        return added == 1

    async def unsubscribe(self, chat_id: int, scope: str) -> bool:
        removed = await self._sql.write(
            "DELETE FROM subscriptions WHERE chat_id = ? AND scope = ?", (chat_id, scope)
        )
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed == 1

    async def unsubscribe_all(self, chat_id: int) -> int:
        removed = await self._sql.write("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed

    async def _forget_pause_if_unsubscribed(self, chat_id: int) -> None:
        """Pausing only matters to subscribers; the chat row stays for its deliveries, so that a
        quick re-subscription does not repeat a reminder."""
        await self._sql.write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = ? AND paused_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE chat_id = ?)",
            (chat_id, chat_id),
        )

    async def subscriptions(self, chat_id: int) -> list[str]:
        rows = await self._sql.rows(
            "SELECT scope FROM subscriptions WHERE chat_id = ? ORDER BY scope != ?, scope",
            (chat_id, ALL),
        )
        return [str(row[0]) for row in rows]

    async def forget(self, chat_id: int) -> None:
        # Subscriptions, deliveries and announcements go with the chat row (ON DELETE CASCADE);
        # a conversation or a language is held for chats that subscribed to nothing too.
        async with self._sql.transaction() as sql:
            for table in ("chats", "conversations", "chat_languages"):
                await sql.write(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))

    async def pause_chat(self, chat_id: int, now: datetime) -> None:
        # Only a known chat is paused: a stranger who blocks the bot leaves nothing behind.
        await self._sql.write(
            "UPDATE chats SET paused_at = ? WHERE chat_id = ? AND paused_at IS NULL",
            (self._sql.time(now), chat_id),
        )

    async def resume_chat(self, chat_id: int) -> None:
        await self._sql.write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = ? AND paused_at IS NOT NULL",
            (chat_id,),
        )

    async def subscriber_counts(self) -> dict[str, int]:
        rows = await self._sql.rows(
            "SELECT s.scope, count(*) FROM subscriptions AS s "
            "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
            "GROUP BY s.scope ORDER BY s.scope"
        )
        return {str(scope): int(count) for scope, count in rows}

    # Reminders

    async def record_delivery(
        self, chat_id: int, event_id: str, start: datetime, lead_seconds: int, now: datetime
    ) -> None:
        # A chat forgotten while its reminder was being sent stays forgotten.
        await self._sql.write(
            "INSERT INTO deliveries (chat_id, event_id, event_start, lead_seconds, delivered_at) "
            "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = ?) "
            "ON CONFLICT DO NOTHING",
            (chat_id, event_id, self._sql.time(start), lead_seconds, self._sql.time(now), chat_id),
        )

    async def delivered_count(self) -> int:
        rows = await self._sql.rows("SELECT count(*) FROM deliveries")
        return int(rows[0][0])

    # Announcements

    async def _subscribers_where(
        self, council: str | None, condition: str, parameters: tuple[object, ...]
    ) -> list[int]:
        """Active chats subscribed to `council` or `ALL` (to anything, for council None) for
        which `condition`, on `s.chat_id` and `parameters`, holds."""
        scope_filter = "" if council is None else "AND s.scope IN (?, ?)"
        rows = await self._sql.rows(
            "SELECT DISTINCT s.chat_id FROM subscriptions AS s "
            "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
            f"WHERE {condition} {scope_filter} ORDER BY s.chat_id",
            parameters if council is None else (*parameters, council, ALL),
        )
        return [int(row[0]) for row in rows]

    async def announcement_recipients(self, event_id: str, council: str | None) -> list[int]:
        return await self._subscribers_where(
            council,
            "NOT EXISTS (SELECT 1 FROM announcements AS a "
            "            WHERE a.chat_id = s.chat_id AND a.event_id = ?)",
            (event_id,),
        )

    async def move_recipients(
        self, event_id: str, council: str | None, start: datetime
    ) -> list[int]:
        # The start a chat was last told of: its latest delivery or announcement of the event;
        # at the same second, the announcement (a move is announced after what it moves). A
        # chat never told of the event has no row: NULL, and the condition is not met; one
        # told before starts were kept was told of _LONG_AGO.
        return await self._subscribers_where(
            council,
            "(SELECT coalesce(t.event_start, ?) FROM ("
            "    SELECT event_start, delivered_at AS at, 0 AS rank FROM deliveries"
            "    WHERE chat_id = s.chat_id AND event_id = ?"
            "    UNION ALL"
            "    SELECT event_start, announced_at, 1 FROM announcements"
            "    WHERE chat_id = s.chat_id AND event_id = ?"
            "  ) AS t ORDER BY t.at DESC, t.rank DESC LIMIT 1) != ?",
            (self._sql.time(_LONG_AGO), event_id, event_id, self._sql.time(start)),
        )

    async def record_announcement(
        self, chat_id: int, event_id: str, start: datetime, now: datetime
    ) -> None:
        await self._sql.write(
            "INSERT INTO announcements (chat_id, event_id, event_start, announced_at) "
            "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = ?) "
            "ON CONFLICT (chat_id, event_id) DO UPDATE SET "
            "event_start = excluded.event_start, announced_at = excluded.announced_at "
            "WHERE announcements.event_start IS DISTINCT FROM excluded.event_start",
            (chat_id, event_id, self._sql.time(start), self._sql.time(now), chat_id),
        )

    async def known_events(self) -> dict[str, str | None] | None:
        async with self._sql.transaction(writes=False) as sql:
            if not await sql.rows("SELECT 1 FROM state WHERE name = ?", (_EVENTS_REMEMBERED,)):
                return None
            rows = await sql.rows("SELECT event_id, start FROM known_events")
        return {str(event_id): None if start is None else str(start) for event_id, start in rows}

    async def remember_events(self, events: Iterable[KnownEvent], now: datetime | None) -> None:
        seen_at = None if now is None else self._sql.time(now)
        rows = [
            (event.event_id, event.start, seen_at, self._sql.time(event.ends_at))
            for event in events
        ]
        async with self._sql.transaction() as sql:
            await sql.write_many(
                "INSERT INTO known_events (event_id, start, start_seen_at, ends_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET "
                "start_seen_at = CASE "
                "  WHEN known_events.start IS NOT DISTINCT FROM excluded.start "
                "  THEN known_events.start_seen_at ELSE excluded.start_seen_at END, "
                "start = excluded.start, ends_at = excluded.ends_at",
                rows,
            )
            await sql.write(
                "INSERT INTO state (name, value) VALUES (?, 1) ON CONFLICT DO NOTHING",
                (_EVENTS_REMEMBERED,),
            )

    async def prune(
        self, started_before: datetime, delivered_before: datetime, *, now: datetime
    ) -> None:
        started, delivered = self._sql.time(started_before), self._sql.time(delivered_before)
        async with self._sql.transaction() as sql:
            for table, at in (("deliveries", "delivered_at"), ("announcements", "announced_at")):
                await sql.write(
                    f"DELETE FROM {table} WHERE event_start < ? "
                    f"OR (event_start IS NULL AND {at} < ?)",
                    (started, delivered),
                )
            await sql.write("DELETE FROM known_events WHERE ends_at < ?", (started,))
            await sql.write(
                # NOT EXISTS, which PostgreSQL runs as an anti-join on each table's chat_id
                # index; NOT IN (subquery) it may rescan for every chat once deliveries are many.
                "DELETE FROM chats WHERE paused_at IS NULL"
                " AND NOT EXISTS (SELECT 1 FROM subscriptions AS s WHERE s.chat_id = chats.chat_id)"
                " AND NOT EXISTS (SELECT 1 FROM deliveries AS d WHERE d.chat_id = chats.chat_id)"
                " AND NOT EXISTS (SELECT 1 FROM announcements AS a WHERE a.chat_id = chats.chat_id)"
            )
            await sql.write(
                "DELETE FROM conversations WHERE changed_at < ?",
                (self._sql.time(now - CONVERSATION_KEPT),),
            )
            await sql.write(
                "DELETE FROM handled_updates WHERE handled_at < ?",
                (self._sql.time(now - HANDLED_UPDATES_KEPT),),
            )
