"""Checks on knowledge/data/councils.csv, the UK councils directory built by
scripts/build_councils.py."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import pytest

from knowledge.loader import COUNCIL_COLUMNS

COUNCILS_CSV = Path(__file__).resolve().parents[2] / "knowledge" / "data" / "councils.csv"

COLUMNS = list(COUNCIL_COLUMNS)

MOJIBAKE_MARKERS = ["ï", "¿", "½", "¾", "Ã", "\ufffd"]


@cache
def _read() -> tuple[list[str], list[dict[str, str]]]:
    with COUNCILS_CSV.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


def councils() -> list[dict[str, str]]:
    return _read()[1]


def by_code() -> dict[str, dict[str, str]]:
    return {row["code"]: row for row in councils()}


def current_councils() -> list[dict[str, str]]:
    return [row for row in councils() if row["current"] == "true"]


def test_the_file_has_exactly_the_agreed_columns() -> None:
    assert _read()[0] == COLUMNS


def test_codes_are_unique_and_sorted() -> None:
    codes = [row["code"] for row in councils()]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes)


def test_there_are_470_councils_of_which_397_are_current() -> None:
    assert len(councils()) == 470
    assert len(current_councils()) == 397


def test_current_is_always_true_or_false() -> None:
    assert {row["current"] for row in councils()} == {"true", "false"}


@pytest.mark.parametrize("marker", MOJIBAKE_MARKERS)
def test_no_cell_contains_mojibake(marker: str) -> None:
    offending = [
        (row["code"], column, value)
        for row in councils()
        for column, value in row.items()
        if marker in value
    ]
    assert offending == []


def test_no_cell_has_surrounding_whitespace() -> None:
    offending = [
        (row["code"], column, value)
        for row in councils()
        for column, value in row.items()
        if value != value.strip()
    ]
    assert offending == []


def test_no_variant_has_surrounding_whitespace_or_is_empty() -> None:
    offending = [
        (row["code"], variant)
        for row in councils()
        if row["variants"]
        for variant in row["variants"].split("|")
        if not variant or variant != variant.strip()
    ]
    assert offending == []


def test_every_council_has_a_name_short_name_and_nation() -> None:
    assert [row["code"] for row in councils() if not (row["name"] and row["short_name"])] == []
    nations = {row["nation"] for row in councils()}
    assert nations == {"England", "Wales", "Scotland", "Northern Ireland"}


def test_lincolnshire_is_in_the_east_midlands() -> None:
    assert by_code()["LIN"]["region"] == "East Midlands"


def test_swansea_has_its_welsh_names() -> None:
    swansea = by_code()["SWA"]
    assert swansea["welsh_name"] == "Abertawe"
    assert swansea["welsh_official_name"] == "Dinas a Sir Abertawe"


def test_anglesey_keeps_its_repaired_welsh_name_as_a_variant() -> None:
    assert "Sir Ynys Môn" in by_code()["AGY"]["variants"].split("|")


def test_all_22_welsh_councils_and_only_they_have_welsh_names() -> None:
    with_welsh = {row["code"] for row in councils() if row["welsh_name"]}
    welsh_councils = {row["code"] for row in current_councils() if row["nation"] == "Wales"}
    assert len(welsh_councils) == 22
    assert with_welsh == welsh_councils
    assert all(by_code()[code]["welsh_official_name"] for code in with_welsh)


def test_variants_repeat_neither_the_names_nor_each_other() -> None:
    for row in councils():
        variants = [v.casefold() for v in row["variants"].split("|") if v]
        assert len(variants) == len(set(variants)), row["code"]
        assert row["name"].casefold() not in variants, row["code"]
        assert row["short_name"].casefold() not in variants, row["code"]


@pytest.mark.parametrize(
    ("nation", "expected"),
    [("England", 153), ("Wales", 22), ("Scotland", 32), ("Northern Ireland", 0)],
)
def test_current_councils_running_childrens_services_themselves_per_nation(
    nation: str, expected: int
) -> None:
    count = sum(
        1
        for row in current_councils()
        if row["nation"] == nation and row["children_services"] == row["code"]
    )
    assert count == expected


def test_every_current_upper_tier_or_unitary_council_runs_childrens_services_itself() -> None:
    offending = [
        row["code"]
        for row in current_councils()
        if row["nation"] != "Northern Ireland"
        and row["powers"] in {"upper tier", "unitary"}
        and row["children_services"] != row["code"]
    ]
    assert offending == []


def test_every_current_district_points_to_an_upper_tier_council() -> None:
    index = by_code()
    districts = [row for row in current_councils() if row["powers"] == "lower tier"]
    assert districts
    for district in districts:
        county = index.get(district["children_services"])
        assert county is not None, district["code"]
        assert county["powers"] == "upper tier", district["code"]
        assert county["current"] == "true", district["code"]


def test_children_services_always_names_a_current_council_that_runs_them_itself() -> None:
    index = by_code()
    for row in councils():
        target = row["children_services"]
        if target:
            assert index[target]["current"] == "true", row["code"]
            assert index[target]["children_services"] == target, row["code"]


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("STA", "STS"),  # Stafford -> Staffordshire
        ("LIC", "LIN"),  # City of Lincoln -> Lincolnshire
        ("SUF", "SFK"),  # Suffolk Coastal (former) -> East Suffolk -> Suffolk
        ("TAU", "SMT"),  # Taunton Deane (former) -> Somerset West and Taunton (former) -> Somerset
        ("NYK", "NYE"),  # North Yorkshire County (former) -> North Yorkshire Council
        ("LIN", "LIN"),
        ("SWA", "SWA"),
        ("ABD", "ABD"),
    ],
)
def test_children_services_points_to_the_council_that_runs_them(code: str, expected: str) -> None:
    assert by_code()[code]["children_services"] == expected


@pytest.mark.parametrize(("code", "successors"), [("CMA", "CBD|WAF"), ("NTH", "NNT|WNT")])
def test_a_former_council_split_between_successors_has_no_single_children_services(
    code: str, successors: str
) -> None:
    row = by_code()[code]
    assert row["current"] == "false"
    assert row["replaced_by"] == successors
    assert row["children_services"] == ""


def test_northern_ireland_councils_have_empty_children_services() -> None:
    ni = [row for row in councils() if row["nation"] == "Northern Ireland"]
    assert ni
    assert [row["code"] for row in ni if row["children_services"]] == []


def test_combined_authorities_have_empty_children_services() -> None:
    combined = [row for row in councils() if row["powers"] == "combined"]
    assert combined
    assert [row["code"] for row in combined if row["children_services"]] == []


def test_only_former_councils_have_successors() -> None:
    index = by_code()
    for row in councils():
        if row["current"] == "true":
            assert row["replaced_by"] == "", row["code"]
        for successor in filter(None, row["replaced_by"].split("|")):
            assert successor in index, row["code"]


def test_powers_take_only_the_source_values() -> None:
    assert {row["powers"] for row in councils()} == {
        "upper tier",
        "lower tier",
        "unitary",
        "ni district",
        "combined",
    }


def test_every_council_in_england_has_a_region_former_ones_their_successors() -> None:
    for row in councils():
        if row["nation"] == "England" and row["powers"] != "combined":
            assert row["region"], row["code"]
            for successor in filter(None, row["replaced_by"].split("|")):
                assert by_code()[successor]["region"] == row["region"], row["code"]


def test_derbyshire_is_in_the_east_midlands() -> None:
    assert by_code()["DBY"]["region"] == "East Midlands"
