"""People and roles: everyone the page names, found by name even misspelt, and who holds a
role asked about, or plainly that the page names nobody in it."""

from __future__ import annotations

import pytest

from bot.replies.render import render_plain
from bot.understanding.people import PeopleIndex, role_asked
from knowledge.base import Knowledge
from tests.conftest import Ask


@pytest.fixture(scope="module")
def people(knowledge: Knowledge) -> PeopleIndex:
    return PeopleIndex(knowledge.authorities)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("who is Tracey Hill?", "Tracey Hill"),
        ("who is tracy hil", "Tracey Hill"),
        ("wat does dave howe do", "Dave Howes"),
        ("tell me about bev edward", "Bev Edwards"),
        ("who's viv hog", "Viv Hogg"),
        ("who is terri murphy", "Terry Murphy"),
        ("who is eileen munroe", "Eileen Munro"),
        ("what does Dr Munro argue", "Eileen Munro"),
        ("what does Howes do", "Dave Howes"),
    ],
)
def test_a_person_on_record_is_found_by_name_even_misspelt(
    people: PeopleIndex, text: str, name: str
) -> None:
    assert people.named(text) == name


@pytest.mark.parametrize(
    "text",
    [
        "every hill in town",
        "is there a hill walk near lincoln",
        "who is the director of public health",
        "trace his bill",
        "dave and the howling wolves",
        "what does hogg mean",
    ],
)
def test_ordinary_words_never_name_a_person(people: PeopleIndex, text: str) -> None:
    assert people.named(text) is None


def test_every_word_of_a_name_on_record_is_reserved_from_places(people: PeopleIndex) -> None:
    assert {"tracey", "hill", "eileen", "munro", "terry", "murphy"} <= people.reserved


@pytest.mark.parametrize(
    ("words", "kind"),
    [
        ("who chairs the steering group", "chair"),
        ("who is the project manager", "project-lead"),
        ("who leads it", "project-lead"),
        ("who is in charge", "project-lead"),
        ("who is the assistant director", "director"),
        ("who is the principal social worker", "social-worker"),
        ("who is the service manager", "manager"),
        ("who is the consultant", "consultant"),
        ("who trains them", None),
    ],
)
def test_the_role_a_question_asks_about_is_read_from_its_words(
    words: str, kind: str | None
) -> None:
    assert role_asked(words.split()) == kind


@pytest.mark.parametrize(
    ("text", "authority", "said"),
    [
        ("who chairs the steering group in swansea", "swansea", "Dave Howes"),
        ("who is the project leader in swansea?", "swansea", "Bev Edwards"),
        ("who is suffolk's project manager?", "suffolk", "does not name who holds it"),
        ("who is lincolnshire's project manager", "lincolnshire", "does not name who holds it"),
        ("who leads it in staffs", "staffordshire", "names no project lead"),
        ("who chairs the steering group in suffolk", "suffolk", "names no chair"),
    ],
)
def test_a_role_asked_about_names_its_holder_or_says_the_page_names_nobody(
    ask: Ask, text: str, authority: str, said: str
) -> None:
    reply = ask(text)
    assert (reply.intent, reply.authority) == ("people", authority)
    assert said in render_plain(reply)


def test_a_role_the_page_leaves_unnamed_is_never_given_a_guessed_holder(ask: Ask) -> None:
    said = render_plain(ask("who is the project manager in suffolk"))
    role_line = next(line for line in said.splitlines() if line.startswith("Project manager"))
    assert not any(name in role_line for name in ("Viv Hogg", "Terry Murphy", "Tracey Hill"))


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("who is eileen munro?", "reclaiming social work"),
        ("who is terry murphy", "Western Australian"),
        ("who is tracy hil", "Trainer and Consultant"),
    ],
)
def test_anyone_the_page_names_is_answered_with_what_it_says_of_them(
    ask: Ask, text: str, said: str
) -> None:
    reply = ask(text)
    assert reply.intent == "people"
    assert said in render_plain(reply)


@pytest.mark.parametrize(
    ("words", "named_only", "kind"),
    [
        ("how many practice leads", False, None),
        ("who leads the practice leaders", False, "project-lead"),
        ("who leads it", True, None),
        ("the director", True, "director"),
    ],
)
def test_practice_leads_are_no_role_and_doing_is_no_role_name(
    words: str, named_only: bool, kind: str | None
) -> None:
    assert role_asked(words.split(), named_only=named_only) == kind


def test_an_overview_question_naming_a_role_is_answered_about_people(ask: Ask) -> None:
    reply = ask("tell me about suffolk's project manager")
    assert (reply.intent, reply.authority) == ("people", "suffolk")
    assert "does not name who holds it" in render_plain(reply)


@pytest.mark.parametrize(
    ("text", "authority", "councils"),
    [
        ("who is viv hogg", None, ("swansea", "suffolk")),
        ("who is bev edwards", "swansea", ("swansea",)),
    ],
)
def test_a_person_reply_names_every_council_it_is_about(
    ask: Ask, text: str, authority: str | None, councils: tuple[str, ...]
) -> None:
    reply = ask(text)
    assert (reply.intent, reply.authority, reply.councils) == ("people", authority, councils)
