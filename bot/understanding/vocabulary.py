"""The words of this subject: shorthand, domain and intent words, stopwords, off-topic words,
and spelling correction against them. Pure data and lookups; bot.understanding.intents holds the
cue patterns that weigh them."""

from __future__ import annotations

import functools
import logging
import re
from itertools import groupby

from rapidfuzz import fuzz, process

from bot.understanding.cues import NEGATION_IDIOMS, NEGATIONS, cue_words, every_cue, stems
from bot.understanding.figures import FIGURE_WORDS
from bot.understanding.people import ROLE_WORDS
from bot.understanding.text import WORDS_REMEMBERED

logger = logging.getLogger(__name__)

# What people type for speed, read as what they mean.
SHORTHAND = {
    "whos": "who", "hw": "how", "whats": "what", "wheres": "where", "hows": "how",
    "wot": "what", "wat": "what", "wht": "what", "wen": "when", "whn": "when", "wer": "where",
    "whr": "where", "y": "why", "u": "you", "ur": "your", "yr": "your", "r": "are",
    "abt": "about", "abot": "about", "bout": "about", "pls": "please", "plz": "please",
    "thx": "thanks", "thnx": "thanks", "tx": "thanks", "info": "information", "b4": "before",
    "2day": "today", "2moro": "tomorrow", "2morrow": "tomorrow", "tmrw": "tomorrow",
    "ppl": "people", "cud": "could", "cn": "can", "da": "the", "teh": "the", "tht": "that",
    "dat": "that", "wiv": "with", "wid": "with", "n": "and", "nd": "and",
    "dnt": "dont", "wnt": "want", "wanna": "want", "gonna": "going", "evnts": "events",
    "trng": "training", "mgr": "manager", "ne1": "anyone", "any1": "anyone", "sum1": "someone",
    "some1": "someone", "every1": "everyone", "4got": "forgot", "l8r": "later", "gr8": "great",
    "msg": "message", "txt": "text", "thanx": "thanks", "coz": "because",
    "cos": "because", "bc": "because", "rn": "now", "atm": "now",
    # Little words typed together, which the split of run-together words leaves alone.
    "howmany": "how many", "howfar": "how far", "howlong": "how long",
}  # fmt: skip

# Words of this subject that settle no intent but show the question is on topic.
DOMAIN_WORDS = frozenset(
    """
    signs safety sofs sos approach model method methodology framework practice practices
    practitioner practitioners social work worker workers care children child childrens
    family families young protection safeguarding services service authority authorities la
    las council councils county local area region cyngor uk wales welsh england scotland
    staff frontline champions champion leads lead leaders residency network bot information
    them they their it its there that this those these one ones same too also else pathway
    pathways assessment assessments early intervention statutory trained train trains
    training plan planned planning rolled roll out project approach sofs direct tools
    mapping currently now today latest still yet already ever far along
    """.split()
)

STOPWORDS = frozenset(
    """
    a an the and or but if then so of in on at to for from by with about as into onto over
    is are was were be been being am do does did done doing have has had having will would
    can could should shall may might must i me my mine we us our you your yours he him his
    she her hers what which who whom whose when where why how whats wheres whos hows thats
    is please pls plz thanks thank thx ta cheers hi hello hey ok okay yes no not any
    anything some something all every tell know show give get find let need want like just
    really very much many more most lot lots bit up down out off again there here whats
    going go goes got happen happened happening new news info details currently current now
    right now bot sosbot sir madam hiya yo dear kindly quick quickly question ask asking
    wondering wonder think regarding re about abt abit bout via per please im ive id youre
    dont doesnt didnt isnt arent wasnt
        actually really basically exactly properly right over round here near anyone someone
    somebody everyone anybody guys folks colleague colleagues boss work working job role also
    too then than though although because since while until whether either neither both each
    other another such only own few little quite rather pretty maybe perhaps probably
    definitely sure hoping hope hoped trying try tried looking look keen interested curious
    wondered meant supposed able unable ever never always often sometimes before after during
    through across around between within without against towards toward upon thing things
    stuff way ways kind sort nothing wanna gonna gotta lemme gimme ya yeah yep nope cool great
    good nice lovely brilliant awesome grand fab oh ah um erm hmm uh lol haha our ours
    coming come comes anymore again more
""".split()
)

