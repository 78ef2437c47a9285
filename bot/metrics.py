"""What an instance counts, for Prometheus (`GET /metrics` in webhook mode).

One registry per Metrics, never prometheus-client's global one: a test builds as many runtimes
as it likes, and the page shows only sosbot's figures. No label ever holds a chat, a user or
text: the kind of update is one of a few fixed words.
"""

from __future__ import annotations

import logging

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

logger = logging.getLogger(__name__)

# The content type of the text `exposition` returns.
CONTENT_TYPE = CONTENT_TYPE_LATEST
# Handling an update takes milliseconds, a reply waiting out a 429 seconds.
HANDLING_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """The counters, gauge and histogram of one instance, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        registry = self.registry
        self.updates = Counter(
            "sosbot_updates_handled",
            "Updates handled, by kind (message, callback_query, inline_query, other)",
            ["kind"],
            registry=registry,
        )
        self.duplicate_updates = Counter(
            "sosbot_updates_already_handled",
            "Updates delivered again after one instance had handled them; not handled again",
            registry=registry,
        )
        self.replies = Counter("sosbot_replies", "Replies sent to people", registry=registry)
        self.not_understood = Counter(
            "sosbot_questions_not_understood", "Questions not understood", registry=registry
        )
        self.reminders = Counter(
            "sosbot_reminders_sent", "Reminders of events sent", registry=registry
        )
        self.announcements = Counter(
            "sosbot_announcements_sent",
            "Announcements of new and moved events sent",
            registry=registry,
        )
        self.send_errors = Counter(
            "sosbot_send_errors", "Messages Telegram refused or that failed", registry=registry
        )
        self.rate_limited = Counter(
            "sosbot_telegram_429", "429 answers (flood control) from Telegram", registry=registry
        )
        self.reminder_leader = Gauge(
            "sosbot_reminder_leader",
            "1 on the instance that now sends reminders, else 0",
            registry=registry,
        )
        self.handling_seconds = Histogram(
            "sosbot_update_handling_seconds",
            "Time to handle one update, reply sent",
            buckets=HANDLING_BUCKETS,
            registry=registry,
        )

    def count_question(self, understood: bool) -> None:
        if not understood:
            self.not_understood.inc()

    def exposition(self) -> bytes:
        """The registry in Prometheus' text format."""
        return generate_latest(self.registry)
