"""Updates per second answered by `sosbot run`, beside a bare python-telegram-bot echo bot.

    python -m benchmarks.bench_telegram [--rounds N] [--updates N] [--before CHECKOUT]

Both run as real processes against the same fake Bot API server (tests/fake_bot_api.py, on
127.0.0.1), one at a time, alternating sosbot, echo, sosbot, echo … Each round starts the bot,
waits until it polls, pushes a batch of real questions (from tests/data) across 50 private
chats at once, and times until every one has been answered. The figure is the median over the
rounds, and the median of the ratios of each sosbot round to the echo round right after it.
Afterwards each bot answers 1,000 questions and its resident memory is read (psutil).

With `--before` (a checkout of another commit, e.g. `git worktree add --detach /tmp/before
<commit>`), that commit's `sosbot run` takes its turn in every round too, with this
environment's packages, and each is compared with it round by round: a change measured
against the code before it in the same minutes, not on another day.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from itertools import cycle, islice
from pathlib import Path

import psutil

from benchmarks.bench_understanding import load_questions
from tests.fake_bot_api import FakeBotApi, running_fake_bot_api

CHATS = 50
MEMORY_QUESTIONS = 1000


HERE = Path(__file__).resolve().parent.parent
SOSBOT = "sosbot"
ECHO = "echo"
BEFORE = "before"


def _command(subject: str, fake: FakeBotApi) -> list[str]:
    if subject == ECHO:
        return [sys.executable, "-m", "benchmarks.echo_bot", fake.base_url]
    return [sys.executable, "-m", "bot", "run"]


async def _start(
    subject: str, fake: FakeBotApi, folder: Path, code: Path = HERE
) -> subprocess.Popen[bytes]:
    """Start `subject` (sosbot, BEFORE or ECHO) from the checkout `code`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOSBOT_")}
    environment |= {
        "SOSBOT_TELEGRAM_TOKEN": "123:BENCH",
        "SOSBOT_TELEGRAM_API_URL": fake.base_url,
        "SOSBOT_DATABASE": str(folder / f"{subject}.sqlite3"),
        "SOSBOT_LOG_LEVEL": "WARNING",
        # The checkout's own code, ahead of the one installed in this environment.
        "PYTHONPATH": str(code),
    }
    polls = len(fake.calls_to("getUpdates"))
    process = subprocess.Popen(
        _command(subject, fake),
        cwd=folder,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    await fake.wait_for("getUpdates", count=polls + 1, timeout=60)
    return process


async def _answer_all(fake: FakeBotApi, questions: list[str]) -> float:
    """Seconds from pushing `questions` until each has its reply."""
    answered = len(fake.calls_to("sendMessage", ok=True))
    started = time.perf_counter()
    for index, question in enumerate(questions):
        fake.push_message(10_000 + index % CHATS, question)
    await fake.wait_for("sendMessage", count=answered + len(questions), ok=True, timeout=600)
    return time.perf_counter() - started


async def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then wait without blocking the fake server, which the bot talks to as it stops."""
    process.terminate()
    await asyncio.to_thread(process.wait, 30)


def _paired(rates: dict[str, list[float]], subject: str, other: str) -> float:
    """The median, over the rounds, of `subject`'s rate over `other`'s in the same round."""
    return statistics.median(a / b for a, b in zip(rates[subject], rates[other], strict=True))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--updates", type=int, default=300)
    parser.add_argument("--before", type=Path, help="a checkout of the code to compare with")
    arguments = parser.parse_args()
    batch = list(islice(cycle(load_questions()), arguments.updates))
    code = {SOSBOT: HERE, ECHO: HERE}
    if arguments.before is not None:
        code[BEFORE] = arguments.before.resolve()
    rates: dict[str, list[float]] = {subject: [] for subject in code}
    with tempfile.TemporaryDirectory() as folder:
        async with running_fake_bot_api() as fake:
            for _ in range(arguments.rounds):
                for subject in rates:
                    process = await _start(subject, fake, Path(folder), code[subject])
                    seconds = await _answer_all(fake, batch)
                    rates[subject].append(len(batch) / seconds)
                    await _stop(process)
            memory = {}
            for subject in rates:
                process = await _start(subject, fake, Path(folder), code[subject])
                await _answer_all(fake, list(islice(cycle(load_questions()), MEMORY_QUESTIONS)))
                memory[subject] = psutil.Process(process.pid).memory_info().rss / 2**20
                await _stop(process)
    print(f"{arguments.rounds} rounds of {len(batch)} updates each, the bots in turn")
    for subject, values in rates.items():
        print(
            f"{subject:8} median {statistics.median(values):5.0f} updates/s, "
            f"resident memory after {MEMORY_QUESTIONS:,} questions {memory[subject]:.1f} MiB"
        )
        print(f"{'':8} rounds: {' '.join(f'{v:.0f}' for v in values)}")
    ratio = statistics.median(rates[SOSBOT]) / statistics.median(rates[ECHO])
    # Each sosbot round against the echo round run right after it: noise of the shared machine
    # that lasts a few seconds falls on both.
    paired = _paired(rates, SOSBOT, ECHO)
    print(f"sosbot / echo: ratio of medians {ratio:.2f}, median of paired rounds {paired:.2f}")
    print("(target ≥ 0.8)")
    if BEFORE in rates:
        print(
            f"before / echo: median of paired rounds {_paired(rates, BEFORE, ECHO):.2f}; "
            f"sosbot / before: median of paired rounds {_paired(rates, SOSBOT, BEFORE):.2f}"
        )


if __name__ == "__main__":
    asyncio.run(main())
