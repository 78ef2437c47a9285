"""Welsh: which language a message is written in, and a Welsh message read as the engine's English.

A Welsh question is not understood by a second engine: its words are glossed, phrase by phrase,
into the plain English words the engine already reads ("Pwy sy'n hyfforddi yng Nghyngor
Abertawe?" → "who train in council Abertawe"), and everything else (cues, negations, follow-ups,
councils, filters, figures) works as it does for English. Words the table does not know are left
as written, so English mixed into Welsh ("pwy sy'n neud y training") reads as English, and a
council's or town's name is never glossed ("Bro Morgannwg", "Sir y Fflint").

Welsh changes a word's first letters after some words (initial mutations: "Caerdydd", "i
Gaerdydd", "yng Nghaerdydd", "a Chaerdydd"). `MUTATIONS` holds the rule, once; `mutated` applies
it to the glossary's Welsh words and to Welsh council and town names when the tables are built,
so reading a message is only lookups.
"""

from __future__ import annotations

import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.languages import Language
from bot.understanding.text import WORDS_REMEMBERED, normalise
from bot.understanding.vocabulary import KNOWN_WORDS, OFF_TOPIC_WORDS, SHORTHAND
from knowledge.models import Council

logger = logging.getLogger(__name__)

# Radical (dictionary) initial → its (soft, nasal, aspirate) mutation; None where the initial
# takes no such mutation. A soft-mutated g is dropped: "Gwynedd" → "i Wynedd".
MUTATIONS: dict[str, tuple[str | None, str | None, str | None]] = {
    "c": ("g", "ngh", "ch"),
    "p": ("b", "mh", "ph"),
    "t": ("d", "nh", "th"),
    "g": ("", "ng", None),
    "b": ("f", "m", None),
    "d": ("dd", "n", None),
    "m": ("f", None, None),
    "ll": ("l", None, None),
    "rh": ("r", None, None),
}
# Initials written with two letters, which are not their first letter mutated: "ch" is not "c".
_DIGRAPHS = ("ch", "dd", "ff", "ng", "ll", "ph", "rh", "th")


def _initial(word: str) -> str:
    return word[:2] if word[:2] in _DIGRAPHS else word[:1]


def mutated(word: str) -> set[str]:
    """`word` (radical) and its soft, nasal and aspirate forms: "cyngor" → cyngor, gyngor,
    nghyngor, chyngor."""
    initial = _initial(word)
    forms = {word}
    for prefix in MUTATIONS.get(initial, ()):
        if prefix is not None and len(word) > len(initial) + 1:
            forms.add(prefix + word[len(initial) :])
    return forms


def radicals(word: str) -> set[str]:
    """The words `word` may be a mutation of, itself included: "gaerfyrddin" → gaerfyrddin,
    caerfyrddin; "ddinbych" → ddinbych, dinbych. Names in the register are sometimes written
    mutated ("Sir Gaerfyrddin")."""
    found = {word}
    for radical, prefixes in MUTATIONS.items():
        for prefix in prefixes:
            if prefix and word.startswith(prefix) and len(word) > len(prefix) + 1:
                rest = word[len(prefix) :]
                # Not where the radical would begin with another letter: "c" + "host" is "ch…".
                if _initial(radical + rest) == radical:
                    found.add(radical + rest)
    return found


# Mutated names shorter than this are not looked for.
_SHORTEST_MUTATED_NAME = 4


def name_forms(name: str) -> set[str]:
    """Every way a normalised Welsh name is written after a mutating word: its first word's
    radicals, each mutated every way ("gaerfyrddin" → caerfyrddin, nghaerfyrddin …)."""
    first, _, rest = name.partition(" ")
    forms = {f"{form} {rest}".strip() for radical in radicals(first) for form in mutated(radical)}
    # A short form ("Gâr" → "ar") or one that is a Welsh word would be read in every message.
    return {name} | {
        form
        for form in forms
        if len(form) >= _SHORTEST_MUTATED_NAME and form not in GLOSSARY_ENTRIES
    }


