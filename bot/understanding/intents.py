"""What a question asks for, from its words once the council's name is taken out.

Each intent has strong cues (a word that settles it: "trainer", "stage", "remind") and weak ones
(a word that leans: "who", "when", "using"). Scores add up, and ties go to the intent listed
first. A question whose only cues are weak and which also has words foreign to this subject
("who won the football", "when is the next bus to Lincoln") is off-topic: it is better to say
so than to answer about a council nobody asked about.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

import re2

from bot.understanding.cues import (
    ADDING_TO_MINE,
    CUES,
    NEGATION_IDIOMS,
    NEGATIONS,
    TRAILING_NEGATIONS,
    compile_cue,
)
from bot.understanding.cues import Intent as Intent  # where the rest of the bot finds it

logger = logging.getLogger(__name__)


# Intents whose answer is about one council.
COUNCIL_INTENTS = frozenset(
    {Intent.STAGE, Intent.TRAINERS, Intent.EVENTS, Intent.PEOPLE, Intent.OVERVIEW}
)


SUBSCRIPTION_INTENTS = frozenset({Intent.SUBSCRIBE, Intent.UNSUBSCRIBE, Intent.SUBSCRIPTIONS})


def _rx(cues: tuple[str, ...]) -> str:
    return "|".join(compile_cue(cue) for cue in cues)


# Cues such as "stop … reminders" span any words between, which Python's backtracking `re`
# retries from every "stop" of a long message (seconds for 4,096 characters); they run on re2,
# linear in the text by construction. Its `\b` and `\w` are ASCII, as is every normalised text
# (see bot.understanding.text.normalise).
_STRONG: dict[Intent, str] = {
    intent: _rx((*cues.strong, *cues.shared, *cues.fixed)) for intent, cues in CUES.items()
}
_WEAK: dict[Intent, str] = {intent: _rx(cues.weak) for intent, cues in CUES.items() if cues.weak}
# The strong cues that only this subject uses ("stage lighting" has none).
_OWN: dict[Intent, str] = {
    intent: _rx((*cues.strong, *cues.fixed)) for intent, cues in CUES.items()
}

_PRECEDENCE = tuple(CUES)
_WHO = ("who ", "whom ")
_PRACTICE_ROLES = re.compile(r"\bpractice (?:leaders?|leads?)\b")


# Each pattern by its kind and intent: "strong" and "weak" ones are counted, and whether any
# "own" one matches says whether the strong cues found are only words other subjects use too.
_CueKey = tuple[str, Intent]


class _CueCounter:
    """How many times each of several patterns matches a normalised text, in time linear in it.

    One pass of a re2 Set finds the few patterns that match at all, and only those are counted
    (an "own" pattern is only said to match, once). The text goes in as bytes: it is ASCII, and
    re2's wrapper maps no offsets back for bytes.
    """

    def __init__(self, patterns: Mapping[_CueKey, str]) -> None:
        self._keys = list(patterns)
        self._counters = [re2.compile(pattern.encode()) for pattern in patterns.values()]
        self._any = re2.Set.SearchSet()
        for pattern in patterns.values():
            self._any.Add(pattern.encode())
        self._any.Compile()

    def counts(self, text: str) -> tuple[dict[Intent, int], dict[Intent, int], bool]:
        """How many times each intent's strong and weak cues match, and whether any own cue
        does."""
        data = text.encode()
        strong: dict[Intent, int] = {}
        weak: dict[Intent, int] = {}
        own = False
        for index in self._any.Match(data) or ():
            kind, intent = self._keys[index]
            if kind == "own":
                own = True
                continue
            hits = sum(1 for _ in self._counters[index].finditer(data))
            (strong if kind == "strong" else weak)[intent] = hits
        return strong, weak, own


_CUES = _CueCounter(
    {
        **{("strong", intent): pattern for intent, pattern in _STRONG.items()},
        **{("weak", intent): pattern for intent, pattern in _WEAK.items()},
        **{("own", intent): pattern for intent, pattern in _OWN.items()},
    }
)


# One message's clauses and the words around its council are often weighed more than once
# (its focus, then with and without the network's intents): each text is counted once.
@functools.lru_cache(maxsize=256)
def _counts(text: str) -> tuple[dict[Intent, int], dict[Intent, int], bool]:
    return _CUES.counts(text)


# For reading a subscription's negations: where the first stopping and reminding cues are.
_STOPPING = re2.compile(_STRONG[Intent.UNSUBSCRIBE].encode())
_REMINDING = re2.compile(_rx(CUES[Intent.SUBSCRIBE].strong).encode())
_NEVER_TURNED = re2.compile(_rx(CUES[Intent.SUBSCRIBE].fixed).encode())
_ADDING_TO_MINE = re2.compile(compile_cue(ADDING_TO_MINE).encode())
# How many words before a cue a negation still turns it round: "I really don't want to be
# reminded" (four), not "I don't know who trains them but remind me" (seven).
_NEGATION_REACH = 5

# A strong cue counts 2, but some words settle a question on their own: asking to be reminded
# is about reminders however many event words come with it, and "consultant" names trainers
# even in a sentence full of practice leaders and champions.
_WEIGHT = {
    Intent.UNSUBSCRIBE: 10,
    Intent.SUBSCRIPTIONS: 10,
    Intent.SUBSCRIBE: 10,
    Intent.TRAINERS: 3,
    Intent.COUNT: 4,
}


# Each intent's place in the order of precedence: on equal scores the first listed wins.
_RANK = {intent: rank for rank, intent in enumerate(_PRECEDENCE)}


@dataclass(frozen=True, slots=True)
class IntentGuess:
    intent: Intent
    score: int
    strong: bool
    # Whether every strong cue found is a word other subjects use too ("stage", "events").
    shared: bool = False


def classify(text: str, exclude: frozenset[Intent] = frozenset()) -> IntentGuess | None:
    """The best-supported intent of normalised `text`, or None when nothing points anywhere.
    Between subscribing and unsubscribing, its negations decide (`polarity`)."""
    # Practice leaders are practitioners: "who do the practice leaders work with" asks for no
    # one who leads.
    if "practice" in text:
        text = _PRACTICE_ROLES.sub("practitioners", text)
    strong, weak, own = _counts(text)
    scores = {
        intent: _WEIGHT.get(intent, 2) * strong.get(intent, 0) + weak.get(intent, 0)
        for intent in strong.keys() | weak.keys()
        if intent not in exclude
    }
    if not scores:
        return None
    intent = max(scores, key=lambda candidate: (scores[candidate], -_RANK[candidate]))
    score, settled = scores[intent], intent in strong
    if intent is Intent.EVENTS and text.startswith(_WHO) and Intent.PEOPLE not in exclude:
        # "who went to the conference": a date answers no question of who.
        intent = Intent.PEOPLE
    if intent is Intent.SUBSCRIPTIONS and _ADDING_TO_MINE.search(text.encode()) is not None:
        intent = Intent.SUBSCRIBE  # "add East Riding to my alerts"
    if intent in (Intent.SUBSCRIBE, Intent.UNSUBSCRIBE):
        return IntentGuess(polarity(text), score, settled)
    return IntentGuess(intent, score, settled, settled and not own)


def _negated(words: list[str], at: int, trailing: bool) -> bool:
    """Whether the word at `at` is turned round by the negations just before it (and in it),
    or, where `trailing`, by one just after it ("reminders no longer needed"): an odd number
    of them. "Not sure", "no idea" negate something else, and a "no" before another negation
    answers ("no, don't stop")."""
    window = words[max(0, at - _NEGATION_REACH) : at + 1]
    negations = sum(
        1
        for word, after in zip(window, [*window[1:], ""], strict=True)
        if word in NEGATIONS
        and after not in NEGATION_IDIOMS
        and not (word == "no" and after in NEGATIONS)
    )
    following = f" {' '.join(words[at + 1 : at + 1 + _NEGATION_REACH])} "
    if trailing:
        negations += sum(1 for phrase in TRAILING_NEGATIONS if f" {phrase} " in following)
    return negations % 2 == 1


def polarity(text: str) -> Intent:
    """Whether normalised `text` asks for reminders or for them to end, read with its
    negations: the first cue of stopping ("stop", "mute", "enough of the alerts") decides, or
    else the first cue of reminding, each turned round by a negation just before it ("don't
    stop the alerts", "no more reminders", "I don't want these any more"). Missing events is
    what reminders prevent, negated or not ("don't let me miss them")."""
    data = text.encode()
    found = _STOPPING.search(data)
    wanted = Intent.UNSUBSCRIBE
    if found is None:
        if _NEVER_TURNED.search(data) is not None:
            return Intent.SUBSCRIBE
        found = _REMINDING.search(data)
        wanted = Intent.SUBSCRIBE
    if found is None:
        return Intent.SUBSCRIBE
    at = data[: found.start()].count(b" ")
    # "Enough of the alerts, no more": a trailing negation only turns a wish round.
    if not _negated(text.split(), at, trailing=wanted is Intent.SUBSCRIBE):
        return wanted
    return Intent.SUBSCRIBE if wanted is Intent.UNSUBSCRIBE else Intent.UNSUBSCRIBE
