"""Build ``knowledge/data/councils.csv``, the directory of UK councils the bot recognises.

Where the data comes from
-------------------------
The script reads three files from one folder (by default ``../shared/data/uk-local-authorities``
relative to the repository root; see SOURCE.md in that folder):

* ``uk_local_authorities_current.csv`` -- mySociety, "uk_local_authority_names_and_codes",
  package uk_la_past_current v1.6.1: 470 current and former councils with official name, nice
  name, nation, region, ``powers`` (upper tier / lower tier / unitary / ni district / combined),
  parent county, alt-names and successors. Licence: CC BY 4.0, credit mySociety.
* ``lookup_name_to_registry.csv`` -- same mySociety package: 1,774 name variants mapped to the
  three-letter council code. Licence: CC BY 4.0, credit mySociety.
* ``welsh_principal_local_authorities.tsv`` -- GOV.UK register "principal-local-authority": the 22
  Welsh councils with their Welsh names. Licence: Open Government Licence v3.0, Crown copyright.

What it fixes
-------------
* Lincolnshire (LIN) is given region "East Midlands" (the source says "Yorkshire and The Humber"),
  and Derbyshire (DBY) too (the source says "West Midlands", unlike its own districts).
* A former council with no region (15 of them: the districts merged in 2019 to 2023) takes its
  successor's, which is one region in every case.
* Two mis-encoded Welsh alt-names ("Sir Ynys Mï¿½n", "Cityï¾ and County of Swansea") and the
  lossy "ynys mn" are repaired; any other variant carrying mojibake is dropped with a warning.
* Every cell is stripped and runs of whitespace (including no-break spaces) become one space,
  which removes the trailing space in "Newry, Mourne and Down " and the double space in
  "North Somerset  Council".

``children_services`` is the current council that runs children's social care for the area:
the council itself for current upper-tier and unitary councils; the parent county for a current
lower-tier district; for a former council, that of its single current successor (empty when it
was split between several). It is empty in Northern Ireland, where Health and Social Care trusts
run children's social care, and for combined authorities.

How to rerun
------------
From the repository root::

    .venv/bin/python scripts/build_councils.py [SOURCE_FOLDER] [--output PATH]

The script uses the standard library only and rewrites the output file in full.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from knowledge.loader import COUNCIL_COLUMNS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "uk-local-authorities"
DEFAULT_OUTPUT = REPO_ROOT / "knowledge" / "data" / "councils.csv"

AUTHORITIES_FILE = "uk_local_authorities_current.csv"
LOOKUP_FILE = "lookup_name_to_registry.csv"
WELSH_FILE = "welsh_principal_local_authorities.tsv"

# The columns the loader reads, in its order.
COLUMNS = COUNCIL_COLUMNS

VARIANT_SEPARATOR = "|"

# Known defects in the mySociety data (see SOURCE.md), fixed by code.
REGION_FIXES: dict[str, str] = {"LIN": "East Midlands", "DBY": "East Midlands"}

# Mis-encoded or damaged name variants and their repairs (keys after whitespace normalisation).
VARIANT_REPAIRS: dict[str, str] = {
    "Sir Ynys Mï¿½n": "Sir Ynys Môn",
    "Cityï¾ and County of Swansea": "City and County of Swansea",
    "ynys mn": "ynys môn",
}

# Characters that only appear in UK council names when UTF-8 was decoded as Latin-1/CP1252.
MOJIBAKE_MARKERS = ("ï", "¿", "½", "¾", "Ã", "Â", "\ufffd")

# Powers of a current council that runs children's social care itself.
CHILDREN_SERVICES_POWERS = frozenset({"upper tier", "unitary"})
NATIONS_WITHOUT_COUNCIL_CHILDREN_SERVICES = frozenset({"Northern Ireland"})

_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Authority:
    """One council as read from the mySociety file, cleaned."""

    code: str
    name: str
    short_name: str
    nation: str
    region: str
    powers: str
    county: str
    current: bool
    replaced_by: tuple[str, ...]
    alt_names: tuple[str, ...]


@dataclass(frozen=True)
class WelshNames:
    """English and Welsh names of a Welsh council from the GOV.UK register."""

    name: str
    official_name: str
    welsh_name: str
    welsh_official_name: str


def clean(value: str | None) -> str:
    """Strip a cell and collapse runs of whitespace (no-break spaces included) to one space."""
    return _WHITESPACE.sub(" ", value or "").strip()


def has_mojibake(value: str) -> bool:
    """Say whether a value carries characters typical of mis-decoded UTF-8."""
    return any(marker in value for marker in MOJIBAKE_MARKERS)


def warn(message: str) -> None:
    """Report a data problem on stderr."""
    print(f"build_councils: {message}", file=sys.stderr)


def repair_variant(value: str) -> str | None:
    """Return a cleaned, repaired variant, or None when it is empty or beyond repair."""
    cleaned = clean(value)
    cleaned = VARIANT_REPAIRS.get(cleaned, cleaned)
    if not cleaned:
        return None
    if has_mojibake(cleaned):
        warn(f"dropping mis-encoded name variant {cleaned!r}")
        return None
    return cleaned


def split_alt_names(raw: str, known: set[str]) -> list[str]:
    """Split mySociety's comma-joined alt-names without breaking names that contain commas.

    Commas followed by a space belong to a name ("Bristol, City of"); the others separate
    names. Neighbouring pieces are joined back when the result is a variant the lookup file
    knows for the same council (such as "rhondda,cynon,taff").
    """
    pieces = [piece for piece in re.split(r",(?! )", raw) if piece.strip()]
    names: list[str] = []
    start = 0
    while start < len(pieces):
        end = start + 1
        for stop in range(len(pieces), start + 1, -1):
            if ",".join(pieces[start:stop]) in known:
                end = stop
                break
        names.append(",".join(pieces[start:end]))
        start = end
    return names


def parse_bool(value: str, code: str) -> bool:
    """Read mySociety's True/False flags."""
    flag = clean(value).lower()
    if flag not in {"true", "false"}:
        raise ValueError(f"{code}: current-authority is {value!r}, expected True or False")
    return flag == "true"


