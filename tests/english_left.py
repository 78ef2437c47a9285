"""What is left of the English template text in a Welsh message: each English message of the
Welsh catalogue whose Welsh differs, found in the text. The source's quotes (“…”), which stay
in English, are left out first."""

from __future__ import annotations

import re
from functools import cache
from string import Formatter

from babel.messages.pofile import read_po

from bot.languages import Language
from bot.translations import po_path

_QUOTED = re.compile("“[^”]*”")
# A piece of a message this short ("Events", "Stage: ") could be a word of a name or a record.
_SHORTEST = 12


@cache
def english_templates() -> tuple[str, ...]:
    """The literal pieces, between placeholders, of every message whose Welsh differs."""
    with po_path(Language.WELSH).open("rb") as po:
        catalog = read_po(po)
    pieces: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue
            for literal, _, _, _ in Formatter().parse(english):
                literal = literal.strip(" .,:;()")
                if len(literal) >= _SHORTEST and " " in literal:
                    pieces.add(literal)
    return tuple(sorted(pieces))


def english_left(text: str) -> list[str]:
    """The English template pieces `text` still holds, outside the source's quotes."""
    unquoted = _QUOTED.sub("", text)
    return [piece for piece in english_templates() if piece in unquoted]
