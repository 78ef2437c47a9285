"""The engine's behaviours that a question set samples but does not pin down."""

from __future__ import annotations

import pytest

from bot.replies.current import KnowledgeView
from bot.replies.render import render_html, render_plain
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from tests.conftest import Ask, reply_about, reply_for


def _ask(ask: Ask, *questions: str) -> list[tuple[Intent, str | None, str]]:
    conversation = Conversation()
    answers = []
    for question in questions:
        reply = ask(question, conversation)
        answers.append((reply.intent, reply.authority, render_plain(reply)))
    return answers


@pytest.mark.parametrize(
    ("question", "authority"),
    [
        ("Staffs", "staffordshire"),
        ("Lincs", "lincolnshire"),
        ("ERYC", "east-riding-of-yorkshire"),
        ("Abertawe", "swansea"),
        ("Cyngor Abertawe", "swansea"),
        ("DINAS A SIR ABERTAWE", "swansea"),
        ("City & County of Swansea", "swansea"),
        ("Suffolk County Council", "suffolk"),
        ("suffolk’s", "suffolk"),
        ("Stafford", "staffordshire"),
        ("Lincoln", "lincolnshire"),
        ("Ipswich", "suffolk"),
        ("Suffolk Coastal", "suffolk"),
        ("eastriding", "east-riding-of-yorkshire"),
        ("Sufolk", "suffolk"),
        ("Lincolnshre", "lincolnshire"),
        ("Swansae", "swansea"),
        ("stafordshire", "staffordshire"),
    ],
)
def test_a_council_is_recognised_however_it_is_written(
    ask: Ask, question: str, authority: str
) -> None:
    reply = ask(question)
    assert (reply.intent, reply.authority) == (Intent.OVERVIEW, authority)


@pytest.mark.parametrize(
    ("question", "council"),
    [
        ("what stage is Leeds at", "Leeds City Council"),
        ("is Caerdydd using signs of safety", "City of Cardiff Council"),
        ("York", "City of York Council"),
        ("North Lincs", "North Lincolnshire Council"),
        ("Canterbury", "Kent County Council"),
    ],
)
def test_a_council_without_a_record_is_named_and_said_to_have_none(
    ask: Ask, question: str, council: str
) -> None:
    reply = ask(question)
    assert reply.authority is None
    assert reply.council == council
    assert f"I know {council}, but have no record of it adopting Signs of Safety" in render_plain(
        reply
    )


def test_a_northern_irish_council_is_told_apart_from_the_trusts_that_run_childrens_services(
    ask: Ask,
) -> None:
    text = render_plain(ask("is Belfast doing signs of safety?"))
    assert "Belfast City Council" in text
    assert "Health and Social Care trusts" in text


def test_a_district_answer_says_which_council_runs_childrens_services(ask: Ask) -> None:
    reply = ask("who trains Tamworth?")
    assert reply.authority == "staffordshire"
    assert "Tamworth is in the area of Staffordshire County Council" in render_plain(reply)


def test_a_name_shared_by_councils_is_asked_about_not_guessed(ask: Ask) -> None:
    reply = ask("who trains Newcastle?")
    assert reply.authority is None
    assert reply.intent is Intent.TRAINERS
    assert {o.council for o in reply.options} == {"NET", "NEC"}
    assert "Did you mean" in render_plain(reply)


def test_a_follow_up_without_a_council_is_about_the_previous_one(ask: Ask) -> None:
    answers = _ask(ask, "tell me about Lincs", "who trains them?", "and Suffolk?")
    assert [(intent, authority) for intent, authority, _ in answers] == [
        (Intent.OVERVIEW, "lincolnshire"),
        (Intent.TRAINERS, "lincolnshire"),
        (Intent.TRAINERS, "suffolk"),
    ]
    assert "Tracey Hill" in answers[1][2]
    assert "The record names no trainer for Suffolk County Council" in answers[2][2]


def test_a_new_conversation_has_no_council_to_fall_back_on(ask: Ask) -> None:
    reply = ask("who trains them?")
    assert reply.authority is None
    assert "Which council do you mean?" in render_plain(reply)


@pytest.mark.parametrize(
    "question", ["weather in London", "asdf", "who won the football", "parking in Cardiff bay"]
)
def test_an_off_topic_question_gets_an_honest_no_and_what_the_bot_can_do(
    ask: Ask, question: str
) -> None:
    reply = ask(question)
    assert (reply.intent, reply.authority, reply.council) == (Intent.UNKNOWN, None, None)
    assert "can't help with that" in render_plain(reply)


