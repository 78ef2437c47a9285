"""Knowledge files as operators really write them: every fault is refused as `path:line: what is
wrong`, by the loader and by `sosbot check`, and never as a traceback or a hang."""

from __future__ import annotations

import codecs
import os
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.languages import Language
from bot.replies.calendar import calendar_text, event_ics
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.port import Store
from bot.translations import texts_for
from knowledge.base import Knowledge
from knowledge.errors import KnowledgeError
from knowledge.loader import DEFAULT_DIRECTORY, load_knowledge
from tests.conftest import reload_knowledge

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
FAR_EAST = ZoneInfo("Pacific/Kiritimati")  # UTC+14
FAR_WEST = ZoneInfo("Etc/GMT+12")  # UTC-12
TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")


@pytest.fixture(autouse=True)
def quiet_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` configures the root logger for a command line; here pytest owns it."""
    monkeypatch.setattr("bot.cli.configure_logging", lambda level: None)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    return copy


def _one_event(start: str, end: str | None = None) -> str:
    """An events file whose single event has `start` on line 4 and `end` on line 5."""
    text = f"events:\n  - id: edge\n    title: Edge\n    start: '{start}'\n"
    return text + (f"    end: '{end}'\n" if end is not None else "")


def _line_number(path: Path, needle: str) -> int:
    return next(n for n, row in enumerate(path.read_text().splitlines(), 1) if needle in row)


# Edge dates: (start, end, the field that is extreme). Each is either refused at that field's
# line, or its period, whether it has ended and its calendar file all work.
EDGE_DATES = [
    ("0001", None, "start"),
    ("0001-01", None, "start"),
    ("0001-01-01", None, "start"),
    ("0001-01-01T00:00:00", None, "start"),
    ("0001-01-01T00:00:00+14:00", None, "start"),
    ("0001-01-02T00:00:00-12:00", None, "start"),
    ("0000", None, "start"),
    ("0000-01-01", None, "start"),
    ("9999", None, "start"),
    ("9999-12", None, "start"),
    ("9999-12-31", None, "start"),
    ("9999-12-31T23:59:59", None, "start"),
    ("9999-12-31T23:59:59-12:00", None, "start"),
    ("9999-12-31T12:00:00+14:00", None, "start"),
    ("9998-12-31", None, "start"),
    ("9998-12", None, "start"),
    ("2014-02", "9999", "end"),
    ("2014-02", "9999-12", "end"),
    ("2014-02", "9999-12-31", "end"),
    ("2014-02", "9999-12-31T23:00:00-05:00", "end"),
    ("2014-02", "9998-12-31", "end"),
    ("1900", None, "start"),
    ("1900-01-01T00:00:00+14:00", None, "start"),
    ("2999", None, "start"),
    ("2999-12-31", None, "start"),
    ("2999-12-31T23:59:59-12:00", None, "start"),
    ("2014-02", "2999-12-31T23:59:59-12:00", "end"),
]


def _loaded_or_refused(folder: Path, zone: ZoneInfo) -> Knowledge | KnowledgeError:
    try:
        return load_knowledge(folder, timezone=zone)
    except KnowledgeError as error:
        return error


@pytest.mark.parametrize("zone", [FAR_EAST, FAR_WEST, LONDON], ids=str)
@pytest.mark.parametrize(("start", "end", "extreme"), EDGE_DATES)
def test_an_edge_date_is_refused_at_its_line_or_works_everywhere(
    folder: Path, zone: ZoneInfo, start: str, end: str | None, extreme: str
) -> None:
    path = folder / "events.yaml"
    path.write_text(_one_event(start, end), encoding="utf-8")
    knowledge = _loaded_or_refused(folder, zone)
    if isinstance(knowledge, KnowledgeError):
        line = 4 if extreme == "start" else 5
        assert [(p.path, p.line) for p in knowledge.problems] == [(path, line)], str(knowledge)
        assert f"events[1].{extreme}:" in str(knowledge)
        return
    (event,) = knowledge.events
    period = event.period(zone)
    assert period.start <= period.end
    event.has_ended(NOW, zone)
    text = calendar_text(event.title, None, None, None, None, texts_for(Language.ENGLISH))
    assert b"BEGIN:VEVENT" in event_ics(event, text, zone, stamp=NOW)


def test_a_year_out_of_range_is_refused_saying_which_years_are_accepted(folder: Path) -> None:
    (folder / "events.yaml").write_text(_one_event("9999-12-31"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"events\.yaml:4: events\[1\]\.start: .*1900"):
        load_knowledge(folder)


@pytest.mark.parametrize(
    "value", ["2014-W05-1", "2014-W05", "20140203", "20140203T0900", "2014-02-03 09:00", "2014-034"]
)
def test_a_date_in_an_undocumented_iso_form_is_refused(folder: Path, value: str) -> None:
    (folder / "events.yaml").write_text(_one_event(value), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"events\.yaml:4: events\[1\]\.start: expected"):
        load_knowledge(folder)


@pytest.mark.parametrize(
    "value",
    ["2014-02-03T09:30", "2014-02-03T09:30:00", "2014-02-03T09:30:00Z", "2014-02-03T09:30+01:00"],
)
def test_a_datetime_in_a_documented_form_is_accepted(folder: Path, value: str) -> None:
    (folder / "events.yaml").write_text(_one_event(value), encoding="utf-8")
    assert load_knowledge(folder).events[0].start == value


CROSS_ZONE = _one_event("2014-02-03T10:00:00+00:00", "2014-02-03T10:30:00")


def test_a_naive_end_is_read_in_the_time_zone_so_it_can_fall_before_an_offset_start(
    folder: Path,
) -> None:
    (folder / "events.yaml").write_text(CROSS_ZONE, encoding="utf-8")
    assert load_knowledge(folder, timezone=LONDON).events
    with pytest.raises(KnowledgeError, match=r"events\.yaml:2: events\[1\]: end is before start"):
        load_knowledge(folder, timezone=TOKYO)


async def test_a_reload_reads_naive_times_in_the_settings_time_zone(
    folder: Path, store: Store
) -> None:
    settings = Settings(knowledge_dir=folder, timezone="Asia/Tokyo")
    runtime = Runtime(
        settings=settings,
        current=CurrentKnowledge(KnowledgeView.build(load_knowledge(), TOKYO)),
        store=store,
    )
    (folder / "events.yaml").write_text(CROSS_ZONE, encoding="utf-8")
    outcome = await reload_knowledge(runtime)
    assert not outcome.ok
    assert "end is before start" in outcome.message


def _append(path: Path, text: bytes) -> int:
    """Append `text` to the file; the number of its first line."""
    data = path.read_bytes()
    path.write_bytes(data + text)
    return data.count(b"\n") + 1


ALIASES = b"aliases:\n  lincs: LIN\n"
EVENT = b"events:\n  - id: a\n    title: T\n    start: 2014-02\n"
NESTED = 10_000
DEEP_BLOCK = b"".join(b"  " * depth + b"a:\n" for depth in range(1, 2_000))
BOMB = b"".join(
    [b"events:\n  - id: a\n    title: T\n    start: 2014-02\n", b'    lol0: &a0 ["lol"]\n']
    + [f"    lol{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n".encode() for n in range(1, 10)]
)

# (file, its whole content, the line named, a phrase of the message)
MALFORMED = [
    ("aliases.yaml", ALIASES + b"  ? [a, b]\n  : LIN\n", 3, "a key must be text"),
    ("aliases.yaml", ALIASES + b"  ? {a: b}\n  : LIN\n", 3, "a key must be text"),
    ("aliases.yaml", ALIASES + b"  2014: LIN\n", 3, "a key must be text"),
    ("aliases.yaml", ALIASES + b"  true: LIN\n", 3, "a key must be text"),
    ("aliases.yaml", ALIASES + b"  ~: LIN\n", 3, "a key must be text"),
    ("aliases.yaml", ALIASES + b"  staffs: [STS, LIN]\n", 3, "council code"),
    ("aliases.yaml", ALIASES + b"  staffs: {code: STS}\n", 3, "council code"),
    ("aliases.yaml", ALIASES + b"  staffs:\n", 3, "council code"),
    ("aliases.yaml", ALIASES + b'  "sta\\0ffs": STS\n', 3, "control character"),
    ("aliases.yaml", ALIASES + b'  "sta\\x1bffs": STS\n', 3, "control character"),
    ("aliases.yaml", ALIASES + b"  sta\x00ffs: STS\n", 3, "not valid YAML"),
    ("aliases.yaml", ALIASES + b"  sta\x07ffs: STS\n", 3, "not valid YAML"),
    ("aliases.yaml", b"- lincs\n- LIN\n", 1, "valid dictionary"),
    ("aliases.yaml", ALIASES + b"  caf\xe9: LIN\n", 3, "not UTF-8"),
    ("aliases.yaml", codecs.BOM_UTF8 + ALIASES + b"  caf\xe9: LIN\n", 3, "(byte 0xe9)"),
    ("aliases.yaml", "aliases:\n  lincs: LIN\n".encode("utf-16"), 1, "not UTF-8"),
    ("events.yaml", EVENT.replace(b"title: T", b'title: "T\\0"'), 3, "control character"),
    ("events.yaml", EVENT.replace(b"title: T", b"title: Caf\xe9"), 3, "not UTF-8"),
    ("events.yaml", EVENT + b"    1: one\n", 5, "a key must be text"),
    ("events.yaml", EVENT.replace(b"start: 2014-02", b"start: !!timestamp 0000-01-01"), 4, "start"),
    ("events.yaml", b"events: " + b"[" * NESTED + b"]" * NESTED + b"\n", 1, "nested too deep"),
    ("events.yaml", b"events:\n" + DEEP_BLOCK, None, "nested too deep"),
    ("events.yaml", BOMB, 5, "anchors"),
    ("events.yaml", EVENT + b"    title2: *x\n", 5, "aliases"),
    ("authorities.yaml", b"sources: &s []\nnetwork: {}\nauthorities: []\n", 1, "anchors"),
]


@pytest.mark.parametrize(
    ("name", "content", "line", "phrase"),
    MALFORMED,
    ids=[f"{name}-{n}" for n, (name, *_) in enumerate(MALFORMED)],
)
def test_a_malformed_file_is_refused_with_its_line_by_the_loader_and_by_check(
    folder: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    content: bytes,
    line: int | None,
    phrase: str,
) -> None:
    path = folder / name
    path.write_bytes(content)
    began = time.monotonic()
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    assert time.monotonic() - began < 5
    problems = [p for p in raised.value.problems if p.path == path]
    assert problems, str(raised.value)
    assert problems[0].line == line if line is not None else problems[0].line, str(raised.value)
    assert phrase in problems[0].message
    assert main(["check", str(folder)]) == 1
    assert str(problems[0]) in capsys.readouterr().err.splitlines()


COUNCIL_ROW = "ZZZ,Zed Council,Zed,England,East Midlands,unitary,ZZZ,true,,,,"


def _refused_at_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str], name: str, row: bytes, phrase: str
) -> None:
    """`row` appended to the file `name`: the loader and `sosbot check` refuse it at its line."""
    path = folder / name
    line = _append(path, row + b"\n")
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    (problem,) = raised.value.problems
    assert (problem.path, problem.line) == (path, line)
    assert phrase in problem.message
    assert main(["check", str(folder)]) == 1
    assert str(problem) in capsys.readouterr().err.splitlines()


@pytest.mark.parametrize(
    ("row", "phrase"),
    [
        (COUNCIL_ROW.replace("Zed Council", "Zed\x00Council").encode(), "control character"),
        (COUNCIL_ROW.replace("Zed Council", "Zed\x1bCouncil").encode(), "control character"),
        (COUNCIL_ROW.replace("Zed Council", "Zed Caf\xe9").encode("latin-1"), "not UTF-8"),
        (COUNCIL_ROW.replace("Zed Council", f'"{"Z" * 200_000}"').encode(), "field larger"),
        (b"ZZZ,Zed Council", "12 columns"),
        (COUNCIL_ROW.encode() + b",extra", "12 columns"),
        (COUNCIL_ROW.replace("ZZZ", "LIN", 1).encode(), "code LIN is on line"),
    ],
    ids=["nul", "escape", "latin-1", "huge-field", "short-row", "long-row", "duplicate-code"],
)
def test_a_bad_councils_row_is_refused_with_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str], row: bytes, phrase: str
) -> None:
    _refused_at_its_line(folder, capsys, "councils.csv", row, phrase)


def test_a_duplicate_council_code_names_the_first_line(folder: Path) -> None:
    path = folder / "councils.csv"
    first = _line_number(path, "LIN,Lincolnshire County Council")
    _append(path, COUNCIL_ROW.replace("ZZZ", "LIN", 1).encode() + b"\n")
    with pytest.raises(KnowledgeError, match=rf"code LIN is on line {first} already"):
        load_knowledge(folder)


@pytest.mark.parametrize(
    ("row", "phrase"),
    [
        (b"Zedtown,ZZZ", "Zedtown: unknown council code 'ZZZ'"),
        (b",LIN", "town '' must be printable text"),
        (b"Zed\x1btown,LIN", "must be printable text"),
        (b"Zedtown", "expected 2 columns, found 1"),
        (b"Louth,LIN", "Louth, LIN is on line"),
    ],
    ids=["unknown-code", "empty-town", "control-character", "short-row", "duplicate"],
)
def test_a_bad_towns_row_is_refused_with_its_line(
    folder: Path, capsys: pytest.CaptureFixture[str], row: bytes, phrase: str
) -> None:
    _refused_at_its_line(folder, capsys, "towns.csv", row, phrase)


def test_a_towns_file_without_its_columns_is_refused_at_line_one(folder: Path) -> None:
    path = folder / "towns.csv"
    path.write_text("place,code\nLouth,LIN\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"towns.csv:1: missing columns: town, council"):
        load_knowledge(folder)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_fifo_in_place_of_a_knowledge_file_is_refused_at_once(folder: Path) -> None:
    path = folder / "events.yaml"
    path.unlink()
    os.mkfifo(path)
    refusals: list[KnowledgeError] = []

    def load() -> None:
        try:
            load_knowledge(folder)
        except KnowledgeError as error:
            refusals.append(error)

    loading = threading.Thread(target=load, daemon=True)
    loading.start()
    loading.join(5)
    hung = loading.is_alive()
    if hung:  # it opened the pipe and waits for a writer: give it one, so that it ends
        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        loading.join(5)
    assert not hung
    assert "events.yaml: not a regular file" in str(refusals[0])


def test_a_directory_in_place_of_a_knowledge_file_is_refused(folder: Path) -> None:
    path = folder / "aliases.yaml"
    path.unlink()
    path.mkdir()
    with pytest.raises(KnowledgeError, match=r"aliases\.yaml: not a regular file"):
        load_knowledge(folder)


def test_files_saved_with_a_byte_order_mark_are_read(folder: Path) -> None:
    for name in ("aliases.yaml", "councils.csv"):
        path = folder / name
        path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
    knowledge = load_knowledge(folder)
    assert knowledge.aliases["lincs"] == "LIN"
    assert knowledge.councils["ABC"].code == "ABC"
