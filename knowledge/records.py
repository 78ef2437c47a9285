"""The base of every record, and of the records whose texts people read, in English and Welsh."""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

logger = logging.getLogger(__name__)


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# A record text's Welsh sibling is the English field's name with this suffix: `what_cy` beside
# `what`. Every sibling is optional; where it is missing a Welsh reply shows the English.
WELSH_SUFFIX = "_cy"


class Translated(Record):
    """A record with texts people read, each English text `x` with an optional Welsh `x_cy`.

    A Welsh text needs its English one (a Welsh description of no description is a slip), and a
    Welsh list has one item for each English item, in the same order. Each sibling is declared
    after its English field, so the English is validated first and found in `info.data`."""

    @field_validator("*")
    @classmethod
    def _welsh_beside_english(cls, value: object, info: ValidationInfo) -> object:
        name = info.field_name
        if value is None or name is None or not name.endswith(WELSH_SUFFIX):
            return value
        english_name = name.removesuffix(WELSH_SUFFIX)
        if english_name not in info.data:
            # The English failed its own validation, and is reported on its own line.
            return value
        english = info.data[english_name]
        if isinstance(value, tuple):
            if not isinstance(english, tuple) or len(value) != len(english):
                count = len(english) if isinstance(english, tuple) else 0
                raise ValueError(
                    f"{len(value)} Welsh {_items(len(value))} for {count} in {english_name}; "
                    f"give one Welsh text for each, in the same order"
                )
        elif english is None:
            raise ValueError(f"there is no {english_name} for this Welsh to translate")
        return value


def _items(count: int) -> str:
    return "item" if count == 1 else "items"
