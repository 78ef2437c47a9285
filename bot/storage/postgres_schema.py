"""The PostgreSQL database: its schema and migrations, and how sosbot connects to it.

Migrations run in one transaction under a transaction advisory lock, so that instances
starting together take turns: the first migrates, the others find it done. The schema holds
what the SQLite schema (bot.storage.schema) holds, in PostgreSQL's types; its versions count
on their own (`schema_version`). Advisory locks are the two-integer kind under NAMESPACE; chat
turns use the one-integer kind (the chat's id), a key space of its own.
"""

from __future__ import annotations

import logging
from typing import Any

import psycopg
from psycopg import AsyncConnection

from bot.errors import UnusableDatabaseError
from bot.settings import PostgresUrl

logger = logging.getLogger(__name__)

# "sos" in ASCII: the first key of sosbot's two-integer advisory locks.
NAMESPACE = 0x736F73
MIGRATION_LOCK = 1
REMINDER_LEADER_LOCK = 2

# Each entry moves the schema up one version (the one row of `schema_version`). Never edit an
# entry that has shipped: append a new one.
MIGRATIONS: tuple[str, ...] = (
    # Version 1 holds what SQLite's schema 3 holds. A delivery or announcement copied from an
    # SQLite database of before starts were kept has none (NULL): one such delivery a (chat,
    # event, lead), as there.
    """
    CREATE TABLE chats (
        chat_id bigint PRIMARY KEY,
        paused_at timestamptz
    );
    CREATE TABLE subscriptions (
        chat_id bigint NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        scope text NOT NULL,
        subscribed_at timestamptz NOT NULL,
        PRIMARY KEY (chat_id, scope)
    );
    CREATE INDEX subscriptions_by_scope ON subscriptions (scope, chat_id, subscribed_at);
    CREATE TABLE deliveries (
        chat_id bigint NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_start timestamptz,
        lead_seconds integer NOT NULL,
        delivered_at timestamptz NOT NULL,
        UNIQUE NULLS NOT DISTINCT (chat_id, event_id, event_start, lead_seconds)
    );
    CREATE TABLE announcements (
        chat_id bigint NOT NULL REFERENCES chats (chat_id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_start timestamptz,
        announced_at timestamptz NOT NULL,
        PRIMARY KEY (chat_id, event_id)
    );
    CREATE TABLE known_events (
        event_id text PRIMARY KEY,
        start text,
        start_seen_at timestamptz,
        ends_at timestamptz
    );
    CREATE TABLE state (
        name text PRIMARY KEY,
        value bigint NOT NULL
    );
    CREATE TABLE unanswered (
        question text PRIMARY KEY,
        count bigint NOT NULL
    );
    CREATE TABLE conversations (
        chat_id bigint PRIMARY KEY,
        intent text,
        council_code text,
        changed_at timestamptz NOT NULL
    );
    CREATE INDEX conversations_by_age ON conversations (changed_at);
    CREATE TABLE chat_languages (
        chat_id bigint PRIMARY KEY,
        language text NOT NULL
    );
    CREATE TABLE handled_updates (
        update_id bigint PRIMARY KEY,
        handled_at timestamptz NOT NULL
    );
    CREATE INDEX handled_updates_by_age ON handled_updates (handled_at);
    """,
)

# TCP keepalives, each way: idle seconds before the first probe, seconds between probes, probes
# unanswered before the peer is taken for dead. Without them a machine that dies without closing
# its connections (power, network) is noticed only after the kernel's two hours: the server
# would keep a dead reminder leader's lock, and so every reminder waiting, that long.
KEEPALIVE_IDLE, KEEPALIVE_INTERVAL, KEEPALIVE_COUNT = 10, 5, 3

# Every connection: autocommit (a transaction is asked for where one is meant), times read back
# in UTC, a dead server given up on in seconds rather than minutes, and (keepalives) a dead
# peer noticed within half a minute on both sides.
CONNECTION_OPTIONS: dict[str, Any] = {
    "autocommit": True,
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": KEEPALIVE_IDLE,
    "keepalives_interval": KEEPALIVE_INTERVAL,
    "keepalives_count": KEEPALIVE_COUNT,
    "options": (
        f"-c TimeZone=UTC -c tcp_keepalives_idle={KEEPALIVE_IDLE} "
        f"-c tcp_keepalives_interval={KEEPALIVE_INTERVAL} "
        f"-c tcp_keepalives_count={KEEPALIVE_COUNT}"
    ),
}


async def connect(database: PostgresUrl) -> AsyncConnection[Any]:
    """One connection of its own. Raises psycopg.Error."""
    return await AsyncConnection.connect(database.url.get_secret_value(), **CONNECTION_OPTIONS)


async def schema_version(connection: AsyncConnection[Any]) -> int | None:
    """The schema's version; None if the database has no sosbot schema."""
    cursor = await connection.execute("SELECT to_regclass('schema_version') IS NOT NULL")
    row = await cursor.fetchone()
    if row is None or not row[0]:
        return None
    cursor = await connection.execute("SELECT version FROM schema_version")
    row = await cursor.fetchone()
    return 0 if row is None else int(row[0])


async def prepare(
    connection: AsyncConnection[Any], database: PostgresUrl, *, writable: bool
) -> None:
    """Check the schema and, `writable`, migrate it, all in one transaction under the
    migration lock. Raises UnusableDatabaseError; psycopg.Error when the database fails."""
    async with connection.transaction():
        await connection.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", (NAMESPACE, MIGRATION_LOCK)
        )
        current = await schema_version(connection)
        if current is None:
            await _refuse_another_programs(connection, database)
        elif current > len(MIGRATIONS):
            raise UnusableDatabaseError(
                str(database),
                f"it has schema version {current}, newer than this sosbot knows "
                f"({len(MIGRATIONS)}): upgrade sosbot",
            )
        if not writable:
            if current != len(MIGRATIONS):
                raise UnusableDatabaseError(
                    str(database),
                    f"it has schema version {current or 0} and needs migrating to "
                    f"{len(MIGRATIONS)}: start the bot once to migrate it",
                )
            return
        if current is None:
            await connection.execute("CREATE TABLE schema_version (version integer NOT NULL)")
            await connection.execute("INSERT INTO schema_version (version) VALUES (0)")
            current = 0
        for version, script in enumerate(MIGRATIONS[current:], start=current + 1):
            await connection.execute(script)
            await connection.execute("UPDATE schema_version SET version = %s", (version,))
            logger.info("Database schema migrated to version %d", version)


async def _refuse_another_programs(connection: AsyncConnection[Any], database: PostgresUrl) -> None:
    """A database without sosbot's schema must be empty: adding sosbot's tables to another
    program's would do it harm."""
    cursor = await connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
    )
    tables = [str(row[0]) for row in await cursor.fetchall()]
    if tables:
        raise UnusableDatabaseError(
            str(database), f"it is not sosbot's: it holds tables {', '.join(tables)}"
        )


def failure(database: PostgresUrl, error: psycopg.Error) -> str:
    """What failed, in one line, without the password."""
    return database.redact(f"the database {database} failed: {error}".replace("\n", " "))
