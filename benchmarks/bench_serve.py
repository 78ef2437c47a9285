"""Webhook mode: updates per second through `sosbot serve`, reminders through its leader, and
how fast another instance takes over from a leader killed with kill -9.

    python -m benchmarks.bench_serve [--rounds N] [--updates N] [--fan-out N] [--failovers N]

Everything runs as real processes against one fake Bot API server (tests/fake_bot_api.py, on
127.0.0.1), and `serve` on a PostgreSQL server of its own, started for the run in a temporary
folder (as the tests start theirs: tests/postgres.py).

Part 1, updates: each round starts and times, one after the other, `sosbot run` (polling, on
SQLite), the bare python-telegram-bot echo bot (benchmarks/echo_bot.py), one `sosbot serve`
and two `sosbot serve` on one database (the fake posting round-robin to them, one in flight per
chat, as Telegram behind a load balancer would). Each is given the same batch of real questions
(from tests/data) across 50 private chats at once and timed until every one is answered. The
figures are medians over the rounds; for `serve`, the handling time of each update is the time
from the fake's POST to its 200 (the reply is sent before the 200), p50 and p99 over all (with
up to 40 in flight, as Telegram's default max_connections, mostly time waiting in line), and
over 50 questions of one chat after each batch, which go one at a time (the time to handle one
update alone); and
the CPU time the bot's processes used an update (psutil: less sensitive than the rates to the
other work on a shared machine; PostgreSQL's and the fake's own are not counted).

Part 2, reminders: two instances, N chats subscribed to everything, one event due, the fake
answering 429 above 30 messages a second overall and one a second a chat. The rate at which
reminders are accepted, over the fan-out and in the slowest 5-second window; 429s, lost and
sent twice.

Part 3, failover: two instances (a token each, so the fake tells them apart), a fan-out to 300
chats; once a fifth are accepted, the leader (found through /metrics) is killed with kill -9:
the time until the other instance's first reminder is accepted, median over the runs, with
SOSBOT_REMINDER_CHECK_SECONDS=1. None may be lost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections import Counter
from itertools import cycle, islice
from pathlib import Path

import psutil

from benchmarks.bench_telegram import CHATS, _answer_all, _start, _stop
from benchmarks.bench_understanding import load_questions
from tests.e2e.chats import event, knowledge_copy, reminders, write_events
from tests.e2e.serving import (
    delete_webhook,
    instance,
    one_leader,
    set_webhook,
    start_all,
    stop_all,
    subscribe_directly,
)
from tests.fake_bot_api import ApiCall, FakeBotApi, running_fake_bot_api
from tests.postgres import PostgresServer, running_postgres

QUIET = {"log_level": "WARNING"}
# Questions sent to one chat after each batch, so one at a time: the handling time alone.
ALONE = 50
ONE_CHAT = 40_000
# As `sosbot run` is timed: the default reminder check, no faster.
AS_RUN = {**QUIET, "reminder_check_seconds": "60"}
FAILOVER_CHATS = 300
FAILOVER_CHECK_SECONDS = "1"
WINDOW = 5.0


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU the processes have used so far."""
    return sum(sum(psutil.Process(pid).cpu_times()[:2]) for pid in pids)


async def serve_round(
    fake: FakeBotApi, folder: Path, database: str, count: int, batch: list[str]
) -> tuple[float, list[float], float, list[float]]:
    """Updates a second through `count` instances, each update's POST-to-200 seconds, the
    instances' CPU seconds an update, and the POST-to-200 seconds of updates sent one at a
    time."""
    knowledge = folder / "knowledge"
    if not knowledge.exists():
        knowledge_copy(folder)
    instances = [instance(fake, folder, n, database, knowledge, **AS_RUN) for n in range(count)]
    try:
        await start_all(instances)
        await set_webhook(fake, instances)
        posted = len(fake.webhook_posts)
        pids = [each.process.pid for each in instances if each.process is not None]
        used = cpu_seconds(pids)
        seconds = await _answer_all(fake, batch)
        await fake.wait_delivered(timeout=60)
        used = cpu_seconds(pids) - used
        handling = [p.ended - p.started for p in fake.webhook_posts[posted:] if p.accepted]
        # One chat's questions go one at a time (Telegram's order): each is handled alone.
        posted = len(fake.webhook_posts)
        for question in batch[:ALONE]:
            fake.push_message(ONE_CHAT, question)
        await fake.wait_delivered(timeout=60)
        alone = [p.ended - p.started for p in fake.webhook_posts[posted:] if p.accepted]
    finally:
        await delete_webhook(fake)
        await stop_all(instances)
    return len(batch) / seconds, handling, used / len(batch), alone


