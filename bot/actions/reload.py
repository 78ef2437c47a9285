"""Reloading knowledge while the bot runs, and finding the events to announce.

A file that fails validation is refused with its `path:line:` problems and the bot keeps the
last good knowledge: half-edited YAML must never reach people. So is an events file that would
drop every event on record, unless an admin confirms it (`/reload confirm`): an emptied file is
more often a mistake than the end of every event.

Loading 20,000 events takes seconds: it runs in a worker thread, so other chats are answered
meanwhile, and one reload at a time, so a slow earlier load never replaces a later one.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.clock import utc_now
from bot.reminders.schedule import moved_events, new_events
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.storage.port import KnownEvent
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge
from knowledge.models import Event

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    ok: bool
    message: str


def _load(folder: Path, timezone: ZoneInfo) -> KnowledgeView:
    return KnowledgeView.build(load_knowledge(folder, timezone=timezone), timezone)


async def reload_knowledge(
    current: CurrentKnowledge,
    folder: Path,
    timezone: ZoneInfo,
    lock: asyncio.Lock,
    *,
    confirmed: bool = False,
) -> ReloadOutcome:
    """Load `folder` again, off the event loop, one reload at a time (`lock`); on success the
    view being served is replaced in one assignment. `confirmed`: an admin accepts that every
    event goes."""
    async with lock:
        try:
            view = await asyncio.to_thread(_load, folder, timezone)
        except KnowledgeError as error:
            logger.error("Reload refused, still serving the last good knowledge:\n%s", error)
            return ReloadOutcome(
                False, f"Reload refused; still serving the last good knowledge.\n{error}"
            )
        knowledge = view.knowledge
        served = len(current.view.knowledge.events)
        if served and not knowledge.events and not confirmed:
            message = (
                f"Reload refused: {folder} has no events, and {served} are on record now. "
                "Still serving the last good knowledge; send /reload confirm to drop every event."
            )
            logger.error("%s", message)
            return ReloadOutcome(False, message)
        current.view = view
    message = (
        f"Reloaded {folder}: {len(knowledge.authorities)} authorities, "
        f"{len(knowledge.events)} events."
    )
    logger.info("%s", message)
    return ReloadOutcome(True, message)


@dataclass(frozen=True, slots=True)
class EventChanges:
    """What to tell subscribers: events added, and events whose start changed (with the start
    they had)."""

    new: list[Event]
    moved: list[tuple[Event, str]]


async def event_changes(runtime: Runtime, now: datetime) -> EventChanges:
    """Events not seen before (by this database) and events seen with another start, not yet
    ended. On the very first start nothing is new: the events there are then are remembered,
    not announced."""
    store = runtime.require_store
    known = await store.known_events()
    if known is None:
        # What is there on the very first start was there before: its reminders may be late.
        await announced_events(runtime, first_start=True)
    events, zone = runtime.current.view.knowledge.events, runtime.settings.zone
    return EventChanges(
        new_events(known, events, now=now, timezone=zone),
        moved_events(known, events, now=now, timezone=zone),
    )


async def announced_events(runtime: Runtime, *, first_start: bool = False) -> None:
    """Remember the current events as seen, with their starts: called once their announcements
    are out. A start not seen before is known from now, except on the very first start."""
    zone = runtime.settings.zone
    await runtime.require_store.remember_events(
        (
            KnownEvent(e.id, e.start, e.period(zone).end)
            for e in runtime.current.view.knowledge.events
        ),
        None if first_start else utc_now(),
    )
