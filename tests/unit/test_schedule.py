"""Which reminders are due: lead times, scopes, pauses, downtime, and exactly-once delivery;
with the in-memory store (tests/integration/test_reminders_restart.py: across a restart)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.reminders.schedule import DueReminder, due_reminders, new_events
from bot.scopes import ALL
from bot.storage.memory import MemoryStore
from bot.storage.port import KnownEvent, Store
from knowledge.models import Event

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
LONG_AGO = NOW - timedelta(days=365)
WEEK = timedelta(days=7)
DAY = timedelta(days=1)
LEADS = (WEEK, DAY)
CHECK = timedelta(minutes=1)
# Authority id → council code, as `{a.id: a.council for a in knowledge.authorities}` gives.
COUNCILS = {"suffolk": "SFK", "lincolnshire": "LIN"}


@pytest.fixture
def store() -> Store:
    return MemoryStore()


def _event(event_id: str, start: datetime | str, authority: str | None = None) -> Event:
    when = start if isinstance(start, str) else start.isoformat()
    return Event(id=event_id, title=f"The {event_id}", authority=authority, start=when)


async def _due(
    store: Store,
    events: Sequence[Event],
    now: datetime = NOW,
    *,
    leads: Sequence[timedelta] = LEADS,
    limit: int | None = None,
) -> list[DueReminder]:
    return await due_reminders(
        store,
        events,
        COUNCILS,
        now,
        timezone=LONDON,
        lead_times=leads,
        check_interval=CHECK,
        limit=limit,
    )


async def _deliver(store: Store, reminders: Sequence[DueReminder], now: datetime) -> None:
    for reminder in reminders:
        await store.record_delivery(
            reminder.chat_id, reminder.event_id, reminder.start, reminder.lead_seconds, now
        )


def _pairs(reminders: Sequence[DueReminder]) -> set[tuple[int, str]]:
    return {(reminder.chat_id, reminder.event_id) for reminder in reminders}


# Lead times, as SOSBOT_REMINDER_LEAD_TIMES writes them


# When a reminder is due


async def test_the_week_reminder_is_due_once_the_event_is_a_week_away(store: Store) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    start = NOW + WEEK - timedelta(seconds=30)
    [reminder] = await _due(store, [_event("training", start, "suffolk")])
    assert reminder == DueReminder(1, "training", start, WEEK, start - WEEK, late=False)


async def test_nothing_is_due_before_the_longest_lead(store: Store) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    assert await _due(store, [_event("training", NOW + WEEK + timedelta(hours=1), "suffolk")]) == []


@pytest.mark.parametrize(
    "start",
    [NOW, NOW - timedelta(minutes=5), "2026-03", "2026-03-01"],
    ids=["starting-now", "started-minutes-ago", "this-month", "today"],
)
async def test_an_event_that_has_begun_gets_no_reminder(
    store: Store, start: datetime | str
) -> None:
    await store.subscribe(1, ALL, LONG_AGO)
    assert await _due(store, [_event("training", start, "suffolk")]) == []


async def test_a_time_without_an_offset_is_read_in_the_bots_time_zone(store: Store) -> None:
    await store.subscribe(1, ALL, LONG_AGO)
    # 1 April 2026 is in British Summer Time: 09:00 in London is 08:00 UTC.
    event = _event("training", "2026-04-01T09:00:00", "suffolk")
    now = datetime(2026, 3, 31, 8, 0, tzinfo=UTC)
    [reminder] = await _due(store, [event], now)
    assert reminder.due_at == now
    assert await _due(store, [event], now - timedelta(seconds=1), leads=(DAY,)) == []


# Who gets it


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ("SFK", {"suffolk-training", "network-day"}),
        ("LIN", {"lincolnshire-training", "network-day"}),
        ("SWA", {"network-day"}),  # a council with no events of its own still hears of these
        (ALL, {"suffolk-training", "lincolnshire-training", "network-day"}),
    ],
)
async def test_each_scope_gets_its_councils_events_and_the_network_wide_ones(
    store: Store, scope: str, expected: set[str]
) -> None:
    await store.subscribe(1, scope, LONG_AGO)
    events = [
        _event("suffolk-training", NOW + DAY, "suffolk"),
        _event("lincolnshire-training", NOW + DAY, "lincolnshire"),
        _event("network-day", NOW + DAY),
    ]
    assert {reminder.event_id for reminder in await _due(store, events)} == expected


@pytest.mark.parametrize("authority", ["suffolk", None], ids=["council-event", "network-wide"])
async def test_a_chat_with_several_matching_subscriptions_gets_one_reminder(
    store: Store, authority: str | None
) -> None:
    for scope in (ALL, "SFK", "LIN"):
        await store.subscribe(1, scope, LONG_AGO)
    reminders = await _due(store, [_event("training", NOW + DAY, authority)])
    assert [(reminder.chat_id, reminder.event_id) for reminder in reminders] == [(1, "training")]


async def test_paused_chats_get_nothing_until_they_resume(store: Store) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    await store.subscribe(2, ALL, LONG_AGO)
    await store.pause_chat(1, NOW)
    await store.pause_chat(2, NOW)
    events = [_event("training", NOW + DAY, "suffolk"), _event("network-day", NOW + DAY)]
    assert await _due(store, events) == []

    await store.resume_chat(1)
    assert _pairs(await _due(store, events)) == {(1, "training"), (1, "network-day")}


async def test_an_unsubscribed_chat_gets_nothing(store: Store) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    await store.unsubscribe(1, "SFK")
    assert await _due(store, [_event("network-day", NOW + DAY)]) == []


async def test_an_event_of_an_unknown_authority_is_skipped_and_logged(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    await store.subscribe(1, ALL, LONG_AGO)
    with caplog.at_level(logging.WARNING, logger="bot.reminders.schedule"):
        assert await _due(store, [_event("training", NOW + DAY, "atlantis")]) == []
    assert "atlantis" in caplog.text


# Exactly once


async def test_each_lead_comes_in_its_turn(store: Store) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    start = NOW + timedelta(days=10)
    event = _event("training", start, "suffolk")
    moments = {
        "before the week": start - WEEK - timedelta(minutes=1),
        "the week": start - WEEK,
        "between": start - timedelta(days=3),
        "the day": start - DAY,
        "after": start - timedelta(hours=1),
    }
    sent: dict[str, list[timedelta]] = {}
    for name, moment in moments.items():
        due = await _due(store, [event], moment)
        sent[name] = [reminder.lead for reminder in due]
        assert not any(reminder.late for reminder in due)
        await _deliver(store, due, moment)
    assert sent == {
        "before the week": [],
        "the week": [WEEK],
        "between": [],
        "the day": [DAY],
        "after": [],
    }


async def test_after_downtime_only_the_shortest_due_lead_is_sent_and_marked_late(
    store: Store,
) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    start = NOW + timedelta(hours=12)  # the week and the day reminders both fell due unsent
    event = _event("training", start, "suffolk")
    [reminder] = await _due(store, [event])
    assert (reminder.lead, reminder.due_at, reminder.late) == (DAY, start - DAY, True)

    await _deliver(store, [reminder], NOW)
    # The superseded week reminder is never sent, however the clock moves on.
    for hours in (0, 1, 11):
        assert await _due(store, [event], NOW + timedelta(hours=hours)) == []


async def test_a_reminder_sent_shortly_after_it_fell_due_is_not_late(store: Store) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    start = NOW + DAY - CHECK
    [reminder] = await _due(store, [_event("training", start, "suffolk")])
    assert reminder.late is False
    [reminder] = await _due(store, [_event("training", start - timedelta(seconds=1), "suffolk")])
    assert reminder.late is True


async def test_a_new_subscribers_first_reminder_is_not_late(store: Store) -> None:
    await store.subscribe(1, "SFK", NOW - timedelta(seconds=30))
    start = NOW + timedelta(days=3)  # the week reminder fell due four days before subscribing
    [reminder] = await _due(store, [_event("training", start, "suffolk")])
    assert (reminder.lead, reminder.late) == (WEEK, False)


@pytest.mark.parametrize(
    ("start_before", "late"),
    [
        ("2026-03-02T00:00:00+00:00", True),  # known for long: the bot was down
        ("2026-03-20T00:00:00+00:00", False),  # moved 30 seconds ago: owed only since then
    ],
)
async def test_a_reminder_owed_only_since_its_start_became_known_is_not_late(
    store: Store, start_before: str, late: bool
) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    event = _event("training", NOW + timedelta(hours=12), "suffolk")
    await store.remember_events([KnownEvent(event.id, start_before, NOW + WEEK)], LONG_AGO)
    await store.remember_events(
        [KnownEvent(event.id, event.start, NOW + WEEK)], NOW - timedelta(seconds=30)
    )
    [reminder] = await _due(store, [event])
    assert (reminder.lead, reminder.late) == (DAY, late)


async def test_a_later_lead_setting_does_not_repeat_a_closer_reminder(store: Store) -> None:
    await store.subscribe(1, "SFK", LONG_AGO)
    event = _event("training", NOW + timedelta(hours=12), "suffolk")
    await _deliver(store, await _due(store, [event], leads=(DAY,)), NOW)
    # The operator changes the leads to 7d,2d: the chat already had a closer reminder.
    assert await _due(store, [event], leads=(WEEK, timedelta(days=2))) == []


async def test_batches_cover_every_reminder_exactly_once(store: Store) -> None:
    for chat in range(1, 8):
        await store.subscribe(chat, ALL if chat % 2 else "SFK", LONG_AGO)
    events = [_event("training", NOW + DAY, "suffolk"), _event("network-day", NOW + DAY)]
    expected = _pairs(await _due(store, events))
    assert len(expected) == 14

    seen: list[tuple[int, str]] = []
    while batch := await _due(store, events, limit=3):
        assert len(batch) <= 3
        seen.extend((reminder.chat_id, reminder.event_id) for reminder in batch)
        await _deliver(store, batch, NOW)
    assert sorted(seen) == sorted(expected)


async def test_forgotten_chats_get_nothing_more(store: Store) -> None:
    await store.subscribe(1, ALL, LONG_AGO)
    await store.forget(1)
    assert await _due(store, [_event("network-day", NOW + DAY)]) == []


# New events, for announcements


def test_on_the_very_first_start_no_event_is_new() -> None:
    events = [_event("training", NOW + DAY)]
    assert new_events(None, events, now=NOW, timezone=LONDON) == []


def test_new_events_are_the_unseen_ones_not_yet_ended_soonest_first() -> None:
    events = [
        _event("later", NOW + WEEK),
        _event("seen", NOW + DAY),
        _event("sooner", NOW + DAY),
        _event("over", "2026-02"),
        _event("this-month", "2026-03"),
    ]
    fresh = new_events({"seen"}, events, now=NOW, timezone=LONDON)
    assert [event.id for event in fresh] == ["this-month", "sooner", "later"]
