"""The records' Welsh fields: each text people read has an optional Welsh sibling of the same
type, declared after it (its check reads the English); quotes and names have none."""

from __future__ import annotations

import types
import typing

import pytest

from knowledge import models
from knowledge.records import WELSH_SUFFIX, Record, Translated

RECORDS = [
    cls
    for cls in vars(models).values()
    if isinstance(cls, type) and issubclass(cls, Record) and not cls.__name__.endswith("File")
]

# Text fields with no Welsh, each with why: a new text field of a record must either get its
# Welsh sibling or be listed here.
NOT_TRANSLATED = {
    ("Source", "id"): "an identifier",
    ("Source", "file"): "a file name",
    ("Source", "url"): "an address",
    ("Source", "note"): "a remark for operators, not shown",
    ("Source", "as_of"): "a date",
    ("Person", "name"): "a name",
    ("Person", "quote"): "the source's words",
    ("Role", "holder"): "a name",
    ("Role", "quote"): "the source's words",
    ("Milestone", "when"): "a date",
    ("Milestone", "until"): "a date",
    ("Milestone", "quote"): "the source's words",
    ("Figure", "keywords"): "words questions are matched on, not shown",
    ("Figure", "quote"): "the source's words",
    ("Network", "source"): "an identifier",
    ("Network", "as_of"): "a date",
    ("Network", "quote"): "the source's words",
    ("Authority", "id"): "an identifier",
    ("Authority", "council"): "a council code",
    ("Authority", "source"): "an identifier",
    ("Authority", "as_of"): "a date",
    ("Event", "id"): "an identifier",
    ("Event", "authority"): "an identifier",
    ("Event", "start"): "a date",
    ("Event", "end"): "a date",
    ("Event", "source"): "an identifier",
    ("Council", "code"): "the register's",
    ("Council", "name"): "the register's; it has Welsh names of its own",
    ("Council", "short_name"): "the register's",
    ("Council", "nation"): "the register's",
    ("Council", "region"): "the register's",
    ("Council", "powers"): "the register's",
    ("Council", "children_services"): "the register's",
    ("Council", "replaced_by"): "the register's",
    ("Council", "welsh_name"): "Welsh already",
    ("Council", "welsh_official_name"): "Welsh already",
    ("Council", "variants"): "the register's",
}


def _holds_text(annotation: object) -> bool:
    """Whether a field's type is text, optional text or a list of texts."""
    if annotation is str:
        return True
    return any(_holds_text(argument) for argument in typing.get_args(annotation))


def _without_none(annotation: object) -> set[object]:
    """The types an optional type allows besides None; the type itself where it is no union."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return set(typing.get_args(annotation)) - {types.NoneType}
    return {annotation}


def _welsh_fields(record: type[Record]) -> list[str]:
    return [name for name in record.model_fields if name.endswith(WELSH_SUFFIX)]


def test_the_records_are_found() -> None:
    assert {"Authority", "Person", "Role", "Milestone", "Figure", "Event", "Source"} <= {
        record.__name__ for record in RECORDS
    }


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: record.__name__)
def test_every_text_of_a_record_has_its_welsh_or_a_reason_for_none(record: type[Record]) -> None:
    fields = record.model_fields
    untranslated = {
        (record.__name__, name)
        for name, field in fields.items()
        if _holds_text(field.annotation)
        and not name.endswith(WELSH_SUFFIX)
        and name + WELSH_SUFFIX not in fields
    }
    listed = {key for key in NOT_TRANSLATED if key[0] == record.__name__}
    assert untranslated == listed


@pytest.mark.parametrize("record", RECORDS, ids=lambda record: record.__name__)
def test_a_welsh_field_follows_its_english_is_optional_and_of_its_type(
    record: type[Record],
) -> None:
    names = list(record.model_fields)
    for welsh in _welsh_fields(record):
        english = welsh.removesuffix(WELSH_SUFFIX)
        assert issubclass(record, Translated), f"{record.__name__}.{welsh} is never checked"
        assert names.index(english) < names.index(welsh)
        english_field, welsh_field = record.model_fields[english], record.model_fields[welsh]
        assert not welsh_field.is_required()
        assert welsh_field.default is None
        english_type = (
            typing.Annotated[english_field.annotation, *english_field.metadata]
            if english_field.metadata
            else english_field.annotation
        )
        assert _without_none(welsh_field.annotation) == _without_none(english_type)


def test_quotes_stay_in_the_sources_english() -> None:
    assert not [
        record.__name__ for record in RECORDS if "quote" + WELSH_SUFFIX in record.model_fields
    ]
