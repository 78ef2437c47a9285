"""The one heavy query of the PostgreSQL store: bot.storage.queries's, in PostgreSQL's words."""

from __future__ import annotations

import logging

from bot.storage.queries import NOT_YET_REMINDED

logger = logging.getLogger(__name__)

# The due slots come as arrays, one a column, and are joined to when each start became known;
# then, as in SQLite: a council's subscribers; `all` subscribers not also subscribed to that
# council; for a network-wide event, every active chat with a subscription, once.
PENDING_REMINDERS = f"""
    WITH e AS (
        SELECT d.position, d.event_id, d.event_start, d.council, d.lead_seconds,
               k.start_seen_at
        FROM unnest(%(positions)s::integer[], %(events)s::text[], %(starts)s::timestamptz[],
                    %(councils)s::text[], %(leads)s::integer[])
             AS d (position, event_id, event_start, council, lead_seconds)
        LEFT JOIN known_events AS k ON k.event_id = d.event_id
    )
    SELECT s.chat_id, e.position, greatest(s.subscribed_at, e.start_seen_at)
    FROM e
    JOIN subscriptions AS s ON s.scope = e.council
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE {NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT s.chat_id, e.position, greatest(s.subscribed_at, e.start_seen_at)
    FROM e
    JOIN subscriptions AS s ON s.scope = %(all)s
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE e.council IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM subscriptions AS o WHERE o.chat_id = s.chat_id AND o.scope = e.council
      )
      AND {NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT c.chat_id, e.position,
           greatest(
             (SELECT min(o.subscribed_at) FROM subscriptions AS o WHERE o.chat_id = c.chat_id),
             e.start_seen_at
           )
    FROM e
    CROSS JOIN chats AS c
    WHERE e.council IS NULL AND c.paused_at IS NULL
      AND EXISTS (SELECT 1 FROM subscriptions AS o WHERE o.chat_id = c.chat_id)
      AND {NOT_YET_REMINDED.format(chat="c")}
    LIMIT %(limit)s
"""
