"""What a store that one process owns (SQLite, the in-memory fake) needs of the port's
several-instances parts: chat turns are asyncio locks in this process, and the reminder
leadership is always this process's."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from bot.storage.port import Store

logger = logging.getLogger(__name__)


@dataclass
class _Held:
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    # Blocks holding the lock or waiting for it: at none, the lock is dropped.
    users: int = 0


class KeyedLocks:
    """One asyncio lock a key, kept only while a block holds it or waits for it: a bot that
    talks to a million chats keeps none of them once they are quiet."""

    def __init__(self) -> None:
        self._held: dict[int, _Held] = {}

    def __len__(self) -> int:
        """How many keys are held or waited for now."""
        return len(self._held)

    @asynccontextmanager
    async def hold(self, key: int) -> AsyncIterator[None]:
        held = self._held.setdefault(key, _Held())
        held.users += 1
        try:
            async with held.lock:
                yield
        finally:
            held.users -= 1
            if not held.users:
                del self._held[key]


@dataclass(frozen=True, slots=True)
class SoleLeadership:
    """The reminder leadership of a store no other process uses (sosbot run holds the SQLite
    file's lock): always held."""

    store: Store

    async def try_acquire(self) -> bool:
        return True

    async def still_held(self) -> bool:
        return True

    async def release(self) -> None:
        return
