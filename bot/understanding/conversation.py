"""A chat's conversation context: what its previous turns were about, and the words of a
message that point back at them."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.understanding.intents import Intent
from bot.understanding.people import ROLE_WORDS
from bot.understanding.vocabulary import DOMAIN_WORDS, STOPWORDS

logger = logging.getLogger(__name__)

# "and Suffolk?", "what about staffs": the same question about another council.
FOLLOW_UP = re.compile(r"^(?:and|what about|how about|same for|also|ok and|then|what of)\b")
# "stop that", "who trains them": words that point back at the previous turn.
PRONOUN = re.compile(r"\b(?:them|they|their|it|its|there|that|those|this)\b")
# Words of this subject that name no one and nothing of a council's ("the same", "the uk").
_NOT_OF_A_COUNCIL = frozenset(
    """
    it its that their them these they this those one ones same else along already far latest
    still today yet uk wales welsh england scotland region network information running runs
    """.split()
)
# The people and things of a council: "the team managers", "the families", "the plan".
_OF_A_COUNCIL = (DOMAIN_WORDS | ROLE_WORDS) - STOPWORDS - _NOT_OF_A_COUNCIL
# How many words after "the" its noun may come: "the senior team managers".
_NOUN_REACH = 3


@dataclass
class Conversation:
    """What the previous turns were about, so that "who trains them?" can be answered. Read by
    the engine; changed only by bot.actions.conversation."""

    intent: Intent | None = None
    council_code: str | None = None


def points_back(whole: str, rest: Sequence[str]) -> bool:
    """Whether a message (`whole` normalised; `rest`, its words outside any council's name)
    means the previous turn's council: "and Suffolk?", "who trains them", or the people or
    things of a council named with "the" ("what are the team managers noticing?")."""
    if FOLLOW_UP.match(whole) or PRONOUN.search(" ".join(rest)):
        return True
    return any(
        word == "the" and not _OF_A_COUNCIL.isdisjoint(rest[at + 1 : at + 1 + _NOUN_REACH])
        for at, word in enumerate(rest)
    )
