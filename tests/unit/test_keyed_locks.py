"""The per-key locks of a store one process owns: held one block at a time, kept no longer."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.local import KeyedLocks


async def test_a_key_is_kept_only_while_a_block_holds_or_waits_for_it() -> None:
    locks = KeyedLocks()
    inside = asyncio.Event()
    leave = asyncio.Event()

    async def holding() -> None:
        async with locks.hold(7):
            inside.set()
            await leave.wait()

    async def waiting() -> None:
        async with locks.hold(7):
            pass

    held = asyncio.create_task(holding())
    await inside.wait()
    waiter = asyncio.create_task(waiting())
    await asyncio.sleep(0)
    assert len(locks) == 1
    leave.set()
    await asyncio.gather(held, waiter)
    assert len(locks) == 0


async def test_a_failed_or_cancelled_block_leaves_no_key_behind() -> None:
    locks = KeyedLocks()
    with pytest.raises(RuntimeError):
        async with locks.hold(1):
            raise RuntimeError("the handler failed")
    async with locks.hold(2):
        waiter = asyncio.create_task(_enter(locks, 2))
        await asyncio.sleep(0)
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
    assert len(locks) == 0


async def _enter(locks: KeyedLocks, key: int) -> None:
    async with locks.hold(key):
        pass
