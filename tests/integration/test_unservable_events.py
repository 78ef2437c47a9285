"""One event whose dates cannot be computed is left out, logged once, and never stops the
others: reminders, announcements, listings, subscribe replies, statistics, calendar files."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import cast

import pytest
from telegram import Bot

from bot.actions import subscriptions
from bot.actions.asking import answer_in_console
from bot.actions.statistics import statistics as statistics_of
from bot.reminders.announcements import announce_new_events
from bot.reminders.delivery import due_now, send_due_reminders
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.scopes import ALL
from bot.settings import Settings
from bot.storage.sqlite import SqliteStore
from bot.understanding.conversation import Conversation
from handlers.reminders import send_calendar_file
from knowledge.base import Knowledge
from knowledge.models import Event
from tests.conftest import LONDON
from tests.fakes import Outbox

CHAT = 1
LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
# Starts the loader would refuse, each failing a different computation: the period, the
# year after it that the calendar file needs, the conversion to UTC.
UNCOMPUTABLE = ["9999-12-31", "0000", "9999", "9999-12-30", "9999-12-30T10:00:00-05:00"]


def _odd_event(start: str) -> Event:
    # model_construct skips validation, as an event slipping past the loader would.
    return Event.model_construct(
        id="odd-event",
        title="The odd event",
        authority=None,
        start=start,
        end=None,
        location=None,
        description=None,
        source=None,
    )


def _due_event() -> Event:
    """A network-wide event starting in 12 hours: its day reminder is due now."""
    start = datetime.now(UTC) + timedelta(hours=12)
    return Event(id="due-event", title="The due event", start=start.isoformat(timespec="seconds"))


def _knowledge(knowledge: Knowledge, start: str) -> Knowledge:
    return dataclasses.replace(knowledge, events=(_odd_event(start), _due_event()))


@pytest.fixture(params=UNCOMPUTABLE)
def odd_start(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def runtime(knowledge: Knowledge, odd_start: str, store: SqliteStore) -> Runtime:
    await store.subscribe(CHAT, ALL, LONG_AGO)
    settings = Settings(database=Path("unused.sqlite3"))
    view = KnowledgeView.build(_knowledge(knowledge, odd_start), LONDON)
    return Runtime(settings=settings, current=CurrentKnowledge(view), store=store)


def test_an_event_whose_dates_cannot_be_computed_is_left_out_and_logged_once_by_id(
    knowledge: Knowledge, odd_start: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        view = KnowledgeView.build(_knowledge(knowledge, odd_start), LONDON)
    assert [event.id for event in view.knowledge.events] == ["due-event"]
    assert [r.getMessage().split(" is left out")[0] for r in caplog.records] == ["Event odd-event"]


async def test_the_other_events_reminders_still_go_out_and_nothing_more_is_logged(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    outbox = Outbox()
    with caplog.at_level(logging.WARNING):
        assert await send_due_reminders(runtime.delivery, outbox, runtime.events_view()) == 1
        assert await send_due_reminders(runtime.delivery, outbox, runtime.events_view()) == 0
    assert [(chat, reply.title) for chat, reply in outbox.sent] == [
        (CHAT, "Reminder: The due event")
    ]
    assert caplog.records == []


async def test_the_other_events_are_announced(runtime: Runtime) -> None:
    store = runtime.store
    await store.remember_events(
        [], datetime.now(UTC)
    )  # not the very first start: every event is new
    outbox = Outbox()
    assert await announce_new_events(runtime.delivery, outbox, runtime.events_view()) == 1
    assert [reply.title for _, reply in outbox.sent] == ["New event: The due event"]


async def test_listings_subscribe_replies_and_statistics_show_the_other_events(
    runtime: Runtime,
) -> None:
    view = runtime.current.view
    now = datetime.now(UTC)
    listing = str(view.network.events(now).model_dump())
    assert "The due event" in listing
    assert "odd event" not in listing
    assert [line.split(": ", 1)[1] for line in view.events.upcoming_for_scope(ALL, now)] == [
        "The due event (network-wide)"
    ]
    due = len(await due_now(runtime.store, runtime.events_view(), runtime.clock()))
    statistics = str(
        (await statistics_of(view, runtime.store, runtime.questions, due)).model_dump()
    )
    assert "Reminders due now: 1" in statistics
    subscribed = await subscriptions.subscribe(runtime.services, view, 2, ALL)
    assert "The due event" in str(subscribed.model_dump())
    asked = answer_in_console(view, "what events are coming up?", Conversation(), now)
    assert "The due event" in str(asked.model_dump())


class FakeBot:
    """What send_calendar_file needs of a telegram.Bot."""

    def __init__(self) -> None:
        self.documents: list[str] = []

    async def send_document(
        self, chat_id: int, *, document: bytes, filename: str, caption: str
    ) -> None:
        self.documents.append(filename)


async def test_the_calendar_button_of_the_odd_event_says_it_is_gone_and_the_others_work(
    runtime: Runtime,
) -> None:
    fake = FakeBot()
    bot = cast(Bot, fake)
    view = runtime.current.view
    assert await send_calendar_file(bot, CHAT, runtime, view, "odd-event") is False
    assert await send_calendar_file(bot, CHAT, runtime, view, "due-event") is True
    assert fake.documents == ["due-event.ics"]
