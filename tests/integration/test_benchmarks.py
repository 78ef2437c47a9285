"""The benchmarks still run against the code as it is now, in a size small enough for a test.

They are not timed here (the README quotes their figures from full runs): this only keeps them
from rotting when an interface they use changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["benchmarks/bench_understanding.py", "--rounds", "1"], id="understanding"),
        pytest.param(
            ["-m", "benchmarks.bench_understanding_ab", "--before", ".", "--rounds", "1"],
            id="understanding before and after",
        ),
        pytest.param(
            [
                "-m",
                "benchmarks.bench_reminders",
                "--subscriptions",
                "500",
                "--delivery-chats",
                "200",
            ],
            id="reminders",
        ),
        pytest.param(
            ["-m", "benchmarks.bench_telegram", "--rounds", "1", "--updates", "10"], id="telegram"
        ),
        pytest.param(
            [
                "-m",
                "benchmarks.bench_serve",
                "--rounds",
                "1",
                "--updates",
                "10",
                "--fan-out",
                "20",
                "--failovers",
                "1",
                "--failover-chats",
                "20",
            ],
            id="serve",
        ),
    ],
)
def test_a_benchmark_runs_to_its_end_in_a_small_size(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip()
