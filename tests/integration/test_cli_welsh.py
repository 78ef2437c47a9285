"""`sosbot check` says which record texts have no Welsh yet, as information on standard output:
the folder is still valid and the exit status 0."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.cli import main
from knowledge.loader import DEFAULT_DIRECTORY

GAPS = Path(__file__).parents[1] / "data" / "welsh_gaps"


@pytest.fixture(autouse=True)
def quiet_check(monkeypatch: pytest.MonkeyPatch) -> None:
    """`main` configures the root logger for a command line; here pytest owns it."""
    monkeypatch.setattr("bot.cli.configure_logging", lambda level: None)


def _edited_copy(source: Path, into: Path, file: str, old: str, new: str) -> Path:
    """A copy of the knowledge folder `source` with `old` replaced by `new` in one file."""
    folder = into / "knowledge"
    shutil.copytree(source, folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return folder


def test_check_says_every_shipped_record_text_has_its_welsh(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(DEFAULT_DIRECTORY)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1:] == [f"{DEFAULT_DIRECTORY}: every record text has its Welsh"]
    assert err == ""


def test_check_lists_the_texts_without_welsh_at_their_lines_and_still_succeeds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["check", str(GAPS)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == [
        f"{GAPS}: OK: 1 authorities, 1 events, 1 councils, 0 aliases",
        f"{GAPS}: 3 texts have no Welsh yet (shown in English):",
        f"{GAPS / 'authorities.yaml'}:34: authorities[1].people[1].role: no Welsh yet "
        "(add role_cy)",
        f"{GAPS / 'authorities.yaml'}:50: authorities[1].notes: no Welsh yet (add notes_cy)",
        f"{GAPS / 'events.yaml'}:9: events[1].description: no Welsh yet (add description_cy)",
    ]
    assert err == ""


def test_check_counts_a_single_text_without_welsh_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    welsh = "    title_cy: Hyfforddiant i staff rheng flaen\n"
    folder = _edited_copy(DEFAULT_DIRECTORY, tmp_path, "events.yaml", welsh, "")
    path = folder / "events.yaml"
    rows = path.read_text(encoding="utf-8").splitlines()
    line = rows.index("    title: Frontline staff training") + 1
    assert main(["check", str(folder)]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"{folder}: 1 text has no Welsh yet (shown in English):",
        f"{path}:{line}: events[2].title: no Welsh yet (add title_cy)",
    ]


def test_check_of_a_broken_folder_reports_its_fault_and_nothing_about_welsh(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _edited_copy(GAPS, tmp_path, "authorities.yaml", "      - Gwasanaethau plant\n", "")
    path = folder / "authorities.yaml"
    assert main(["check", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert f"{path}:" in err
    assert "services_cy: 1 Welsh item for 2 in services" in err
