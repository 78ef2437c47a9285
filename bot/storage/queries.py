"""The one heavy query of the SQLite store, apart from the code that runs it."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# A chat has had a reminder, or one that supersedes it, when it has had this lead of the event or
# a shorter one, for this start (or before starts were kept): shorter leads fall due later, so a
# later one replaces the earlier ones.
NOT_YET_REMINDED = """
    NOT EXISTS (
        SELECT 1 FROM deliveries AS x
        WHERE x.chat_id = {chat}.chat_id AND x.event_id = e.event_id
          AND (x.event_start = e.event_start OR x.event_start IS NULL)
          AND x.lead_seconds <= e.lead_seconds
    )"""
# One row a (chat, event), without a GROUP BY over every match, so LIMIT can stop early:
# a council's subscribers; then `all` subscribers not also subscribed to that council; then,
# for a network-wide event, every active chat with a subscription, once, whatever its scopes.
# CROSS JOIN keeps the due slots (a few rows) as the outer loop.
PENDING_REMINDERS = f"""
    SELECT s.chat_id, e.position, max(s.subscribed_at, e.start_seen_at)
    FROM temp.due_slots AS e
    CROSS JOIN subscriptions AS s ON s.scope = e.council
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE {NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT s.chat_id, e.position, max(s.subscribed_at, e.start_seen_at)
    FROM temp.due_slots AS e
    CROSS JOIN subscriptions AS s ON s.scope = ?
    JOIN chats AS c ON c.chat_id = s.chat_id AND c.paused_at IS NULL
    WHERE e.council IS NOT NULL
      AND NOT EXISTS (
        SELECT 1 FROM subscriptions AS o WHERE o.chat_id = s.chat_id AND o.scope = e.council
      )
      AND {NOT_YET_REMINDED.format(chat="s")}
    UNION ALL
    SELECT c.chat_id, e.position,
           max(
             (SELECT min(o.subscribed_at) FROM subscriptions AS o WHERE o.chat_id = c.chat_id),
             e.start_seen_at
           )
    FROM temp.due_slots AS e
    CROSS JOIN chats AS c
    WHERE e.council IS NULL AND c.paused_at IS NULL
      AND EXISTS (SELECT 1 FROM subscriptions AS o WHERE o.chat_id = c.chat_id)
      AND {NOT_YET_REMINDED.format(chat="c")}
"""
