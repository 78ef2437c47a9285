"""Reading a filter over the records out of a question: "anything in Wales?", "which are only
planning", "which ones cover early intervention", "what was on in July 2013", "who else does the
Lincolnshire consultant work with".

The cue table is built from the data: nations and regions from the councils register, stage
words from the stage values, services from the records' services (and the "… services" their
notes name), people's roles from the records; months and years are read by their shape. Phrases
are looked up word by word, at most three words long: linear in the message.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

from bot.understanding.requests import Filter
from bot.understanding.text import normalise
from knowledge.base import Knowledge
from knowledge.models import Authority, Milestone, Stage

logger = logging.getLogger(__name__)

# Words that ask for a list of councils rather than a fact about one.
_LISTING = frozenset(
    """
    which any anything anyone anybody who whos whose ones list name councils authorities
    adopters las what where others many
    """.split()
)
# "who has been at it longest", "who's furthest along", "who started first".
_FURTHEST = frozenset(
    """
    longest furthest farthest earliest ahead further farther
    """.split()
) | {"started first", "start first", "began first", "first to", "most advanced", "went first"}
# Stage words as people say them, from the stage values ("early-implementation").
# Beside several councils, these ask which is further along too.
_AHEAD = frozenset(
    """
    first longer earlier sooner older behind before more advanced less advanced further on
    """.split()
) | {"more advanced", "less advanced", "further on", "further ahead"}
# Words that compare councils ("difference between …"), asking nothing of their own.
COMPARING = frozenset(
    """
    compare compared comparing comparison versus vs against difference different differ differs
    similar same both either contrast
    """.split()
)
_STAGE_WORDS = {
    **{stage.value.replace("-", " "): stage for stage in Stage if stage is not Stage.IMPLEMENTING},
    "early stages": Stage.EARLY_IMPLEMENTATION,
    "starting": Stage.EARLY_IMPLEMENTATION,
    # "implementing" alone is the network's word for adopting the approach at all ("which
    # councils are implementing it": every one): the stage takes a word that sets it apart.
    **{
        f"{qualifier} {word}": Stage.IMPLEMENTING
        for qualifier in ("fully", "already", "properly", "now")
        for word in ("implementing", "implemented")
    },
    "implementing stage": Stage.IMPLEMENTING,
    "implementation stage": Stage.IMPLEMENTING,
}
# Words a service's name carries that tell no service apart.
_SERVICE_FILLER = frozenset(
    "services service and children s childrens care the of social work teams".split()
)
_NOTED_SERVICE = re.compile(r"\b(\w+) services\b")
# "who else does X's consultant work with": the person of a council, in others.
_OTHERS = frozenset({"else", "other", "others"})
_ROLE_WORDS = frozenset("consultant trainer trainers consultants lead manager".split())
_MONTHS = {
    month: number
    for number, month in enumerate(
        """january february march april may june july august september october november
        december""".split(),
        start=1,
    )
} | {"sept": 9, "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8}
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_LENGTH = 4


def stage_order(authority: Authority) -> tuple[int, str]:
    """How far along an adopter is: its stage's place in the stage values (furthest first),
    then its earliest milestone."""
    stages = list(Stage)
    first = min((m.when for m in authority.milestones), default="9999")
    return (-stages.index(authority.stage), first)


def _services(knowledge: Knowledge) -> dict[str, str]:
    """Each service phrase people may name, with the service's name as the records write it."""
    phrases: dict[str, str] = {}
    for authority in knowledge.authorities:
        for service in authority.services:
            core = _core(normalise(service).split())
            if core:
                phrases[_stem(core)] = service
        for note in authority.notes:
            for word in _NOTED_SERVICE.findall(normalise(note)):
                if word not in _SERVICE_FILLER:
                    phrases[_stem([word])] = f"{word} services"
    return phrases


def _places(knowledge: Knowledge) -> dict[str, tuple[str | None, str | None]]:
    """Nation and region names, each with the (nation, region) it filters on."""
    places: dict[str, tuple[str | None, str | None]] = {}
    for nation, regions in knowledge.regions().items():
        places[normalise(nation)] = (nation, None)
        for region in regions:
            if normalise(region) != normalise(nation):
                places[normalise(region)] = (nation, region)
    return places


def _region_parts(
    places: dict[str, tuple[str | None, str | None]],
) -> dict[str, tuple[str | None, str | None]]:
    """The parts of regions named "A and B" that people name alone: "anything in Yorkshire?"."""
    parts: dict[str, tuple[str | None, str | None]] = {}
    for name, place in places.items():
        if " and " not in name:
            continue
        for part in name.split(" and "):
            part = part.removeprefix("the ")
            if part not in places:
                parts[part] = place
    return parts


