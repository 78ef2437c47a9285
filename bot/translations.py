"""What the bot says, in the language of the chat: gettext catalogues, dates and numbers.

The English texts in the code are the catalogue's message ids (English needs no catalogue);
the Welsh is `bot/locale/cy/LC_MESSAGES/sosbot.po`, which a translator edits without touching
code. It is compiled once, when first asked for, with Babel (read_po, write_mo into memory),
into a standard `gettext.GNUTranslations`. Nothing here holds a "current language": whoever
composes a text is handed the `Texts` of the language it speaks.

Extract the messages after changing a text (see README, "How the translations are built"):
`pybabel extract -F babel.cfg -o bot/locale/sosbot.pot --no-location --sort-output .`
"""

from __future__ import annotations

import gettext
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.languages import Language
from knowledge.dates import period_of
from knowledge.models import Council

logger = logging.getLogger(__name__)

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "sosbot"
# Babel's locale for each language's dates: British English keeps "3 February 2014".
_DATE_LOCALES = {Language.ENGLISH: "en_GB", Language.WELSH: "cy"}
# English counts up to ten in words ("five of the five councils"); Welsh writes figures, as
# Welsh public bodies do.
_ENGLISH_NUMBERS = "none one two three four five six seven eight nine ten".split()
_VOWELS = frozenset("aeiouwy")
# Figures whose Welsh word begins with a vowel: un, wyth, un ar ddeg.
_SAID_WITH_A_VOWEL = frozenset({"1", "8", "11"})


def N_(message: str) -> str:  # noqa: N802 (gettext's name for it, which Babel extracts)
    """Marks `message` for the catalogue where it is defined; it is translated where used."""
    return message


def po_path(language: Language) -> Path:
    return LOCALE_DIR / language.value / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalogue(language: Language) -> gettext.NullTranslations:
    """The language's translations, compiled from its .po file once per process. English, the
    language of the message ids, is translated by none."""
    if language is Language.ENGLISH:
        return gettext.NullTranslations()
    with po_path(language).open("rb") as po:
        catalog = read_po(po, locale=language.value, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@lru_cache(maxsize=4096)
def _date(value: str, timezone: ZoneInfo, language: Language) -> str:
    """`2014-02` → "February 2014" / "Chwefror 2014"; `2014-02-03` → "3 February 2014";
    times with their hour and zone. Records repeat the same few dates: each is said once."""
    span = period_of(value, timezone)
    locale = _DATE_LOCALES[language]
    match span.precision:
        case "year":
            return value
        case "month":
            return format_date(span.start.date(), "MMMM y", locale=locale)
        case "day":
            return format_date(span.start.date(), "d MMMM y", locale=locale)
        case "time":
            local = span.start.astimezone(timezone)
            day = format_date(local.date(), "d MMMM y", locale=locale)
            return f"{day}, {local:%H:%M} ({local.tzname()})"


@lru_cache(maxsize=64)
def _day(value: date, language: Language) -> str:
    """ "4 December 2026": today's date, said in every reply about past events until tomorrow."""
    return format_date(value, "d MMMM y", locale=_DATE_LOCALES[language])


def _aspirated(text: str) -> str:
    """Welsh "a" (and) mutates the c, p and t of the word after it: "a Chyngor Sir …"."""
    first = text[:1]
    if first.casefold() in {"c", "p", "t"} and text[1:2].casefold() != "h":
        return first + "h" + text[1:]
    return text


@dataclass(frozen=True, slots=True)
class Texts:
    """One language's texts: its catalogue, its dates, its numbers and its council names."""

    language: Language
    translations: gettext.NullTranslations

    def _(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        """The form of a message for `count`: English has two, Welsh six."""
        return self.translations.ngettext(singular, plural, count)

    @property
    def welsh(self) -> bool:
        return self.language is Language.WELSH

    def date(self, value: str, timezone: ZoneInfo) -> str:
        """A date as the records write it (`2014`, `2014-02`, `2014-02-03` or a time), in
        words."""
        return _date(value, timezone, self.language)

    def day(self, moment: datetime) -> str:
        """ "4 December 2026": a day in words."""
        return _day(moment.date(), self.language)

    def number(self, count: int) -> str:
        """A count said in running text: English words up to ten, else figures."""
        if self.language is Language.ENGLISH and count < len(_ENGLISH_NUMBERS):
            return _ENGLISH_NUMBERS[count]
        return str(count)

    def council_name(self, council: Council) -> str:
        """The council's official name: its Welsh one, where the register has one, in Welsh."""
        if self.welsh and council.welsh_official_name:
            return council.welsh_official_name
        return council.name

    def council_short_name(self, council: Council) -> str:
        """ "Swansea" / "Abertawe"."""
        if self.welsh and council.welsh_name:
            return council.welsh_name
        return council.short_name

    def in_english(self, text: str) -> str:
        """A record's text that has no Welsh yet: the English, with a short note saying so."""
        return self._("{text} (in English on record)").format(text=text)

    def join(self, items: Sequence[str]) -> str:
        """ "a, b and c" / "a, b a c" (Welsh says "ac" before a vowel: "7 diwrnod ac 1
        diwrnod")."""
        if len(items) < 2:
            return "".join(items)
        *first, last = items
        if last[:1].casefold() in _VOWELS or last.split(" ")[0] in _SAID_WITH_A_VOWEL:
            joined = self.translations.pgettext("before a vowel", "{items} and {last}")
        else:
            joined = self._("{items} and {last}")
            if self.welsh:
                last = _aspirated(last)
        return joined.format(items=", ".join(first), last=last)


@cache
def texts_for(language: Language) -> Texts:
    """The texts of `language`, made once."""
    return Texts(language, catalogue(language))
