"""Reading what a message asks, however it is written: text-speak, words run together, capitals,
no punctuation, an introduction before the question; and refusing what only shares words with
this subject. The cue table is the one source of the patterns and the vocabulary."""

from __future__ import annotations

import pytest
import re2

from bot.understanding import vocabulary
from bot.understanding.cues import CUES, compile_cue, cue_words, every_cue
from bot.understanding.engine import Engine
from bot.understanding.intents import Intent, classify
from bot.understanding.text import normalise

SUFFOLK, LINCS, STAFFS, SWANSEA = "SFK", "LIN", "STS", "SWA"


def _read(engine: Engine, text: str) -> tuple[Intent, str | None]:
    understanding = engine.understand(text)
    council = understanding.council
    code = None
    if council is not None and hasattr(council, "named"):
        code = (council.responsible or council.named).code
    return understanding.intent, code


@pytest.mark.parametrize(
    ("text", "intent", "council"),
    [
        ("wat stage r suffolk at", Intent.STAGE, SUFFOLK),
        ("hw far along r lincs", Intent.STAGE, LINCS),
        ("wen is the nxt staffs training", Intent.EVENTS, STAFFS),
        ("whos the trainer 4 swansea plz", Intent.TRAINERS, SWANSEA),
        ("wat events r on in suffolk thx", Intent.EVENTS, SUFFOLK),
        ("WHAT STAGE IS LINCOLNSHIRE AT", Intent.STAGE, LINCS),
        ("WHO TRAINS STAFFORDSHIRE", Intent.TRAINERS, STAFFS),
        ("who trains swansea", Intent.TRAINERS, SWANSEA),
        ("whotrains suffolk", Intent.TRAINERS, SUFFOLK),
        ("whatstage is lincs at", Intent.STAGE, LINCS),
        ("wholeads the work in staffs", Intent.PEOPLE, STAFFS),
        ("um so like who is it that trains the staff in swansea then", Intent.TRAINERS, SWANSEA),
    ],
)
def test_messy_writing_is_read_as_the_question_it_is(
    engine: Engine, text: str, intent: Intent, council: str
) -> None:
    assert _read(engine, text) == (intent, council)


@pytest.mark.parametrize(
    ("text", "intent", "council"),
    [
        (
            "Hi there. I've just started in a team in Ipswich and my manager mentioned it. "
            "Are we doing this?",
            Intent.STAGE,
            SUFFOLK,
        ),
        (
            "Hello! I'm a social worker, new to Lincolnshire after years elsewhere. "
            "Who trains our council?",
            Intent.TRAINERS,
            LINCS,
        ),
        (
            "Our team in Staffordshire had a meeting today about next year. When is the training?",
            Intent.EVENTS,
            STAFFS,
        ),
        ("Who trains Swansea? Thanks so much, you've been a great help.", Intent.TRAINERS, SWANSEA),
    ],
)
def test_the_question_after_an_introduction_is_read_about_the_council_it_names(
    engine: Engine, text: str, intent: Intent, council: str
) -> None:
    assert _read(engine, text) == (intent, council)


@pytest.mark.parametrize(
    "text",
    [
        "signs of dehydration",
        "health and safety signs",
        "stage lighting hire",
        "stage lighting hire in Suffolk",
        "rail fares to Stafford",
        "parking permits in Lincoln",
        "fostering in Suffolk",
        "what are the symptoms of dehydration in Swansea",
        "concert tickets for events in Staffordshire",
        "I need parking permits. What stage is the application at in Lincs?",
    ],
)
def test_a_question_that_only_shares_words_with_this_subject_is_refused(
    engine: Engine, text: str
) -> None:
    assert _read(engine, text) == (Intent.UNKNOWN, None)


@pytest.mark.parametrize(
    ("word", "pieces"),
    [
        ("whotrains", ("who", "trains")),
        ("whatstage", ("what", "stage")),
        ("eventsinsuffolk", ("events", "in", "suffolk")),
        ("together", None),  # only little words: "to get her" says nothing
        ("station", None),  # fragments of council names are no words
        ("dehydration", None),
        ("trainers", None),  # a known word is left whole
    ],
)
def test_run_together_words_are_split_into_known_words_only(
    word: str, pieces: tuple[str, ...] | None
) -> None:
    assert vocabulary.split_run_together(word, frozenset({"suffolk"})) == pieces


def test_a_run_too_long_to_be_typed_words_is_not_split() -> None:
    assert vocabulary.split_run_together("whotrains" * 10, frozenset()) is None


def test_every_cue_compiles_for_re2() -> None:
    for cue in every_cue():
        re2.compile(compile_cue(cue))


def test_every_word_of_a_cue_is_a_known_word() -> None:
    words = {word for cue in every_cue() for word in cue_words(cue)}
    assert words - vocabulary.KNOWN_WORDS == set()


@pytest.mark.parametrize(
    ("cue", "matches", "misses"),
    [
        ("stop ... remind*", "please stop all the reminders", "remind me to stop"),
        ("^ please? stop that? $", "please stop", "please stop the bus"),
        ("keep me posted/in+the+loop", "keep me in the loop", "keep me in loop"),
        ("what do you _? know", "what do you actually know", "what do you two really know"),
    ],
)
def test_the_cue_notation_means_what_it_says(cue: str, matches: str, misses: str) -> None:
    pattern = re2.compile(compile_cue(cue))
    assert pattern.search(matches) is not None
    assert pattern.search(misses) is None


@pytest.mark.parametrize(
    ("word", "mended"),
    [("trainrs", "trainers"), ("subscibe", "subscribe"), ("remnd", "remind"), ("evnts", "events")],
)
def test_misspelt_cue_words_are_mended_against_the_cue_table(word: str, mended: str) -> None:
    assert vocabulary.correct_spelling(word) == mended


def test_words_made_on_a_cue_stem_are_known_and_never_respelt() -> None:
    assert vocabulary.is_known("emailing")
    assert vocabulary.correct_spelling("emailing") == "emailing"


@pytest.mark.parametrize("intent", [i for i in Intent if i is not Intent.UNKNOWN])
def test_every_intent_but_unknown_has_cues(intent: Intent) -> None:
    assert CUES[intent].strong


@pytest.mark.parametrize(
    ("text", "shared"),
    [("stage lighting hire", True), ("what stage is it at", True), ("who trains them", False)],
)
def test_a_guess_says_whether_its_only_cues_are_words_other_subjects_use(
    text: str, shared: bool
) -> None:
    guess = classify(normalise(text))
    assert guess is not None
    assert guess.shared is shared
