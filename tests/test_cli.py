"""The `sosbot` command line, run as a person or a script would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loader import DEFAULT_DIRECTORY

ROOT = Path(__file__).parent.parent


def sosbot(
    *arguments: str, stdin: str = "", env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOSBOT_")}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=cwd or ROOT,
        timeout=60,
    )


def test_ask_prints_the_plain_reply_with_its_source() -> None:
    result = sosbot("ask", "who trains Lincs?")
    assert result.returncode == 0, result.stderr
    assert "Tracey Hill" in result.stdout
    assert "Source: Signs of Safety UK network" in result.stdout


def test_ask_json_gives_intent_authority_council_confidence_and_reply() -> None:
    result = sosbot("ask", "--json", "what stage is Stafford at?")
    answer = json.loads(result.stdout)
    assert answer["intent"] == "stage"
    assert answer["authority"] == "staffordshire"
    assert answer["council"] == "Staffordshire County Council"
    assert 0 < answer["confidence"] <= 1
    assert "Early implementation" in answer["reply"]


def test_ask_json_names_a_council_without_a_record_and_no_authority() -> None:
    answer = json.loads(sosbot("ask", "--json", "is Leeds using it").stdout)
    assert (answer["authority"], answer["council"]) == (None, "Leeds City Council")


def test_ask_reads_one_question_a_line_and_prints_one_line_each() -> None:
    result = sosbot(
        "ask",
        stdin="who trains Swansea?\nweather in London\n\nhow many councils are implementing\n",
    )
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert "Viv Hogg" in lines[0]
    assert "can't help" in lines[1]
    assert "19" in lines[3]


def test_each_input_line_is_a_fresh_conversation_unless_asked_otherwise() -> None:
    questions = "tell me about Lincs\nwho trains them?\n"
    fresh = [
        json.loads(line) for line in sosbot("ask", "--json", stdin=questions).stdout.splitlines()
    ]
    shared = [
        json.loads(line)
        for line in sosbot("ask", "--json", "--conversation", stdin=questions).stdout.splitlines()
    ]
    assert fresh[1]["authority"] is None
    assert shared[1]["authority"] == "lincolnshire"


def test_chat_keeps_the_conversation_and_ends_at_end_of_input() -> None:
    result = sosbot("chat", stdin="tell me about Suffolk\nwho is involved there?\nquit\n")
    assert result.returncode == 0
    assert "Terry Murphy" in result.stdout


def test_check_accepts_the_shipped_knowledge() -> None:
    result = sosbot("check")
    assert result.returncode == 0
    assert "OK: 5 authorities" in result.stdout


def test_check_refuses_a_broken_folder_with_path_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    folder.mkdir()
    for path in DEFAULT_DIRECTORY.iterdir():
        if path.is_file():
            (folder / path.name).write_bytes(path.read_bytes())
    (folder / "events.yaml").write_text("events:\n  - id: x\n    title: X\n    start: soon\n")
    result = sosbot("check", str(folder))
    assert result.returncode == 1
    assert f"{folder / 'events.yaml'}:4: events[1].start:" in result.stderr


def test_run_without_a_token_exits_2_with_one_line_on_how_to_get_one(tmp_path: Path) -> None:
    result = sosbot("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "@BotFather" in result.stderr
    assert "sosbot chat" in result.stderr


def test_a_bad_setting_is_named(tmp_path: Path) -> None:
    result = sosbot("ask", "hi", env={"SOSBOT_TIMEZONE": "Mars/Olympus"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "SOSBOT_TIMEZONE" in result.stderr


@pytest.mark.parametrize("source", ["environment", "dotenv"])
def test_settings_come_from_the_environment_or_a_dotenv_file(tmp_path: Path, source: str) -> None:
    broken = tmp_path / "k"
    broken.mkdir()
    setting = {"SOSBOT_KNOWLEDGE_DIR": str(broken)}
    if source == "dotenv":
        (tmp_path / ".env").write_text(f"SOSBOT_KNOWLEDGE_DIR={broken}\n")
        setting = {}
    result = sosbot("check", env=setting, cwd=tmp_path)
    assert result.returncode == 1
    assert str(broken) in result.stderr


@pytest.mark.parametrize("command", [["ask"], ["ask", "--json"], ["chat"]])
@pytest.mark.parametrize(
    "locale", [{"LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8:strict"}, {"LC_ALL": "C"}]
)
def test_input_that_is_not_utf8_is_read_with_replacement_characters_not_a_crash(
    command: list[str], locale: dict[str, str]
) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SOSBOT_", "LC_"))}
    environment.pop("PYTHONIOENCODING", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", *command],
        input=b"Suf\xffolk \xc3\x28 trainers?\nwho trains Lincs?\n",
        capture_output=True,
        env={**environment, **locale},
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert b"Traceback" not in result.stderr
    assert b"Tracey Hill" in result.stdout
