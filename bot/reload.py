"""Reloading knowledge while the bot runs, and finding the events to announce.

A file that fails validation is refused with its `path:line:` problems and the bot keeps the
last good knowledge: half-edited YAML must never reach people.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.engine import Engine
from bot.reminders import new_events
from bot.runtime import Runtime
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge
from knowledge.models import Event

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReloadOutcome:
    ok: bool
    message: str


def reload_knowledge(runtime: Runtime) -> ReloadOutcome:
    """Load the knowledge folder again; on success the engine is replaced in one assignment."""
    folder = runtime.settings.knowledge_dir
    try:
        knowledge = load_knowledge(folder, timezone=runtime.settings.zone)
    except KnowledgeError as error:
        logger.error("Reload refused, still serving the last good knowledge:\n%s", error)
        return ReloadOutcome(
            False, f"Reload refused; still serving the last good knowledge.\n{error}"
        )
    runtime.engine = Engine(knowledge, runtime.settings.zone)
    message = (
        f"Reloaded {folder}: {len(knowledge.authorities)} authorities, "
        f"{len(knowledge.events)} events."
    )
    logger.info("%s", message)
    return ReloadOutcome(True, message)


async def events_to_announce(runtime: Runtime, now: datetime) -> list[Event]:
    """Events not seen before (by this database) and not yet ended. On the very first start
    nothing is new: the events there are then are remembered, not announced."""
    store = runtime.require_store
    known = await store.known_event_ids()
    if known is None:
        await announced_events(runtime)
    return new_events(
        known, runtime.engine.knowledge.events, now=now, timezone=runtime.settings.zone
    )


async def announced_events(runtime: Runtime) -> None:
    """Remember the current events as seen: called once their announcements are out."""
    await runtime.require_store.remember_events(e.id for e in runtime.engine.knowledge.events)
