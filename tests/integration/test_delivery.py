"""Delivering reminders and announcements when the database fails: in process, with a Sender
that records what it was given and a store whose writes of deliveries fail on demand."""

from __future__ import annotations

import logging
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.actions.reload import announced_events
from bot.errors import StoreError
from bot.reminders.delivery import announce_new_events, send_due_reminders, watching_the_store
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.replies.reply import Reply
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.sqlite import SqliteStore
from knowledge.loader import DEFAULT_DIRECTORY, load_knowledge

CHATS = (11, 12, 13)


class RecordingSender:
    """A Sender that Telegram always accepts: it keeps the chat of every message."""

    def __init__(self) -> None:
        self.chats: list[int] = []

    async def __call__(self, chat_id: int, reply: Reply) -> None:
        self.chats.append(chat_id)


class FailingWrites:
    """A real store whose deliveries and announcements cannot be recorded while `failing`, as on
    a read-only database or a full disk."""

    def __init__(self, store: SqliteStore) -> None:
        self.store = store
        self.failing = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    async def record_delivery(self, *arguments: Any) -> None:
        if self.failing:
            raise StoreError("database or disk is full")
        await self.store.record_delivery(*arguments)

    async def record_announcement(self, *arguments: Any) -> None:
        if self.failing:
            raise StoreError("database or disk is full")
        await self.store.record_announcement(*arguments)


def _events(folder: Path, *ids: str) -> None:
    start = (datetime.now(UTC) + timedelta(minutes=30)).isoformat(timespec="seconds")
    events = [{"id": i, "title": f"Event {i}", "start": start} for i in ids]
    (folder / "events.yaml").write_text(yaml.safe_dump({"events": events}), encoding="utf-8")


@pytest.fixture
async def runtime(tmp_path: Path, path: Path) -> AsyncIterator[Runtime]:
    """A runtime whose one event is due (lead 1h, it starts in 30 minutes) to three chats."""
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, folder)
    _events(folder, "soon")
    settings = Settings(knowledge_dir=folder, database=path, reminder_lead_times="1h")
    store = await SqliteStore.open(path)
    for chat_id in CHATS:
        await store.subscribe(chat_id, "all", datetime.now(UTC))
    built = Runtime(
        settings, CurrentKnowledge(KnowledgeView.build(load_knowledge(folder), settings.zone))
    )
    built.store = FailingWrites(store)  # type: ignore[assignment]
    # Only the store is under test here, not the one-a-second pacing of a chat.
    built.last_sent_to_chat = {}
    yield built
    await store.close()


async def _tick(runtime: Runtime, send: RecordingSender) -> None:
    with watching_the_store(runtime):
        await send_due_reminders(send, runtime)


async def test_a_reminder_that_cannot_be_recorded_is_sent_once_and_nothing_new_until_it_can(
    runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    store: FailingWrites = runtime.store  # type: ignore[assignment]
    send = RecordingSender()
    store.failing = True
    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        for _ in range(3):
            await _tick(runtime, send)
        assert len(send.chats) == 1, "one sent, its record failed, and then nothing more"
        assert runtime.store_healthy is False
        store.failing = False
        await _tick(runtime, send)
        await _tick(runtime, send)
    assert sorted(send.chats) == sorted(CHATS)
    assert await store.delivered_count() == len(CHATS)
    assert runtime.store_healthy is True
    assert [(r.levelname, r.getMessage().split(" (")[0]) for r in caplog.records] == [
        ("ERROR", "The database cannot be used"),
        ("INFO", "The database works again: reminders and announcements resume"),
    ]


async def test_an_announcement_that_cannot_be_recorded_is_sent_once_and_nothing_new_until_it_can(
    runtime: Runtime,
) -> None:
    store: FailingWrites = runtime.store  # type: ignore[assignment]
    await announced_events(runtime)  # "soon" is known; "new" comes with the next knowledge
    folder = runtime.settings.knowledge_dir
    _events(folder, "soon", "new")
    runtime.current.view = KnowledgeView.build(load_knowledge(folder), runtime.settings.zone)
    send = RecordingSender()
    store.failing = True
    for _ in range(3):
        with watching_the_store(runtime):
            await announce_new_events(send, runtime)
    assert len(send.chats) == 1
    assert runtime.store_healthy is False
    assert runtime.announcing_unfinished is True, "for the next tick to finish"
    store.failing = False
    with watching_the_store(runtime):
        await announce_new_events(send, runtime)
    assert sorted(send.chats) == sorted(CHATS)
    assert runtime.store_healthy is True
    assert runtime.announcing_unfinished is False
    assert set(await store.known_events() or {}) == {"soon", "new"}


async def test_statistics_that_cannot_be_saved_are_kept_for_the_next_save(
    runtime: Runtime,
) -> None:
    store: FailingWrites = runtime.store  # type: ignore[assignment]
    runtime.questions.count(understood=True)
    runtime.questions.count(understood=False)

    async def full_disk(answered: int, not_understood: int) -> None:
        raise StoreError("database or disk is full")

    store.add_question_counts = full_disk  # type: ignore[method-assign]
    with pytest.raises(StoreError):
        await runtime.questions.save(store)  # type: ignore[arg-type]
    del store.add_question_counts
    await runtime.questions.save(store)  # type: ignore[arg-type]
    assert await store.question_counts() == (1, 1)
