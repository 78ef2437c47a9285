"""Finding the UK council a question names.

Exact hits come first: every council's names, Welsh names and variants, our alias table, and
each of those without the generic words ("county council", "cyngor sir") that people leave out;
then towns (knowledge/data/towns.csv), which never hide a council of the same name.
Only words that match nothing are spelling-corrected, one word at a time, against the words of
council names. Comparing single words is what keeps this fast, and it is also what avoids the
classic trap of whole-phrase scorers such as WRatio, which give 90 or more to any question that
merely shares "council" or "york" with a name.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from bot.understanding.text import WORDS_REMEMBERED, Word, normalise
from bot.understanding.welsh import name_forms, shire_names, welsh_names
from knowledge.models import Council

logger = logging.getLogger(__name__)

# Words that make a name formal without telling councils apart, in English and Welsh.
GENERIC_WORDS = frozenset(
    """
    council county borough district city metropolitan royal corporation of the and unitary
    authority ua cc la cyngor sir bwrdeistref sirol dinas a
    """.split()
)

# Council and town names that are also everyday English words or phrases: they count only when
# written with capitals, so "reading the guidance" does not become Reading Borough Council nor
# "in the west end" the village of West End in Hampshire.
EVERYDAY_WORDS = frozenset(
    """
    reading bury hart rugby eden swale test arun ash banks battle box bray bream bugle callow
    church cliffe crook croft dale deal dollar eye fleet flint ford forth grove hale hay hill hook
    hope law lea mere moss mold nash pant par pool porth reed sale saline sandy scone send
    settle shaw stock stone street sway tong tumble valley wall ware warden wells wick wing wool
    down
    """.split()
) | frozenset({"west end", "east dean", "new inn", "cold ash", "hope valley", "tow law"})
# Words that are never a town, whatever the gazetteer holds: months and days, and the words
# of the nations' and regions' names ("Wales" is also a village near Sheffield).
NOT_TOWNS = frozenset(
    """
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    """.split()
)

# A misspelt word is corrected to a council-name word scoring at least this (fuzz.ratio, 0-100).
# Tuned on tests/data/questions.yaml: 84 accepts one transposed or substituted letter in a word of
# seven ("swansae", "sufflok") and rejects everyday words near a place name ("people"/"poole").
SPELLING_CUTOFF = 84.0
# Two corrections this close are a tie: the question is asked back, not guessed.
TIE_MARGIN = 2.0
MIN_CORRECTABLE_LENGTH = 5
# The most councils one question is read as naming ("Lincs vs Staffs vs Suffolk"): a bound that
# keeps finding them linear in the message.
MOST_NAMED = 6


@dataclass(frozen=True, slots=True)
class CouncilMatch:
    """The council a question names, and the council that runs children's services there."""

    named: Council
    responsible: Council | None
    start: int
    end: int
    score: float

    @property
    def is_district(self) -> bool:
        return self.responsible is not None and self.responsible.code != self.named.code


@dataclass(frozen=True, slots=True)
class CouncilChoice:
    """Several councils fit equally well; the person is asked which one they meant."""

    options: tuple[Council, ...]
    start: int
    end: int


# First words of names that say nothing on their own ("North Yorkshire", "Vale of Glamorgan").
_VAGUE_FIRST_WORDS = frozenset(
    """
    north south east west mid central greater great upper lower new old isle vale forest
    high st saint king kings castle
    """.split()
)


def _with_joined(form: str) -> set[str]:
    """A name and its run-together spelling: "east riding" and "eastriding"."""
    return {form, form.replace(" ", "")} if " " in form else {form}


def _core(name: str) -> str:
    return " ".join(w for w in normalise(name).split() if w not in GENERIC_WORDS)


def _name_forms(council: Council) -> set[str]:
    names = [council.name, council.short_name, *council.variants, *welsh_names(council)]
    forms: set[str] = set()
    for name in names:
        for form in (normalise(name), _core(name)):
            if form:
                forms |= _with_joined(form)
    return forms | {normalise(name) for name in shire_names(council)}


def _first_words(council: Council) -> set[str]:
    """ "richmond" for Richmond upon Thames: the distinctive first word of a longer name."""
    first = _core(council.short_name).split()[:1]
    if len(_core(council.short_name).split()) > 1 and first and first[0] not in _VAGUE_FIRST_WORDS:
        return set(first) if len(first[0]) >= MIN_CORRECTABLE_LENGTH else set()
    return set()