def test_an_off_topic_question_does_not_disturb_the_conversation(ask: Ask) -> None:
    answers = _ask(ask, "who trains Swansea?", "weather in London", "and Lincs?")
    assert answers[2][:2] == (Intent.TRAINERS, "lincolnshire")


def test_every_answer_about_an_authority_shows_its_source_and_date(view: KnowledgeView) -> None:
    for intent in (Intent.OVERVIEW, Intent.STAGE, Intent.TRAINERS, Intent.PEOPLE, Intent.EVENTS):
        for code in ("ERY", "LIN", "SWA", "STS", "SFK"):
            text = render_plain(reply_for(view, intent, code))
            assert "Source: Signs of Safety UK network" in text
            assert "as of December 2013" in text


def test_events_long_past_are_shown_as_the_most_recent_with_their_dates(ask: Ask) -> None:
    text = render_plain(ask("when is Lincolnshire's training?"))
    assert "Nothing upcoming for Lincolnshire County Council" in text
    assert "July 2013 to December 2013: Frontline staff training" in text


def test_a_council_with_no_dated_event_shows_its_milestones(ask: Ask) -> None:
    text = render_plain(ask("when is staffs training"))
    assert "The record has no dated event" in text
    assert "by mid-2014: A training plan to train up to 350 staff" in text


def test_the_network_count_comes_from_the_record(ask: Ask) -> None:
    text = render_plain(ask("how many councils are implementing?"))
    assert "19 local authorities" in text
    assert "a further 10" in text


def test_user_text_is_escaped_in_telegram_html(view: KnowledgeView) -> None:
    reply = reply_about(view, Intent.OVERVIEW, "<b>Nowhere</b> & co")
    html = render_html(reply)
    assert "&lt;b&gt;Nowhere&lt;/b&gt; &amp; co" in html
    assert "<b>Nowhere</b>" not in html


def test_confidence_is_lower_for_a_misspelt_council(ask: Ask) -> None:
    exact = ask("who trains Suffolk?").confidence
    misspelt = ask("who trains Sufflok?").confidence
    assert 0 < misspelt < exact <= 1


@pytest.mark.parametrize(
    ("question", "authority", "facts"),
    [
        ("who is Tracey Hill?", None, ["East Riding of Yorkshire Council", "Lincolnshire"]),
        ("who's bev edwards", "swansea", ["Project leader"]),
        ("TERRY MURPHY?", "suffolk", ["Director General"]),
    ],
)
def test_a_person_named_in_the_records_is_looked_up_by_name(
    ask: Ask, question: str, authority: str | None, facts: list[str]
) -> None:
    reply = ask(question)
    assert (reply.intent, reply.authority) == (Intent.PEOPLE, authority)
    for fact in facts:
        assert fact in render_plain(reply)


@pytest.mark.parametrize(
    ("question", "authority"),
    [
        ("who trains east riding staff near hull", "east-riding-of-yorkshire"),
        ("Lincolnshire vs Suffolk", "lincolnshire"),
    ],
)
def test_the_longest_name_wins_wherever_it_stands(ask: Ask, question: str, authority: str) -> None:
    assert ask(question).authority == authority


def test_a_network_question_ends_the_councils_context(ask: Ask) -> None:
    answers = _ask(
        ask,
        "tell me about suffolk",
        "how many councils are implementing",
        "and how many are training",
    )
    assert answers[2][:2] == (Intent.COUNT, None)
    assert "a further 10" in answers[2][2]


def test_a_context_council_that_is_gone_is_not_a_crash(ask: Ask) -> None:
    reply = ask("who trains them?", Conversation(council_code="all"))
    assert reply.authority is None


@pytest.mark.parametrize(
    "question",
    ["who trains Arsenal", "what stage is the moon at", "when is Swansea playing next"],
)
def test_a_council_question_about_no_council_is_off_topic(ask: Ask, question: str) -> None:
    assert ask(question).intent is Intent.UNKNOWN


@pytest.mark.parametrize("message", ["thanks", "Thank you!", "cheers 👍", "ok thanks"])
def test_thanks_are_acknowledged_not_refused(ask: Ask, message: str) -> None:
    reply = ask(message)
    assert reply.intent is Intent.HELP
    assert "welcome" in render_plain(reply)


@pytest.mark.parametrize("message", ["", "   "])
def test_an_empty_message_gets_the_help(ask: Ask, message: str) -> None:
    assert ask(message).intent is Intent.HELP
