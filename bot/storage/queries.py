"""The one heavy query of the SQL stores, apart from the code that runs it: which chats a due
reminder goes to, written once for SQLite's dialect and PostgreSQL's."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# A chat has had a reminder, or one that supersedes it, when it has had this lead of the event or
# a shorter one, for this start (or before starts were kept): shorter leads fall due later, so a
# later one replaces the earlier ones.
_NOT_YET_REMINDED = """
    NOT EXISTS (
        SELECT 1 FROM deliveries AS x
        WHERE x.chat_id = {chat}.chat_id AND x.event_id = e.event_id
          AND (x.event_start = e.event_start OR x.event_start IS NULL)
          AND x.lead_seconds <= e.lead_seconds
    )"""
# One row a (chat, event), without a GROUP BY over every match, so LIMIT can stop early:
# a council's subscribers; then `all` subscribers not also subscribed to that council; then,
# for a network-wide event, every active chat with a subscription, once, whatever its scopes.
# The due slots `e` (a few rows) have each slot's `start_seen_at`, when its start became known.
_PENDING_REMINDERS = f"""
    SELECT s.chat_id, e.position, {{latest}}(s.subscribed_at, e.start_seen_at)
    FROM {{slots}} AS e
    {{join}} subscriptions AS s ON s.scope = e.council
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE {_NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT s.chat_id, e.position, {{latest}}(s.subscribed_at, e.start_seen_at)
    FROM {{slots}} AS e
    {{join}} subscriptions AS s ON s.scope = {{all}}
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE e.council IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM subscriptions AS o WHERE o.chat_id = s.chat_id AND o.scope = e.council
      )
      AND {_NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT c.chat_id, e.position,
           {{latest}}(
             (SELECT min(o.subscribed_at) FROM subscriptions AS o WHERE o.chat_id = c.chat_id),
             e.start_seen_at
           )
    FROM {{slots}} AS e
    CROSS JOIN chats AS c
    WHERE e.council IS NULL AND c.paused_at IS NULL
      AND EXISTS (SELECT 1 FROM subscriptions AS o WHERE o.chat_id = c.chat_id)
      AND {_NOT_YET_REMINDED.format(chat="c")}
"""

# SQLite: the due slots in a temporary table (start_seen_at '' when not known, which max()
# passes over); CROSS JOIN keeps them as the outer loop. Parameter: `all`, then any LIMIT.
PENDING_REMINDERS = _PENDING_REMINDERS.format(
    slots="temp.due_slots", join="CROSS JOIN", latest="max", all="?"
)

# PostgreSQL: the due slots as arrays, one a column, joined to when each start became known
# (NULL when not, which greatest() passes over). LIMIT NULL is no limit.
POSTGRES_PENDING_REMINDERS = (
    """
    WITH e AS (
        SELECT d.position, d.event_id, d.event_start, d.council, d.lead_seconds,
               k.start_seen_at
        FROM unnest(%(positions)s::integer[], %(events)s::text[], %(starts)s::timestamptz[],
                    %(councils)s::text[], %(leads)s::integer[])
             AS d (position, event_id, event_start, council, lead_seconds)
        LEFT JOIN known_events AS k ON k.event_id = d.event_id
    )"""
    + _PENDING_REMINDERS.format(slots="e", join="JOIN", latest="greatest", all="%(all)s")
    + "LIMIT %(limit)s"
)
