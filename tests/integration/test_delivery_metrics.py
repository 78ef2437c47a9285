"""/metrics counts reminders and announcements apart: the leader's first tick announces the
events added while nobody led, then sends the reminders due, each in its own counter."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import cast

from telegram import Bot

from bot.reminders.announcements import announce_new_events
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.sqlite import SqliteStore
from handlers.context import BotData, SosbotContext
from handlers.reminders import reminder_tick
from knowledge.base import Knowledge
from knowledge.models import Event
from tests.bot_api_in_process import RecordingRequest
from tests.conftest import LONDON
from tests.fakes import Outbox

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
TITLE = "Suffolk training"


def _view(knowledge: Knowledge, *events: Event) -> KnowledgeView:
    return KnowledgeView.build(dataclasses.replace(knowledge, events=events), LONDON)


async def test_the_first_tick_counts_its_announcements_apart_from_its_reminders(
    knowledge: Knowledge, store: SqliteStore
) -> None:
    # Its day reminder is due now.
    start = (datetime.now(UTC) + timedelta(hours=12)).isoformat(timespec="seconds")
    event = Event(id="suffolk-training", title=TITLE, authority="suffolk", start=start)
    runtime = Runtime(
        settings=Settings(database=Path("unused.sqlite3")),
        current=CurrentKnowledge(_view(knowledge)),
        store=store,
    )
    runtime.delivery.pacer.per_chat_interval = 0.0
    await store.subscribe(1, "SFK", LONG_AGO)
    await announce_new_events(runtime.delivery, Outbox(), runtime.events_view())  # none known
    runtime.current.view = _view(knowledge, event)  # added while nobody led
    request = RecordingRequest()
    bot = Bot("1:token", request=request, get_updates_request=request)
    await bot.initialize()
    context = cast(SosbotContext, SimpleNamespace(bot=bot, bot_data=BotData(runtime)))

    await reminder_tick(context)

    texts = request.texts("sendMessage")
    announcements = [text for text in texts if f"New event: {TITLE}" in text]
    reminders = [text for text in texts if f"Reminder: {TITLE}" in text]
    assert len(announcements) == len(reminders) == 1, texts
    exposition = runtime.metrics.exposition().decode()
    assert "sosbot_reminders_sent_total 1.0" in exposition
    assert "sosbot_announcements_sent_total 1.0" in exposition
