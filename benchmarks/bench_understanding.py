"""How fast the engine understands and answers, beside one bare rapidfuzz call.

    python benchmarks/bench_understanding.py [--rounds N]

Every question of tests/data/questions*.yaml (the English sets, then the Welsh ones:
questions_cy*.yaml and held_out/questions_cy*.yaml) goes through `answer_in_console` and
`render_plain` (a fresh conversation each, as `sosbot ask` does), and through the baseline: one
`rapidfuzz.process.extractOne(question, all_council_names, scorer=WRatio)` over the official
names of all 470 UK councils. The two alternate round by round, so that the shared machine's
noise falls on both alike. Per-question times are medians over the rounds; the table shows their
p50 and p99 and the questions per second.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from rapidfuzz import fuzz, process

from bot.actions.asking import answer_in_console
from bot.clock import utc_now
from bot.replies.current import KnowledgeView
from bot.replies.render import render_plain
from bot.understanding.conversation import Conversation
from knowledge.loader import load_knowledge

DATA = Path(__file__).parent.parent / "tests" / "data"
# The Welsh sets (issue 11) are timed apart: the English figure stays comparable with before.
WELSH_SETS = sorted([*DATA.glob("questions_cy*.yaml"), *DATA.glob("held_out/questions_cy*.yaml")])
QUESTION_SETS = sorted(set(DATA.glob("questions*.yaml")) - set(WELSH_SETS))


def load_questions(paths: list[Path] = QUESTION_SETS) -> list[str]:
    """The questions of `paths`, conversations' turns included (by default the English sets)."""
    return [
        turn["ask"]
        for path in paths
        for item in yaml.safe_load(path.read_text(encoding="utf-8"))
        for turn in item.get("conversation", [item])
    ]


def time_each(call: Callable[[str], object], questions: list[str]) -> list[float]:
    timings = []
    for question in questions:
        start = time.perf_counter_ns()
        call(question)
        timings.append((time.perf_counter_ns() - start) / 1000)
    return timings


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds

    knowledge = load_knowledge()
    view = KnowledgeView.build(knowledge, ZoneInfo("Europe/London"))
    names = [council.name for council in knowledge.councils.values()]

    def engine_call(question: str) -> object:
        return render_plain(answer_in_console(view, question, Conversation(), utc_now()))

    def baseline_call(question: str) -> object:
        return process.extractOne(question, names, scorer=fuzz.WRatio)

    for language, paths in (("English", QUESTION_SETS), ("Welsh", WELSH_SETS)):
        questions = load_questions(paths)
        subjects = {
            f"engine, {language} (answer + render)": engine_call,
            "baseline extractOne WRatio": baseline_call,
        }
        _compare(subjects, questions, rounds, len(names))


def _compare(
    subjects: dict[str, Callable[[str], object]], questions: list[str], rounds: int, names: int
) -> None:
    samples: dict[str, list[list[float]]] = {name: [] for name in subjects}
    for call in subjects.values():
        time_each(call, questions)  # warm-up
    gc.disable()
    for _ in range(rounds):
        for name, call in subjects.items():
            samples[name].append(time_each(call, questions))
    gc.enable()

    print(f"\n{len(questions)} questions, {names} council names, {rounds} rounds")
    print("(each question's time is its median over the rounds)")
    print(f"{'':34} {'p50 µs':>9} {'p99 µs':>9} {'questions/s':>12}")
    p50s, p99s = {}, {}
    for name, runs in samples.items():
        per_question = [statistics.median(run[i] for run in runs) for i in range(len(questions))]
        p50s[name] = percentile(per_question, 0.5)
        p99s[name] = percentile(per_question, 0.99)
        rate = len(questions) / (sum(per_question) / 1e6)
        print(f"{name:34} {p50s[name]:9.1f} {p99s[name]:9.1f} {rate:12.0f}")
    (engine_p50, baseline_p50), (engine_p99, _) = p50s.values(), p99s.values()
    print(f"engine p50 / baseline p50 = {engine_p50 / baseline_p50:.2f} (target ≤ 0.25)")
    print(f"engine p99 / baseline p50 = {engine_p99 / baseline_p50:.2f} (target ≤ 1.0)")


if __name__ == "__main__":
    main()