# How Welsh speakers name English counties: "Swydd Lincoln" or "Sir Lincoln" for Lincolnshire.
_SHIRE_WORDS = ("swydd", "sir")
# Welsh names of English councils and places that are not the English name with "Swydd": a
# council's code → its Welsh names. (Welsh councils' Welsh names are in the register.)
EXONYMS: dict[str, tuple[str, ...]] = {
    "ERY": ("Dwyrain Swydd Efrog", "Dwyrain Efrog", "Dwyrain Riding Swydd Efrog"),
    "NYK": ("Gogledd Swydd Efrog",),
    "YOR": ("Efrog", "Caerefrog"),
    "SHR": ("Swydd Amwythig", "Sir Amwythig", "Amwythig"),
    "HEF": ("Swydd Henffordd", "Sir Henffordd", "Henffordd"),
    "GLS": ("Swydd Gaerloyw", "Sir Gaerloyw", "Caerloyw"),
    "LAN": ("Swydd Gaerhirfryn", "Sir Gaerhirfryn"),
    "WOR": ("Swydd Gaerwrangon", "Sir Gaerwrangon", "Caerwrangon"),
    "OXF": ("Swydd Rydychen", "Sir Rydychen", "Rhydychen"),
    "CAM": ("Swydd Gaergrawnt", "Sir Gaergrawnt", "Caergrawnt"),
    "LEC": ("Swydd Gaerlyr", "Sir Gaerlyr"),
    "BST": ("Bryste",),
    "KEN": ("Caint",),
    "CON": ("Cernyw",),
    "DEV": ("Dyfnaint",),
    "LIV": ("Lerpwl",),
    "MAN": ("Manceinion",),
}


def welsh_names(council: Council) -> list[str]:
    """A council's names in Welsh: the register's (also without "Cyngor") and the exonyms
    above."""
    names = [name for name in (council.welsh_name, council.welsh_official_name) if name]
    # "Sir Gâr" for "Cyngor Sir Gâr", "Dinas Caerdydd" for "Cyngor Dinas Caerdydd".
    names += [name[len("cyngor ") :] for name in names if name.lower().startswith("cyngor ")]
    return names + list(EXONYMS.get(council.code, ()))


def shire_names(council: Council) -> list[str]:
    """ "Swydd Stafford" and "Sir Stafford" for an English shire: names that are only whole (the
    "Stafford" in them is the borough)."""
    short = normalise(council.short_name)
    if council.nation != "England" or not short.endswith("shire") or " " in short:
        return []
    return [f"{word} {short.removesuffix('shire')}" for word in _SHIRE_WORDS]


# The glossary (bot/understanding/data/glossary_cy.txt): Welsh words and phrases, each with the
# English the engine reads for them. A Welsh speaker can correct it without touching code.
GLOSSARY = (Path(__file__).with_name("data") / "glossary_cy.txt").read_text(encoding="utf-8")


def glossary_lines(table: str) -> Iterator[str]:
    """The glossary's entries: its lines but blank ones and comments."""
    for line in table.splitlines():
        if line.strip() and not line.startswith("#"):
            yield line


def _table_lines(table: str) -> Iterator[tuple[str, str]]:
    for line in glossary_lines(table):
        welsh, _, english = line.partition("=")
        for alternative in welsh.split("/"):
            yield alternative.strip(), english.strip()


# Accented and curly characters → plain ASCII ones of the same length, so that a piece found in
# the folded text is at the same place in the message as written (where its capitals are).
def _fold_table() -> dict[int, str]:
    table = {ord(quote): "'" for quote in "’‘`"}
    for code in range(0xC0, 0x250):  # Latin-1 and Latin Extended-A and -B: â, ŵ, ŷ, ï …
        plain = "".join(
            c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c)
        )
        if len(plain) == 1 and plain.isascii():
            table[code] = plain
    return table


_FOLD = _fold_table()
# A word, or a word written after an apostrophe ("'n" of "sy'n"): one unbounded repeat. The
# group keeps the words in a split, between what surrounds them.
_PIECE = re.compile(r"('?[^\W_]+)")