async def updates(fake: FakeBotApi, server: PostgresServer, rounds: int, size: int) -> None:
    batch = list(islice(cycle(load_questions()), size))
    rates: dict[str, list[float]] = {"run": [], "echo": [], "serve x1": [], "serve x2": []}
    handling: dict[str, list[float]] = {"serve x1": [], "serve x2": []}
    alone: dict[str, list[float]] = {name: [] for name in handling}
    cpu: dict[str, list[float]] = {name: [] for name in rates}
    databases = {name: server.url(server.create_database()) for name in handling}
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(rounds):
            for subject in ("sosbot", "echo"):
                name = "run" if subject == "sosbot" else subject
                process = await _start(subject, fake, Path(folder))
                used = cpu_seconds([process.pid])
                rates[name].append(len(batch) / await _answer_all(fake, batch))
                cpu[name].append((cpu_seconds([process.pid]) - used) / len(batch))
                await _stop(process)
            for name, count in (("serve x1", 1), ("serve x2", 2)):
                home = Path(folder) / name.replace(" ", "")
                home.mkdir(exist_ok=True)
                rate, times, used, one_by_one = await serve_round(
                    fake, home, databases[name], count, batch
                )
                rates[name].append(rate)
                handling[name] += times
                alone[name] += one_by_one
                cpu[name].append(used)
    print(f"Updates: {rounds} rounds of {len(batch)} questions over {CHATS} chats each")
    echo = statistics.median(rates["echo"])
    for name, values in rates.items():
        median = statistics.median(values)
        line = (
            f"  {name:9} median {median:5.0f} updates/s ({median / echo:.2f} of the echo bot), "
            f"CPU {1000 * statistics.median(cpu[name]):.1f} ms an update"
        )
        if name in handling:
            times = handling[name]
            line += (
                f"; handling p50 {1000 * percentile(times, 0.5):.1f} ms, "
                f"p99 {1000 * percentile(times, 0.99):.1f} ms (one at a time: p50 "
                f"{1000 * percentile(alone[name], 0.5):.1f} ms, "
                f"p99 {1000 * percentile(alone[name], 0.99):.1f} ms)"
            )
        print(line)
        print(f"  {'':9} rounds: {' '.join(f'{v:.0f}' for v in values)}")


async def fan_out(fake: FakeBotApi, server: PostgresServer, chats: int) -> None:
    database = server.url(server.create_database())
    with tempfile.TemporaryDirectory() as folder:
        knowledge = knowledge_copy(Path(folder))
        write_events(knowledge, event("soon", 30))
        await subscribe_directly(database, list(range(50_000, 50_000 + chats)), "all")
        fake.rate_limit(30, per_chat_per_second=1)
        instances = [
            instance(fake, Path(folder), n, database, knowledge, **QUIET) for n in range(2)
        ]
        first_call = len(fake.calls)
        try:
            await start_all(instances)
            await fake.wait_for(
                "sendMessage",
                lambda c: c.params["text"].startswith("<b>Reminder"),
                count=chats,
                ok=True,
                timeout=chats / 20 + 60,
            )
            await asyncio.sleep(3)
        finally:
            await stop_all(instances)
            fake.clear_faults()
    calls = fake.calls[first_call:]
    accepted = sorted(c.time for c in calls if c.method == "sendMessage" and c.ok)
    refused = sum(1 for c in calls if c.method == "sendMessage" and c.error_code == 429)
    told = Counter(chat for chat, _ in reminders(fake) if chat >= 50_000)
    rate = (len(accepted) - 1) / (accepted[-1] - accepted[0])
    windows = [
        sum(1 for t in accepted if start <= t < start + WINDOW) / WINDOW
        for start in accepted
        if start + WINDOW <= accepted[-1]
    ]
    print(f"Reminders through the leader of two instances: {chats} chats, one event due")
    print(
        f"  {len(accepted)} accepted, {refused} answered 429, "
        f"{chats - len(told)} lost, {sum(n - 1 for n in told.values())} sent twice; "
        f"{rate:.1f} a second over the fan-out, {min(windows, default=rate):.1f} in the "
        f"slowest {WINDOW:.0f}-second window (target >= 28)"
    )


