"""A delivered reminder stays delivered across a restart of the SQLite store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from bot.storage.sqlite import SqliteStore
from tests.unit.test_schedule import DAY, LONG_AGO, NOW, _deliver, _due, _event, _pairs


async def test_a_delivered_reminder_never_comes_back_even_after_a_restart(path: Path) -> None:
    event = _event("training", NOW + DAY, "suffolk")
    store = await SqliteStore.open(path)
    await store.subscribe(1, "SFK", LONG_AGO)
    await store.subscribe(2, "SFK", LONG_AGO)
    due = await _due(store, [event])
    await _deliver(store, [reminder for reminder in due if reminder.chat_id == 1], NOW)
    await store.close()

    store = await SqliteStore.open(path)
    try:
        for minutes in (0, 1, 60):
            later = NOW + timedelta(minutes=minutes)
            assert _pairs(await _due(store, [event], later)) == {(2, "training")}
    finally:
        await store.close()
