"""Which of a council's figures a question asks for: "how many leads on top of the champions"
is the leads, "how many days is the residential" the residential's length. Pure, linear."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from knowledge.models import Figure

logger = logging.getLogger(__name__)

# Words after which a question names what it counts: "how many leads", "number of staff".
_COUNTING = frozenset("many meny mny manny much".split())
_NUMBER = frozenset("number no nr num".split())
# How many words after those name the thing counted ("how many practice champions").
_COUNTED_WORDS = 2
_TIME_UNITS = frozenset("day week month year hour".split())
# Words that ask for a figure's unit or name a course the records count: words of this subject.
FIGURE_WORDS = frozenset(
    "day days week weeks month months year years hour hours intro introduction introductory"
    " overviews".split()
)
# Words asking for an end: "until when", "when will … end", answered by a dated milestone, not a
# figure.
_UNTIL = frozenset("until till til untill".split())
_ENDING = frozenset("end ends finish finishes finished over stop stops complete completed".split())
# Shorter words are seldom the substance of a question; nor are these.
_SUBSTANTIAL = 4
_POINTERS = frozenset("them they their theirs this that these those there".split())


def _stem(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > _SUBSTANTIAL - 1 else word


def asks_until(words: Sequence[str]) -> bool:
    return not _UNTIL.isdisjoint(words) or ("when" in words and not _ENDING.isdisjoint(words))


def asks_duration(words: Sequence[str]) -> bool:
    """Whether a question asks how long or until when."""
    return asks_until(words) or "long" in words


def content_words(words: Iterable[str], everyday: frozenset[str]) -> frozenset[str]:
    """The words of substance (not `everyday` ones), each without a plural's s: "supports" →
    support."""
    return frozenset(
        _stem(word)
        for word in words
        if len(word) >= _SUBSTANTIAL and word not in everyday and word not in _POINTERS
    )


def _counted(words: Sequence[str]) -> frozenset[str]:
    """The words naming what a question counts: those after "how many" or "number of"."""
    for i, word in enumerate(words):
        if word in _COUNTING or (word == "of" and i and words[i - 1] in _NUMBER):
            return frozenset(_stem(w) for w in words[i + 1 : i + 1 + _COUNTED_WORDS])
    return frozenset()


def rank_figures(figures: Sequence[Figure], words: Sequence[str]) -> tuple[Figure, ...]:
    """The figures that fit the question best (several where they fit it equally); none where
    no keyword or unit of any is asked about, or where it asks until when."""
    if asks_until(words):
        return ()
    asked = frozenset(_stem(word) for word in words)
    counted = _counted(words)
    about_time = "long" in asked or not asked.isdisjoint(_TIME_UNITS)

    def score(figure: Figure) -> int:
        keys = {_stem(part) for keyword in figure.keywords for part in keyword.split()}
        unit = _stem(figure.unit) if figure.unit else None
        points = 2 * len(asked & keys)
        if counted & (keys | {unit}):
            points += 3
        if points and about_time and unit in _TIME_UNITS:
            points += 1
        return points

    scores = [score(figure) for figure in figures]
    best = max(scores, default=0)
    return tuple(f for f, points in zip(figures, scores, strict=True) if points == best and best)
