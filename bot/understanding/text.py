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
from typing import NamedTuple

logger = logging.getLogger(__name__)

_POSSESSIVE = re.compile(r"(?<=\w)['’‘`]s\b")
_APOSTROPHE = re.compile(r"['’‘`]")
_WORD = re.compile(r"[0-9a-z]+")
# A word as written, apostrophes within it included: one repeat of single characters, which no
# message can make backtrack (tests/test_understanding_speed.py checks every pattern here).
_RAW_WORD = re.compile(r"[^\W_](?:[^\W_]|['’‘`])*")
# Long digit runs in a question are phone numbers or reference numbers, never the question.
_LONG_NUMBER = re.compile(r"\d{5,}")
# A pasted essay is not a question; its first words are enough to see what was asked.
_UNANSWERED_MAX_CHARS = 200
# How many words' (or pairs of words') readings each cache of a per-word reading remembers.
WORDS_REMEMBERED = 8192


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
    if not folded.isascii():
        folded = _APOSTROPHE.sub("", _POSSESSIVE.sub("", folded))
    # Most questions have no apostrophe, and few a possessive, to look for (the curly
    # apostrophes are not ASCII).
    elif "'" in folded or "`" in folded:
        if "'s" in folded or "`s" in folded:
            folded = _POSSESSIVE.sub("", folded)
        folded = folded.replace("'", "").replace("`", "")
    return " ".join(_WORD.findall(folded))


class Word(NamedTuple):
    """A word of a question: its normalised form and whether it was written with a capital.
    (A tuple: a question makes dozens, and a tuple is several times quicker to make than a
    frozen dataclass.)"""

    text: str
    capitalised: bool


def _capitalised(text: str) -> set[str]:
    """The normalised words of `text` that are written with a capital somewhere in it."""
    found: set[str] = set()
    # Messages typed all in small letters (most) have no capital to look for, and nor has a
    # run between spaces in small letters (which no word runs across).
    if text.islower():
        return found
    composed = text if text.isascii() else unicodedata.normalize("NFKC", _visible(text))
    for run in composed.split():
        if run.islower():
            continue
        for raw in (run,) if run.isalpha() else _RAW_WORD.findall(run):
            if raw[:1].isupper():
                # A plain word is its own lower case: most are, and need no normalising.
                plain = raw.isascii() and raw.isalpha()
                found.update((raw.lower() if plain else normalise(raw)).split())
    return found


def words(text: str, normalised: str | None = None) -> list[Word]:
    """The question's words in order, normalised, each marked if it was written with a
    capital (any of its spellings in the question was). `normalised`: `normalise(text)`, where
    the caller has it already."""
    capitalised = _capitalised(text)
    whole = normalise(text) if normalised is None else normalised
    # tuple.__new__ is what Word() calls, without the Python-level call around it.
    return [tuple.__new__(Word, (part, part in capitalised)) for part in whole.split()]


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


# What ends a sentence of a message (kept by the split, which tells a question by its "?").
_SENTENCE_END = re.compile(r"([.?!;\n]+)")
# A full stop after a word this short, before a small letter, is an abbreviation: "no. of".
_ABBREVIATION_LETTERS = 3


@dataclass(frozen=True, slots=True)
class Clause:
    """A sentence of a message as written, its words (`words`), and whether it is a question
    (ends with "?")."""

    written: str
    words: tuple[Word, ...]
    asks: bool


def clauses(text: str, normalised_text: str | None = None) -> list[Clause]:
    """The sentences of `text` that have a word in them. A piece that goes on in small letters
    after a short word ("total no. of authorities") is the same sentence. `normalised_text`:
    `normalise(text)`, where the caller has it already."""
    found: list[Clause] = []
    parts = _SENTENCE_END.split(text)
    # One sentence, with or without its end (most messages): its words are the message's, as
    # what ends a sentence is no letter of a word.
    whole = normalised_text if len(parts) == 1 or (len(parts) == 3 and not parts[2]) else None
    for index, (piece, end) in enumerate(zip(parts[::2], [*parts[1::2], ""], strict=True)):
        normalised = whole if whole is not None and index == 0 else normalise(piece)
        if not normalised:
            continue
        asks = "?" in end
        last = found[-1].words[-1].text if found else ""
        if found and len(last) <= _ABBREVIATION_LETTERS and piece.lstrip()[:1].islower():
            joined = f"{found[-1].written} {piece}"
            found[-1] = Clause(joined, (*found[-1].words, *words(piece, normalised)), asks)
        else:
            found.append(Clause(piece, tuple(words(piece, normalised)), asks))
    return found
