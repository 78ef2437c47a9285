"""Delivering reminders and announcements with fakes: pacing on a fake clock, a Sender that
fails, a store that cannot be written, a reload or a bug in the middle of a run."""

from __future__ import annotations

import dataclasses
import logging
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest

from bot.languages import Language
from bot.reminders.announcements import announce_new_events, prune_old_records, tick
from bot.reminders.delivery import Delivery, Outgoing, send_due_reminders
from bot.reminders.pacing import Pacer
from bot.reminders.view import EventsView
from bot.replies.reply import Reply
from bot.scopes import ALL
from bot.storage.memory import MemoryStore
from bot.understanding.intents import Intent
from knowledge.base import Knowledge
from knowledge.models import Event
from tests.conftest import LONDON
from tests.fakes import FakeClock, FakeSender

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
CHATS = (11, 12, 13)


def _reply(title: str) -> Reply:
    return Reply(intent=Intent.HELP, confidence=1.0, title=title)


class Texts:
    """Each message's title says what it is and of which event."""

    def reminder(self, event: Event, now: datetime, *, late: bool) -> Reply:
        return _reply(f"Reminder: {event.id}")

    def announcement(self, event: Event) -> Reply:
        return _reply(f"New: {event.id}")

    def move(self, event: Event, old_start: str) -> Reply:
        return _reply(f"Moved: {event.id}")


def _event(event_id: str, hours: float = 12) -> Event:
    """A network-wide event starting in `hours`: with a lead of a day, due now."""
    return Event(id=event_id, title=event_id, start=(NOW + timedelta(hours=hours)).isoformat())


@pytest.fixture
def view(knowledge: Knowledge) -> EventsView:
    return _view(knowledge, "soon")


