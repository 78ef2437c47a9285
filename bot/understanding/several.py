"""Questions about several councils at once, or about the records as a whole through a filter:
an Ask the engine read is refined into a Compare ("Lincs vs Staffs?") or a Filtered ("anything
in Wales?")."""

from __future__ import annotations

import logging

from bot.understanding.councils import CouncilIndex, CouncilMatch
from bot.understanding.filters import FilterReader, is_comparing_progress
from bot.understanding.intents import COUNCIL_INTENTS, Intent
from bot.understanding.requests import Ask, Compare, Filtered, Request
from bot.understanding.text import Word
from bot.understanding.vocabulary import foreign_words
from knowledge.base import Knowledge

logger = logging.getLogger(__name__)

# Intents a question with no council may carry and still be a filter: "which are in Wales"
# (list), "how many are planning" (count), "what was on in July 2013" (events), "who's furthest
# along" (stage), and the questions no cue settled.
_FILTERABLE = frozenset(
    {
        *(Intent.LIST, Intent.COUNT, Intent.EVENTS, Intent.STAGE, Intent.PEOPLE),
        *(Intent.OVERVIEW, Intent.UNKNOWN),
    }
)

# Intents that "which is further along" between several councils turns into stage.
_PROGRESS = frozenset({Intent.OVERVIEW, Intent.PEOPLE, Intent.STAGE, Intent.UNKNOWN})


class Several:
    """Reads comparisons and filters over one Knowledge."""

    def __init__(self, knowledge: Knowledge, councils: CouncilIndex) -> None:
        self.knowledge = knowledge
        self.councils = councils
        self.filters = FilterReader(knowledge)

    def refine(self, ask: Ask, written: list[str]) -> tuple[Request, Intent]:
        """The request `ask` is once several councils or a filter are read in it, and its
        intent; `ask` itself where it names one council and no filter. `written`: the
        message's normalised words, where a nation's or region's name is looked for whole."""
        # Words foreign to the subject and its filters: looked for only where they decide.
        words = list(ask.words)
        # An adopter named is asked about, whatever region its name holds ("East Riding of
        # Yorkshire"); otherwise a region named may be the list asked for.
        place = (
            None
            if self._names_adopter(ask)
            else self.filters.read(written, region_parts=ask.council is None)
        )
        if place is not None and place.kind == "place" and not self._foreign(words):
            # "which councils are there in London": a region, not the council inside its name.
            intent = Intent.COUNT if "many" in written else Intent.LIST
            return Filtered(intent, place), intent
        if isinstance(ask.council, CouncilMatch):
            return self._about(ask, ask.council, words)
        if ask.council is not None or ask.intent not in _FILTERABLE:
            return ask, ask.intent
        found = self.filters.read(words)
        if found is None or self._foreign(words):
            return ask, ask.intent
        intent = Intent.COUNT if ask.intent is Intent.COUNT or "many" in words else Intent.LIST
        if found.kind == "date" and ask.intent in (Intent.EVENTS, Intent.OVERVIEW):
            intent = Intent.EVENTS  # "what happened in July 2013": the events then
        return Filtered(intent, found), intent

    def _foreign(self, words: list[str]) -> list[str]:
        return foreign_words(
            [w for w in words if not self.filters.knows(w)], self.councils.council_words
        )

    def _about(self, ask: Ask, first: CouncilMatch, words: list[str]) -> tuple[Request, Intent]:
        # "compare swansea and suffolk": no cue but the councils, and no word foreign to this.
        unread = ask.intent is Intent.UNKNOWN and not self._foreign(words)
        if ask.intent not in COUNCIL_INTENTS and not unread:
            return ask, ask.intent
        seen = {_code(first)}
        named = [first]
        others = (
            self.councils.find_all([Word(w, False) for w in words])
            if self.councils.may_name_a_council(words)
            else []
        )
        for match in others:
            if _code(match) not in seen:
                seen.add(_code(match))
                named.append(match)
        # The words before the first council's name keep their places among the others.
        named.sort(key=lambda match: match.start if match is not first else first.start - 0.5)
        if len(named) > 1:
            # "which was first": progress, unless the question is of events' dates.
            ahead = is_comparing_progress(words) and ask.intent in _PROGRESS
            intent = Intent.STAGE if ahead else ask.intent
            intent = Intent.OVERVIEW if intent is Intent.UNKNOWN else intent
            return Compare(intent, tuple(named)), intent
        authority = self.knowledge.authority_for_council(_code(first))
        if authority is None or unread:
            return ask, ask.intent
        person = self.filters.person(authority, words)
        if person is not None:
            return Filtered(Intent.LIST, person), Intent.LIST
        return ask, ask.intent

    def _names_adopter(self, ask: Ask) -> bool:
        council = ask.council
        return isinstance(council, CouncilMatch) and (
            self.knowledge.authority_for_council(_code(council)) is not None
        )


def _code(match: CouncilMatch) -> str:
    return (match.responsible or match.named).code
