"""The cue vocabulary: one table of the words and phrases that point at each intent.

Everything else derives from `CUES`: the re2 patterns that weigh a question
(bot.understanding.intents), the words the engine knows and the vocabulary spelling is mended
against and run-together words are split over (bot.understanding.vocabulary).

A cue is written in a small notation over normalised text (lower-case ASCII words):

- words separated by spaces must follow one another: `keep me posted`;
- `a/b/c` is any one of the alternatives; `+` joins the words of one alternative:
  `am+i/i+am/im subscribed`;
- a trailing `*` takes any ending: `remind*` (remind, reminders, reminding …);
- a trailing `?` makes a token optional: `the? stage`;
- `...` stands for any words between: `stop ... remind*`;
- `_` is any one word; `^` and `$` tie the cue to the start or the end of the text.

A cue marked `shared` is a word other subjects use too ("stage", "events", "dates"): alone
among words foreign to this subject ("stage lighting hire") it settles nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from enum import StrEnum

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


@dataclass(frozen=True, slots=True)
class IntentCues:
    """The cues of one intent: strong ones settle it, weak ones lean towards it."""

    strong: tuple[str, ...]
    weak: tuple[str, ...] = ()
    shared: tuple[str, ...] = ()
    # Strong cues whose meaning no negation turns round.
    fixed: tuple[str, ...] = ()


_SOFS = "signs+of+safety/sofs/sos"
# What a subscription asks for: to be reminded, told, kept posted.
_REMINDING = (
    "remind*/notif*/alert/alerts/alerted/messag*/sending/update/updates/subscri*/following"
    "/ping*/email*/text/texts/texting/posted/informed/loop/nudge*/warn/warning/warnings"
)
# What an unsubscription asks: to stop, mute, have no more.
_STOPPING = (
    "stop/stopped/cancel*/mute*/end/quit/enough/sick/tired/fed/spare/pause/block/disable"
    "/silence/unsubscribe*/unsub/unfollow*/remove/delete/drop/off"
)

# "add East Riding to my alerts": a council added to my reminders is subscribed to, though "my
# alerts" alone asks which I have (bot.understanding.intents.classify).
ADDING_TO_MINE = f"add/put/include ... to/on/onto/into my {_REMINDING}/subscriptions/list"

# In order of precedence: on equal scores the first listed wins. Which of SUBSCRIBE and
# UNSUBSCRIBE a message asks for is read from its negations (bot.understanding.intents.polarity):
# "don't stop the alerts" subscribes, "don't remind me" unsubscribes.
CUES: dict[Intent, IntentCues] = {
    Intent.UNSUBSCRIBE: IntentCues(
        strong=(
            "unsubscribe*", "un subscribe*", "unsub", "unfollow*", "opt* out", "mute*",
            "remove/delete/drop/take me", "leave me alone", "turn/switch off", "off my list",
            "take ... off", "^ ok/okay/thats? enough now? $", "stop the/those/these/my ones",
            "^ actually/please/ok/okay? stop that/it/this/them? $",
            f"{_STOPPING} ... {_REMINDING}", f"{_REMINDING} ... {_STOPPING}",
        ),
    ),
    Intent.SUBSCRIPTIONS: IntentCues(
        strong=(
            "my/current/existing subscription/subscriptions/reminder/reminders/alert/alerts",
            "subscriptions", "am+i/i+am/im subscribed/signed+up/following/getting",
            "subscribed to", "what am+i/do+i get/getting/receive*",
            "what/which reminders/alerts/subscriptions",
            "have+i/i+have/ive/did+i/got set up",
            "reminders/alerts ... set up",
            "do+i+have/have+i+got ... reminder/reminders/subscri*/alert/alerts",
            "reminder/reminders/subscription/subscriptions/alert/alerts do i have/get",
            "my subs*", "have/did i signed/sign up",
        ),
    ),
    Intent.SUBSCRIBE: IntentCues(
        strong=(
            "subscri*/remind*/notif*", "alert/alerts/alerted/email/message/text/ping me",
            "sub me/us", "^ sub to",
            "keep/keeping/kept me posted/updated/informed/in+the+loop/up+to+date/in+touch",
            "in the loop", f"want/like/need/get/getting/send/give ... {_REMINDING}",
            "keep ... coming",
            "nudge*", "warn me", "give me a shout/nudge/buzz", "flag ... to me",
            "keep me in mind", "on my list", ADDING_TO_MINE, "mailing list",
            "add/enrol/enroll/register/include me", "get me on/onto/in",
            "let me know", "sign/put/add me up/in/on/down", "sign up", "follow",
            "hear about/of", "a/any/the heads up", "heads up about/on/for/when/if/before",
            "turn/switch on",
            "want/need ... any+more/anymore", "no longer want/need",
            f"no more/longer ... {_REMINDING}",
        ),
        # Missing things is what reminders prevent, negated or not ("don't let me miss …").
        fixed=("miss/missing/missed ... event/events/date/dates/anything/training/out/thing"
               "/things/one/ones/session/sessions/it/them/that/this/those",
               "let me/us forget", "dont/never forget"),
    ),
    Intent.COUNT: IntentCues(
        strong=("how many/meny/mny/manny", "number/no/nr/num of", "how much", "count", "total",
                "figure/figures"),
        weak=("number/numbers",),
        # Other subjects ask how long too ("how long is a piece of string").
        shared=("until/till/til/untill when", "when ... end/ends/over",
                "how long is/was/did/does/do/will/are/were/last"
                "/lasts"),
    ),
    Intent.LIST: IntentCues(
        strong=(
            # "what stage is her council at" asks about one council, not for a list.
            "which/wich/whch/what/list/name/show/all/every ... councils/authorities/las/adopters"
            "/areas/places/counties/ones",
            "which/wich/whch/what/every/each council/authority/la/area/place/county",
            "list*",
            "who else? is/are/has/have ... implement*/using/adopt*/signed",
            "who else? is/are/has/have ... doing it/this/that/sofs/signs+of+safety",
            "any/anyone/anybody/anything/which/who/what ... in/from/across england/wales"
            "/scotland/ireland/midlands/north/south/east/west/region/regions/nation/nations",
            "anyone else", "who ... using/implement*/adopt*",
        ),
    ),
    Intent.ABOUT: IntentCues(
        strong=(
            f"what/whats is/are/s? the? {_SOFS}",
            f"{_SOFS} ... explain*/mean*", f"{_SOFS} ... what it actually? is",
            f"explain/define/describe ... {_SOFS}", "what do you _? know",
            "where ... info/information/data/facts/answers ... from",
            "where ... come/comes/get/got ... from",
            "what/wtf/wot ... is/are ... signs+of+safety/sofs $",
            "source/sources", "how old/up+to+date/current/recent/accurate",
            "who/what made/built/runs/are you/this", "about you/yourself/this+bot/the+bot",
            "signs of safety approach", "what is/s this",
        ),
    ),
    Intent.HELP: IntentCues(
        strong=(
            "^ help", "help me", "^ hi/hello/hey/hiya/yo/start/menu/command/commands/options",
            "^ good morning/afternoon/evening", "^ morning/afternoon/evening $",
            "what can you/i", "how do/does/can i/you/this/it use*/work*/ask*",
            "what do/can you do", "how to use", "commands", "what should i ask",
            "how do/does ... bot/this/it work", "what do/can/should i type/say/write/ask",
            "example/examples", "stuck", "what sort/kind/type of things/questions",
        ),
    ),
    Intent.TRAINERS: IntentCues(
        strong=(
            "trainer/trainers", "consult*",
            "anyone/anybody/someone/organisation/organization/company/firm/agency ... help*"
            "/support*/assist*/train*/work*",
            "who ... train/trains/training/deliver*/teach*/coach*/support*/facilitat*/consult*",
            "who ... runs the training", "deliver* the/their? training", "training provider",
            "train/trains/training them", "who ... work* with",
            "who ... run/runs/ran/running/deliver*/give/gives/gave/teach*/lead/leads/led"
            " ... training/intro/introduction/course/courses/session/sessions/overview/overviews"
            "/residency/residential",
        ),
    ),
    Intent.EVENTS: IntentCues(
        strong=(
            "^ when/by+when/since+when/what+date/which+date/what+month/what+year",
            "upcoming", "schedul*", "calendar", "timetable", "training", "residency",
            "residential", "conference", "milestone/milestones", "timeline", "ics",
            "coming/come/comes up", "planned/booked/lined+up", "what/anything/something on in",
            "next thing/one",
        ),
        weak=(
            "when", "next", "what time", "soon", "happen/happened",
            "january/february/march/april/may/june/july/august/september/october/november"
            "/december/jan/feb/mar/apr/jun/jul/aug/sep/sept/oct/nov/dec",
        ),
        shared=("event/events", "date/dates", "dated", "course/courses", "session/sessions",
                "workshop/workshops", "gathering"),
    ),
    Intent.STAGE: IntentCues(
        strong=(
            "progress*", "up to", "how far", "journey", "implement*", "adopt*", "started",
            "begun", "getting on", "where are/is/have/has", "at what point", "how advanced",
            "on board", "roll/rolled/rolling out", "rollout", "how is/are ... doing/going/getting",
            "far along", "establish*", "embedded", "still planning",
            f"on {_SOFS}/board", "yet", "already", "done anything", "starting",
            "go/goes/gone/went/going/gone/be/is/are live", "live yet", "still/only/just ... at the",
            "planning bit/stage/phase", f"{_SOFS}/it a thing",
            # "is Lincoln part of this?": whether a council is among those adopting it.
            f"part of it/this/that/the+network/{_SOFS}",
        ),
        weak=("using", "use", "used", "doing", "where", "going"),
        shared=("stage", "status", "phase", "mature", "level"),
    ),
    Intent.PEOPLE: IntentCues(
        strong=(
            "people", "contact/contacts",
            "who ... lead*/charge/involved/runs/running/manag*/director/chair*/responsible"
            "/behind/contact/talk*/spoke/speak*/met/discuss*/head*/spearhead*/driv*",
            "project lead*/manager", "key people/staff/contacts",
            "which/what/whose director/directors/manager/managers/lead/leader/chair/person",
            "who ... went/go/goes/attend*/sent/visit*",
        ),
        weak=("who", "whom", "lead/leads/leader/leaders/director/directors/manager/managers"
              "/chair/chairs/person/persons/individual/individuals"),
        shared=("name/names", "team"),
    ),
    Intent.OVERVIEW: IntentCues(
        strong=(
            "tell me about/more", "info", "information", "overview", "summary",
            "summarise/summarize", "details", "anything on/about",
            "what do you know/have on/about", "happening", "going on",
            "run/low down", "rundown/lowdown", "brief*", "everything", "profile",
            # The services in scope are the overview's.
            "which/what services/service", "services ... cover/covers/covered/in+scope",
            # "is Devon on your list?": whether a council is on record is its overview.
            "on your/the list/records/books", "in your records", "on record",
            # How a council uses the approach is what it does with it, not how far it is.
            "how do/does/is/are/will/would ... use/uses/using",
        ),
        weak=("cover/covers/covered/include/includes",),
        shared=("news", "update", "record"),
    ),
}  # fmt: skip

# Words that turn a cue round: "don't remind me", "don't stop the alerts", "I'd hate to miss".
NEGATIONS = frozenset(
    """
    not no never nor dont doesnt didnt wont wouldnt shouldnt cant cannot couldnt isnt arent
    wasnt werent havent hasnt hadnt aint mustnt neednt dnt hate without
    """.split()
)
# "not sure", "no idea": a negation that is about something else.
NEGATION_IDIOMS = frozenset("sure certain idea know problem worries thanks doubt fail".split())
# Negations that come after what they turn round: "Suffolk reminders no longer needed".
TRAILING_NEGATIONS = ("no longer", "no more", "not needed", "not wanted")


def _alternatives(token: str) -> list[str]:
    return [alternative.replace("+", " ") for alternative in token.split("/")]


def _token(token: str) -> str:
    """One token of the notation as a re2 pattern (without the space before it)."""
    if token == "_":
        return r"\w+"
    return "(?:" + "|".join(a.replace("*", r"\w*") for a in _alternatives(token)) + ")"


def compile_cue(cue: str) -> str:
    """A cue of the notation as a re2 pattern over normalised text."""
    pattern = r"\b"
    pending = " "  # what joins the next token to the previous one
    first = True
    for token in cue.split():
        if token == "...":
            pending = r"\b.*\b"
            continue
        if token == "^":
            pattern = "^"
            continue
        if token == "$":
            pattern += "$"
            continue
        joiner = "" if first else pending
        if token.endswith("?") and len(token) > 1 and first:
            # An optional first word carries the space after it: "^ please? stop".
            pattern += f"(?:{_token(token[:-1])} )?"
            continue
        if token.endswith("?") and len(token) > 1:
            pattern += f"(?:{joiner}{_token(token[:-1])})?"
        else:
            pattern += joiner + _token(token)
        pending, first = " ", False
    return pattern + (r"\b" if not pattern.endswith("$") else "")


def cue_words(cue: str) -> list[str]:
    """The whole words a cue is made of: "keep me posted/updated" → keep, me, posted, updated."""
    return [
        word
        for token in cue.split()
        if token.removesuffix("?") not in ("...", "^", "$", "_")
        for alternative in _alternatives(token.removesuffix("?"))
        for word in alternative.split()
        if not word.endswith("*")
    ]


def stems(cue: str) -> list[str]:
    """The stems of a cue's `*` words: any word starting with one is a word of the cue."""
    return [
        alternative[:-1]
        for token in cue.split()
        for alternative in _alternatives(token.removesuffix("?"))
        if alternative.endswith("*") and " " not in alternative
    ]


def every_cue() -> list[str]:
    return [
        cue
        for cues in CUES.values()
        for cue in (*cues.strong, *cues.weak, *cues.shared, *cues.fixed)
    ]
