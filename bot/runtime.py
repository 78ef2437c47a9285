"""Everything the running bot shares, built in one place: settings, knowledge and its engine,
the store and a clock.

`Runtime.open` builds it before any handler runs, so the store is open for the runtime's whole
life and nobody checks for it; `close` saves the last question counts and closes the store.
Kept free of telegram: the composition root (handlers.app) hands it to python-telegram-bot.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from bot.actions.services import Services
from bot.actions.statistics import QuestionTally
from bot.clock import Clock, utc_now
from bot.errors import StoreError
from bot.languages import Language
from bot.metrics import Metrics
from bot.reminders.delivery import Delivery
from bot.reminders.view import EventsView
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.settings import Settings
from bot.storage.databases import open_store
from bot.storage.port import Store
from knowledge.loader import load_knowledge

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    # The knowledge being served, its engine and reply builders: replaced whole on reload.
    current: CurrentKnowledge
    store: Store
    clock: Clock = utc_now
    questions: QuestionTally = field(default_factory=QuestionTally)
    # One reload at a time: a slow load finishing late must not replace a newer one.
    reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # What this instance counts, for Prometheus.
    metrics: Metrics = field(default_factory=Metrics)
    # Pacing and the store's health for reminders and announcements.
    delivery: Delivery = field(init=False)

    def __post_init__(self) -> None:
        self.delivery = Delivery(self.store, self.clock)
        self.questions.on_count = self.metrics.count_question

    @property
    def services(self) -> Services:
        """What the use cases in bot.actions work with."""
        return Services(
            store=self.store,
            current=self.current,
            clock=self.clock,
            lead_times=self.settings.reminder_lead_times,
            questions=self.questions,
            log_unanswered=self.settings.log_unanswered,
        )

    def events_view(self) -> EventsView:
        """The current knowledge as reminders see it, taken once for one delivery run."""
        settings, view = self.settings, self.current.view
        return EventsView(
            knowledge=view.knowledge,
            texts={language: view.speaking(language).events for language in Language},
            timezone=settings.zone,
            lead_times=settings.reminder_lead_times,
            check_interval=timedelta(seconds=settings.reminder_check_seconds),
        )

    @classmethod
    async def open(cls, settings: Settings, clock: Clock = utc_now) -> Runtime:
        """The store opened (raises UnusableDatabaseError) and the knowledge loaded (raises
        KnowledgeError). The database comes first: it is the one a second bot would share."""
        store = await open_store(settings.database)
        try:
            knowledge = load_knowledge(settings.knowledge_dir, timezone=settings.zone)
        except BaseException:
            await store.close()
            raise
        current = CurrentKnowledge(KnowledgeView.build(knowledge, settings.zone))
        return cls(settings, current, store, clock)

    async def close(self) -> None:
        """Record what was sent but not yet recorded, save the question counts not yet saved,
        then close the store; an open store keeps aiosqlite's thread (or the PostgreSQL pools'
        tasks), and with it the process, alive."""
        try:
            await self.delivery.record_unrecorded_at_shutdown()
            await self.questions.save(self.store)
        except StoreError as error:
            logger.error("The question counts since the last save are lost: %s", error)
        finally:
            await self.store.close()
