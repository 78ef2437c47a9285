"""Reloading the knowledge while the bot runs: off the event loop, one reload at a time, and an
events file that would drop every event refused unless an admin confirms it."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.port import Store
from knowledge.base import Knowledge
from knowledge.loader import DEFAULT_DIRECTORY
from tests.conftest import LONDON, reload_knowledge

SLOW_LOAD = 1.0
TICK = 0.01


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the shipped knowledge, to edit."""
    return Path(shutil.copytree(DEFAULT_DIRECTORY, tmp_path / "knowledge"))


def _runtime(folder: Path, knowledge: Knowledge, store: Store) -> Runtime:
    return Runtime(
        settings=Settings(knowledge_dir=folder, database=Path("unused.sqlite3")),
        current=CurrentKnowledge(KnowledgeView.build(knowledge, LONDON)),
        store=store,
    )


def _with_events(knowledge: Knowledge, count: int) -> Knowledge:
    return dataclasses.replace(knowledge, events=knowledge.events[:count])


async def test_an_events_file_emptied_is_refused_until_an_admin_confirms(
    folder: Path, knowledge: Knowledge, store: Store
) -> None:
    runtime = _runtime(folder, knowledge, store)
    (folder / "events.yaml").write_text("events: []\n")

    refused = await reload_knowledge(runtime)
    assert not refused.ok
    assert f"has no events, and {len(knowledge.events)} are on record now" in refused.message
    assert "/reload confirm" in refused.message
    assert runtime.current.view.knowledge.events == knowledge.events

    confirmed = await reload_knowledge(runtime, confirmed=True)
    assert confirmed.ok
    assert runtime.current.view.knowledge.events == ()
    # With no events on record, an empty file is no loss: nothing to confirm.
    assert (await reload_knowledge(runtime)).ok


async def test_a_slow_load_leaves_the_event_loop_free_for_other_chats(
    folder: Path, knowledge: Knowledge, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def slow_load(path: Path, *, timezone: ZoneInfo) -> Knowledge:
        time.sleep(SLOW_LOAD)  # as 20,000 events take seconds to validate
        return knowledge

    monkeypatch.setattr("bot.actions.reload.load_knowledge", slow_load)
    runtime = _runtime(folder, knowledge, store)
    gaps: list[float] = []

    async def another_chat() -> None:
        while True:
            before = time.monotonic()
            await asyncio.sleep(TICK)
            gaps.append(time.monotonic() - before)

    ticking = asyncio.create_task(another_chat())
    try:
        assert (await reload_knowledge(runtime)).ok
    finally:
        ticking.cancel()
    # A load on the loop would stop every tick for the whole load: one gap of SLOW_LOAD and
    # next to no ticks. Off the loop, a shared machine still stalls it now and then for a
    # fifth of a second (seen in CI), so the bounds leave room for that twice over.
    assert len(gaps) > SLOW_LOAD / TICK / 4
    assert max(gaps) < SLOW_LOAD / 2


async def test_two_reloads_at_once_end_with_the_later_ones_knowledge(
    folder: Path, knowledge: Knowledge, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The first reload reads the file before an edit and is slow; the second reads it after.
    loads = iter([(SLOW_LOAD, _with_events(knowledge, 1)), (0.0, _with_events(knowledge, 2))])

    def load(path: Path, *, timezone: ZoneInfo) -> Knowledge:
        delay, loaded = next(loads)
        time.sleep(delay)
        return loaded

    monkeypatch.setattr("bot.actions.reload.load_knowledge", load)
    runtime = _runtime(folder, knowledge, store)
    first = asyncio.create_task(reload_knowledge(runtime))
    await asyncio.sleep(SLOW_LOAD / 6)
    second = asyncio.create_task(reload_knowledge(runtime))
    await asyncio.gather(first, second)
    assert runtime.current.view.knowledge.events == knowledge.events[:2]
