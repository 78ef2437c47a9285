"""Everything the running bot shares, built in one place: settings, knowledge and its engine,
the store and a clock.

`Runtime.open` builds it before any handler runs, so the store is open for the runtime's whole
life and nobody checks for it; `close` saves the last question counts and closes the store.
Kept free of telegram: the composition root (handlers.app) hands it to python-telegram-bot.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiolimiter import AsyncLimiter

from bot.clock import Clock, utc_now
from bot.errors import StoreError
from bot.settings import Settings
from bot.storage.port import Store
from bot.storage.sqlite import SqliteStore
from bot.understanding.engine import Engine
from knowledge.loader import load_knowledge

logger = logging.getLogger(__name__)

# Telegram allows about 30 bulk messages a second overall. They are sent evenly, one every
# 1/30 s, not in bursts: a burst of 30 after a pause can put 31 in one second and earn a 429.
BULK_MESSAGES_PER_SECOND = 30


@dataclass
class QuestionTally:
    """Questions answered since the totals were last saved: counting one costs no write."""

    answered: int = 0
    not_understood: int = 0

    def count(self, understood: bool) -> None:
        if understood:
            self.answered += 1
        else:
            self.not_understood += 1

    async def save(self, store: Store) -> None:
        if self.answered or self.not_understood:
            answered, not_understood = self.answered, self.not_understood
            await store.add_question_counts(answered, not_understood)
            # Taken off only once saved (a failed save keeps them for the next), and by
            # subtraction, since questions answered during the write count too.
            self.answered -= answered
            self.not_understood -= not_understood


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    store: Store
    clock: Clock = utc_now
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

    @classmethod
    async def open(cls, settings: Settings, clock: Clock = utc_now) -> Runtime:
        """The store opened (raises UnusableDatabaseError) and the knowledge loaded (raises
        KnowledgeError). The database comes first: it is the one a second bot would share."""
        store = await SqliteStore.open(settings.database)
        try:
            knowledge = load_knowledge(settings.knowledge_dir, timezone=settings.zone)
        except BaseException:
            await store.close()
            raise
        return cls(settings, Engine(knowledge, settings.zone), store, clock)

    async def close(self) -> None:
        """Save the question counts not yet saved, then close the store; an open store keeps
        aiosqlite's thread, and with it the process, alive."""
        try:
            await self.questions.save(self.store)
        except StoreError as error:
            logger.error("The question counts since the last save are lost: %s", error)
        finally:
            await self.store.close()
