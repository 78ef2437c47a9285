"""Record texts in Welsh: the shipped files give the Welsh of every text, faithfully; a text
without its Welsh is found and named at its line; a bad Welsh text is refused at its line."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel

from knowledge.base import Knowledge
from knowledge.errors import KnowledgeError
from knowledge.loader import load_knowledge
from knowledge.records import WELSH_SUFFIX
from knowledge.welsh import missing_welsh, missing_welsh_lines, welsh_items_or_none, welsh_or_none

# A knowledge folder whose texts all have their Welsh but three (see its authorities.yaml).
GAPS = Path(__file__).parents[1] / "data" / "welsh_gaps"

# Texts that are the same in both languages, as a place's name can be. None ships yet; a text
# added here must be a name, not English left untranslated.
SAME_IN_BOTH_LANGUAGES: frozenset[str] = frozenset()


def _pairs(record: BaseModel) -> Iterator[tuple[str, str, str]]:
    """Each English text given with its Welsh, in `record` and the records inside it, as
    (field, English, Welsh); a list's items pair by position."""
    fields = type(record).model_fields
    for name in fields:
        value = getattr(record, name)
        welsh = getattr(record, name + WELSH_SUFFIX, None)
        if isinstance(value, str) and isinstance(welsh, str):
            yield name, value, welsh
        elif isinstance(value, tuple) and isinstance(welsh, tuple):
            yield from ((name, e, w) for e, w in zip(value, welsh, strict=True))
        elif isinstance(value, BaseModel):
            yield from _pairs(value)
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, BaseModel):
                    yield from _pairs(item)


def _shipped_pairs(knowledge: Knowledge) -> list[tuple[str, str, str]]:
    records: list[BaseModel] = [
        *knowledge.sources.values(),
        knowledge.network,
        *knowledge.authorities,
        *knowledge.events,
    ]
    return [pair for record in records for pair in _pairs(record)]


def test_every_shipped_record_text_has_its_welsh(knowledge: Knowledge) -> None:
    assert [str(item) for item in missing_welsh(knowledge)] == []


def test_no_shipped_welsh_text_is_its_english_copied(knowledge: Knowledge) -> None:
    copied = [
        (field, english)
        for field, english, welsh in _shipped_pairs(knowledge)
        if welsh == english and english not in SAME_IN_BOTH_LANGUAGES
    ]
    assert copied == []


def test_the_shipped_welsh_keeps_the_numbers_and_names_of_its_english(
    knowledge: Knowledge,
) -> None:
    """A translation that changed a number, or dropped a person, would state another fact."""
    names = {
        person.name
        for authority in knowledge.authorities
        for person in (*authority.trainers, *authority.people)
    } | {"Signs of Safety", "LSCB", "CAF"}
    pairs = _shipped_pairs(knowledge)
    assert len(pairs) >= 80
    for field, english, welsh in pairs:
        for number in re.findall(r"\d+", english):
            assert re.search(rf"(?<!\d){number}(?!\d)", welsh), f"{field}: {number} in {welsh!r}"
        for name in names:
            if name in english:
                assert name in welsh, f"{field}: {name} is missing from {welsh!r}"


def test_the_texts_without_welsh_are_named_at_their_file_and_line() -> None:
    missing = missing_welsh(load_knowledge(GAPS))
    assert [str(item) for item in missing] == [
        "authorities[1].people[1].role: no Welsh yet (add role_cy)",
        "authorities[1].notes: no Welsh yet (add notes_cy)",
        "events[1].description: no Welsh yet (add description_cy)",
    ]
    assert missing_welsh_lines(GAPS, missing) == (
        f"{GAPS / 'authorities.yaml'}:34: authorities[1].people[1].role: no Welsh yet "
        "(add role_cy)",
        f"{GAPS / 'authorities.yaml'}:50: authorities[1].notes: no Welsh yet (add notes_cy)",
        f"{GAPS / 'events.yaml'}:9: events[1].description: no Welsh yet (add description_cy)",
    )