def _view(knowledge: Knowledge, *ids: str, hours: float = 12) -> EventsView:
    events = tuple(_event(i, hours) for i in ids)
    return EventsView(
        dataclasses.replace(knowledge, events=events),
        dict.fromkeys(Language, Texts()),
        LONDON,
        (DAY,),
        timedelta(minutes=1),
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(NOW)


@pytest.fixture
def sender(clock: FakeClock) -> FakeSender:
    return FakeSender(clock)


@pytest.fixture
async def store() -> MemoryStore:
    store = MemoryStore()
    for chat_id in CHATS:
        await store.subscribe(chat_id, ALL, NOW - DAY)
    return store


@pytest.fixture
def delivery(store: MemoryStore, clock: FakeClock) -> Delivery:
    return Delivery(store, clock, clock.pacer())


async def _nothing() -> None:
    return


def _outgoing(*chats: int) -> list[Outgoing]:
    return [Outgoing(chat, _reply(f"to {chat}"), _nothing) for chat in chats]


# Pacing


async def test_a_chat_gets_one_message_a_second_and_other_chats_go_in_between(
    delivery: Delivery, sender: FakeSender
) -> None:
    assert await delivery.fan_out(sender, _outgoing(1, 1, 1, 2, 3)) == 5
    assert [chat for chat, _ in sender.sent] == [1, 2, 3, 1, 1]
    to_one = [at for (chat, _), at in zip(sender.sent, sender.times, strict=True) if chat == 1]
    assert [round(b - a, 6) for a, b in pairwise(to_one)] == [1.0, 1.0]


async def test_bulk_messages_go_out_evenly_at_30_a_second(
    delivery: Delivery, sender: FakeSender
) -> None:
    assert await delivery.fan_out(sender, _outgoing(*range(100, 190))) == 90
    gaps = {round(b - a, 6) for a, b in pairwise(sender.times)}
    assert gaps == {round(1 / 30, 6)}
    # Any one second (less a rounding error of summing 1/30s) holds at most 30.
    assert max(sum(1 for t in sender.times if s <= t < s + 1 - 1e-6) for s in sender.times) == 30


async def test_the_one_a_second_limit_counts_every_fan_out(
    delivery: Delivery, sender: FakeSender
) -> None:
    await delivery.fan_out(sender, _outgoing(1))
    await delivery.fan_out(sender, _outgoing(1))
    assert round(sender.times[1] - sender.times[0], 6) == 1.0


# A Sender that fails


async def test_an_unreachable_chat_is_paused_and_the_others_get_theirs(
    delivery: Delivery, sender: FakeSender, store: MemoryStore, view: EventsView
) -> None:
    sender.unreachable = {11}
    assert await send_due_reminders(delivery, sender, view) == 2
    assert await store.subscriber_counts() == {ALL: 2}
    sender.unreachable.clear()
    assert await send_due_reminders(delivery, sender, view) == 0


async def test_a_passing_failure_is_tried_again_at_the_next_tick(
    delivery: Delivery, sender: FakeSender, view: EventsView
) -> None:
    sender.failing = {11}
    assert await send_due_reminders(delivery, sender, view) == 2
    sender.failing.clear()
    assert await send_due_reminders(delivery, sender, view) == 1
    assert sorted(chat for chat, _ in sender.sent) == sorted(CHATS)


# A store that cannot be written


async def _tick(delivery: Delivery, sender: FakeSender, view: EventsView) -> None:
    with delivery.watching_the_store():
        await tick(delivery, sender, view)


async def test_a_reminder_that_cannot_be_recorded_is_sent_once_and_nothing_new_until_it_can(
    delivery: Delivery,
    sender: FakeSender,
    store: MemoryStore,
    view: EventsView,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store.failing = {"record_delivery"}
    with caplog.at_level(logging.INFO, logger="bot.reminders.delivery"):
        for _ in range(3):
            await _tick(delivery, sender, view)
        assert len(sender.sent) == 1, "one sent, its record failed, and then nothing more"
        assert delivery.store_healthy is False
        store.failing.clear()
        await _tick(delivery, sender, view)
        await _tick(delivery, sender, view)
    assert sorted(chat for chat, _ in sender.sent) == sorted(CHATS)
    assert await store.delivered_count() == len(CHATS)
    assert delivery.store_healthy is True
    assert [(r.levelname, r.getMessage().split(" (")[0]) for r in caplog.records] == [
        ("ERROR", "The database cannot be used"),
        ("INFO", "The database works again: reminders and announcements resume"),
    ]


async def test_an_announcement_that_cannot_be_recorded_is_sent_once_and_nothing_new_until_it_can(
    delivery: Delivery, sender: FakeSender, store: MemoryStore, knowledge: Knowledge
) -> None:
    await store.remember_events([], NOW)  # not the very first start
    announced = _view(knowledge, "new", hours=24 * 10)  # a new event, no reminder due yet
    store.failing = {"record_announcement"}
    for _ in range(3):
        with delivery.watching_the_store():
            await announce_new_events(delivery, sender, announced)
    assert len(sender.sent) == 1
    assert delivery.announcing_unfinished is True, "for the next tick to finish"
    store.failing.clear()
    await _tick(delivery, sender, announced)
    assert sorted(chat for chat, _ in sender.sent) == sorted(CHATS)
    assert delivery.store_healthy is True
    assert delivery.announcing_unfinished is False
    assert set(await store.known_events() or {}) == {"new"}


async def test_what_was_sent_but_not_recorded_is_recorded_at_shutdown(
    delivery: Delivery, sender: FakeSender, store: MemoryStore, view: EventsView
) -> None:
    store.failing = {"record_delivery"}
    await _tick(delivery, sender, view)
    store.failing.clear()
    await delivery.record_unrecorded_at_shutdown()
    assert await store.delivered_count() == 1
    assert not delivery.unrecorded


async def test_at_shutdown_what_still_cannot_be_recorded_is_logged_with_how_many(
    delivery: Delivery,
    sender: FakeSender,
    store: MemoryStore,
    view: EventsView,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store.failing = {"record_delivery"}
    await _tick(delivery, sender, view)
    caplog.clear()
    await delivery.record_unrecorded_at_shutdown()
    [record] = caplog.records
    assert record.levelname == "ERROR"
    assert record.getMessage().startswith("1 messages sent could not be recorded")
    assert record.getMessage().endswith("they may be sent again")


# Announcing while the knowledge changes, or fails


async def test_a_reload_during_announcing_remembers_exactly_the_events_announced(
    delivery: Delivery, clock: FakeClock, store: MemoryStore, knowledge: Knowledge
) -> None:
    await store.remember_events([], NOW)
    current = [_view(knowledge, "new")]

    class ReloadingMidway(FakeSender):
        async def __call__(self, chat_id: int, reply: Reply) -> None:
            current[0] = _view(knowledge, "new", "newer")  # a reload lands meanwhile
            await super().__call__(chat_id, reply)

    sender = ReloadingMidway(clock)
    assert await announce_new_events(delivery, sender, current[0]) == len(CHATS)
    assert set(await store.known_events() or {}) == {"new"}
    assert await announce_new_events(delivery, sender, current[0]) == len(CHATS)
    assert {reply.title for _, reply in sender.sent} == {"New: new", "New: newer"}


class BrokenTexts(Texts):
    def announcement(self, event: Event) -> Reply:
        raise RuntimeError("a bug in wording an announcement")


async def test_an_unexpected_failure_in_announcing_never_stops_the_due_reminders(
    delivery: Delivery,
    sender: FakeSender,
    store: MemoryStore,
    knowledge: Knowledge,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await store.remember_events([], NOW)
    broken = dataclasses.replace(
        _view(knowledge, "soon"), texts=dict.fromkeys(Language, BrokenTexts())
    )
    delivery.announcing_unfinished = True
    for _ in range(2):
        await _tick(delivery, sender, broken)
    assert [reply.title for _, reply in sender.sent] == ["Reminder: soon"] * len(CHATS)
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.getMessage() == "Announcing new events failed; reminders go on"
    assert record.exc_info is not None
    assert delivery.announcing_unfinished is False


async def test_old_records_are_pruned_by_the_age_of_their_event(store: MemoryStore) -> None:
    for days_ago in (29, 31):
        start = NOW - timedelta(days=days_ago)
        await store.record_delivery(11, f"{days_ago}-days-ago", start, 86400, start)
    await prune_old_records(store, NOW, (DAY,))
    assert await store.delivered_count() == 1


async def test_a_late_wake_up_is_never_made_up_by_sending_the_next_one_early() -> None:
    """The event loop wakes a sleeper late now and then, by as much as it likes: the message
    after a late one still waits its whole interval, or 31 can land in one second."""
    clock = FakeClock(NOW)
    late_by = iter([0.02, 0.0, 0.03, 0.0, 0.0, 0.025, 0.0, 0.0] * 10)

    async def sleeping_late(seconds: float) -> None:
        await clock.sleep(seconds + next(late_by))

    pacer = Pacer(monotonic=clock.monotonic, sleep=sleeping_late)
    turns = []
    for _ in range(60):
        await pacer.take_turn()
        turns.append(clock.monotonic())
    assert min(b - a for a, b in pairwise(turns)) >= pacer.overall_interval - 1e-9
