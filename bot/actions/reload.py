"""Reloading knowledge while the bot runs.

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
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.replies.current import CurrentKnowledge, KnowledgeView
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge

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