# Everyday council business that is not Signs of Safety: a question about these, without
# a word of this subject, is off-topic however it is phrased ("Lincolnshire school term dates",
# "how do I pay council tax in Suffolk").
OFF_TOPIC_WORDS = frozenset(
    """
    tax bin bins rubbish recycling refuse waste tip parking park permit pothole potholes road
    roads pavement streetlight application extension licence license school schools term
    holidays library libraries housing rent benefit benefits football fc match score win won
    lose lost weather rain snow sunny forecast temperature bus buses railway station
    flight flights hotel hotels restaurant restaurants pub pubs chippy shop shops tesco
    population live lives living mayor election elections vote voting councillor councillors
    jobs vacancies salary salaries pay wage wages bill bills fine fines ticket tickets cinema
    beach beaches museum castle cathedral hospital doctor gp dentist recipe joke jokes play
    playing played game games kickoff fixture fixtures rail fare fares hire book booking
    lighting lights theatre concert gig fostering foster fosterer carers dehydration symptom
    symptoms illness disease allergy pregnancy traffic stroke strokes heart attack cancer flu
    covid diabetes dementia
    """.split()
)

# Words that only this subject uses: with one of these, a question is on topic even if it
# also mentions something else.
_ANCHOR = re.compile(
    r"\b(?:signs of safety|sofs|safeguarding|child protection|social work\w*|practitioners?"
    r"|practice (?:leaders?|leads?|champions?)|champions?|residency|trainers?|training"
    r"|consultants?|implement\w*|adopt\w*|reminders?|remind|subscri\w*"
    r"|(?:go|goes|gone|went|going|be|is|are) live|live yet)\b"
)


# The everyday words and their plurals, looked up at once.
_OFF_TOPIC_FORMS = OFF_TOPIC_WORDS | {f"{word}s" for word in OFF_TOPIC_WORDS}
# Adopting a child is not adopting an approach.
_ADOPTING_A_CHILD = re.compile(
    r"\badopt\w* (?:a |an |my |our |the )?(?:child|children|baby|babies|kid|kids|son|daughter)\b"
)


def is_on_topic(text: str) -> bool:
    """Whether normalised `text` has a word that only this subject uses."""
    return bool(_ANCHOR.search(_ADOPTING_A_CHILD.sub(" ", text)))


# "I live in Gorseinon", "we live in Leek": where the person is, which names the council of the
# question, not a question of where people live ("how many people live in Lincoln").
_RESIDING = frozenset({"live", "lives", "living", "lived"})
_FIRST_PERSON = frozenset({"i", "we", "im", "ive", "weve", "am"})


def off_topic_words(words: list[str]) -> list[str]:
    """The words of `words` that are everyday council business, plurals included, and the
    phrases of other business ("adopting a child")."""
    found = (
        [] if _OFF_TOPIC_FORMS.isdisjoint(words) else [w for w in words if w in _OFF_TOPIC_FORMS]
    )
    if found and not _RESIDING.isdisjoint(found):
        found = [
            w
            for at, w in enumerate(words)
            if w in _OFF_TOPIC_FORMS
            and not (w in _RESIDING and at > 0 and words[at - 1] in _FIRST_PERSON)
        ]
    # Most messages have no "adopt" anywhere, which one search of their text tells.
    joined = " ".join(words)
    if "adopt" in joined and any(w.startswith("adopt") for w in words):
        found += [m.group() for m in _ADOPTING_A_CHILD.finditer(joined)]
    return found


# The words of the intent cues (bot.understanding.cues), and the stems of their `*` words:
# "remind*" makes "reminders" and "reminding" words of this subject. Stems under five letters
# ("subs*", "opt*") would take in words they do not mean.
CUE_WORDS = frozenset(word for cue in every_cue() for word in cue_words(cue))
INTENT_STEMS = tuple(sorted({stem for cue in every_cue() for stem in stems(cue) if len(stem) >= 5}))
# The usual endings of a stem's words, so that "emailing" and "reminders" are known words
# (and never spelling-corrected into a council's name).
_ENDINGS = (
    *("", "s", "ed", "er", "ers", "ing", "ings", "ment", "ments", "ation", "ations", "ication"),
    *("ications", "ant", "ants", "ancy", "ive", "ion", "ions", "ly", "or", "ors", "ship"),
)
INTENT_WORDS = CUE_WORDS | {stem + ending for stem in INTENT_STEMS for ending in _ENDINGS}

