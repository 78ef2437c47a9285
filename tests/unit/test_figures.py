"""Figures and durations as asked: the figure a question counts, with its unit and its quote,
not another of the council's figures; "until when" a dated milestone."""

from __future__ import annotations

import pytest

from bot.replies.render import render_plain
from bot.understanding.figures import content_words, rank_figures
from bot.understanding.vocabulary import STOPWORDS, is_known
from knowledge.base import Knowledge
from knowledge.models import Figure
from tests.conftest import Ask


def _figure(value: int, keywords: tuple[str, ...], unit: str | None = None) -> Figure:
    return Figure(value=value, unit=unit, what="w", keywords=keywords, quote="q")


CHAMPIONS = _figure(10, ("champion", "champions"))
LEADS = _figure(30, ("lead", "leads"))
COURSE = _figure(5, ("residential", "course"), unit="days")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how many leads on top of the champions", (LEADS,)),
        ("how many champions besides the leads", (CHAMPIONS,)),
        ("how many days is the residential", (COURSE,)),
        ("how many practice champions went on the residential", (CHAMPIONS,)),
        ("how long is the course", (COURSE,)),
        ("until when does the consultant support them", ()),
        ("how many things", ()),
    ],
)
def test_the_figure_a_question_counts_ranks_first(
    question: str, expected: tuple[Figure, ...]
) -> None:
    assert rank_figures((CHAMPIONS, LEADS, COURSE), question.split()) == expected


def test_content_words_drop_small_and_common_words_and_plurals() -> None:
    asked = "until when does the consultant support them".split()
    assert content_words(asked, STOPWORDS) == {
        "consultant",
        "support",
    }


@pytest.mark.parametrize(
    ("text", "authority", "said", "not_said"),
    [
        ("how many days is the residential in lincolnshire", "lincolnshire", "5 days", "30 "),
        ("how many leads on top of the champions in lincs", "lincolnshire", "30 practice", "10 "),
        ("how long is the lincolnshire residential course", "lincolnshire", "5 days", "30 "),
        ("until when does the consultant support lincs", "lincolnshire", "into 2014", "5 days"),
        ("how many practice leaders went on the residency from swansea", "swansea", "15", "2 days"),
        ("how many days was swansea's residency", "swansea", "5 days", "2 days"),
        ("how many days of intro training in east riding", "east-riding-of-yorkshire", "2 days",
         "1 day"),
        ("how many staff will staffordshire train", "staffordshire", "350", "days"),
    ],
)  # fmt: skip
def test_a_figure_question_gets_the_figure_asked_with_its_unit_not_another(
    ask: Ask, text: str, authority: str, said: str, not_said: str
) -> None:
    reply = ask(text)
    answer = render_plain(reply.model_copy(update={"citation": None})).split("The source says")[0]
    assert (reply.intent, reply.authority) == ("count", authority)
    assert said in answer
    assert not_said not in answer


def test_every_figure_with_a_unit_is_quoted_in_the_answer(ask: Ask, knowledge: Knowledge) -> None:
    residential = next(
        f for a in knowledge.authorities if a.id == "lincolnshire" for f in a.figures if f.unit
    )
    assert residential.quote in render_plain(ask("how many days is lincolnshire's residential"))


@pytest.mark.parametrize("word", ["days", "weeks", "intro", "introduction", "steering", "chair"])
def test_words_asking_for_figures_and_roles_are_words_of_the_subject(word: str) -> None:
    assert is_known(word)


def test_a_length_of_time_about_no_council_is_refused_not_the_network_count(ask: Ask) -> None:
    assert ask("how long is a piece of string").intent == "unknown"
