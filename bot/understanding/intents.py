"""What a question asks for, from its words once the council's name is taken out.

Each intent has strong cues (a word that settles it: "trainer", "stage", "remind") and weak ones
(a word that leans: "who", "when", "using"). Scores add up, and ties go to the intent listed
first. A question whose only cues are weak and which also has words foreign to this subject
("who won the football", "when is the next bus to Lincoln") is off-topic: it is better to say
so than to answer about a council nobody asked about.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import re2

logger = logging.getLogger(__name__)


class Intent(StrEnum):
    STAGE = "stage"
    TRAINERS = "trainers"
    EVENTS = "events"
    PEOPLE = "people"
    OVERVIEW = "overview"
    LIST = "list"
    COUNT = "count"
    ABOUT = "about"
    SUBSCRIBE = "subscribe"
    UNSUBSCRIBE = "unsubscribe"
    SUBSCRIPTIONS = "subscriptions"
    HELP = "help"
    UNKNOWN = "unknown"


# Intents whose answer is about one council.
COUNCIL_INTENTS = frozenset(
    {Intent.STAGE, Intent.TRAINERS, Intent.EVENTS, Intent.PEOPLE, Intent.OVERVIEW}
)


SUBSCRIPTION_INTENTS = frozenset({Intent.SUBSCRIBE, Intent.UNSUBSCRIBE, Intent.SUBSCRIPTIONS})


def _rx(*alternatives: str) -> str:
    return "|".join(rf"\b(?:{alternative})\b" for alternative in alternatives)


# In order of precedence: on equal scores the first listed wins. Cues such as "stop … reminders"
# span any words between, which Python's backtracking `re` retries from every "stop" of a long
# message (seconds for 4,096 characters); they run on re2, linear in the text by construction.
# Its `\b` and `\w` are ASCII, as is every normalised text (see bot.understanding.text.normalise).
_STRONG: dict[Intent, str] = {
    Intent.UNSUBSCRIBE: _rx(
        r"un ?subscribe\w*",
        r"unsub",
        r"stop\b.*\b(?:remind\w*|notif\w*|alert\w*|messag\w*|sending|updates?|subscri\w*|following)",
        r"no (?:more|longer)\b.*\b(?:remind\w*|notif\w*|updates?|alerts?)",
        r"cancel\b.*\b(?:remind\w*|subscri\w*|notif\w*|alerts?)",
        r"(?:dont|do not)\b.*\b(?:remind|notify|message|alert)\w*",
        r"turn off",
        r"unfollow",
        r"opt out",
        r"remove me",
        r"leave me alone",
        r"^(?:actually |please |ok |okay )?stop(?: that| it| this| them)?$",
    ),
    Intent.SUBSCRIPTIONS: _rx(
        r"(?:my|current|existing) (?:subscriptions?|reminders?|alerts?)",
        r"subscriptions",
        r"(?:am i|i am|im) (?:subscribed|signed up|following|getting)",
        r"subscribed to",
        r"what (?:am i|do i) (?:get|getting|receive)\w*",
        r"(?:what|which) (?:reminders|alerts|subscriptions)",
        r"set up\b.*\b(?:reminders?|alerts?)",
        r"(?:reminders?|alerts?)\b.*\bset up",
        r"(?:do i have|have i got)\b.*\b(?:reminders?|subscri\w*|alerts?)",
        r"(?:reminders?|subscriptions?|alerts?) do i (?:have|get)",
        r"my subs\w*",
        r"(?:have|did) i (?:signed|sign) up",
    ),
    Intent.SUBSCRIBE: _rx(
        r"subscri\w*",
        r"remind\w*",
        r"notif\w*",
        r"alert(?:s|ed)? me",
        r"keep me (?:posted|updated|informed|in the loop)",
        r"let me know",
        r"sign me up",
        r"follow",
        r"ping me",
        r"message me",
    ),
    Intent.COUNT: _rx(
        r"how (?:many|meny|mny|manny)", r"number of", r"how much", r"count", r"total", r"figures?"
    ),
    Intent.LIST: _rx(
        r"(?:which|wich|whch|what|list|name|show|all|every)\b.*\b(?:councils?|authorit(?:y|ies)|las"
        r"|adopters|areas|places|counties|ones|local authorities)",
        r"list\w*",
        r"who (?:else )?(?:is|are|has|have)\b.*\b(?:implement\w*|using|adopt\w*|doing it|signed)",
        r"anyone else",
        r"who\b.*\b(?:using|implement\w*|adopt\w*)",
    ),
    Intent.ABOUT: _rx(
        r"what(?:s| is| are)? (?:the )?(?:signs of safety|sos|sofs)",
        r"(?:signs of safety|sofs|sos)\b.*\b(?:explain\w*|what it (?:actually )?is|mean\w*)",
        r"(?:explain|define|describe)\b.*\b(?:signs of safety|sos|sofs)",
        r"what do you (?:\w+ )?know",
        r"where\b.*\b(?:info|information|data|facts|answers)\b.*\bfrom",
        r"where\b.*\b(?:come|comes|get|got)\b.*\bfrom",
        r"(?:what|wtf|wot)\b.*\b(?:is|are)\b.*\b(?:signs of safety|sofs)$",
        r"sources?",
        r"how (?:old|up to date|current|recent|accurate)",
        r"(?:who|what) (?:made|built|runs|are) (?:you|this)",
        r"about (?:you|this bot|the bot|yourself)",
        r"signs of safety approach",
        r"what (?:is|s) this",
    ),
    Intent.HELP: _rx(
        r"^help",
        r"help me",
        r"^(?:hi|hello|hey|hiya|yo|start|menu|commands?|options)",
        r"^good (?:morning|afternoon|evening)",
        r"^(?:morning|afternoon|evening)$",
        r"what can (?:you|i)",
        r"how (?:do|does|can) (?:i|you|this|it) (?:use|work|ask)\w*",
        r"what (?:do|can) you do",
        r"how to use",
        r"commands",
        r"what should i ask",
    ),
    Intent.TRAINERS: _rx(
        r"trainers?",
        r"consultants?",
        r"who\b.*\b(?:trains?|training|deliver\w*|teach\w*|coach\w*|support\w*|facilitat\w*"
        r"|consult\w*|runs the training)",
        r"deliver\w* (?:the |their )?training",
        r"training provider",
        r"train(?:s|ing)? them",
        r"who\b.*\bwork\w* with",
    ),
    Intent.EVENTS: _rx(
        r"^(?:when|by when|since when|what date|which date|what month|what year)",
        r"events?",
        r"upcoming",
        r"dates?",
        r"dated",
        r"schedul\w*",
        r"calendar",
        r"timetable",
        r"training",
        r"courses?",
        r"sessions?",
        r"workshops?",
        r"residency",
        r"residential",
        r"conference",
        r"gathering",
        r"milestones?",
        r"timeline",
        r"ics",
    ),
    Intent.STAGE: _rx(
        r"stage",
        r"status",
        r"progress\w*",
        r"up to",
        r"how far",
        r"journey",
        r"phase",
        r"implement\w*",
        r"adopt\w*",
        r"started",
        r"begun",
        r"getting on",
        r"where (?:are|is|have|has)",
        r"at what point",
        r"how advanced",
        r"on board",
        r"roll(?:ed|ing)? ?out",
        r"how (?:is|are)\b.*\b(?:doing|going|getting)",
        r"far along",
        r"establish\w*",
        r"embedded",
        r"mature",
        r"still planning",
        r"level",
        r"on (?:signs of safety|sofs|sos|board)",
        r"yet",
        r"already",
        r"done anything",
        r"starting",
    ),
    Intent.PEOPLE: _rx(
        r"people",
        r"contacts?",
        r"who\b.*\b(?:lead\w*|charge|involved|runs|running|manag\w*|director|chair\w*|responsible"
        r"|behind|contact|in charge|talk\w*|spoke|speak\w*|met|discuss\w*|head\w*|spearhead\w*)",
        r"project (?:lead\w*|manager)",
        r"names?",
        r"key (?:people|staff|contacts)",
        r"team",
    ),
    Intent.OVERVIEW: _rx(
        r"tell me (?:about|more)",
        r"info",
        r"information",
        r"overview",
        r"summary",
        r"summari[sz]e",
        r"details",
        r"anything (?:on|about)",
        r"what do you (?:know|have) (?:on|about)",
        r"news",
        r"update",
        r"happening",
        r"going on",
        r"run ?down",
        r"low ?down",
        r"brief\w*",
        r"everything",
        r"profile",
        r"record",
    ),
}

_WEAK: dict[Intent, str] = {
    Intent.EVENTS: _rx(r"when", r"next", r"what time", r"soon"),
    # Nouns alone lean towards people; "and practice leads?" after a count is still a count.
    Intent.PEOPLE: _rx(
        r"who", r"whom", r"(?:lead|leader|director|manager|chair|person|individual)s?"
    ),
    Intent.STAGE: _rx(r"using", r"use", r"used", r"doing", r"where", r"going"),
    Intent.COUNT: _rx(r"numbers?"),
}

_PRECEDENCE = tuple(_STRONG)


class _CueCounter:
    """How many times each of several patterns matches a normalised text, in time linear in it.

    One pass of a re2 Set finds the few patterns that match at all, and only those are counted.
    The text goes in as bytes: it is ASCII, and re2's wrapper maps no offsets back for bytes.
    """

    def __init__(self, patterns: Mapping[Intent, str]) -> None:
        self._intents = list(patterns)
        self._counters = [re2.compile(pattern.encode()) for pattern in patterns.values()]
        self._any = re2.Set.SearchSet()
        for pattern in patterns.values():
            self._any.Add(pattern.encode())
        self._any.Compile()

    def counts(self, text: str) -> dict[Intent, int]:
        data = text.encode()
        return {
            self._intents[index]: sum(1 for _ in self._counters[index].finditer(data))
            for index in self._any.Match(data) or ()
        }


_STRONG_CUES = _CueCounter(_STRONG)
_WEAK_CUES = _CueCounter(_WEAK)

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


@dataclass(frozen=True, slots=True)
class IntentGuess:
    intent: Intent
    score: int
    strong: bool


def classify(text: str, exclude: frozenset[Intent] = frozenset()) -> IntentGuess | None:
    """The best-supported intent of normalised `text`, or None when nothing points anywhere."""
    best: IntentGuess | None = None
    strong, weak = _STRONG_CUES.counts(text), _WEAK_CUES.counts(text)
    for intent in _PRECEDENCE:
        if intent in exclude:
            continue
        strong_hits = strong.get(intent, 0)
        weak_hits = weak.get(intent, 0)
        score = _WEIGHT.get(intent, 2) * strong_hits + weak_hits
        if score and (best is None or score > best.score):
            best = IntentGuess(intent, score, strong_hits > 0)
    return best