class FilterReader:
    """The filters one Knowledge can answer."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self._places = _places(knowledge)
        self._region_parts = _region_parts(self._places)
        self._services = _services(knowledge)
        self._service_table = _PhraseTable(self._services)
        # The words, plural or not, a service's phrase may begin with: a message with none of
        # them names no service, without stemming its words.
        starts = {phrase.split()[0] for phrase in self._services}
        self._service_starts = frozenset(starts | {f"{word}s" for word in starts})
        # Places and stage words, read together: the first in the message wins.
        self._place_or_stage = _PhraseTable([*self._places, *_STAGE_WORDS])
        self._place_part_or_stage = _PhraseTable(
            [*self._places, *self._region_parts, *_STAGE_WORDS]
        )
        # Every word a filter reads: not foreign to the subject, though the cue table lacks it.
        self.words = (
            frozenset(
                word
                for phrase in (*self._places, *self._services, *_STAGE_WORDS, *_FURTHEST, *_MONTHS)
                for word in phrase.split()
            )
            | _LISTING
            | _OTHERS
            | _ROLE_WORDS
            | _AHEAD
            | COMPARING
            | {"cover", "covers"}
        )

    def knows(self, word: str) -> bool:
        """Whether a filter reads `word` ("adults", "midlands"), singular or plural."""
        return word in self.words or _stem([word]) in self.words

    def read(self, words: Sequence[str], *, region_parts: bool = False) -> Filter | None:
        """The filter `words` (normalised, no council named) ask for, if they ask a list;
        `region_parts`: a part of a region's name counts ("Yorkshire"), where no council's
        name holds it ("North Yorkshire")."""
        present = set(words)
        if not present & _LISTING and "how" not in present:
            return None
        if is_furthest(words):
            return Filter("furthest", "")
        if (
            not self._service_starts.isdisjoint(" ".join(words).split())
            and (phrase := self._service_table.first(_stem(_core(words)).split())) is not None
        ):
            return Filter("service", phrase, service=self._services[phrase])
        table = self._place_part_or_stage if region_parts else self._place_or_stage
        if (phrase := table.first(words)) is not None:
            place = self._places.get(phrase) or self._region_parts.get(phrase)
            if place is not None:
                nation, region = place
                return Filter("place", f"{nation}|{region or ''}")
            return Filter("stage", _STAGE_WORDS[phrase].value)
        return self._date(words)

    def person(self, authority: Authority, words: Sequence[str]) -> Filter | None:
        """ "who else does the Lincolnshire consultant work with": the other adopters the
        council's person in that role works with."""
        if _OTHERS.isdisjoint(words) or _ROLE_WORDS.isdisjoint(words):
            return None
        roles = set(words) & _ROLE_WORDS
        for person in (*authority.trainers, *authority.people):
            if set(normalise(person.role).split()) & roles:
                return Filter("person", person.name, authority.id)
        return None

    @staticmethod
    def _date(words: Sequence[str]) -> Filter | None:
        for position, word in enumerate(words):
            if len(word) != _YEAR_LENGTH or not _YEAR.fullmatch(word):
                continue
            before = words[position - 1] if position else ""
            if before in _MONTHS:
                return Filter("date", f"{word}-{_MONTHS[before]:02d}")
            return Filter("date", word)
        return None


def is_furthest(words: Sequence[str]) -> bool:
    """Whether the words ask who is furthest along: "who started first", "at it longest"."""
    return _FURTHEST_PHRASES.first(words) is not None


def is_comparing_progress(words: Sequence[str]) -> bool:
    """Whether words beside several councils ask which is further along: "which was first",
    "who is more advanced", "who's been doing it longer"."""
    return is_furthest(words) or _AHEAD_PHRASES.first(words) is not None


class _PhraseTable:
    """Phrases of a few words, found in a message word by word: a word that begins none is
    passed over, and one that does is joined only to the lengths of the phrases it begins."""

    def __init__(self, phrases: Iterable[str]) -> None:
        sizes: dict[str, set[int]] = defaultdict(set)
        for phrase in phrases:
            parts = phrase.split()
            sizes[parts[0]].add(len(parts))
        self._phrases = frozenset(phrases)
        self._sizes = {word: sorted(lengths, reverse=True) for word, lengths in sizes.items()}

    def first(self, words: Sequence[str]) -> str | None:
        """The first phrase of the table in `words`, the longest where several begin there."""
        # Most messages hold no word a phrase begins with, which one set operation tells.
        if self._sizes.keys().isdisjoint(words):
            return None
        for start, word in enumerate(words):
            for size in self._sizes.get(word, ()):
                phrase = word if size == 1 else " ".join(words[start : start + size])
                if phrase in self._phrases:
                    return phrase
        return None


_FURTHEST_PHRASES = _PhraseTable(_FURTHEST)
_AHEAD_PHRASES = _PhraseTable(_AHEAD)


def matching(knowledge: Knowledge, found: Filter) -> tuple[Authority, ...]:
    """The adopters a filter leaves, in the order their reply lists them."""
    authorities = knowledge.authorities
    match found.kind:
        case "place":
            nation, region = found.value.split("|")
            return knowledge.authorities_in(nation, region or None)
        case "stage":
            return tuple(a for a in authorities if a.stage.value == found.value)
        case "service":
            return tuple(a for a in authorities if _covers(a, found.value))
        case "person":
            return tuple(
                a
                for a in authorities
                if a.id != found.beside
                and any(p.name == found.value for p in (*a.trainers, *a.people))
            )
        case "date":
            return tuple(
                a for a in authorities if any(dated_in(m, found.value) for m in a.milestones)
            )
        case _:
            return tuple(sorted(authorities, key=stage_order))


def dated_in(milestone: Milestone, value: str) -> bool:
    """Whether a milestone falls in a year or month ("2013", "2013-12"), or its span covers it
    (July to December 2013 is on in December 2013)."""
    until = milestone.until or milestone.when
    return milestone.when[: len(value)] <= value <= until[: len(value)]


def _stem(words: Sequence[str]) -> str:
    """Words without a plural's "s": "early years" and "early year" are one service."""
    return " ".join(w[:-1] if w.endswith("s") and len(w) > 3 else w for w in words)


def _core(words: Sequence[str]) -> list[str]:
    return [w for w in words if w not in _SERVICE_FILLER]


def _covers(authority: Authority, phrase: str) -> bool:
    texts = [
        " ".join(_core(normalise(text).split())) for text in (*authority.services, *authority.notes)
    ]
    return any(f" {phrase}" in f" {_stem(text.split())}" for text in texts)
