"""Turning what people type into comparable words.

Questions arrive in any case, with accents ("Môn"), curly apostrophes, emoji and punctuation.
Everything the engine compares goes through `normalise`, so the council index and the question
agree on what a word is.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

logger = logging.getLogger(__name__)

_POSSESSIVE = re.compile(r"(?<=\w)['’‘`]s\b")
_APOSTROPHE = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^0-9a-z]+")
# A word as written, apostrophes within it included: one repeat of single characters, which no
# message can make backtrack (tests/test_understanding_speed.py checks every pattern here).
_RAW_WORD = re.compile(r"[^\W_](?:[^\W_]|['’‘`])*")
# Long digit runs in a question are phone numbers or reference numbers, never the question.
_LONG_NUMBER = re.compile(r"\d{5,}")
# A pasted essay is not a question; its first words are enough to see what was asked.
_UNANSWERED_MAX_CHARS = 200


def _visible(text: str) -> str:
    """`text` without invisible format characters (Unicode category Cf: zero-width spaces and
    joiners, soft hyphens, direction marks), which copy-and-paste leaves inside names."""
    if text.isascii():
        return text
    return "".join(char for char in text if unicodedata.category(char) != "Cf")


def _fold(text: str) -> str:
    """NFKC, casefold, accents dropped: "Ynys MÔN" → "ynys mon"."""
    if text.isascii():
        # Most questions: nothing to compose or strip, and casefold is lower.
        return text.lower()
    folded = unicodedata.normalize("NFKC", _visible(text)).casefold()
    decomposed = unicodedata.normalize("NFKD", folded)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def normalise(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; possessives and symbols dropped."""
    folded = _fold(text).replace("&", " and ")
    folded = _APOSTROPHE.sub("", _POSSESSIVE.sub("", folded))
    return " ".join(_NOT_WORD.sub(" ", folded).split())


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a question: its normalised form and whether it was written with a capital."""

    text: str
    capitalised: bool


def words(text: str, normalised: str | None = None) -> list[Word]:
    """The question's words in order, normalised, each marked if it was written with a
    capital (any of its spellings in the question was). `normalised`: `normalise(text)`, where
    the caller has it already."""
    capitalised = {
        part
        for raw in _RAW_WORD.findall(unicodedata.normalize("NFKC", _visible(text)))
        if raw[:1].isupper()
        for part in normalise(raw).split()
    }
    whole = normalise(text) if normalised is None else normalised
    return [Word(part, part in capitalised) for part in whole.split()]


def shorten(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with an ellipsis if it is longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def unanswered_key(text: str) -> str:
    """How an unanswered question is kept: normalised, long numbers masked, shortened."""
    masked = _LONG_NUMBER.sub("#", normalise(text))
    if len(masked) <= _UNANSWERED_MAX_CHARS:
        return masked
    # Cut at a word boundary, so no half word is counted as a different question.
    return masked[: _UNANSWERED_MAX_CHARS + 1].rsplit(" ", 1)[0]
