"""The `sosbot` command line, run as a person or a script would run it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.storage.schema import MIGRATIONS
from bot.storage.sqlite import SqliteStore
from knowledge.loader import DEFAULT_DIRECTORY, load_knowledge

ROOT = Path(__file__).parents[2]


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


def test_ask_json_gives_exactly_the_contracts_fields() -> None:
    answer = json.loads(sosbot("ask", "--json", "who trains Lincs?").stdout)
    assert list(answer) == [
        "intent",
        "authority",
        "council",
        "confidence",
        "reply",
        "options",
        "councils",
        "quotes",
        "language",
    ]
    assert (answer["councils"], answer["quotes"]) == (["lincolnshire"], [])


def test_ask_json_names_a_council_without_a_record_and_no_authority() -> None:
    answer = json.loads(sosbot("ask", "--json", "is Leeds using it").stdout)
    assert (answer["authority"], answer["council"]) == (None, "Leeds City Council")
    assert answer["councils"] == []


def test_ask_json_quotes_the_sentence_that_answers_a_question_of_no_structured_field() -> None:
    answer = json.loads(sosbot("ask", "--json", "who chairs the Swansea steering group?").stdout)
    assert (answer["intent"], answer["authority"]) == ("people", "swansea")
    assert answer["councils"] == ["swansea"]
    assert len(answer["quotes"]) == 1
    assert answer["quotes"][0].startswith("They have a committed Steering Group chaired by Dave")
    assert answer["quotes"][0] in answer["reply"]


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


@pytest.mark.parametrize("command", [("ask", "hi"), ("run",)])
@pytest.mark.parametrize("lead_times", ["99999999999d", "400d", "0s"])
def test_an_absurd_lead_time_is_a_one_line_setting_error(
    tmp_path: Path, command: tuple[str, ...], lead_times: str
) -> None:
    settings = {
        "SOSBOT_REMINDER_LEAD_TIMES": lead_times,
        "SOSBOT_TELEGRAM_TOKEN": "1:x",
        # Were the setting let through, `run` would reach no server.
        "SOSBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
    }
    result = sosbot(*command, env=settings, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("sosbot: bad setting: SOSBOT_REMINDER_LEAD_TIMES")


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


def _copy_of_the_shipped_knowledge(tmp_path: Path) -> Path:
    folder = tmp_path / "k"
    shutil.copytree(DEFAULT_DIRECTORY, folder)
    return folder


def test_check_reads_naive_times_in_the_settings_time_zone(tmp_path: Path) -> None:
    folder = _copy_of_the_shipped_knowledge(tmp_path)
    (folder / "events.yaml").write_text(
        "events:\n  - id: x\n    title: X\n    start: '2014-02-03T10:00:00+00:00'\n"
        "    end: '2014-02-03T10:30:00'\n"
    )
    assert sosbot("check", str(folder)).returncode == 0
    result = sosbot("check", str(folder), env={"SOSBOT_TIMEZONE": "Asia/Tokyo"})
    assert result.returncode == 1
    assert f"{folder / 'events.yaml'}:2: events[1]: end is before start" in result.stderr


EMPTY_EVENTS_WARNING = (
    ":1: the events list is empty: a running bot would drop every event (its reload asks for "
    "/reload confirm); run sosbot check --allow-no-events if that is meant"
)


def test_check_refuses_an_empty_events_list_unless_told_it_is_meant(tmp_path: Path) -> None:
    folder = _copy_of_the_shipped_knowledge(tmp_path)
    (folder / "events.yaml").write_text("events: []\n")
    refused = sosbot("check", str(folder))
    assert refused.returncode == 1
    assert refused.stderr.splitlines() == [f"{folder / 'events.yaml'}{EMPTY_EVENTS_WARNING}"]
    allowed = sosbot("check", "--allow-no-events", str(folder))
    assert allowed.returncode == 0, allowed.stderr
    assert "OK: 5 authorities, 0 events" in allowed.stdout


def test_check_names_the_line_of_an_empty_events_list_below_its_comments(tmp_path: Path) -> None:
    folder = _copy_of_the_shipped_knowledge(tmp_path)
    (folder / "events.yaml").write_text("# No events this term.\n\nevents: []\n")
    result = sosbot("check", str(folder))
    assert result.returncode == 1
    assert f"{folder / 'events.yaml'}:3: the events list is empty" in result.stderr


def test_loading_at_start_accepts_an_empty_events_list(tmp_path: Path) -> None:
    folder = _copy_of_the_shipped_knowledge(tmp_path)
    (folder / "events.yaml").write_text("events: []\n")
    assert load_knowledge(folder).events == ()


def test_check_reports_malformed_files_as_path_and_line_without_a_traceback(
    tmp_path: Path,
) -> None:
    folder = _copy_of_the_shipped_knowledge(tmp_path)
    (folder / "events.yaml").write_text("events:\n  - &a {id: a}\n  - *a\n")
    (folder / "councils.csv").write_text("code,name\nLIN,Lincolnshire\n", encoding="utf-8")
    result = sosbot("check", str(folder))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"{folder / 'events.yaml'}:2: not valid YAML: anchors (&name) and aliases (*name) are "
        "not accepted; write the value out",
        f"{folder / 'councils.csv'}:1: missing columns: short_name, nation, region, powers, "
        "children_services, current, replaced_by, welsh_name, welsh_official_name, variants",
    ]


def _a_sosbot_database(path: Path) -> None:
    async def create() -> None:
        await (await SqliteStore.open(path)).close()

    asyncio.run(create())


def _a_folder(path: Path) -> None:
    path.mkdir()


def _bytes_that_are_no_database(path: Path) -> None:
    path.write_bytes(b"these bytes are not an SQLite database\n" * 200)


def _another_programs_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE invoices (number INTEGER PRIMARY KEY, total REAL)")


def _a_newer_sosbots_database(path: Path) -> None:
    _a_sosbot_database(path)
    with sqlite3.connect(path) as connection:
        connection.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")


UNUSABLE_DATABASES = [
    ("run", _a_folder, "it is a folder"),
    ("unanswered", _a_folder, "it is a folder"),
    ("run", _bytes_that_are_no_database, "not a database"),
    ("unanswered", _bytes_that_are_no_database, "not a database"),
    ("run", _another_programs_database, "it is not sosbot's: it holds tables invoices"),
    ("unanswered", _another_programs_database, "it is not sosbot's: it holds tables invoices"),
    ("run", _a_newer_sosbots_database, "newer than this sosbot knows"),
    ("unanswered", _a_newer_sosbots_database, "newer than this sosbot knows"),
    ("run", "read-only", "readonly"),
]


@pytest.mark.parametrize(("command", "make", "reason"), UNUSABLE_DATABASES)
def test_an_unusable_database_is_refused_in_one_line_with_the_reason(
    tmp_path: Path,
    make_read_only: Callable[[Path], None],
    command: str,
    make: Callable[[Path], None] | str,
    reason: str,
) -> None:
    database = tmp_path / "sosbot.sqlite3"
    if make == "read-only":
        _a_sosbot_database(database)
        make_read_only(database)
    else:
        assert callable(make)
        make(database)
    result = sosbot(
        command,
        env={
            "SOSBOT_DATABASE": str(database),
            "SOSBOT_TELEGRAM_TOKEN": "123:never-used",
            # Nothing listens here: the database must be refused before Telegram is asked.
            "SOSBOT_TELEGRAM_API_URL": "http://127.0.0.1:9/bot",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 1
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"sosbot: cannot use database {database}: ")
    assert reason in line
    if make is _another_programs_database:
        # Refused untouched: no sosbot table was added to it.
        with sqlite3.connect(database) as connection:
            tables = connection.execute("SELECT name FROM sqlite_master").fetchall()
        assert tables == [("invoices",)]
    assert result.stdout == ""


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


def test_asking_a_question_does_not_load_telegram() -> None:
    probe = (
        "import sys, io\n"
        "from bot.cli import main\n"
        "sys.stdout = io.StringIO()\n"
        "main(['ask', 'who trains Swansea?'])\n"
        "sys.stdout = sys.__stdout__\n"
        "print('telegram' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"
