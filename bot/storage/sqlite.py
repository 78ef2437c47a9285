"""What sosbot remembers between runs: subscriptions, deliveries, and anonymous statistics.

`Store` (bot.storage.port) is the interface the rest of the bot uses; `SqliteStore` implements
it with aiosqlite, over bot.storage.connection (one connection, reopened if its file is replaced)
and bot.storage.schema (migrations, opening, file modes, the lock). A PostgreSQL store could
implement the same methods later: every method is one or two plain SQL statements, and the one
heavy query (bot.storage.queries) is joins over a temporary table of the due slots.

What is held, and why:

- chats: a chat's id and, when it blocked the bot, since when. Nothing else about it.
- subscriptions: (chat, scope, since when); the date makes a new subscriber's first reminder
  "on time" rather than "late".
- deliveries: (chat, event, the event's start, lead) already sent, so nothing is sent twice
  for the same start, and when; announcements: (chat, event) told of, with the start told.
  `prune` drops them a while after their events' starts (by age, never by absence from the
  events file, which a bad edit can empty for one reload), and chats left with nothing.
- known events: the ids of events already seen, with their start as written and when they
  end, so a restart does not announce them again and a changed start is noticed.
- statistics: two counters, and unanswered questions as normalised text with a count, with no
  chat id, user id or date at all.
- conversations: a chat's last intent and council code, and when they changed (pruned after
  CONVERSATION_KEPT); chat languages: the language a chat chose.
- handled updates: the ids of webhook updates handled, and when (pruned after a day).

`forget(chat_id)` deletes every row that names the chat.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Self

from bot.scopes import ALL, check_scope
from bot.storage.connection import Database
from bot.storage.local import SoleLeadership
from bot.storage.port import (
    CONVERSATION_KEPT,
    HANDLED_UPDATES_KEPT,
    KnownEvent,
    PendingReminder,
    ReminderLeadership,
    ReminderSlot,
)
from bot.storage.queries import PENDING_REMINDERS
from bot.storage.schema import schema_version
from bot.storage.sqlite_chats import SqliteChatState, stamp

logger = logging.getLogger(__name__)


# Names in the `state` table, which holds named integers (the question counts' are in
# bot.storage.sqlite_chats).
_EVENTS_REMEMBERED = "events_remembered"


class SqliteStore(SqliteChatState):
    """The Store in one SQLite file, in WAL mode so that `sosbot` commands can read it while the
    bot runs. Any failure of the database is raised as StoreError."""

    @classmethod
    async def open(cls, path: Path, *, writable: bool = True) -> Self:
        """Open (creating if need be) the database and bring its schema up to date; with
        `writable`, refuse a database that cannot be written. Without, open it read-only and
        refuse a missing or out-of-date one. Raises UnusableDatabaseError."""
        return cls(await Database.open(path, writable=writable))

    async def close(self) -> None:
        await self._db.close()

    async def schema_version(self) -> int:
        async with self._db.locked() as db:
            return await schema_version(db)

    # Subscriptions

    async def subscribe(self, chat_id: int, scope: str, now: datetime) -> bool:
        check_scope(scope)
        async with self._db.transaction() as db:
            await db.execute(
                "INSERT INTO chats (chat_id) VALUES (?) "
                "ON CONFLICT (chat_id) DO UPDATE SET paused_at = NULL",
                (chat_id,),
            )
            cursor = await db.execute(
                "INSERT INTO subscriptions (chat_id, scope, subscribed_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (chat_id, scope, stamp(now)),
            )
            added = cursor.rowcount == 1
            await cursor.close()
        return added

    async def unsubscribe(self, chat_id: int, scope: str) -> bool:
        removed = await self._db.write(
            "DELETE FROM subscriptions WHERE chat_id = ? AND scope = ?", (chat_id, scope)
        )
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed == 1

    async def unsubscribe_all(self, chat_id: int) -> int:
        removed = await self._db.write("DELETE FROM subscriptions WHERE chat_id = ?", (chat_id,))
        await self._forget_pause_if_unsubscribed(chat_id)
        return removed

    async def _forget_pause_if_unsubscribed(self, chat_id: int) -> None:
        """Pausing only matters to subscribers; the chat row stays for its deliveries, so that a
        quick re-subscription does not repeat a reminder."""
        await self._db.write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = ? AND paused_at IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE chat_id = ?)",
            (chat_id, chat_id),
        )

    async def subscriptions(self, chat_id: int) -> list[str]:
        rows = await self._db.rows(
            "SELECT scope FROM subscriptions WHERE chat_id = ? ORDER BY scope != ?, scope",
            (chat_id, ALL),
        )
        return [str(row[0]) for row in rows]

    async def forget(self, chat_id: int) -> None:
        # Subscriptions, deliveries and announcements go with the chat row (ON DELETE CASCADE);
        # a conversation or a language is held for chats that subscribed to nothing too.
        async with self._db.transaction() as db:
            for table in ("chats", "conversations", "chat_languages"):
                await db.execute(f"DELETE FROM {table} WHERE chat_id = ?", (chat_id,))

    async def pause_chat(self, chat_id: int, now: datetime) -> None:
        # Only a known chat is paused: a stranger who blocks the bot leaves nothing behind.
        await self._db.write(
            "UPDATE chats SET paused_at = ? WHERE chat_id = ? AND paused_at IS NULL",
            (stamp(now), chat_id),
        )

    async def resume_chat(self, chat_id: int) -> None:
        await self._db.write(
            "UPDATE chats SET paused_at = NULL WHERE chat_id = ? AND paused_at IS NOT NULL",
            (chat_id,),
        )

    async def subscriber_counts(self) -> dict[str, int]:
        rows = await self._db.rows(
            "SELECT s.scope, count(*) FROM subscriptions AS s "
            "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
            "GROUP BY s.scope ORDER BY s.scope"
        )
        return {str(row[0]): int(row[1]) for row in rows}

    # Reminders

    async def pending_reminders(
        self, slots: Sequence[ReminderSlot], limit: int | None = None
    ) -> list[PendingReminder]:
        if not slots:
            return []
        # Only the temporary table is written: the main database is read, in one snapshot.
        async with self._db.transaction(writes=False) as db:
            # The due slots go in a temporary table (per connection, invisible to any other
            # reader) so that one statement joins them to the subscriptions by the scope index,
            # rather than Python looping over every subscription.
            await db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS due_slots (position INTEGER PRIMARY KEY, "
                "event_id TEXT NOT NULL, event_start TEXT NOT NULL, council TEXT, "
                "lead_seconds INTEGER NOT NULL, start_seen_at TEXT NOT NULL DEFAULT '')"
            )
            await db.execute("DELETE FROM temp.due_slots")
            await db.executemany(
                "INSERT INTO temp.due_slots (position, event_id, event_start, council, "
                "lead_seconds) VALUES (?, ?, ?, ?, ?)",
                [
                    (position, slot.event_id, stamp(slot.start), slot.council, slot.lead_seconds)
                    for position, slot in enumerate(slots)
                ],
            )
            # Once a slot, not once a row: when its start became known ('' if not yet).
            await db.execute(
                "UPDATE temp.due_slots SET start_seen_at = coalesce((SELECT k.start_seen_at "
                "FROM known_events AS k WHERE k.event_id = due_slots.event_id), '')"
            )
            sql = PENDING_REMINDERS + ("" if limit is None else " LIMIT ?")
            rows = await db.execute_fetchall(sql, (ALL,) if limit is None else (ALL, limit))
            await db.execute("DELETE FROM temp.due_slots")
        # Rows name their slot by position: an integer crosses over faster than the event id.
        return [
            PendingReminder(chat_id, slots[position], datetime.fromisoformat(since))
            for chat_id, position, since in rows
        ]

    async def record_delivery(
        self, chat_id: int, event_id: str, start: datetime, lead_seconds: int, now: datetime
    ) -> None:
        # A chat forgotten while its reminder was being sent stays forgotten.
        await self._db.write(
            "INSERT INTO deliveries (chat_id, event_id, event_start, lead_seconds, delivered_at) "
            "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = ?) "
            "ON CONFLICT DO NOTHING",
            (chat_id, event_id, stamp(start), lead_seconds, stamp(now), chat_id),
        )

    async def delivered_count(self) -> int:
        rows = await self._db.rows("SELECT count(*) FROM deliveries")
        return int(rows[0][0])

    # Announcements

    async def _subscribers_where(
        self, council: str | None, condition: str, parameters: dict[str, object]
    ) -> list[int]:
        """Active chats subscribed to `council` or `ALL` (to anything, for council None) for
        which `condition`, on `s.chat_id` and the named `parameters`, holds."""
        scope_filter = "" if council is None else "AND s.scope IN (:council, :all)"
        rows = await self._db.rows(
            "SELECT DISTINCT s.chat_id FROM subscriptions AS s "
            "JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL "
            f"WHERE {condition} {scope_filter} ORDER BY s.chat_id",
            {**parameters, "council": council, "all": ALL},
        )
        return [int(row[0]) for row in rows]

    async def announcement_recipients(self, event_id: str, council: str | None) -> list[int]:
        return await self._subscribers_where(
            council,
            "NOT EXISTS (SELECT 1 FROM announcements AS a "
            "            WHERE a.chat_id = s.chat_id AND a.event_id = :event)",
            {"event": event_id},
        )

    async def move_recipients(
        self, event_id: str, council: str | None, start: datetime
    ) -> list[int]:
        # The start a chat was last told of: its latest delivery or announcement of the event;
        # at the same second, the announcement (a move is announced after what it moves).
        # A chat never told of the event has no row: NULL, and the condition is not met.
        return await self._subscribers_where(
            council,
            "(SELECT coalesce(t.event_start, '') FROM ("
            "    SELECT event_start, delivered_at AS at, 0 AS rank FROM deliveries"
            "    WHERE chat_id = s.chat_id AND event_id = :event"
            "    UNION ALL"
            "    SELECT event_start, announced_at, 1 FROM announcements"
            "    WHERE chat_id = s.chat_id AND event_id = :event"
            "  ) AS t ORDER BY t.at DESC, t.rank DESC LIMIT 1) != :start",
            {"event": event_id, "start": stamp(start)},
        )

    async def record_announcement(
        self, chat_id: int, event_id: str, start: datetime, now: datetime
    ) -> None:
        await self._db.write(
            "INSERT INTO announcements (chat_id, event_id, event_start, announced_at) "
            "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM chats WHERE chat_id = ?) "
            "ON CONFLICT (chat_id, event_id) DO UPDATE SET "
            "event_start = excluded.event_start, announced_at = excluded.announced_at "
            "WHERE event_start IS NOT excluded.event_start",
            (chat_id, event_id, stamp(start), stamp(now), chat_id),
        )

    async def known_events(self) -> dict[str, str | None] | None:
        async with self._db.locked() as db:
            remembered = await db.execute_fetchall(
                "SELECT 1 FROM state WHERE name = ?", (_EVENTS_REMEMBERED,)
            )
            if not list(remembered):
                return None
            rows = await db.execute_fetchall("SELECT event_id, start FROM known_events")
        return {str(row[0]): None if row[1] is None else str(row[1]) for row in rows}

    async def remember_events(self, events: Iterable[KnownEvent], now: datetime | None) -> None:
        seen_at = None if now is None else stamp(now)
        async with self._db.transaction() as db:
            await db.executemany(
                "INSERT INTO known_events (event_id, start, start_seen_at, ends_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET "
                "start_seen_at = CASE WHEN start IS excluded.start THEN start_seen_at "
                "                     ELSE excluded.start_seen_at END, "
                "start = excluded.start, ends_at = excluded.ends_at",
                [(event.event_id, event.start, seen_at, stamp(event.ends_at)) for event in events],
            )
            await db.execute(
                "INSERT INTO state (name, value) VALUES (?, 1) ON CONFLICT DO NOTHING",
                (_EVENTS_REMEMBERED,),
            )

    async def prune(
        self, started_before: datetime, delivered_before: datetime, *, now: datetime
    ) -> None:
        started, delivered = stamp(started_before), stamp(delivered_before)
        async with self._db.transaction() as db:
            await db.execute(
                "DELETE FROM conversations WHERE changed_at < ?", (stamp(now - CONVERSATION_KEPT),)
            )
            await db.execute(
                "DELETE FROM handled_updates WHERE handled_at < ?",
                (stamp(now - HANDLED_UPDATES_KEPT),),
            )
            for table, at in (("deliveries", "delivered_at"), ("announcements", "announced_at")):
                await db.execute(
                    f"DELETE FROM {table} WHERE event_start < ? "
                    f"OR (event_start IS NULL AND {at} < ?)",
                    (started, delivered),
                )
            await db.execute("DELETE FROM known_events WHERE ends_at < ?", (started,))
            await db.execute(
                "DELETE FROM chats WHERE paused_at IS NULL"
                " AND chat_id NOT IN (SELECT chat_id FROM subscriptions)"
                " AND chat_id NOT IN (SELECT chat_id FROM deliveries)"
                " AND chat_id NOT IN (SELECT chat_id FROM announcements)"
            )

    def reminder_leadership(self) -> ReminderLeadership:
        # One process owns the file: sosbot run holds its lock.
        return SoleLeadership(self)
