"""The source pages' own sentences, found by what a question asks: BM25 (`bm25s`) over every
sentence of the pages' council sections, words stemmed by Snowball (`PyStemmer`).

A page is organised by council: a short line without a full stop that names an adopter ("Suffolk
County Council") opens its section, and each sentence below it is about that adopter until the
next heading. Sentences outside every adopter's section (the page's menus, its introduction)
are not indexed: the structured answers cover the introduction. Built once per Knowledge; a
search costs one pass over the question's words and one over the index.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import bm25s
import Stemmer

from bot.understanding.councils import CouncilIndex, CouncilMatch
from bot.understanding.text import normalise, words
from bot.understanding.vocabulary import DOMAIN_WORDS, KNOWN_WORDS, STOPWORDS
from knowledge.base import Knowledge

logger = logging.getLogger(__name__)

# A sentence ends at a full stop, question or exclamation mark followed by a capital or a digit,
# but not after a title ("Dr. Eileen Munro"). Run on the source's lines with their spaces
# collapsed, never on what people type.
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.) (?=[A-Z0-9])")
# A heading is a short line that does not end a sentence.
_HEADING_MAX_WORDS = 8
# The lowest BM25 score a passage needs: tuned on the labelled questions of
# tests/data/passages.yaml (tests/unit/test_passages.py prints their accuracy): 70 of 71 from
# 0.5 to 0.7 (a one-word question in a long sentence scores about 0.75), 69 from 0.75 to 1.0;
# the middle of the better range. A question whose intent no strong cue settled is answered from
# sentences above it too (bot.actions.asking).
THRESHOLD = 0.6
# The score a passage needs to be weighed against a structured answer that also fits the
# question ("who chairs the Swansea steering group?" is a question about people).
STRONG = 1.5
# The share of the best score a second passage needs to be quoted beside it.
_RUNNER_UP = 0.8
# The share of a question's words a passage must hold: one shared word of a long message ("…
# as I have an interview there next week") is chance, not an answer.
_COVERAGE = 0.3
# The share of a question's own words that sentences must hold and a structured answer not
# say, for the sentences to answer instead of it.
_UNSAID = 0.5
_MOST_QUOTED = 2
# Words of every question about a council, which say nothing of which sentence answers it.
_UNINFORMATIVE = frozenset(
    "council councils signs safety sofs sos approach model it its they them their there that this"
    " those these".split()
)

_STEMMER = Stemmer.Stemmer("english")
# The stems of the intents' and everyday words: what any answer speaks to, unlike "noticing",
# "steering" or the subject's own words ("direct work tools"), which a sentence may say and a
# structured answer not.
_KNOWN_STEMS = frozenset(_STEMMER.stemWords(sorted(KNOWN_WORDS - DOMAIN_WORDS)))


@dataclass(frozen=True, slots=True)
class Passage:
    """One sentence of a source, as the page words it, and where it stands."""

    text: str
    source: str
    line: int
    authority: str


def terms(words: Sequence[str]) -> list[str]:
    """The stems that can tell one sentence from another: stopwords and the subject's
    everywhere-words dropped, each stem once."""
    kept = [w for w in words if w not in STOPWORDS and w not in _UNINFORMATIVE and len(w) > 1]
    return list(dict.fromkeys(_STEMMER.stemWords(kept)))


def _sentences(text: str) -> Iterator[tuple[int, str, bool]]:
    """Each line's sentences with their line number, and whether the line is a heading."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if not line:
            continue
        if not line.endswith((".", "!", "?", ":")) and len(line.split()) <= _HEADING_MAX_WORDS:
            yield number, line, True
            continue
        for sentence in _SENTENCE_END.split(line):
            yield number, sentence, False


