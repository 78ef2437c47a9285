"""Every way a `sosbot` command can fail ends with a clear line on standard error and an exit
status, never a traceback: bad settings, a missing or odd knowledge folder, a database sosbot
cannot use or one written by a newer sosbot, a Bot API that cannot be reached."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from bot.storage.schema import exclusive_use
from tests.integration.test_cli import sosbot

BAD_SETTING = {"SOSBOT_TIMEZONE": "Mars/Olympus"}
# A port nothing listens on: `run` gets as far as asking Telegram who it is.
SECRET = "123456:never-printed-secret"
TOKEN = {"SOSBOT_TELEGRAM_TOKEN": SECRET, "SOSBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot"}


def _odd_places(tmp_path: Path) -> dict[str, str]:
    """Folders and files each case points a setting at."""
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder", encoding="utf-8")
    newer = tmp_path / "newer.sqlite3"
    with sqlite3.connect(newer) as connection:
        connection.execute("PRAGMA user_version = 999")
    (tmp_path / "a-folder").mkdir()
    return {
        "missing": str(tmp_path / "missing"),
        "a file": str(a_file),
        "a folder": str(tmp_path / "a-folder"),
        "newer": str(newer),
    }


CASES = [
    # (command, settings, exit status, what the first line says)
    *[
        (command, BAD_SETTING, 2, "bad setting: SOSBOT_TIMEZONE")
        for command in ("ask hi", "chat", "check", "unanswered")
    ],
    ("ask hi", {"SOSBOT_KNOWLEDGE_DIR": "missing"}, 1, "missing/"),
    ("chat", {"SOSBOT_KNOWLEDGE_DIR": "missing"}, 1, "missing/"),
    ("check", {"SOSBOT_KNOWLEDGE_DIR": "missing"}, 1, "missing/"),
    ("ask hi", {"SOSBOT_KNOWLEDGE_DIR": "a file"}, 1, "Not a directory"),
    ("check", {"SOSBOT_KNOWLEDGE_DIR": "a file"}, 1, "Not a directory"),
    ("unanswered", {"SOSBOT_DATABASE": "a folder"}, 1, "cannot use database"),
    ("unanswered", {"SOSBOT_DATABASE": "newer"}, 1, "newer than this sosbot"),
]


@pytest.mark.parametrize(
    ("command", "settings", "status", "says"),
    [
        pytest.param(command, settings, status, says, id=f"{command}: {says}")
        for command, settings, status, says in CASES
    ],
)
def test_a_failing_command_says_why_in_one_line_and_exits_with_a_status(
    command: str,
    settings: dict[str, str],
    status: int,
    says: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    places = _odd_places(tmp_path)
    for name, value in settings.items():
        monkeypatch.setenv(name, places.get(value, value))
    assert main(command.split()) == status
    out, err = capsys.readouterr()
    assert says in err.splitlines()[0]
    assert "Traceback" not in err
    assert out == ""


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        (BAD_SETTING, "bad setting: SOSBOT_TIMEZONE"),
        ({"SOSBOT_KNOWLEDGE_DIR": "missing"}, "missing/"),
        ({"SOSBOT_DATABASE": "a folder"}, "cannot use database"),
        ({"SOSBOT_DATABASE": "newer"}, "newer than this sosbot"),
        ({}, "cannot reach the Bot API"),
    ],
)
def test_a_bot_that_cannot_start_says_why_without_a_traceback(
    settings: dict[str, str], says: str, tmp_path: Path
) -> None:
    places = _odd_places(tmp_path)
    env = {**TOKEN, "SOSBOT_DATABASE": str(tmp_path / "bot.sqlite3")}
    env.update({name: places.get(value, value) for name, value in settings.items()})
    result = sosbot("run", env=env, cwd=tmp_path)
    assert result.returncode in {1, 2}
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert "never-printed-secret" not in result.stdout + result.stderr


@pytest.mark.parametrize("command", ["run", "serve"])
def test_a_bot_on_an_sqlite_file_another_bot_uses_is_refused(command: str, tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    env = {**TOKEN, "SOSBOT_DATABASE": str(database), "SOSBOT_WEBHOOK_SECRET": "a-secret"}
    with exclusive_use(database):
        result = sosbot(command, env=env, cwd=tmp_path)
    assert result.returncode == 1
    assert "another sosbot run is using it" in result.stderr
    assert "Traceback" not in result.stderr


def _started(*arguments: str) -> subprocess.Popen[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOSBOT_")}
    return subprocess.Popen(
        [sys.executable, "-m", "bot", *arguments],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )


def test_output_read_by_a_reader_that_goes_away_ends_quietly() -> None:
    """`sosbot ask < questions | head -1`: the reader closes the pipe after one line."""
    process = _started("ask")
    assert process.stdin is not None
    assert process.stdout is not None
    process.stdin.write("who trains Swansea?\n" * 2_000)
    process.stdin.close()
    assert process.stdout.readline()
    process.stdout.close()
    process.wait(60)
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()
    assert process.returncode == 1


def test_ctrl_c_while_ask_reads_questions_ends_with_the_status_of_an_interrupt() -> None:
    process = _started("ask")
    assert process.stdin is not None
    assert process.stdout is not None
    assert process.stderr is not None
    process.stdin.write("who trains Swansea?\n")
    process.stdin.flush()
    assert process.stdout.readline(), "answered, and now waiting for the next question"
    process.send_signal(signal.SIGINT)
    assert process.wait(60) == 130
    assert "Traceback" not in process.stderr.read()
