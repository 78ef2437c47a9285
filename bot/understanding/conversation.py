"""A chat's conversation context: what its previous turns were about."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)


@dataclass
class Conversation:
    """What the previous turns were about, so that "who trains them?" can be answered. Read by
    the engine; changed only by bot.actions.conversation."""

    intent: Intent | None = None
    council_code: str | None = None
