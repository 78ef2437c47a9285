"""Normalising what people type: the words the engine compares."""

from __future__ import annotations

import pytest

from bot.understanding.text import Word, normalise, unanswered_key, words
from tests.conftest import Ask

# Invisible format characters (Unicode category Cf) that copy-and-paste leaves inside words.
INVISIBLE = {
    "zero-width space": "\u200b",
    "zero-width joiner": "\u200d",
    "zero-width non-joiner": "\u200c",
    "soft hyphen": "\u00ad",
    "word joiner": "\u2060",
    "left-to-right mark": "\u200e",
    "byte order mark": "\ufeff",
}


@pytest.mark.parametrize("character", INVISIBLE.values(), ids=list(INVISIBLE))
def test_an_invisible_format_character_inside_a_word_is_dropped(character: str) -> None:
    assert normalise(f"Suf{character}folk{character}’s Stage") == "suffolk stage"


@pytest.mark.parametrize("character", INVISIBLE.values(), ids=list(INVISIBLE))
def test_a_word_split_by_an_invisible_character_keeps_its_capital(character: str) -> None:
    assert words(f"Rea{character}ding is{character} near") == [
        Word("reading", True),
        Word("is", False),
        Word("near", False),
    ]


@pytest.mark.parametrize("character", INVISIBLE.values(), ids=list(INVISIBLE))
def test_a_council_name_with_an_invisible_character_is_recognised(ask: Ask, character: str) -> None:
    reply = ask(f"what stage is Suf{character}folk at?")
    assert reply.authority == "suffolk"


def test_an_everyday_word_that_names_a_council_counts_only_with_a_capital_however_written(
    ask: Ask,
) -> None:
    assert ask("Rea\u200bding").council == "Reading Borough Council"
    assert ask("rea\u200bding the guidance").council is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ynys MÔN", "ynys mon"),
        ("Suffolk’s trainers", "suffolk trainers"),
        ("Brighton & Hove", "brighton and hove"),
        ("don't stop", "dont stop"),
        ("a_b--c", "a b c"),
    ],
)
def test_normalising_keeps_what_it_kept_before(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("O’Neill's Bury", [Word("oneill", True), Word("bury", True)]),
        ("Vale_of Glamorgan", [Word("vale", True), Word("of", False), Word("glamorgan", True)]),
        ("it's Reading", [Word("it", False), Word("reading", True)]),
        ("Brighton''s Hove", [Word("brightons", True), Word("hove", True)]),
        ("Ynys Môn", [Word("ynys", True), Word("mon", True)]),
    ],
)
def test_each_word_is_marked_capitalised_as_written(text: str, expected: list[Word]) -> None:
    assert words(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Ελλάδα’s", "Москва", "東京 council", "Straße", "🙂 Suffolk!", "Ynys Môn", "١٢٣", "ǅemal"],
)
def test_normalised_text_is_ascii_words_as_the_cue_patterns_assume(text: str) -> None:
    """The cue patterns run on re2, whose \\b and \\w are ASCII: they see what Python's would."""
    normalised = normalise(text)
    assert normalised.isascii()
    assert all(word.isalnum() and word == word.lower() for word in normalised.split())


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Who TRAINS Suffolk's staff?", "who trains suffolk staff"),
        ("ref 1234567", "ref #"),
        ("in 2014", "in 2014"),
        ("word " * 100, ("word " * 40).strip()),
    ],
)
def test_unanswered_questions_are_kept_normalised_masked_and_short(
    text: str, expected: str
) -> None:
    assert unanswered_key(text) == expected
