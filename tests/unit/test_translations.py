"""The catalogues: every message the code says is in bot/locale/sosbot.pot, translated into
Welsh, none fuzzy, with the same placeholders; plurals as Welsh counts; dates in each
language. A new English message without its Welsh fails here."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from pathlib import Path
from string import Formatter
from zoneinfo import ZoneInfo

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot.commands import COMMANDS
from bot.languages import Language
from bot.replies.records import STAGE_LABELS
from bot.translations import LOCALE_DIR, po_path, texts_for
from knowledge.dates import describe_date
from knowledge.models import Stage

ROOT = Path(__file__).parents[2]
LONDON = ZoneInfo("Europe/London")
# As babel.cfg says: where the messages people see are.
EXTRACTED = ("bot", "handlers")


@cache
def _catalogue(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _messages(catalog: Catalog) -> dict[tuple[str | None, str], Message]:
    return {(m.context, _singular(m.id)): m for m in catalog if m.id}


def _singular(msgid: str | tuple[str, ...]) -> str:
    return msgid[0] if isinstance(msgid, tuple) else msgid


def _placeholders(text: str) -> frozenset[str]:
    return frozenset(name for _, name, _, _ in Formatter().parse(text) if name is not None)


def _forms(value: str | tuple[str, ...]) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


@cache
def _in_the_code() -> frozenset[tuple[str | None, str]]:
    """Every message the code marks, extracted now as `pybabel extract` would."""
    found: set[tuple[str | None, str]] = set()
    for folder in EXTRACTED:
        for _, _, message, _, context in extract_from_dir(ROOT / folder):
            found.add((context, _singular(message)))
    return frozenset(found)


def test_the_template_holds_exactly_the_messages_of_the_code() -> None:
    template = set(_messages(_catalogue(LOCALE_DIR / "sosbot.pot")))
    code = set(_in_the_code())
    assert (sorted(code - template, key=str), sorted(template - code, key=str)) == ([], []), (
        "bot/locale/sosbot.pot is out of date: see README, 'How the translations are built'"
    )


def test_every_message_of_the_template_is_translated_into_welsh_and_none_is_fuzzy() -> None:
    welsh = _messages(_catalogue(po_path(Language.WELSH)))
    template = _messages(_catalogue(LOCALE_DIR / "sosbot.pot"))
    untranslated = [
        key
        for key in template
        if key not in welsh or not all(_forms(welsh[key].string)) or welsh[key].fuzzy
    ]
    assert untranslated == []
    assert not _catalogue(po_path(Language.WELSH)).fuzzy


def test_each_welsh_translation_has_the_placeholders_of_its_english() -> None:
    mismatched = {
        message.id: message.string
        for message in _catalogue(po_path(Language.WELSH))
        if message.id
        and any(
            _placeholders(form) != _placeholders(_singular(message.id))
            for form in _forms(message.string)
        )
    }
    assert mismatched == {}


def test_babels_checkers_find_nothing_wrong_in_the_welsh() -> None:
    problems = [
        (message.id, [str(error) for error in errors])
        for message, errors in _catalogue(po_path(Language.WELSH)).check()
    ]
    assert problems == []


def test_the_welsh_catalogue_has_welshs_six_plural_forms() -> None:
    catalog = _catalogue(po_path(Language.WELSH))
    assert catalog.plural_forms == get_plural("cy").plural_forms
    plurals = [m for m in catalog if m.pluralizable]
    assert plurals
    assert all(len(m.string) == 6 for m in plurals)


@pytest.mark.parametrize(
    ("count", "english", "welsh"),
    [
        (1, "in 1 day", "ymhen 1 diwrnod"),
        (2, "in 2 days", "ymhen 2 ddiwrnod"),
        (3, "in 3 days", "ymhen 3 diwrnod"),
        (7, "in 7 days", "ymhen 7 diwrnod"),
    ],
)
def test_counts_take_each_languages_plural_forms(count: int, english: str, welsh: str) -> None:
    said = [
        texts_for(language).ngettext("in {count} day", "in {count} days", count).format(count=count)
        for language in (Language.ENGLISH, Language.WELSH)
    ]
    assert said == [english, welsh]


@pytest.mark.parametrize(
    "value", ["2013", "2013-12", "2014-02-03", "2014-06-03T09:30:00", "2014-01-15T09:30:00+00:00"]
)
def test_english_dates_are_said_as_they_always_were(value: str) -> None:
    assert texts_for(Language.ENGLISH).date(value, LONDON) == describe_date(value, LONDON)


@pytest.mark.parametrize(
    ("value", "welsh"),
    [
        ("2013", "2013"),
        ("2013-12", "Rhagfyr 2013"),
        ("2014-02-03", "3 Chwefror 2014"),
        ("2014-06-03T09:30:00", "3 Mehefin 2014, 09:30 (BST)"),
    ],
)
def test_welsh_dates_have_welsh_month_names(value: str, welsh: str) -> None:
    assert texts_for(Language.WELSH).date(value, LONDON) == welsh


def test_a_day_is_said_in_each_language() -> None:
    day = datetime(2026, 12, 4, 18, 0, tzinfo=LONDON)
    said = [texts_for(language).day(day) for language in (Language.ENGLISH, Language.WELSH)]
    assert said == ["4 December 2026", "4 Rhagfyr 2026"]


@pytest.mark.parametrize(
    ("items", "welsh"),
    [
        (["7 diwrnod", "1 diwrnod"], "7 diwrnod ac 1 diwrnod"),
        (["Suffolk", "Abertawe"], "Suffolk ac Abertawe"),
        (["Abertawe", "Suffolk"], "Abertawe a Suffolk"),
        (["un"], "un"),
    ],
)
def test_welsh_lists_say_ac_before_a_vowel(items: list[str], welsh: str) -> None:
    assert texts_for(Language.WELSH).join(items) == welsh


def test_the_stage_labels_of_the_catalogue_are_the_records_own() -> None:
    assert {stage: stage.label for stage in Stage} == STAGE_LABELS


def test_every_command_is_described_in_welsh() -> None:
    welsh = texts_for(Language.WELSH)
    untranslated = [c.name for c in COMMANDS if welsh._(c.description) == c.description]
    assert untranslated == []