def _fold(text: str) -> str:
    if text.isascii():  # most messages: of the table, only the backquote is ASCII
        return (text.replace("`", "'") if "`" in text else text).lower()
    return text.translate(_FOLD).lower()


def _key(phrase: str) -> str:
    return " ".join(_PIECE.findall(_fold(phrase)))


def _glossary(table: str, english_words: frozenset[str]) -> dict[str, str]:
    """Folded Welsh phrase → English, with the mutated forms of each phrase's first word (those
    that are not English words nor written out in the table themselves)."""
    written = {_key(welsh): english for welsh, english in _table_lines(table)}
    glossary: dict[str, str] = {}
    for phrase, english in written.items():
        first, _, rest = phrase.partition(" ")
        for form in sorted(mutated(first) - {first}):
            mutated_phrase = f"{form} {rest}".strip()
            if mutated_phrase not in written and form not in english_words:
                glossary.setdefault(mutated_phrase, english)
    glossary.update(written)
    return glossary


# Words that count as English in a message: the engine's vocabulary and its off-topic words, bar
# shorthand that is also Welsh ("da", "n", "r").
_ENGLISH_WORDS = (KNOWN_WORDS | OFF_TOPIC_WORDS) - set(SHORTHAND)
GLOSSARY_ENTRIES = _glossary(GLOSSARY, _ENGLISH_WORDS)
# A message is read as written in a language on at least this many of its words.
_LEAST_ENGLISH_WORDS = 2
_LEAST_WELSH_WORDS = 1
# The last letter of "'r" ("the") and "'n" (a particle), written onto the word before.
_CLITIC_ENDINGS = frozenset("rn")
# Shorter words with such an ending are words of their own ("win", "mon"), not "wi'n", "mo'n".
_SHORTEST_CLITIC_HOST = 3
# A word the glossary does not hold, this long or longer, is mended to the glossary's word it is
# nearly (fuzz.ratio at least the cutoff, same first letter): "hyfforddiand", "digwyddiadua".
_SHORTEST_MENDED = 6
WELSH_SPELLING_CUTOFF = 85.0
# The name of the approach, which Welsh speakers write in English too.
_APPROACH = frozenset({"signs", "of", "safety", "sofs", "sos"})


def _language(welsh: int, english: int) -> Language | None:
    """The language of a message with `welsh` words only Welsh has and `english` only English.
    Welsh with English nouns ("stopia'r reminders am y training") is Welsh."""
    if welsh >= _LEAST_WELSH_WORDS and welsh >= english:
        return Language.WELSH
    if english >= _LEAST_ENGLISH_WORDS and english > welsh:
        return Language.ENGLISH
    return None