def test_a_text_gives_its_welsh_where_the_files_have_it_and_none_where_not() -> None:
    knowledge = load_knowledge(GAPS)
    (authority,) = knowledge.authorities
    (event,) = knowledge.events
    assert welsh_or_none(authority, "name") == "Cyngor Dinas a Sir Abertawe"
    assert welsh_or_none(authority, "stage_summary") == "Yn gweithredu'r dull."
    assert welsh_or_none(authority.people[0], "role") is None
    assert welsh_or_none(authority.milestones[0], "when_text") == "erbyn canol 2014"
    assert welsh_or_none(authority.figures[0], "unit") == "diwrnod"
    assert welsh_or_none(event, "title") == "Y Cwrs Preswyl"
    assert welsh_or_none(event, "location") == "Abertawe"
    assert welsh_or_none(event, "description") is None
    assert welsh_or_none(knowledge.sources["page"], "title") == "Tudalen y rhwydwaith"
    assert welsh_items_or_none(authority, "services") == (
        "Gwasanaethau plant",
        "Gwasanaethau cymorth cynnar",
    )
    assert welsh_items_or_none(authority, "notes") is None


def test_asking_for_the_welsh_of_a_text_a_record_does_not_have_is_a_mistake() -> None:
    (authority,) = load_knowledge(GAPS).authorities
    with pytest.raises(ValueError, match="Person has no Welsh text for 'title'"):
        welsh_or_none(authority.people[0], "title")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "knowledge"
    shutil.copytree(GAPS, copy)
    return copy


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert text.count(old) == 1, old
        return text.replace(old, new)

    return edit


# (file, edit, the text on the line refused, what the message says)
BAD_WELSH = [
    pytest.param(
        "authorities.yaml",
        _replace("      - Gwasanaethau cymorth cynnar\n", ""),
        "services_cy:",
        "authorities[1].services_cy: 1 Welsh item for 2 in services; give one Welsh text for "
        "each, in the same order",
        id="services_cy-short",
    ),
    pytest.param(
        "authorities.yaml",
        _replace(
            "      - All staff have been trained.\n",
            "      - All staff have been trained.\n"
            "    notes_cy:\n      - Mae'r holl staff wedi'u hyfforddi.\n      - Ac un arall.\n",
        ),
        "notes_cy:",
        "authorities[1].notes_cy: 2 Welsh items for 1 in notes",
        id="notes_cy-long",
    ),
    pytest.param(
        "authorities.yaml",
        _replace("        when_text: by mid-2014\n", ""),
        "when_text_cy:",
        "authorities[1].milestones[1].when_text_cy: there is no when_text for this Welsh to "
        "translate",
        id="when_text_cy-alone",
    ),
    pytest.param(
        "authorities.yaml",
        _replace("        unit: days\n", ""),
        "unit_cy:",
        "authorities[1].figures[1].unit_cy: there is no unit for this Welsh to translate",
        id="unit_cy-alone",
    ),
    pytest.param(
        "events.yaml",
        _replace("    location: Swansea\n", ""),
        "location_cy:",
        "events[1].location_cy: there is no location for this Welsh to translate",
        id="location_cy-alone",
    ),
    pytest.param(
        "authorities.yaml",
        _replace("what_cy: y Cwrs Preswyl", "what_cy: '  '"),
        "what_cy: '  '",
        "authorities[1].figures[1].what_cy: String should have at least 1 character",
        id="what_cy-blank",
    ),
    pytest.param(
        "authorities.yaml",
        _replace("what: the Residency", "what: '  '"),
        "what: '  '",
        "authorities[1].figures[1].what: String should have at least 1 character",
        id="what-blank",
    ),
    pytest.param(
        "events.yaml",
        _replace("title_cy: Y Cwrs Preswyl", 'title_cy: "Y Cwrs\\x1b[2J"'),
        "title_cy:",
        "events[1].title_cy: contains a control character (U+001B)",
        id="title_cy-control",
    ),
    pytest.param(
        "authorities.yaml",
        _replace(
            "        quote: a superb project leader in Bev Edwards\n",
            "        quote: a superb project leader in Bev Edwards\n"
            "        quote_cy: arweinydd prosiect gwych\n",
        ),
        "quote_cy:",
        "authorities[1].people[1].quote_cy: Extra inputs are not permitted",
        id="quote_cy-refused",
    ),
]


@pytest.mark.parametrize(("file", "edit", "line_text", "message"), BAD_WELSH)
def test_a_bad_welsh_text_is_refused_at_its_line(
    folder: Path, file: str, edit: Callable[[str], str], line_text: str, message: str
) -> None:
    path = folder / file
    text = edit(path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if line_text in row)
    with pytest.raises(KnowledgeError) as raised:
        load_knowledge(folder)
    assert str(raised.value).startswith(f"{path}:{line}: {message}")