# The negations and the words that make a negation an idiom are read, never respelt.
KNOWN_WORDS = (
    DOMAIN_WORDS
    | STOPWORDS
    | INTENT_WORDS
    | NEGATIONS
    | NEGATION_IDIOMS
    | ROLE_WORDS
    | FIGURE_WORDS
)

# Intent words are spelling-corrected like council names ("trainz", "evnts"); see councils.py.
INTENT_SPELLING_CUTOFF = 80.0
# By first letter and length: a correction keeps the first letter (as council names' do) and
# is at most _LENGTH_SLACK letters longer or shorter ("communities" holds every letter of
# "counties" but is no typo of it); searching only those words keeps each unknown word's search
# small in a message of hundreds of them.
_LENGTH_SLACK = 2
_CORRECTABLE_WORDS = sorted(w for w in CUE_WORDS | DOMAIN_WORDS | set(INTENT_STEMS) if len(w) >= 4)
_CORRECTABLE: dict[tuple[str, int], list[str]] = {
    (initial, length): [w for w in words if abs(len(w) - length) <= _LENGTH_SLACK]
    for initial, words in (
        (initial, list(group)) for initial, group in groupby(_CORRECTABLE_WORDS, key=lambda w: w[0])
    )
    for length in range(4, max(map(len, words)) + _LENGTH_SLACK + 1)
}


def is_known(word: str) -> bool:
    """Whether `word` is a word of this subject, a little word, or made on a cue's stem with
    one of the usual endings."""
    return word in KNOWN_WORDS


# Corrections and splits depend on the word alone (and the fixed vocabulary): each is worked
# out once per word, however many questions it comes in.


@functools.lru_cache(maxsize=WORDS_REMEMBERED)
def correct_spelling(word: str) -> str:
    """Shorthand spelt out, and an unknown word mended to the word of this subject it nearly is."""
    if word in SHORTHAND:
        return SHORTHAND[word]
    if len(word) < 4 or is_known(word):
        return word
    match = process.extractOne(
        word,
        _CORRECTABLE.get((word[0], len(word)), ()),
        scorer=fuzz.ratio,
        processor=None,
        score_cutoff=INTENT_SPELLING_CUTOFF,
    )
    return match[0] if match else word


def foreign_words(words: list[str], council_words: frozenset[str]) -> list[str]:
    """Words that belong neither to this subject nor to a council's name.

    Words under four letters are let through: they are mostly typos of little words ("teh"),
    and a question made only of them has no cue and no council anyway.
    """
    return [
        w
        for w in words
        if len(w) >= 4 and w not in KNOWN_WORDS and w not in council_words and not w.isdigit()
    ]


# Run-together words ("whotrains") are split into at most this many words, each at most this
# long, which keeps the split linear in the word's length.
_MOST_PIECES = 4
# Longer runs are pasted strings, not a few words typed without spaces.
_SHORTEST_RUN, _LONGEST_RUN = 5, 32
_LONGEST_PIECE = 16


@functools.lru_cache(maxsize=WORDS_REMEMBERED)
def split_run_together(word: str, council_words: frozenset[str]) -> tuple[str, ...] | None:
    """`word` as the few known words it runs together ("whotrains" → who, trains), or None.

    A dynamic programme over the word's letters (fewest pieces wins), each piece a word of this
    subject (two letters or more) or of a council's name (four or more). A split needs a piece
    that is not a stopword, so "together" is not "to get her". Linear: each letter looks back
    at most `_LONGEST_PIECE`. (wordsegment ranks splits by an English corpus of its own, and
    symspellpy's segmentation also respells every piece; neither splits over our vocabulary
    only, which is what keeps "parking" from becoming "par king".)"""
    if not _SHORTEST_RUN <= len(word) <= _LONGEST_RUN or not word.isalpha():
        return None
    if is_known(word) or word in council_words:
        return None
    best: list[list[str] | None] = [[]] + [None] * len(word)
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - _LONGEST_PIECE), end):
            before, piece = best[start], word[start:end]
            if before is None or len(before) >= _MOST_PIECES:
                continue
            if (len(piece) > 1 and piece in KNOWN_WORDS) or (
                len(piece) > 3 and piece in council_words
            ):
                current = best[end]
                if current is None or len(before) + 1 < len(current):
                    best[end] = [*before, piece]
    pieces = best[len(word)]
    if pieces is None or len(pieces) < 2 or all(p in STOPWORDS for p in pieces):
        return None
    return tuple(pieces)