class Welsh:
    """Tells Welsh from English, and reads Welsh as English, around the names `name_at` knows.

    `name_at(words, start)`: how many of the normalised `words` from `start` make a council's
    or town's name (0 for none); such words are left as written."""

    def __init__(
        self, name_at: Callable[[Sequence[str], int], int], name_words: Iterable[str] = ()
    ) -> None:
        self._name_at = name_at
        self._glossary = GLOSSARY_ENTRIES
        # For each first word, the lengths of the phrases it begins, longest first.
        sizes: dict[str, set[int]] = {}
        for phrase in self._glossary:
            parts = phrase.split()
            sizes.setdefault(parts[0], set()).add(len(parts))
        self._sizes_by_first_word = {word: sorted(s, reverse=True) for word, s in sizes.items()}
        welsh_words = {
            word for phrase in self._glossary for word in phrase.split() if "'" not in word
        }
        # Words of both languages ("a", "am", "plant"), shorthand, single letters, the words of
        # council names ("cyngor", "sir") and the approach's name, which Welsh keeps, tell nothing.
        neutral = (welsh_words & _ENGLISH_WORDS) | set(SHORTHAND) | set(name_words) | _APPROACH
        self._welsh_words = frozenset(w for w in welsh_words - neutral if len(w) > 1)
        self._mendable: dict[str, list[str]] = {}
        for word in sorted(self._welsh_words & set(self._glossary)):
            if len(word) >= _SHORTEST_MENDED - 1:
                self._mendable.setdefault(word[0], []).append(word)
        # Mending depends on the word alone: each is worked out once, in however many messages.
        self._mended = functools.lru_cache(maxsize=WORDS_REMEMBERED)(self._mend)
        self._english_words = frozenset(w for w in _ENGLISH_WORDS - neutral if len(w) > 1)

    def reading(self, text: str, normalised: str) -> tuple[Language | None, str]:
        """The language `text` (`normalised`) is written in, and the text to read: Welsh glossed
        into English, and so is a message with no English word at all ("A Suffolk?": "and
        Suffolk?", too short to be called Welsh)."""
        welsh, english = self._counts(normalised)
        language = _language(welsh, english)
        if language is Language.WELSH:
            return language, self.english(text, mend=True)
        if language is None and english == 0:
            return language, self.english(text)
        return language, text

    def language_of(self, normalised: str) -> Language | None:
        """The language a normalised message is written in, by counting the words only Welsh or
        only English has; None for a message with too few of either (a council's name, "ok")."""
        return _language(*self._counts(normalised))

    def _counts(self, normalised: str) -> tuple[int, int]:
        welsh = english = 0
        for word in normalised.split():
            if word in self._english_words:
                english += 1
            # "stopia'r", "mae'n" lose their apostrophe when normalised: "stopiar", "maen".
            elif word in self._welsh_words or (
                len(word) > _SHORTEST_CLITIC_HOST
                and word[-1] in _CLITIC_ENDINGS
                and word[:-1] in self._welsh_words
            ):
                welsh += 1
        return welsh, english

    def english(self, text: str, *, mend: bool = False) -> str:
        """`text` with its Welsh glossed into English: longest phrase first, names and words
        the glossary does not know left as written (with their capitals and the punctuation
        between them), or, where `mend`, misspelt Welsh words mended. Linear: each word looks
        ahead a bounded number of words."""
        folded_text = _fold(text)
        if len(folded_text) != len(text):  # a letter of a rare alphabet lengthened by `lower`
            text = folded_text
        # Words at odd places, what is between them at even ones; part k ends at `ends[k]`.
        parts = _PIECE.split(folded_text)
        ends = list(accumulate(map(len, parts)))
        folded = parts[1::2]
        plain = [piece.lstrip("'") for piece in folded]
        out: list[str] = []
        position, written_up_to = 0, 0
        while position < len(folded):
            english: str | None = None
            size = self._name_at(plain, position)
            if not size:
                size, english = self._phrase_at(folded, position)
            if not size and mend:
                size, english = self._mended(folded[position])
            step = size or 1
            end = ends[2 * (position + step) - 1]
            if english is None:  # a name, or a word the glossary does not know: as written
                out.append(text[written_up_to:end])
            else:
                out.append(f"{text[written_up_to : ends[2 * position]]} {english} ")
            written_up_to, position = end, position + step
        out.append(text[written_up_to:])
        return "".join(out)

    def _phrase_at(self, folded: list[str], position: int) -> tuple[int, str | None]:
        word = folded[position]
        for size in self._sizes_by_first_word.get(word, ()):
            if position + size <= len(folded):
                phrase = word if size == 1 else " ".join(folded[position : position + size])
                english = self._glossary.get(phrase)
                if english is not None:
                    return size, english
        return 0, None

    def _mend(self, word: str) -> tuple[int, str | None]:
        """The English of the glossary's word `word` nearly is, as a one-word phrase."""
        if len(word) < _SHORTEST_MENDED or not word.isalpha() or word in _ENGLISH_WORDS:
            return 0, None
        match = process.extractOne(
            word,
            self._mendable.get(word[0], ()),
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=WELSH_SPELLING_CUTOFF,
        )
        return (1, self._glossary[match[0]]) if match else (0, None)