def read_lookup(path: Path) -> dict[str, list[str]]:
    """Read name variants per council code, in file order."""
    variants: dict[str, list[str]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = clean(row["local-authority-code"])
            variants.setdefault(code, []).append(row["la-name"])
    return variants


def read_authorities(path: Path, lookup: dict[str, list[str]]) -> dict[str, Authority]:
    """Read and clean the mySociety councils file, keyed by code."""
    authorities: dict[str, Authority] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            code = clean(row["local-authority-code"])
            if code in authorities:
                raise ValueError(f"duplicate council code {code}")
            successors = tuple(
                clean(part) for part in re.split(r"[,|]", row["replaced-by"] or "") if clean(part)
            )
            authorities[code] = Authority(
                code=code,
                name=clean(row["official-name"]),
                short_name=clean(row["nice-name"]),
                nation=clean(row["nation"]),
                region=REGION_FIXES.get(code, clean(row["region"])),
                powers=clean(row["powers"]),
                county=clean(row["county-la"]),
                current=parse_bool(row["current-authority"], code),
                replaced_by=successors,
                alt_names=tuple(split_alt_names(row["alt-names"] or "", set(lookup.get(code, [])))),
            )
    return authorities


def read_welsh(path: Path) -> dict[str, WelshNames]:
    """Read the GOV.UK register of Welsh principal local authorities, keyed by code."""
    welsh: dict[str, WelshNames] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            if clean(row["end-date"]):
                continue
            welsh[clean(row["principal-local-authority"])] = WelshNames(
                name=clean(row["name"]),
                official_name=clean(row["official-name"]),
                welsh_name=clean(row["name-cy"]),
                welsh_official_name=clean(row["official-name-cy"]),
            )
    return welsh


def children_services(code: str, authorities: dict[str, Authority]) -> str:
    """Code of the current council running children's social care for a council's area."""
    seen: set[str] = set()
    while True:
        if code in seen:
            raise ValueError(f"replaced-by cycle through {sorted(seen)}")
        seen.add(code)
        authority = authorities[code]
        if authority.nation in NATIONS_WITHOUT_COUNCIL_CHILDREN_SERVICES:
            return ""
        if not authority.current:
            if len(authority.replaced_by) != 1:
                return ""
            code = authority.replaced_by[0]
            continue
        if authority.powers in CHILDREN_SERVICES_POWERS:
            return authority.code
        if authority.powers == "lower tier":
            county = authorities.get(authority.county)
            if (
                county is None
                or not county.current
                or county.powers not in CHILDREN_SERVICES_POWERS
            ):
                raise ValueError(f"{authority.code}: county {authority.county!r} is not current")
            return county.code
        return ""


def region(code: str, authorities: dict[str, Authority]) -> str:
    """A council's region; a former council without one takes its successors' when they
    agree."""
    authority = authorities[code]
    if authority.region:
        return authority.region
    regions = {region(successor, authorities) for successor in authority.replaced_by}
    if len(regions) != 1:
        warn(f"{code}: no region")
        return ""
    return regions.pop()


def distinct_variants(candidates: Iterable[str], exclude: Iterable[str]) -> list[str]:
    """Deduplicate variants case-insensitively, dropping those equal to an excluded name.

    Where spellings differ only in case, the first one with capitals is kept.
    """
    excluded = {name.casefold() for name in exclude}
    chosen: dict[str, str] = {}
    for candidate in candidates:
        variant = repair_variant(candidate)
        if variant is None:
            continue
        if VARIANT_SEPARATOR in variant:
            warn(f"dropping variant containing {VARIANT_SEPARATOR!r}: {variant!r}")
            continue
        key = variant.casefold()
        if key in excluded:
            continue
        if key not in chosen or (chosen[key].islower() and not variant.islower()):
            chosen[key] = variant
    return sorted(chosen.values(), key=lambda value: (value.casefold(), value))


def build_rows(
    authorities: dict[str, Authority],
    lookup: dict[str, list[str]],
    welsh: dict[str, WelshNames],
) -> list[dict[str, str]]:
    """Assemble one output row per council, sorted by code."""
    unknown = sorted(set(lookup) - set(authorities)) + sorted(set(welsh) - set(authorities))
    if unknown:
        raise ValueError(f"codes not in the councils file: {unknown}")
    rows: list[dict[str, str]] = []
    for code in sorted(authorities):
        authority = authorities[code]
        for successor in authority.replaced_by:
            if successor not in authorities:
                raise ValueError(f"{code}: unknown successor {successor!r}")
        names = welsh.get(code)
        welsh_candidates: list[str] = []
        if names is not None:
            welsh_candidates = [
                names.name,
                names.official_name,
                names.welsh_name,
                names.welsh_official_name,
            ]
        variants = distinct_variants(
            [*authority.alt_names, *lookup.get(code, []), *welsh_candidates],
            exclude=(authority.name, authority.short_name),
        )
        rows.append(
            {
                "code": code,
                "name": authority.name,
                "short_name": authority.short_name,
                "nation": authority.nation,
                "region": region(code, authorities),
                "powers": authority.powers,
                "children_services": children_services(code, authorities),
                "current": "true" if authority.current else "false",
                "replaced_by": VARIANT_SEPARATOR.join(authority.replaced_by),
                "welsh_name": names.welsh_name if names else "",
                "welsh_official_name": names.welsh_official_name if names else "",
                "variants": VARIANT_SEPARATOR.join(variants),
            }
        )
    check_rows(rows)
    return rows


def check_rows(rows: Sequence[dict[str, str]]) -> None:
    """Refuse to write output with mojibake or untrimmed cells."""
    for row in rows:
        for column, value in row.items():
            if has_mojibake(value):
                raise ValueError(f"{row['code']}: mojibake left in {column}: {value!r}")
            if value != value.strip():
                raise ValueError(f"{row['code']}: untrimmed {column}: {value!r}")


def write_rows(
    rows: Sequence[dict[str, str]], path: Path, columns: Sequence[str] = COLUMNS
) -> None:
    """Write a knowledge CSV (UTF-8, LF line endings): the councils', or another's `columns`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> int:
    """Read the source folder and write the councils directory."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "source",
        nargs="?",
        type=Path,
        default=DEFAULT_SOURCE,
        help=f"folder holding {AUTHORITIES_FILE}, {LOOKUP_FILE} and {WELSH_FILE}",
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="CSV to write")
    args = parser.parse_args(argv)
    source: Path = args.source
    output: Path = args.output

    lookup = read_lookup(source / LOOKUP_FILE)
    authorities = read_authorities(source / AUTHORITIES_FILE, lookup)
    welsh = read_welsh(source / WELSH_FILE)
    rows = build_rows(authorities, lookup, welsh)
    write_rows(rows, output)
    current = sum(row["current"] == "true" for row in rows)
    print(f"wrote {len(rows)} councils ({current} current) to {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
