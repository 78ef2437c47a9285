"""Reminders at scale: computing what is due, and delivering it within Telegram's limits.

    python -m benchmarks.bench_reminders [--delivery-chats N]

Part 1, computing: how long `due_reminders` takes with 100,000 subscriptions and 50 events.

Fills a throw-away SQLite store, then times the reminder computation in these situations:

- steady: a normal check, where every due reminder has already been delivered;
- fresh: the events of the coming week have just fallen due and nothing is delivered yet;
- fresh, in batches: the same with `limit=1000`, as a sender working through them would ask;
- downtime: every one of the 50 events is due at once, a fifth of them network-wide (the worst
  case: 1.5 million reminders, hours of sending at Telegram's rate).

Prints the median and 95th percentile of the runs of each.

Part 2, delivering: `sosbot run` as a process against the fake Bot API (tests/fake_bot_api.py),
which answers 429 to any message above 30 in a second. N chats subscribed to everything, one
event due: the rate at which reminders are accepted, over the whole fan-out and per 5-second
window, and how many were lost or sent twice.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from bot.reminders.schedule import due_reminders
from bot.scopes import ALL
from bot.storage.sqlite import SqliteStore
from knowledge.loader import DEFAULT_DIRECTORY
from knowledge.models import Event
from tests.bot_process import BotProcess
from tests.fake_bot_api import running_fake_bot_api

SUBSCRIPTIONS = 100_000
EVENTS = 50
RUNS = 7
# Each full downtime run builds 1.5 million reminders: a few runs keep this under a minute.
DOWNTIME_RUNS = 3
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
LEADS = (timedelta(days=7), timedelta(days=1))
CHECK = timedelta(seconds=60)
# The five adopters, as in authorities.yaml: authority id → council code.
ADOPTERS = {
    "east-riding-of-yorkshire": "ERY",
    "lincolnshire": "LIN",
    "swansea": "SWA",
    "staffordshire": "STS",
    "suffolk": "SFK",
}
OTHER_COUNCILS = [f"X{n:02d}" for n in range(100)]


def _events(first_start: datetime, spacing: timedelta) -> list[Event]:
    """Fifty events, one in five network-wide, the rest shared among the adopters."""
    authorities: list[str | None] = [*ADOPTERS, None]
    return [
        Event(
            id=f"event-{n}",
            title=f"Event {n}",
            authority=authorities[n % len(authorities)],
            start=(first_start + n * spacing).isoformat(),
        )
        for n in range(EVENTS)
    ]


def _subscriptions(rng: random.Random, count: int) -> list[tuple[int, str]]:
    """`count` (chat, scope) rows: 60% adopters, 25% other councils, 15% `all`, and some
    chats with several scopes."""
    rows: set[tuple[int, str]] = set()
    chat = 1_000_000
    while len(rows) < count:
        chat += 1
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            pick = rng.random()
            if pick < 0.60:
                scope = rng.choice(list(ADOPTERS.values()))
            elif pick < 0.85:
                scope = rng.choice(OTHER_COUNCILS)
            else:
                scope = ALL
            rows.add((chat, scope))
    return sorted(rows)[:count]


def _fill(path: Path, rows: list[tuple[int, str]]) -> None:
    """Straight into the tables of a database the store has created (and closed): 100,000
    awaited `subscribe` calls would time the filling."""
    stamp = "2026-01-01T00:00:00Z"
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO chats (chat_id) VALUES (?) ON CONFLICT DO NOTHING",
            [(chat,) for chat, _ in rows],
        )
        db.executemany(
            "INSERT INTO subscriptions (chat_id, scope, subscribed_at) VALUES (?, ?, ?)",
            [(chat, scope, stamp) for chat, scope in rows],
        )
        db.execute("ANALYZE")


async def _time(
    store: SqliteStore, events: list[Event], runs: int, limit: int | None = None
) -> tuple[list[float], int]:
    timings: list[float] = []
    count = 0
    for _ in range(runs):
        began = time.perf_counter()
        due = await due_reminders(
            store,
            events,
            ADOPTERS,
            NOW,
            timezone=LONDON,
            lead_times=LEADS,
            check_interval=CHECK,
            limit=limit,
        )
        timings.append(time.perf_counter() - began)
        count = len(due)
    return timings, count


async def _record_all(store: SqliteStore, path: Path, events: list[Event]) -> None:
    """Every due reminder recorded as delivered, in one transaction of a second connection
    (the store's own records one a call)."""
    due = await due_reminders(
        store, events, ADOPTERS, NOW, timezone=LONDON, lead_times=LEADS, check_interval=CHECK
    )
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO deliveries (chat_id, event_id, event_start, lead_seconds, delivered_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (
                    r.chat_id,
                    r.event_id,
                    f"{r.start.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}",
                    r.lead_seconds,
                    "2026-11-29T11:59:00Z",
                )
                for r in due
            ],
        )


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


