"""Questions about several councils side by side, and filters over the records: what the engine
reads them as, and what the reply says."""

from __future__ import annotations

import pytest

from bot.replies.render import render_plain
from bot.replies.several import IN_PLACES
from bot.understanding.councils import MOST_NAMED
from bot.understanding.engine import Engine
from bot.understanding.filters import FilterReader, matching, stage_order
from bot.understanding.intents import Intent
from bot.understanding.requests import Ask, Compare, Filtered
from bot.understanding.text import words
from knowledge.base import Knowledge
from knowledge.models import Stage
from tests.conftest import Ask as AskFixture


@pytest.mark.parametrize(
    ("message", "intent", "codes"),
    [
        ("Lincs vs Staffs?", Intent.OVERVIEW, ("LIN", "STS")),
        ("compare swansea and suffolk", Intent.OVERVIEW, ("SWA", "SFK")),
        ("difference between east riding and lincs", Intent.OVERVIEW, ("ERY", "LIN")),
        ("who started first, Suffolk or Swansea?", Intent.STAGE, ("SFK", "SWA")),
        ("are Suffolk and Lincs both implementing", Intent.STAGE, ("SFK", "LIN")),
        ("who trains lincs and east riding", Intent.TRAINERS, ("LIN", "ERY")),
        ("which is more advanced: suffolk, swansea or lincs?", Intent.STAGE, ("SFK", "SWA", "LIN")),
        ("when is training in lincs and suffolk", Intent.EVENTS, ("LIN", "SFK")),
        ("York vs Suffolk", Intent.OVERVIEW, ("YOR", "SFK")),
    ],
)
def test_a_question_naming_several_councils_compares_them_in_the_order_named(
    engine: Engine, message: str, intent: Intent, codes: tuple[str, ...]
) -> None:
    request = engine.understand(message).request
    assert isinstance(request, Compare)
    assert request.intent is intent
    assert tuple((m.responsible or m.named).code for m in request.councils) == codes


@pytest.mark.parametrize(
    "message",
    [
        "who trains suffolk",
        "stop reminding me about lincs",
        "rail fares between Stafford and Lincoln",
    ],
)
def test_a_question_about_one_council_or_off_topic_is_no_comparison(
    engine: Engine, message: str
) -> None:
    assert not isinstance(engine.understand(message).request, Compare)


def test_finding_every_council_named_is_bounded(engine: Engine) -> None:
    names = " ".join(["suffolk lincs swansea staffs york norfolk kent devon"] * 50)
    assert len(engine.councils.find_all(words(names))) == MOST_NAMED


def test_a_stage_comparison_lists_the_furthest_along_first(ask: AskFixture) -> None:
    reply = ask("is suffolk further along than lincolnshire or swansea?")
    text = render_plain(reply.model_copy(update={"title": None}))
    assert reply.intent is Intent.STAGE
    assert reply.authority == "suffolk"
    assert reply.councils == ("suffolk", "lincolnshire", "swansea")
    order = [
        text.index(name) for name in ("Swansea Council (", "Lincolnshire County", "Suffolk County")
    ]
    assert order == sorted(order)


def test_stage_order_follows_the_stage_values_then_the_earliest_milestone(
    knowledge: Knowledge,
) -> None:
    ordered = sorted(knowledge.authorities, key=stage_order)
    stages = [list(Stage).index(a.stage) for a in ordered]
    assert stages == sorted(stages, reverse=True)
    implementing = [a for a in ordered if a.stage is Stage.IMPLEMENTING]
    firsts = [min(m.when for m in a.milestones) for a in implementing]
    assert firsts == sorted(firsts)


def test_a_council_without_a_record_is_said_plainly_beside_the_others(ask: AskFixture) -> None:
    reply = ask("doncaster vs lincolnshire")
    assert reply.authority is None  # the first council named has no record
    assert reply.councils == ("lincolnshire",)
    assert "I have no record of Doncaster." in render_plain(reply)


