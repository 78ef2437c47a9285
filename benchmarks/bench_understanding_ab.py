"""The engine before and after a change, side by side, on this shared machine.

    git worktree add --detach /tmp/before <commit>
    python -m benchmarks.bench_understanding_ab --before /tmp/before [--rounds N]

Two processes, one per checkout (this one and `--before`), each with its own engine, answer
the same questions alternately, question by question, round after round, taking turns to go
first, and a third process times the baseline; each call is timed in
CPU time of its own thread (`time.thread_time_ns`), which other work on the machine does not
add to. Per question the median over the rounds; the table shows p50 and p99 of the English
sets and of the Welsh sets for both checkouts, and the bare
`rapidfuzz.process.extractOne(question, all council names, scorer=WRatio)` baseline beside them
(see benchmarks/bench_understanding.py).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
_READY = "ready"


def _serve(questions_file: str) -> None:
    """The worker: answers question `i` with the engine ("e i") or the baseline ("b i") and
    prints the call's CPU time in ns."""
    from zoneinfo import ZoneInfo

    from rapidfuzz import fuzz, process

    from bot.actions.asking import answer_in_console
    from bot.clock import utc_now
    from bot.replies.current import KnowledgeView
    from bot.replies.render import render_plain
    from bot.understanding.conversation import Conversation
    from knowledge.loader import load_knowledge

    questions = json.loads(Path(questions_file).read_text(encoding="utf-8"))
    knowledge = load_knowledge()
    view = KnowledgeView.build(knowledge, ZoneInfo("Europe/London"))
    names = [council.name for council in knowledge.councils.values()]

    def engine(question: str) -> object:
        return render_plain(answer_in_console(view, question, Conversation(), utc_now()))

    def baseline(question: str) -> object:
        return process.extractOne(question, names, scorer=fuzz.WRatio)

    calls: dict[str, Callable[[str], object]] = {"e": engine, "b": baseline}
    for question in questions:  # warm-up
        engine(question)
        baseline(question)
    print(_READY, flush=True)
    for line in sys.stdin:
        kind, index = line.split()
        start = time.thread_time_ns()
        calls[kind](questions[int(index)])
        print(time.thread_time_ns() - start, flush=True)


class _Worker:
    def __init__(self, checkout: Path, questions_file: str) -> None:
        environment = {**os.environ, "PYTHONPATH": str(checkout)}
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--serve", questions_file],
            cwd=checkout,
            env=environment,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self._readline() != _READY:
            raise SystemExit(f"the engine of {checkout} did not start")

    def _readline(self) -> str:
        if self._process.stdout is None:
            raise SystemExit("no pipe from the worker")
        return self._process.stdout.readline().strip()

    def time(self, kind: str, index: int) -> float:
        if self._process.stdin is None:
            raise SystemExit("no pipe to the worker")
        self._process.stdin.write(f"{kind} {index}\n")
        self._process.stdin.flush()
        return int(self._readline()) / 1000

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        self._process.wait()


def _percentiles(times: list[list[float]]) -> tuple[float, float]:
    from benchmarks.bench_understanding import percentile

    medians = [statistics.median(run) for run in times]
    return percentile(medians, 0.5), percentile(medians, 0.99)


def main() -> None:
    from benchmarks.bench_understanding import QUESTION_SETS, WELSH_SETS, load_questions

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the code before")
    parser.add_argument("--rounds", type=int, default=9)
    arguments = parser.parse_args()
    english, welsh = load_questions(QUESTION_SETS), load_questions(WELSH_SETS)
    questions = english + welsh
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(questions, file)
    # The baseline has a process of its own, and the two checkouts take turns to go first: a
    # call just after another in the same process, or always first, runs warmer or colder.
    workers = {
        "before": (_Worker(arguments.before, file.name), "e"),
        "after": (_Worker(HERE, file.name), "e"),
        "baseline": (_Worker(HERE, file.name), "b"),
    }
    timed: dict[str, list[list[float]]] = {name: [[] for _ in questions] for name in workers}
    for round_number in range(arguments.rounds):
        order = ["before", "after"] if round_number % 2 == 0 else ["after", "before"]
        for index in range(len(questions)):
            for name in [*order, "baseline"]:
                worker, kind = workers[name]
                timed[name][index].append(worker.time(kind, index))
    for worker, _ in workers.values():
        worker.close()
    Path(file.name).unlink()

    english_part, welsh_part = slice(0, len(english)), slice(len(english), None)
    rows = {
        "English, before": _percentiles(timed["before"][english_part]),
        "English, after": _percentiles(timed["after"][english_part]),
        "English, baseline": _percentiles(timed["baseline"][english_part]),
        "Welsh, before": _percentiles(timed["before"][welsh_part]),
        "Welsh, after": _percentiles(timed["after"][welsh_part]),
        "Welsh, baseline": _percentiles(timed["baseline"][welsh_part]),
    }
    print(f"{len(english)} English and {len(welsh)} Welsh questions, {arguments.rounds} rounds")
    print(f"{'CPU µs per call':22} {'p50':>9} {'p99':>9}")
    for name, (p50, p99) in rows.items():
        print(f"{name:22} {p50:9.1f} {p99:9.1f}")
    ratio = rows["English, after"][0] / rows["English, before"][0]
    print(f"English engine p50 after / before = {ratio:.3f} (target ≤ 1.10)")
    welsh_ratio = rows["Welsh, after"][0] / rows["Welsh, before"][0]
    print(f"Welsh engine p50 after / before = {welsh_ratio:.3f}")
    for language in ("English", "Welsh"):
        p50, p99 = rows[f"{language}, after"]
        baseline = rows[f"{language}, baseline"][0]
        print(
            f"{language} engine p50 / baseline p50 = {p50 / baseline:.2f} (target ≤ 0.25), "
            f"p99 / baseline p50 = {p99 / baseline:.2f} (target ≤ 1.0)"
        )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        _serve(sys.argv[2])
    else:
        main()
