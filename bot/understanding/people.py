"""People and roles in a question: "who is Tracey Hill?" (even "tracy hil"), "who chairs the
steering group?", "who is the project manager?". Pure and synchronous, linear in the message.

A person is found by their whole name as written, else by two words in a row that are within
a letter or two of a name on record (`rapidfuzz.fuzz.ratio`, each word keeping its first
letter, so "every hill" is nobody), else by a surname alone written with a capital or after a
title ("Dr Munro"): "hill" in a sentence is a hill.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

from rapidfuzz import fuzz, process

from bot.understanding.text import WORDS_REMEMBERED, Word, normalise, words
from knowledge.models import Authority, RoleKind

logger = logging.getLogger(__name__)

# How close two written words must be to a name on record (tuned on the question sets: "tracy
# hil" scores 90, "dave howe" 95, while no two ordinary words in them reach it).
NAME_CUTOFF = 84
# Words that put a surname after them: "Dr Munro", "Mr Howes".
_TITLES = frozenset("dr doctor mr mrs ms miss prof professor".split())
# The roles a question can ask about, by the words that ask: phrases of two words first.
ROLE_CUES: dict[RoleKind, tuple[str, ...]] = {
    "project-lead": (
        "project manager", "project managers", "project lead", "project leader", "project leads",
        "in charge", "leads it", "leading it", "heads it", "runs it", "running it", "leads",
        "leading", "heads", "head", "lead", "leader", "runs", "running", "pm",
    ),
    "chair": ("chair", "chairs", "chaired", "chairing", "chairman", "chairwoman",
              "chairperson", "steering group", "steering"),
    "social-worker": ("principal social worker", "social worker", "psw"),
    "director": ("director", "directors", "assistant director", "ad"),
    "consultant": ("consultant", "consultants"),
    "manager": ("service manager", "team manager", "team managers", "senior manager",
                "senior managers", "manager", "managers"),
}  # fmt: skip

# The words of those cues: words of this subject, never foreign to it ("steering group chair").
ROLE_WORDS = frozenset(word for cues in ROLE_CUES.values() for cue in cues for word in cue.split())


# Cues that say what someone does rather than name a role: "practice leads" are no project's.
_DOING = frozenset(
    "in charge/leads it/leading it/heads it/runs it/running it/leads/leading/heads/head/lead"
    "/leader/runs/running".split("/")
)


def role_asked(asked: Sequence[str], *, named_only: bool = False) -> RoleKind | None:
    """The role the words of a question ask about, if any: the longest cue wins, so "project
    manager" is the project's lead, not a manager. `named_only`: only a role's name counts
    ("the director"), not what someone does ("who leads")."""
    # "practice leads" are the practice's, not the project's: the word after "practice" is no cue.
    kept = [w for i, w in enumerate(asked) if not (i and asked[i - 1] == "practice")]
    text = f" {' '.join(kept)} "
    found = [
        (len(cue.split()), kind)
        for kind, cues in ROLE_CUES.items()
        for cue in cues
        if f" {cue} " in text and not (named_only and cue in _DOING)
    ]
    return max(found, key=lambda pair: pair[0])[1] if found else None


class PeopleIndex:
    """The people named in the records, found in what someone typed."""

    def __init__(self, authorities: Iterable[Authority]) -> None:
        self.names = {
            normalise(person.name): person.name
            for authority in authorities
            for person in (*authority.trainers, *authority.people)
        }
        self._keys = tuple(self.names)
        # The initials of each two-word name: a pair of words is compared only where both
        # initials fit one (a misspelling keeps a word's first letter), which spares nearly
        # every pair of an ordinary question the fuzzy comparison.
        self._initials = frozenset(
            (parts[0][0], parts[1][0])
            for parts in (key.split() for key in self._keys)
            if len(parts) == 2
        )
        # The nearest name depends on the pair of words alone: each pair is worked out once,
        # however many messages it comes in.
        self._near_pair: Callable[[str, str], str | None] = functools.lru_cache(
            maxsize=WORDS_REMEMBERED
        )(self._nearest_to)
        self._surnames: dict[str, str] = {}
        for key, name in self.names.items():
            self._surnames.setdefault(key.split()[-1], name)

    @property
    def reserved(self) -> frozenset[str]:
        """Every word of a name on record: never read as a town or a council."""
        return frozenset(word for key in self.names for word in key.split())

    def named(self, text: str, normalised: str | None = None) -> str | None:
        """The person on record `text` names, if any; `normalised`, its normalised form where
        the caller has it already."""
        return self.named_in(words(text, normalised))

    def named_in(self, written: Sequence[Word]) -> str | None:
        """The person on record the words of a message name, if any."""
        plain = [w.text for w in written]
        # A name written whole, or a surname alone, needs its surname among the words.
        surname = not self._surnames.keys().isdisjoint(plain)
        if surname:
            whole = f" {' '.join(plain)} "
            exact = next((name for key, name in self.names.items() if f" {key} " in whole), None)
            if exact is not None:
                return exact
        return self._near(plain) or (self._by_surname(written) if surname else None)

    def _near(self, plain: list[str]) -> str | None:
        for first, second in pairwise(plain):
            if (first[:1], second[:1]) not in self._initials:
                continue
            name = self._near_pair(first, second)
            if name is not None:
                return name
        return None

    def _nearest_to(self, first: str, second: str) -> str | None:
        """The person on record two words nearly name, with both their initials."""
        found = process.extractOne(
            f"{first} {second}",
            self._keys,
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=NAME_CUTOFF,
        )
        if found is None:
            return None
        key_words = found[0].split()
        if len(key_words) == 2 and (first[0], second[0]) == (key_words[0][0], key_words[1][0]):
            return self.names[found[0]]
        return None

    def _by_surname(self, written: Sequence[Word]) -> str | None:
        for i, word in enumerate(written):
            name = self._surnames.get(word.text)
            if name is not None and (word.capitalised or (i and written[i - 1].text in _TITLES)):
                return name
        return None
