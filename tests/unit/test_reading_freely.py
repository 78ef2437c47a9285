"""Questions as people write them freely, read by general rules: everyday words that are also
council names, idioms of reminding, a person named beside a council, the question among several
sentences, follow-ups about the council a filter left, dates within a span, parts of a region's
name, and the page's own words without a council."""

from __future__ import annotations

import pytest

from bot.replies.render import render_plain
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from bot.understanding.vocabulary import correct_spelling
from tests.conftest import Ask


@pytest.mark.parametrize(
    ("question", "intent", "authority"),
    [
        # "down" is council Down only when written with a capital.
        ("put me down for suffolk", Intent.SUBSCRIBE, "suffolk"),
        ("put me down for the lincs events", Intent.SUBSCRIBE, "lincolnshire"),
        # "heads up" reminds only as a noun.
        ("give me a heads up about lincs", Intent.SUBSCRIBE, "lincolnshire"),
        ("who heads up the swansea project", Intent.PEOPLE, "swansea"),
        ("sub me to suffolk", Intent.SUBSCRIBE, "suffolk"),
        ("never let me forget a lincs date", Intent.SUBSCRIBE, "lincolnshire"),
        ("can u send me alerts 4 swansea", Intent.SUBSCRIBE, "swansea"),
        ("are lincs live yet", Intent.STAGE, "lincolnshire"),
        ("no. of champions lincs", Intent.COUNT, "lincolnshire"),
        ("am i subscribed to suffolk", Intent.SUBSCRIPTIONS, "suffolk"),
        # A person named beside a council and a settled question about it asks of the council.
        ("is tracey hill the trainer for swansea", Intent.TRAINERS, "swansea"),
        ("who is tracey hill", Intent.PEOPLE, None),
        # Practice leaders are practitioners, not leads: who they work with is their trainer.
        ("who do the practice leaders in swansea work with", Intent.TRAINERS, "swansea"),
        # A date answers no question of who.
        ("who went to the conference in eryc in 2012", Intent.PEOPLE, "east-riding-of-yorkshire"),
        # The source page's own short form for Lincolnshire County Council.
        ("how many practice leads does LCC want", Intent.COUNT, "lincolnshire"),
        # Where the person lives names the council; where people live is other business.
        ("I live in Gorseinon, who leads the project in my area?", Intent.PEOPLE, "swansea"),
        ("we live in leek, is it being rolled out", Intent.STAGE, "staffordshire"),
        ("how many people live in Gorseinon", Intent.UNKNOWN, None),
        # Whether a council is part of it is whether it is adopting.
        ("is Lincoln itself part of this?", Intent.STAGE, "lincolnshire"),
        # How a council uses the approach is its overview; whether it uses it, its stage.
        ("how does staffordshire use signs of safety", Intent.OVERVIEW, "staffordshire"),
        ("is staffordshire using signs of safety", Intent.STAGE, "staffordshire"),
        ("how do i use this bot", Intent.HELP, None),
        # A council added to my alerts is subscribed to; "my alerts" alone lists them.
        ("add east riding to my alerts", Intent.SUBSCRIBE, "east-riding-of-yorkshire"),
        ("put suffolk on my reminders", Intent.SUBSCRIBE, "suffolk"),
        ("what are my alerts", Intent.SUBSCRIPTIONS, None),
    ],
)  # fmt: skip
def test_free_phrasings_are_read_by_general_rules(
    ask: Ask, question: str, intent: Intent, authority: str | None
) -> None:
    reply = ask(question)
    assert (reply.intent, reply.authority) == (intent, authority)


@pytest.mark.parametrize(
    "question",
    [
        "how many days until christmas",
        "adopting a child in suffolk",
        "signs of a stroke",
        "when is Swansea playing next",
    ],
)
def test_questions_of_other_business_are_refused(ask: Ask, question: str) -> None:
    reply = ask(question)
    assert (reply.intent, reply.authority) == (Intent.UNKNOWN, None)


def test_the_question_is_the_sentence_that_asks_not_the_one_after_it(ask: Ask) -> None:
    reply = ask(
        "Do you know who the Signs of Safety trainer is for East Riding of Yorkshire Council? "
        "I'm trying to get in touch about the practice leader sessions"
    )
    assert (reply.intent, reply.authority) == (Intent.TRAINERS, "east-riding-of-yorkshire")
    assert "Tracey Hill" in render_plain(reply)


def test_the_one_council_a_filter_leaves_is_them_in_the_next_question(ask: Ask) -> None:
    conversation = Conversation()
    ask("which one is in wales", conversation)
    reply = ask("who is their project leader", conversation)
    assert (reply.intent, reply.authority) == (Intent.PEOPLE, "swansea")
    assert "Bev Edwards" in render_plain(reply)


def test_a_question_no_cue_reads_about_the_last_council_is_answered_from_its_sentences(
    ask: Ask,
) -> None:
    conversation = Conversation()
    ask("staffs", conversation)
    reply = ask("does it support the CAF", conversation)
    assert (reply.intent, reply.authority) == (Intent.OVERVIEW, "staffordshire")
    assert any("CAF" in quote for quote in reply.quotes)


def test_a_question_naming_no_council_in_a_conversation_is_put_to_its_council(ask: Ask) -> None:
    conversation = Conversation()
    ask("where is east riding up to", conversation)
    reply = ask("what are the team managers noticing?", conversation)
    assert (reply.intent, reply.authority) == (Intent.OVERVIEW, "east-riding-of-yorkshire")
    assert reply.quotes


@pytest.mark.parametrize(
    "question",
    [
        "what is the capital of france",
        "how is your day",
        "nice one",
        "how long have you been running",
    ],
)
def test_other_talk_in_a_conversation_about_a_council_is_not_put_to_it(
    ask: Ask, question: str
) -> None:
    conversation = Conversation()
    ask("tell me about east riding", conversation)
    reply = ask(question, conversation)
    assert (reply.intent, reply.authority) == (Intent.UNKNOWN, None)


@pytest.mark.parametrize(
    ("question", "council"),
    [
        ("whats happening in 2014", "suffolk"),
        # Lincolnshire's training ran from July to December 2013.
        ("anything happening in december 2013", "lincolnshire"),
    ],
)
def test_a_date_asked_is_in_the_milestones_span(ask: Ask, question: str, council: str) -> None:
    reply = ask(question)
    assert (reply.intent, reply.authority) == (Intent.EVENTS, None)
    assert council in reply.councils


def test_a_part_of_a_regions_name_filters_unless_a_council_holds_it(ask: Ask) -> None:
    listed = ask("any in yorkshire")
    assert (listed.intent, listed.councils) == (Intent.LIST, ("east-riding-of-yorkshire",))
    council = ask("any news on north yorkshire")
    assert council.authority is None
    assert "North Yorkshire" in render_plain(council)


def test_the_pages_own_words_reach_their_adopter_without_a_council(ask: Ask) -> None:
    reply = ask("what is the LCC vision")
    assert (reply.intent, reply.authority) == (Intent.OVERVIEW, "lincolnshire")
    assert reply.quotes[0].startswith("The LCC vision is")


def test_a_long_word_holding_a_shorter_ones_letters_is_no_misspelling_of_it() -> None:
    assert correct_spelling("communities") == "communities"
    assert correct_spelling("trainrs") == "trainers"
