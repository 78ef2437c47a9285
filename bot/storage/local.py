"""What a store that one process owns (SQLite, the in-memory fake) needs of the port's
several-instances parts: chat turns are asyncio locks in this process, and the reminder
leadership is always this process's; and, since no other process writes its file, values it
may keep in memory once read (`KeptValues`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from bot.storage.port import Store

logger = logging.getLogger(__name__)

V = TypeVar("V")


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


class KeptValues(Generic[V]):
    """Values a key, read from the database once and then kept, for a database only this
    process writes: every change goes through `changing` (kept once stored) or `keep` (kept at
    once, stored later by the caller), so what is kept is what is, or will be, stored.

    Reads and writes of one key may overlap (a reminder reading a chat's language while the
    chat's turn sets it): a value read is kept only when no change overlapped the read, and a
    value written only once the key's last change is done, so a slow read never puts back
    what a change replaced. A failed change keeps nothing: the next read asks the database."""

    def __init__(self) -> None:
        self._values: dict[int, V] = {}
        # Changes begun, to any key: a read that saw one begin may have read the old value.
        self._changes_begun = 0
        # A key's changes not yet finished: how many, the value the last of them began to
        # store, and whether any of them failed.
        self._writing: dict[int, tuple[int, V, bool]] = {}

    def clear(self) -> None:
        """Forget every value (the database was pruned or replaced); a read in flight keeps
        nothing either."""
        self._values.clear()
        self._changes_begun += 1

    def keep(self, key: int, value: V) -> None:
        """`value` for `key` from now on, ahead of the database (writing it there is the
        caller's); a read or a change in flight keeps nothing older."""
        self._values[key] = value
        if key in self._writing:
            in_flight, _, failed = self._writing[key]
            self._writing[key] = (in_flight, value, failed)

    async def read(self, key: int, read: Callable[[], Awaitable[V]]) -> V:
        """The value kept, else `read()`'s, kept if no change was in flight or began
        meanwhile (the read may have come before or after it)."""
        if key in self._values:
            return self._values[key]
        changes_begun = self._changes_begun
        overlapped = key in self._writing
        value = await read()
        if not overlapped and changes_begun == self._changes_begun:
            # Not over a value kept meanwhile (`keep`): that one is newer.
            return self._values.setdefault(key, value)
        return value

    @asynccontextmanager
    async def changing(self, key: int, value: V) -> AsyncIterator[None]:
        """For the block, which stores `value` for `key`: kept once the key's changes in
        flight are all done, if none failed."""
        self._values.pop(key, None)
        self._changes_begun += 1
        in_flight, _, failed = self._writing.get(key, (0, value, False))
        self._writing[key] = (in_flight + 1, value, failed)
        succeeded = False
        try:
            yield
            succeeded = True
        finally:
            in_flight, last, failed = self._writing.pop(key)
            failed = failed or not succeeded
            if in_flight > 1:
                self._writing[key] = (in_flight - 1, last, failed)
            elif not failed:
                self._values[key] = last