class PassageIndex:
    """Every sentence of the knowledge's sources about an adopter, indexed for BM25."""

    def __init__(self, knowledge: Knowledge, councils: CouncilIndex) -> None:
        self._knowledge = knowledge
        self._councils = councils
        self.passages: tuple[Passage, ...] = tuple(
            passage
            for source, text in knowledge.texts.items()
            for passage in self._read(source, text)
        )
        self._of: dict[str, list[int]] = {}
        # Each passage's place, for the sentences a question was answered with (`said_in`).
        self._index_of = {passage: index for index, passage in enumerate(self.passages)}
        for index, passage in enumerate(self.passages):
            self._of.setdefault(passage.authority, []).append(index)
        corpus = [terms(normalise(p.text).split()) or ["-"] for p in self.passages]
        self._terms = [frozenset(stems) for stems in corpus]
        # Every stem of an adopter's sentences: a question sharing too few of them with an
        # adopter is answered by none of its sentences, without scoring any.
        self._stems_of = {
            authority: frozenset().union(*(self._terms[i] for i in indices))
            for authority, indices in self._of.items()
        }
        self._score_of: dict[str, dict[int, float]] = {}
        if corpus:
            bm25 = bm25s.BM25()
            bm25.index(corpus, show_progress=False)
            # A BM25 score is the sum of its query words' scores: each word's, sentence by
            # sentence, is worked out once here, and a question only adds up its words'.
            for stem in sorted(frozenset().union(*self._terms)):
                scores = bm25.get_scores([stem])
                self._score_of[stem] = {i: float(s) for i, s in enumerate(scores) if s}
        # The same, adopter by adopter: a question about one adds up only its sentences'.
        self._score_in: dict[str, dict[str, dict[int, float]]] = {}
        for stem, scored in self._score_of.items():
            for index, score in scored.items():
                authority = self.passages[index].authority
                self._score_in.setdefault(authority, {}).setdefault(stem, {})[index] = score

    def _scores(
        self, query: Sequence[str], score_of: dict[str, dict[int, float]] | None = None
    ) -> dict[int, float]:
        """Each sentence's BM25 score for the query's stems (sentences scoring 0 left out), of
        every sentence or of those `score_of` holds."""
        scores: dict[int, float] = {}
        score_of = self._score_of if score_of is None else score_of
        for stem in query:
            for index, score in score_of.get(stem, {}).items():
                scores[index] = scores.get(index, 0.0) + score
        return scores

    def _adopter_named(self, heading: str) -> str | None:
        """The id of the adopter a heading names, else None (the heading ends a section)."""
        found = self._councils.find(words(heading))
        if not isinstance(found, CouncilMatch):
            return None
        authority = self._knowledge.authority_for_council((found.responsible or found.named).code)
        return authority.id if authority is not None else None

    def _read(self, source: str, text: str) -> Iterator[Passage]:
        authority: str | None = None
        for line, sentence, heading in _sentences(text):
            if heading:
                authority = self._adopter_named(sentence)
            elif authority is not None:
                yield Passage(sentence, source, line, authority)

    def of(self, authority: str) -> tuple[Passage, ...]:
        """The sentences about an adopter, in page order."""
        return tuple(self.passages[i] for i in self._of.get(authority, ()))

    def said_in(self, words: Sequence[str], passages: Sequence[Passage], text: str) -> bool:
        """Whether `text` (a structured answer) stands as the answer to a question (`words`)
        that `passages` also fit: unless the passages hold at least half of the question's own
        words (beyond the subject's, the intents' and everyday words) that `text` does not
        say. "Who chairs the steering group?" is answered by the people named; "what are the
        team managers noticing?" is not."""
        held = frozenset().union(*(self._terms[self._index_of[p]] for p in passages))
        said = frozenset(terms(normalise(text).split()))
        own = [stem for stem in terms(words) if stem not in _KNOWN_STEMS]
        unsaid = [stem for stem in own if stem in held and stem not in said]
        return not unsaid or len(unsaid) < _UNSAID * len(own)

    def naming(self, name: str) -> tuple[Passage, ...]:
        """The sentences that name someone ("Dave Howes"), in page order."""
        return tuple(p for p in self.passages if name in p.text)

    def find(
        self, words: Sequence[str], authority: str, threshold: float = THRESHOLD
    ) -> tuple[Passage, ...]:
        """The sentences about `authority` that answer a question of these (normalised) words,
        in page order: the best, and the next if it scores nearly as well; none below
        `threshold`."""
        indices = self._of.get(authority)
        query = terms(words)
        if not indices or not query:
            return ()
        # The best sentence holds no more of the question than all the adopter's sentences do.
        if sum(1 for stem in query if stem in self._stems_of[authority]) < _COVERAGE * len(query):
            return ()
        scores = self._scores(query, self._score_in.get(authority, {}))
        # The best sentence, the first in page order of those scoring best (the first of all
        # where none scores).
        top = max(scores, key=lambda i: (scores[i], -i)) if scores else indices[0]
        best = scores.get(top, 0.0)
        held = sum(1 for stem in query if stem in self._terms[top])
        if best < threshold or held < _COVERAGE * len(query):
            return ()
        ranked = sorted(
            (i for i in sorted(scores) if scores[i] >= best * _RUNNER_UP),
            key=lambda i: -scores[i],
        )
        return tuple(self.passages[i] for i in sorted(ranked[:_MOST_QUOTED]))

    def find_anywhere(self, words: Sequence[str]) -> tuple[Passage, ...]:
        """For a question that names no council ("what is the LCC vision?"): the sentences
        of the one adopter whose sentence holds every word of it that tells sentences apart,
        two at least of them its own (not the intents' or everyday words: "when is Swansea
        playing next" is no question of the page's), scoring STRONG; none otherwise."""
        query = terms(words)
        own = [stem for stem in query if stem not in _KNOWN_STEMS]
        if len(own) < 2 or not self.passages:
            return ()
        scores = self._scores(query)
        top = max(scores, key=scores.__getitem__, default=None)
        if top is None or scores[top] < STRONG or not set(query) <= self._terms[top]:
            return ()
        return self.find(words, self.passages[top].authority, STRONG)
