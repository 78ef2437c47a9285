"""What the running bot shares between updates: settings, the engine and the store.

Kept free of telegram so that the reminders and statistics code can use it too. The
composition root (bot.application) builds one and hands it to python-telegram-bot's bot_data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from bot.engine import Engine
from bot.settings import Settings
from bot.store import Store

logger = logging.getLogger(__name__)


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    store: Store | None = field(default=None)
    # When each chat was last sent a message (time.monotonic()), to keep to one a second.
    last_sent_to_chat: dict[int, float] = field(default_factory=dict)

    @property
    def require_store(self) -> Store:
        """The store, which exists from post_init until post_shutdown."""
        if self.store is None:
            raise RuntimeError("the store is not open")
        return self.store
