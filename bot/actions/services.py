"""What the use cases work with, passed explicitly: the store, the knowledge being served, a
clock, the reminder lead times and the question tally."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.actions.statistics import QuestionTally
from bot.clock import Clock
from bot.replies.current import CurrentKnowledge
from bot.storage.port import Store

logger = logging.getLogger(__name__)

# Asked, only when it matters, before everything a chat holds is removed: may whoever asked do
# that? Anyone in a private chat; in a group, only its administrators (the handlers ask Telegram).
Permission = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class Services:
    """The collaborators of every use case, passed in whole by the caller (the runtime builds
    one per update), so that no use case reaches into a runtime for them."""

    store: Store
    current: CurrentKnowledge
    clock: Clock
    lead_times: tuple[timedelta, ...]
    questions: QuestionTally
    # Keep the text of questions not understood (SOSBOT_LOG_UNANSWERED).
    log_unanswered: bool = False
