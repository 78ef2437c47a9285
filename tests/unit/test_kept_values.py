"""KeptValues: a value read once is kept, a change keeps what it stored, and a read that a
change overlapped keeps nothing, whichever came first."""

from __future__ import annotations

import asyncio

import pytest

from bot.storage.local import KeptValues

KEY = 7


class Database:
    """One value, read by counting calls; a read may be held until released."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.reads = 0
        self.hold = asyncio.Event()
        self.hold.set()

    async def read(self) -> str:
        self.reads += 1
        value = self.value
        await self.hold.wait()
        return value


async def test_a_value_read_once_is_not_read_again() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    assert [await kept.read(KEY, database.read) for _ in range(3)] == ["en"] * 3
    assert database.reads == 1


async def test_a_change_keeps_the_value_it_stored() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    await kept.read(KEY, database.read)
    async with kept.changing(KEY, "cy"):
        database.value = "cy"
    assert await kept.read(KEY, database.read) == "cy"
    assert database.reads == 1


async def test_a_failed_change_keeps_nothing_and_the_next_read_asks_the_database() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    await kept.read(KEY, database.read)
    with pytest.raises(RuntimeError):
        async with kept.changing(KEY, "cy"):
            raise RuntimeError("the database failed")
    assert await kept.read(KEY, database.read) == "en"
    assert database.reads == 2


async def test_a_read_that_began_before_a_change_keeps_nothing() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    database.hold.clear()
    slow_read = asyncio.create_task(kept.read(KEY, database.read))
    await asyncio.sleep(0)
    async with kept.changing(KEY, "cy"):
        database.value = "cy"
    database.hold.set()
    assert await slow_read == "en"
    assert await kept.read(KEY, database.read) == "cy"
    assert database.reads == 1


async def test_a_read_that_began_during_a_change_keeps_nothing() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    async with kept.changing(KEY, "cy"):
        # The read reaches the database before the change does.
        assert await kept.read(KEY, database.read) == "en"
        database.value = "cy"
    assert await kept.read(KEY, database.read) == "cy"
    assert database.reads == 1


async def test_overlapping_changes_keep_the_last_begun_once_all_are_done() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    first = kept.changing(KEY, "cy")
    await first.__aenter__()
    async with kept.changing(KEY, "en"):
        pass
    assert await kept.read(KEY, database.read) == "en"
    assert database.reads == 1
    await first.__aexit__(None, None, None)
    assert await kept.read(KEY, database.read) == "en"
    assert database.reads == 1


async def test_clearing_forgets_every_value_and_what_a_read_in_flight_saw() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    await kept.read(KEY, database.read)
    database.hold.clear()
    slow_read = asyncio.create_task(kept.read(KEY + 1, database.read))
    await asyncio.sleep(0)
    kept.clear()
    database.hold.set()
    await slow_read
    await kept.read(KEY, database.read)
    await kept.read(KEY + 1, database.read)
    assert database.reads == 4


async def test_a_read_that_began_during_a_change_and_ended_after_it_keeps_nothing() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    database.hold.clear()
    async with kept.changing(KEY, "cy"):
        # The read reaches the database before the change does, and returns after it.
        slow_read = asyncio.create_task(kept.read(KEY, database.read))
        await asyncio.sleep(0)
        database.value = "cy"
    database.hold.set()
    assert await slow_read == "en"
    assert await kept.read(KEY, database.read) == "cy"
    assert database.reads == 1


async def test_a_value_kept_while_a_read_was_in_flight_is_not_replaced_by_the_read() -> None:
    kept: KeptValues[str] = KeptValues()
    database = Database("en")
    database.hold.clear()
    slow_read = asyncio.create_task(kept.read(KEY, database.read))
    await asyncio.sleep(0)
    kept.keep(KEY, "cy")  # saved ahead of the database
    database.hold.set()
    assert await slow_read == "cy"
    assert await kept.read(KEY, database.read) == "cy"
    assert database.reads == 1
