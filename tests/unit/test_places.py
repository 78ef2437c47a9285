"""Places people name: towns lead to the council that runs children's services there, look-alike
councils are never read as their neighbour, and the towns table never hides a council or a word
of the question."""

from __future__ import annotations

import pytest

from bot.replies.render import render_plain
from bot.understanding.councils import CouncilChoice, CouncilMatch
from bot.understanding.engine import Engine
from bot.understanding.intents import Intent
from bot.understanding.text import words
from knowledge.base import Knowledge
from tests.conftest import Ask

# Towns that are not councils, in the adopters' areas: every town the hand alias table had,
# and more that people name.
ADOPTERS_TOWNS = {
    "east-riding-of-yorkshire": "Beverley Goole Bridlington Driffield Hornsea Withernsea "
    "Pocklington Hessle Howden",
    "lincolnshire": "Skegness Louth Mablethorpe Horncastle Grantham Stamford Bourne Spalding "
    "Holbeach Sleaford Gainsborough Boston",
    "staffordshire": "Uttoxeter Leek Cannock Rugeley Kidsgrove Codsall",
    "swansea": "Mumbles Gower Gorseinon",
    "suffolk": "Lowestoft Felixstowe Woodbridge Aldeburgh Southwold Newmarket Haverhill "
    "Sudbury Stowmarket",
}
MULTI_WORD_TOWNS = [
    ("Market Rasen", "lincolnshire"),
    ("Burton upon Trent", "staffordshire"),
    ("burton on trent", "staffordshire"),
    ("Bury St Edmunds", "suffolk"),
    ("bury st. edmunds", "suffolk"),
]


@pytest.mark.parametrize(
    ("town", "authority"),
    [
        *[
            (town, authority)
            for authority, towns in ADOPTERS_TOWNS.items()
            for town in towns.split()
        ],
        *MULTI_WORD_TOWNS,
    ],
)
def test_a_town_in_an_adopters_area_is_read_as_that_adopter(
    ask: Ask, town: str, authority: str
) -> None:
    assert ask(f"who trains {town}?").authority == authority
    assert ask(f"i work in {town.lower()} is it doing signs of safety").authority == authority


@pytest.mark.parametrize(
    ("place", "code"),
    [
        ("York", "YOR"),
        ("Doncaster", "DNC"),
        ("Peterborough", "PTE"),
        ("Norwich", "NFK"),
        ("Wolverhampton", "WLV"),
        ("Telford", "TFW"),
        ("Bridgend", "BGE"),
        ("Hull", "KHL"),
        ("Stoke-on-Trent", "STE"),
        ("North Lincolnshire", "NLN"),
        ("Scunthorpe", "NLN"),
        ("Grimsby", "NEL"),
        ("Cleethorpes", "NEL"),
        ("Burton upon Stather", "NLN"),
        ("Yeovil", "SMT"),
        ("Harrogate", "NYE"),
        ("Llanelli", "CMN"),
    ],
)
def test_a_look_alike_or_neighbour_is_named_and_has_no_record(
    ask: Ask, knowledge: Knowledge, place: str, code: str
) -> None:
    reply = ask(f"is {place} using signs of safety?")
    council = knowledge.councils[code].name
    assert (reply.authority, reply.council) == (None, council)
    assert f"I know {council}, but have no record" in render_plain(reply)


def _found(engine: Engine, text: str) -> set[str]:
    found = engine.councils.find(words(text))
    if isinstance(found, CouncilMatch):
        return {found.named.code}
    if isinstance(found, CouncilChoice):
        return {council.code for council in found.options}
    return set()


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # A council's own name wins over towns of that name elsewhere.
        ("who trains Newport", {"NWP"}),
        ("Boston", {"BOT"}),
        ("is Stafford doing it", {"STA"}),
        # A town some councils share is asked about, not guessed.
        ("Hadleigh", {"ESS", "SFK"}),
        # Everyday words count as a town only with a capital.
        ("what about Street", {"SMT"}),
        ("is the street near you", set()),
        ("I moved to Sale", {"TRF"}),
        ("is it on sale", set()),
        ("a show in the west end", set()),
        ("I live in West End", {"HAM"}),
        # Months, nations and the people on record are never towns.
        ("any events in March", set()),
        ("anything in Wales", set()),
        ("who is Tracey Hill", set()),
    ],
)
def test_the_towns_table_never_hides_a_council_or_a_word_of_the_question(
    engine: Engine, text: str, codes: set[str]
) -> None:
    assert _found(engine, text) == codes


def test_a_district_town_answer_names_the_council_running_childrens_services(ask: Ask) -> None:
    reply = ask("who trains Felixstowe?")
    assert (reply.intent, reply.authority) == (Intent.TRAINERS, "suffolk")


@pytest.mark.parametrize(
    ("nation", "region", "count"),
    [
        ("Wales", None, 22),
        ("scotland", None, 32),
        ("Northern Ireland", None, 11),
        ("England", "London", 34),
        (None, "East Midlands", 40),
    ],
)
def test_councils_in_a_nation_or_region_are_the_current_ones_there(
    knowledge: Knowledge, nation: str | None, region: str | None, count: int
) -> None:
    councils = knowledge.councils_in(nation=nation, region=region)
    assert len(councils) == count
    assert all(council.current for council in councils)
    if nation is not None:
        assert {council.nation.casefold() for council in councils} == {nation.casefold()}


@pytest.mark.parametrize(
    ("nation", "region", "authorities"),
    [
        ("Wales", None, ["swansea"]),
        ("England", None, ["east-riding-of-yorkshire", "lincolnshire", "staffordshire", "suffolk"]),
        (None, "East Midlands", ["lincolnshire"]),
        (None, "West Midlands", ["staffordshire"]),
        (None, "Yorkshire and The Humber", ["east-riding-of-yorkshire"]),
        (None, "East of England", ["suffolk"]),
        ("Scotland", None, []),
    ],
)
def test_the_adopters_in_a_nation_or_region_come_from_the_councils_register(
    knowledge: Knowledge, nation: str | None, region: str | None, authorities: list[str]
) -> None:
    found = knowledge.authorities_in(nation=nation, region=region)
    assert sorted(authority.id for authority in found) == authorities


def test_derbyshire_is_in_the_east_midlands_with_its_districts(knowledge: Knowledge) -> None:
    districts = [c for c in knowledge.councils.values() if c.children_services == "DBY"]
    assert {c.region for c in districts} == {"East Midlands"}


def test_the_nations_and_regions_are_the_four_nations_and_englands_nine_regions(
    knowledge: Knowledge,
) -> None:
    regions = knowledge.regions()
    assert list(regions) == ["England", "Northern Ireland", "Scotland", "Wales"]
    assert len(regions["England"]) == 9
    assert "East Midlands" in regions["England"]
    assert regions["Wales"] == ("Wales",)
