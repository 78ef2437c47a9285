"""What the running bot shares between updates: settings, the engine and the store.

Kept free of telegram so that the reminders and statistics code can use it too. The
composition root (handlers.app) builds one and hands it to python-telegram-bot's bot_data.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter

from bot.actions.services import Services
from bot.actions.statistics import QuestionTally
from bot.clock import utc_now
from bot.replies.current import CurrentKnowledge
from bot.settings import Settings
from bot.storage.port import Store

logger = logging.getLogger(__name__)

# Telegram allows about 30 bulk messages a second overall. They are sent evenly, one every
# 1/30 s, not in bursts: a burst of 30 after a pause can put 31 in one second and earn a 429.
BULK_MESSAGES_PER_SECOND = 30


@dataclass
class Runtime:
    settings: Settings
    # The knowledge being served, its engine and reply builders: replaced whole on reload.
    current: CurrentKnowledge
    store: Store | None = field(default=None)
    # When each chat was last sent a message (time.monotonic()), to keep to one a second.
    last_sent_to_chat: dict[int, float] = field(default_factory=dict)
    questions: QuestionTally = field(default_factory=QuestionTally)
    # One reload at a time: a slow load finishing late must not replace a newer one.
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Shared by every fan-out, so that together they keep to Telegram's overall limit.
    bulk_pace: AsyncLimiter = field(
        default_factory=lambda: AsyncLimiter(1, time_period=1 / BULK_MESSAGES_PER_SECOND)
    )
    # False while the database cannot be written: nothing new is sent meanwhile.
    store_healthy: bool = True
    # How to record the messages Telegram accepted but the store could not record: recorded
    # before anything else is sent, so that none is sent twice.
    unrecorded: deque[Callable[[], Awaitable[None]]] = field(default_factory=deque)
    # New events whose announcing a database failure cut short: the next tick finishes it.
    announcing_unfinished: bool = False

    def store_failed(self, error: Exception) -> None:
        """Say so once a failure period, not at every tick."""
        if self.store_healthy:
            logger.error(
                "The database cannot be used (%s): no reminder or announcement goes out until "
                "it can; what was sent meanwhile is recorded then, and not sent again",
                error,
            )
        self.store_healthy = False

    def store_works(self) -> None:
        if not self.store_healthy:
            logger.info("The database works again: reminders and announcements resume")
        self.store_healthy = True

    @property
    def require_store(self) -> Store:
        """The store, which exists from post_init until post_shutdown."""
        if self.store is None:
            raise RuntimeError("the store is not open")
        return self.store

    @property
    def services(self) -> Services:
        """What the use cases in bot.actions work with."""
        return Services(
            store=self.require_store,
            current=self.current,
            clock=utc_now,
            lead_times=self.settings.reminder_lead_times,
            questions=self.questions,
            log_unanswered=self.settings.log_unanswered,
        )
