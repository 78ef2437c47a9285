"""What the running bot shares between updates: settings, the engine and the store.

Kept free of telegram so that the reminders and statistics code can use it too. The
composition root (handlers.app) builds one and hands it to python-telegram-bot's bot_data.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import utc_now
from bot.reminders.delivery import Delivery
from bot.reminders.view import EventsView
from bot.settings import Settings
from bot.storage.port import Store
from bot.understanding.engine import Engine

logger = logging.getLogger(__name__)


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
    store: Store | None = field(default=None)
    questions: QuestionTally = field(default_factory=QuestionTally)
    # One reload at a time: a slow load finishing late must not replace a newer one.
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Pacing and the store's health for reminders and announcements; made with the store.
    delivery: Delivery | None = field(default=None)

    def use_store(self, store: Store) -> None:
        """The store is open: it is used, and reminders and announcements can go out."""
        self.store = store
        self.delivery = Delivery(store, utc_now)

    def events_view(self) -> EventsView:
        """The current knowledge as reminders see it, taken once for one delivery run."""
        settings = self.settings
        return EventsView(
            knowledge=self.engine.knowledge,
            texts=self.engine.composer,
            timezone=settings.zone,
            lead_times=settings.reminder_lead_times,
            check_interval=timedelta(seconds=settings.reminder_check_seconds),
        )

    @property
    def require_delivery(self) -> Delivery:
        """The delivery state, which exists from post_init until post_shutdown."""
        if self.delivery is None:
            raise RuntimeError("the store is not open")
        return self.delivery

    @property
    def require_store(self) -> Store:
        """The store, which exists from post_init until post_shutdown."""
        if self.store is None:
            raise RuntimeError("the store is not open")
        return self.store