@pytest.mark.parametrize(
    ("message", "intent", "councils"),
    [
        ("anything in Wales?", Intent.LIST, ("swansea",)),
        (
            "which ones are in England",
            Intent.LIST,
            ("east-riding-of-yorkshire", "lincolnshire", "staffordshire", "suffolk"),
        ),
        ("who's in the East Midlands", Intent.LIST, ("lincolnshire",)),
        ("which ones are in yorkshire and the humber", Intent.LIST, ("east-riding-of-yorkshire",)),
        (
            "how many are in England",
            Intent.COUNT,
            ("east-riding-of-yorkshire", "lincolnshire", "staffordshire", "suffolk"),
        ),
        ("which are only planning", Intent.LIST, ("suffolk",)),
        (
            "which councils are in early implementation",
            Intent.LIST,
            ("lincolnshire", "staffordshire"),
        ),
        ("which ones cover early intervention", Intent.LIST, ("staffordshire",)),
        ("any that cover early years?", Intent.LIST, ("east-riding-of-yorkshire",)),
        ("any for adults?", Intent.LIST, ("suffolk",)),
        ("anything in 2012", Intent.LIST, ("east-riding-of-yorkshire", "swansea")),
        ("what happened in July 2013", Intent.EVENTS, ("lincolnshire",)),
    ],
)
def test_a_filter_lists_the_councils_it_leaves_with_no_authority(
    ask: AskFixture, message: str, intent: Intent, councils: tuple[str, ...]
) -> None:
    reply = ask(message)
    assert (reply.intent, reply.authority, reply.councils) == (intent, None, councils)


@pytest.mark.parametrize("message", ["any in Northern Ireland?", "which adopters are in scotland"])
def test_an_empty_filter_says_none_of_the_councils_on_record_is_there(
    ask: AskFixture, message: str
) -> None:
    reply = ask(message)
    assert reply.councils == ()
    assert "None of the five councils on record is in" in render_plain(reply)


def test_who_has_been_at_it_longest_lists_every_adopter_furthest_along_first(
    ask: AskFixture, knowledge: Knowledge
) -> None:
    reply = ask("who has been at it longest")
    leader = sorted(knowledge.authorities, key=stage_order)[0]
    assert reply.intent is Intent.LIST
    assert reply.councils[0] == leader.id
    assert f"{leader.name} is furthest along" in render_plain(reply)


def test_the_consultant_of_a_council_is_found_among_the_others(ask: AskFixture) -> None:
    reply = ask("who else does the Lincolnshire consultant work with")
    assert (reply.intent, reply.authority) == (Intent.LIST, "lincolnshire")
    assert reply.councils == ("east-riding-of-yorkshire",)


@pytest.mark.parametrize(
    "message",
    [
        "weather in wales",
        "any good pubs in wales",
        "which schools in england are outstanding",
        "what's the first thing to do",
        "how many councils are implementing?",
        "which councils are implementing signs of safety",
    ],
)
def test_off_topic_and_network_questions_sharing_filter_words_are_not_filters(
    engine: Engine, message: str
) -> None:
    assert not isinstance(engine.understand(message).request, Filtered)


def test_the_filter_cues_come_from_the_data(knowledge: Knowledge) -> None:
    reader = FilterReader(knowledge)
    for nation, regions in knowledge.regions().items():
        for place in (nation, *regions):
            found = reader.read(["which", "are", "in", *place.casefold().split()])
            assert found is not None, place
            assert found.kind == "place"
            assert set(matching(knowledge, found)) == set(
                knowledge.authorities_in(nation, None if place == nation else place)
            )
    for authority in knowledge.authorities:
        for service in authority.services:
            found = reader.read(["which", "cover", *service.casefold().split()])
            if found is not None:  # names of only generic words ("Children's Services") aside
                assert authority in matching(knowledge, found), service


def test_a_filter_request_keeps_asks_about_one_council_alone(engine: Engine) -> None:
    assert isinstance(engine.understand("what stage is suffolk at").request, Ask)


def test_the_list_of_councils_on_record_names_every_adopter(
    ask: AskFixture, knowledge: Knowledge
) -> None:
    reply = ask("which councils are implementing signs of safety")
    assert reply.councils == tuple(a.id for a in knowledge.authorities)


def test_every_nation_and_region_of_the_register_has_its_in_phrase(knowledge: Knowledge) -> None:
    # Welsh mutates a place after "yn", so each is a whole phrase in the catalogue: a place the
    # register gains would otherwise be said in English, with a note.
    councils = knowledge.councils.values()
    places = {c.nation for c in councils} | {c.region for c in councils if c.region}
    assert places == set(IN_PLACES)