def _mutated_welsh_names(
    councils: Mapping[str, Council], towns: Mapping[str, Iterable[str]]
) -> dict[str, set[str]]:
    """Welsh names as a word before them mutates them ("yng Nghaerdydd", "i Sir Fynwy"): Welsh
    councils' names, English councils' names in Welsh, and the names of towns in Wales; council
    codes by name."""
    mutated: dict[str, set[str]] = defaultdict(set)
    for council in councils.values():
        for name in welsh_names(council):
            for form in {normalise(name), _core(name)} - {""}:
                for written in name_forms(form):
                    mutated[written].add(council.code)
    for town, codes in towns.items():
        in_wales = {code for code in codes if code in councils and councils[code].nation == "Wales"}
        for written in name_forms(normalise(town)) if in_wales else ():
            mutated[written] |= in_wales
    return mutated


class CouncilIndex:
    """Every UK council by every name people use for it."""

    def __init__(
        self,
        councils: Mapping[str, Council],
        aliases: Mapping[str, str],
        known_words: Iterable[str] = (),
        towns: Mapping[str, Iterable[str]] | None = None,
        reserved: Iterable[str] = (),
    ) -> None:
        """`known_words` are words of the language around names ("trains", "when"): they are
        never spelling-corrected into a council name, nor read as a town. `towns`: council codes
        by town name; a town is never spelling-corrected, and one that is also a council's name,
        an alias, a nation's or region's name or one of the `reserved` words (the people on
        record: "Tracey Hill") is left out."""
        known = frozenset(known_words)
        self._councils = councils
        phrases: dict[str, set[str]] = defaultdict(set)
        # Combined authorities run no children's services and share county names.
        councils = {code: c for code, c in councils.items() if c.powers != "combined"}
        for council in councils.values():
            for form in _name_forms(council):
                phrases[form].add(council.code)
        for council in councils.values():
            for form in _first_words(council):
                phrases[form].add(council.code)
        for alias, code in aliases.items():
            for form in _with_joined(normalise(alias)):
                phrases[form] = {code}
        named = set(phrases)
        places = {normalise(c.nation) for c in councils.values()}
        places |= {normalise(c.region) for c in councils.values()}
        excluded = NOT_TOWNS | known | places | {normalise(word) for word in reserved}
        for town, codes in (towns or {}).items():
            for form in _with_joined(normalise(town)):
                if form not in named and form not in excluded:
                    phrases[form].update(codes)
        for form, codes in _mutated_welsh_names(councils, towns or {}).items():
            if form not in phrases and form not in excluded:
                phrases[form] = codes
        self._phrases = {phrase: self._settle(codes) for phrase, codes in phrases.items()}
        # For each word, the lengths of the names it begins, longest first.
        sizes: dict[str, set[int]] = defaultdict(set)
        for phrase in self._phrases:
            parts = phrase.split()
            sizes[parts[0]].add(len(parts))
        self._sizes_by_first_word = {w: sorted(s, reverse=True) for w, s in sizes.items()}
        self.vocabulary = frozenset(w for phrase in self._phrases for w in phrase.split())
        # Words of council names and aliases only: a word of some town's name ("street",
        # "green", "market") is still foreign to this subject unless it names the town asked.
        self.council_words = frozenset(w for phrase in named for w in phrase.split())
        self._not_corrected = self.vocabulary | known
        self._correctable_by_initial: dict[str, list[str]] = defaultdict(list)
        for word in sorted({w for phrase in named for w in phrase.split()}):
            if len(word) >= MIN_CORRECTABLE_LENGTH - 1:
                self._correctable_by_initial[word[0]].append(word)
        self._nearest = functools.lru_cache(maxsize=WORDS_REMEMBERED)(self._nearest_words)

    def _settle(self, codes: set[str]) -> tuple[str, ...]:
        """One council where a name's councils agree on who runs children's services, else all.

        "Suffolk" names the current county and the former "Suffolk Coastal" district's core
        words do not; "Stafford" names only the borough. Where current and former councils share
        a name the current ones win.
        """
        councils = [self._councils[code] for code in sorted(codes)]
        current = [c for c in councils if c.current] or councils
        responsible = {c.children_services or c.code for c in current}
        if len(responsible) == 1:
            upper = [c for c in current if c.code == c.children_services]
            return ((upper or current)[0].code,)
        return tuple(c.code for c in current)

    def responsible_for(self, council: Council) -> Council | None:
        code = council.children_services
        return self._councils.get(code) if code else None

    def by_code(self, code: str, score: float) -> CouncilMatch | None:
        """A council named by its code (a button, the conversation's last council), not by
        words: `score` says how sure that is. None for a code not on record (gone in a reload)."""
        named = self._councils.get(code)
        if named is None:
            return None
        return CouncilMatch(named, self.responsible_for(named), 0, 0, score)

    def find(self, question: Sequence[Word]) -> CouncilMatch | CouncilChoice | None:
        """The longest council name in the question once misspelt words are mended."""
        texts, scores, tie = self._correct([word.text for word in question])
        return tie or self._find_exact(question, texts, scores)

    def name_at(self, words: Sequence[str], start: int) -> int:
        """How many of `words` from `start` make the longest council's or town's name there (0:
        none), everyday words ("hope", "law") apart."""
        for size in self._sizes_by_first_word.get(words[start], ()):
            if start + size > len(words):
                continue
            phrase = words[start] if size == 1 else " ".join(words[start : start + size])
            if phrase in self._phrases and phrase not in EVERYDAY_WORDS:
                return size
        return 0

    def may_name_a_council(self, words: Sequence[str]) -> bool:
        """Whether any of `words` could begin a council's name, as written or misspelt (a word
        of this subject or of everyday English cannot): a cheap test before `find_all`."""
        return any(w in self._sizes_by_first_word or w not in self._not_corrected for w in words)

    def find_all(self, question: Sequence[Word]) -> list[CouncilMatch]:
        """Every council the question names by a name that fits one council, in the order
        written (at most MOST_NAMED); names that fit several are passed over."""
        texts, scores, _ = self._correct([word.text for word in question])
        found: list[CouncilMatch] = []
        self._all_in(question, texts, scores, 0, len(texts), found)
        return sorted(found, key=lambda match: match.start)

    def _all_in(
        self,
        question: Sequence[Word],
        texts: Sequence[str],
        scores: Sequence[float],
        start: int,
        end: int,
        found: list[CouncilMatch],
    ) -> None:
        if start >= end or len(found) >= MOST_NAMED:
            return
        match = self._find_exact(question[start:end], texts[start:end], scores[start:end])
        if match is None:
            return
        if isinstance(match, CouncilMatch):
            found.append(replace(match, start=match.start + start, end=match.end + start))
        self._all_in(question, texts, scores, start, start + match.start, found)
        self._all_in(question, texts, scores, start + match.end, end, found)

    def _find_exact(
        self, question: Sequence[Word], texts: Sequence[str], scores: Sequence[float]
    ) -> CouncilMatch | CouncilChoice | None:
        # The longest name wins, then the first: "east riding of yorkshire" over "york".
        best: tuple[int, int, tuple[str, ...]] | None = None
        for start, first in enumerate(texts):
            for size in self._sizes_by_first_word.get(first, ()):
                if best is not None and size <= best[1] - best[0]:
                    break
                if start + size > len(texts):
                    continue
                phrase = first if size == 1 else " ".join(texts[start : start + size])
                codes = self._phrases.get(phrase)
                if codes is None:
                    continue
                if phrase in EVERYDAY_WORDS and not all(
                    word.capitalised for word in question[start : start + size]
                ):
                    continue
                best = (start, start + size, codes)
                break
        if best is None:
            return None
        start, end, codes = best
        if len(codes) > 1:
            return CouncilChoice(tuple(self._councils[c] for c in codes), start, end)
        named = self._councils[codes[0]]
        return CouncilMatch(named, self.responsible_for(named), start, end, min(scores[start:end]))

    def _correct(self, texts: list[str]) -> tuple[list[str], list[float], CouncilChoice | None]:
        """Each unknown word replaced by the council-name word it is closest to, if close, with
        how close (100 for a word left as it was)."""
        corrected = list(texts)
        scores = [100.0] * len(texts)
        for position, text in enumerate(texts):
            if len(text) < MIN_CORRECTABLE_LENGTH or text in self._not_corrected:
                continue
            candidates = self._nearest(text)
            if not candidates:
                continue
            best_word, best_score, _ = candidates[0]
            rivals = [word for word, score, _ in candidates[1:] if best_score - score < TIE_MARGIN]
            if rivals:
                options = self._councils_for_words([best_word, *rivals])
                if len(options) > 1:
                    return corrected, scores, CouncilChoice(options, position, position + 1)
            corrected[position] = best_word
            scores[position] = best_score
        return corrected, scores, None

    def _nearest_words(self, text: str) -> list[tuple[str, float, int]]:
        """The council-name words (at most three) nearest `text`, remembered by `_nearest`."""
        # People rarely mistype a name's first letter, while everyday words that are one
        # letter from a place ("parking", "barking") usually differ there.
        return process.extract(
            text,
            self._correctable_by_initial.get(text[0], ()),
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=SPELLING_CUTOFF,
            limit=3,
        )

    def _councils_for_words(self, words: Iterable[str]) -> tuple[Council, ...]:
        codes: dict[str, None] = {}
        for word in words:
            for code in self._phrases.get(word, ()):
                codes[code] = None
        return tuple(self._councils[code] for code in codes)
