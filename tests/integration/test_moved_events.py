"""Events that move or vanish for a while: a changed start is told to those who heard of the
event and reminded again; a reminder already delivered for a start is never sent again."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.reminders.announcements import announce_new_events
from bot.reminders.delivery import send_due_reminders
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.sqlite import SqliteStore
from knowledge.base import Knowledge
from knowledge.dates import describe_date
from knowledge.models import Event
from tests.conftest import LONDON
from tests.fakes import Outbox

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
TITLE = "Suffolk training"
REMINDER, MOVED = f"Reminder: {TITLE}", f"Moved: {TITLE}"


def _start(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat(timespec="seconds")


# Its day reminder is due now; its week reminder is due after the move.
FIRST, SECOND = _start(12), _start(72)


def _events(knowledge: Knowledge, *starts: str) -> KnowledgeView:
    events = tuple(
        Event(id="suffolk-training", title=TITLE, authority="suffolk", start=start)
        for start in starts
    )
    return KnowledgeView.build(dataclasses.replace(knowledge, events=events), LONDON)


@pytest.fixture
async def runtime(knowledge: Knowledge, store: SqliteStore) -> Runtime:
    runtime = Runtime(
        settings=Settings(database=Path("unused.sqlite3")),
        current=CurrentKnowledge(_events(knowledge, FIRST)),
        store=store,
    )
    # One chat hears several messages in a row here: no need to space them a second apart.
    runtime.delivery.pacer.per_chat_interval = 0.0
    await store.subscribe(1, "SFK", LONG_AGO)
    await store.subscribe(2, "LIN", LONG_AGO)  # another council's: hears nothing of it
    await announce_new_events(
        runtime.delivery, Outbox(), runtime.events_view()
    )  # the very first start: events remembered
    return runtime


async def _move(runtime: Runtime, knowledge: Knowledge, outbox: Outbox, *starts: str) -> None:
    """Reload with the event at these starts (none: gone), as /reload does."""
    runtime.current.view = _events(knowledge, *starts)
    await announce_new_events(runtime.delivery, outbox, runtime.events_view())


async def test_a_moved_event_is_told_with_both_times_and_reminded_again_for_its_new_start(
    runtime: Runtime, knowledge: Knowledge
) -> None:
    outbox = Outbox()
    await send_due_reminders(runtime.delivery, outbox, runtime.events_view())
    assert outbox.take() == [(1, REMINDER)]
    await runtime.store.subscribe(3, "SFK", LONG_AGO)  # subscribes, not yet reminded

    await _move(runtime, knowledge, outbox, SECOND)
    [(chat, reply)] = outbox.sent
    text = str(reply.model_dump())
    assert (chat, reply.title) == (1, MOVED)
    assert f"moved to {describe_date(SECOND, LONDON)}" in text
    assert f"it was {describe_date(FIRST, LONDON)}" in text
    outbox.take()
    await send_due_reminders(runtime.delivery, outbox, runtime.events_view())
    # Owed since the move, not since a week before the new start: not "sent late".
    assert not [reply for _, reply in outbox.sent if "Sent late" in str(reply.model_dump())]
    assert sorted(outbox.take()) == [(1, REMINDER), (3, REMINDER)]
    # Told once: a second look changes nothing.
    await announce_new_events(runtime.delivery, outbox, runtime.events_view())
    await send_due_reminders(runtime.delivery, outbox, runtime.events_view())
    assert outbox.take() == []


async def test_moving_back_and_forth_tells_each_move_but_never_repeats_a_reminder(
    runtime: Runtime, knowledge: Knowledge
) -> None:
    outbox = Outbox()
    await send_due_reminders(
        runtime.delivery, outbox, runtime.events_view()
    )  # day reminder, first start
    await _move(runtime, knowledge, outbox, SECOND)
    await send_due_reminders(
        runtime.delivery, outbox, runtime.events_view()
    )  # week reminder, second start
    assert outbox.take() == [(1, REMINDER), (1, MOVED), (1, REMINDER)]
    for start in (FIRST, SECOND, FIRST):
        await _move(runtime, knowledge, outbox, start)
        await send_due_reminders(runtime.delivery, outbox, runtime.events_view())
        assert outbox.take() == [(1, MOVED)]
    assert await runtime.store.delivered_count() == 2


async def test_an_event_gone_for_one_reload_and_back_is_not_reminded_or_announced_again(
    runtime: Runtime, knowledge: Knowledge
) -> None:
    outbox = Outbox()
    await send_due_reminders(runtime.delivery, outbox, runtime.events_view())
    assert outbox.take() == [(1, REMINDER)]
    await _move(runtime, knowledge, outbox)  # an emptied events file, confirmed
    await _move(runtime, knowledge, outbox, FIRST)  # restored
    await send_due_reminders(runtime.delivery, outbox, runtime.events_view())
    assert outbox.take() == []