async def compute(subscriptions: int) -> None:
    rng = random.Random(20261129)
    rows = _subscriptions(rng, subscriptions)
    chats = len({chat for chat, _ in rows})
    # Events every 3 days from tomorrow: 3 fall within the 7-day lead at NOW.
    week = _events(NOW + timedelta(hours=20), timedelta(days=3))
    # Events every hour from 2 hours on: after an outage every one of them is due at once.
    outage = _events(NOW + timedelta(hours=2), timedelta(hours=1))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        await (await SqliteStore.open(path)).close()  # the schema, made as sosbot makes it
        began = time.perf_counter()
        _fill(path, rows)
        filled = time.perf_counter() - began
        store = await SqliteStore.open(path)
        try:
            results = [
                ("fresh (week just due)", *await _time(store, week, RUNS)),
                ("fresh, limit=1000", *await _time(store, week, RUNS, limit=1000)),
                ("downtime (all 50 due)", *await _time(store, outage, DOWNTIME_RUNS)),
                ("downtime, limit=1000", *await _time(store, outage, RUNS, limit=1000)),
            ]
            await _record_all(store, path, week)
            results.insert(0, ("steady (all delivered)", *await _time(store, week, RUNS)))
        finally:
            await store.close()
    print(
        f"{len(rows):,} subscriptions of {chats:,} chats, {EVENTS} events; "
        f"{RUNS} runs each ({DOWNTIME_RUNS} of the full downtime); filled in {filled:.1f} s"
    )
    print(f"{'situation':<26}{'reminders':>11}{'median ms':>11}{'p95 ms':>9}")
    for name, timings, count in results:
        print(
            f"{name:<26}{count:>11,}{statistics.median(timings) * 1000:>11.1f}"
            f"{_p95(timings) * 1000:>9.1f}"
        )


async def deliver(chats: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        knowledge = folder / "knowledge"
        shutil.copytree(DEFAULT_DIRECTORY, knowledge)
        start = (datetime.now(UTC) + timedelta(minutes=30)).isoformat(timespec="seconds")
        (knowledge / "events.yaml").write_text(
            yaml.safe_dump({"events": [{"id": "soon", "title": "Training", "start": start}]})
        )
        store = await SqliteStore.open(folder / "sosbot.sqlite3")
        for chat in range(1, chats + 1):
            await store.subscribe(chat, ALL, datetime.now(UTC))
        await store.close()
        async with running_fake_bot_api() as fake:
            fake.rate_limit(30)
            bot = BotProcess(
                fake,
                folder,
                knowledge_dir=str(knowledge),
                reminder_lead_times="1h",
                reminder_check_seconds="1",
                log_level="WARNING",
            )
            await bot.start()
            try:
                accepted = await fake.wait_for(
                    "sendMessage", count=chats, ok=True, timeout=chats / 10 + 60
                )
                await asyncio.sleep(2)  # anything sent twice would show by now
                accepted = fake.calls_to("sendMessage", ok=True)
            finally:
                await bot.stop()
            rejected = len(fake.calls_to("sendMessage", ok=False))
    times = [call.time for call in accepted]
    overall = (len(times) - 1) / (times[-1] - times[0])
    windows = Counter(int((t - times[0]) // 5) for t in times)
    full = [count / 5 for window, count in windows.items() if window < max(windows)]
    reached = Counter(int(call.params["chat_id"]) for call in accepted)
    print(f"\nDelivery: {chats} chats, one event, fake server answers 429 above 30 a second")
    print(
        f"accepted {len(times)}, answered 429 {rejected}, lost {chats - len(reached)}, "
        f"sent twice {sum(1 for n in reached.values() if n > 1)}"
    )
    print(
        f"rate over the fan-out {overall:.1f}/s; per 5-s window: median "
        f"{statistics.median(full):.1f}/s, lowest {min(full):.1f}/s (target ≥ 28/s sustained)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=SUBSCRIPTIONS)
    parser.add_argument("--delivery-chats", type=int, default=900)
    arguments = parser.parse_args()
    asyncio.run(compute(arguments.subscriptions))
    asyncio.run(deliver(arguments.delivery_chats))


if __name__ == "__main__":
    main()