async def one_failover(
    fake: FakeBotApi, server: PostgresServer, base: int, chats: int
) -> tuple[float, int, int]:
    """Seconds from kill -9 of the leader to the survivor's first reminder; chats left without
    their reminder; messages sent twice."""
    database = server.url(server.create_database())
    chat_ids = list(range(base, base + chats))

    def ours(call: ApiCall) -> bool:
        return isinstance(call.chat_id, int) and call.chat_id >= base

    with tempfile.TemporaryDirectory() as folder:
        knowledge = knowledge_copy(Path(folder))
        write_events(knowledge, event("soon", 30))
        await subscribe_directly(database, chat_ids, "all")
        settings = {**QUIET, "reminder_check_seconds": FAILOVER_CHECK_SECONDS}
        # A token each, so that the fake tells which instance sent what.
        instances = [
            instance(
                fake, Path(folder), n, database, knowledge, telegram_token=f"{n}:B", **settings
            )
            for n in (1, 2)
        ]
        first_call = len(fake.calls)
        try:
            await start_all(instances)
            leader = await one_leader(instances, timeout=30)
            survivor = next(each for each in instances if each is not leader)
            token = survivor.environment["SOSBOT_TELEGRAM_TOKEN"]
            await fake.wait_for("sendMessage", ours, count=chats // 5, ok=True, timeout=60)
            killed = time.monotonic()
            await leader.kill_now()
            after = await fake.wait_for(
                "sendMessage", lambda c: c.token == token and c.time > killed, ok=True, timeout=60
            )
            await fake.wait_for("sendMessage", ours, count=chats, ok=True, timeout=60)
            await asyncio.sleep(2)
        finally:
            await stop_all(instances)
    told = Counter(c.chat_id for c in fake.calls[first_call:] if c.method == "sendMessage" and c.ok)
    lost = sum(1 for chat in chat_ids if chat not in told)
    return min(c.time for c in after) - killed, lost, sum(n - 1 for n in told.values())


async def failover(fake: FakeBotApi, server: PostgresServer, runs: int, chats: int) -> None:
    outcomes = [await one_failover(fake, server, 100_000 * (run + 1), chats) for run in range(runs)]
    times = [seconds for seconds, _, _ in outcomes]
    print(
        f"Failover: leader killed with kill -9 after {chats // 5} of {chats} reminders, "
        f"SOSBOT_REMINDER_CHECK_SECONDS={FAILOVER_CHECK_SECONDS}, {runs} runs"
    )
    print(
        f"  kill to the survivor's first reminder: median {statistics.median(times):.2f} s "
        f"(runs: {' '.join(f'{t:.2f}' for t in times)}); lost "
        f"{sum(lost for _, lost, _ in outcomes)}, sent twice "
        f"{[twice for _, _, twice in outcomes]} (per run)"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--fan-out", type=int, default=900)
    parser.add_argument("--failovers", type=int, default=5)
    parser.add_argument("--failover-chats", type=int, default=FAILOVER_CHATS)
    arguments = parser.parse_args()
    with running_postgres() as server:
        async with running_fake_bot_api() as fake:
            await updates(fake, server, arguments.rounds, arguments.updates)
            await fan_out(fake, server, arguments.fan_out)
            await failover(fake, server, arguments.failovers, arguments.failover_chats)


if __name__ == "__main__":
    asyncio.run(main())
