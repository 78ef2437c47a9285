"""Replies as text: plain for the console, HTML for Telegram. All escaping happens here."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from html import escape

from bot.replies.reply import Bullets, Paragraph, Reply

logger = logging.getLogger(__name__)

TELEGRAM_LIMIT = 4096

# A surrogate code point alone is no character: UTF-8 cannot encode it, so Telegram refuses a
# message holding one. People can send them (an echoed "/council \ud800abc").
_SURROGATE = re.compile("[\ud800-\udfff]")


def _sendable(text: str) -> str:
    """`text` with every lone surrogate replaced by U+FFFD, the replacement character. Applied
    once to the whole rendered reply: markup and joins add no surrogate, and escaping touches
    none."""
    if text.isascii():  # most replies: a surrogate is never ASCII
        return text
    return _SURROGATE.sub("\ufffd", text)


def _render(reply: Reply, *, bold: Callable[[str], str], text: Callable[[str], str]) -> str:
    sections: list[str] = []
    if reply.title:
        sections.append(bold(text(reply.title)))
    for block in reply.blocks:
        match block:
            case Paragraph():
                sections.append(text(block.text))
            case Bullets():
                sections.append("\n".join(f"• {text(item)}" for item in block.items))
    if reply.options:
        lines = [text(reply.options_heading)] if reply.options_heading else []
        lines += [f"• {text(option.label)}" for option in reply.options]
        sections.append("\n".join(lines))
    if reply.citation:
        sections.append(
            f"{text(reply.citation.label)} {text(reply.citation.title)} "
            f"({text(reply.citation.as_of)})"
        )
    return _sendable("\n\n".join(sections))


def render_plain(reply: Reply) -> str:
    """The reply as plain text, for the console and `sosbot ask`."""
    return _render(reply, bold=str, text=str)


def _escape(text: str) -> str:
    """Text with only <, > and & escaped: all Telegram's HTML needs outside attributes; quotes
    stay readable."""
    return escape(text, quote=False)


def render_html(reply: Reply) -> str:
    """The reply as Telegram HTML, every piece of text escaped."""
    return _render(reply, bold=lambda value: f"<b>{value}</b>", text=_escape)


def split_message(message: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph break, else a line break, else a
    space, else anywhere but inside an HTML entity ("&amp;"), which Telegram would refuse."""
    pieces: list[str] = []
    rest = message
    while len(rest) > limit:
        window = rest[:limit]
        cut = next(
            (at for at in (window.rfind(mark) for mark in ("\n\n", "\n", " ")) if at > 0), limit
        )
        if cut == limit and (entity := window.rfind("&")) > window.rfind(";"):
            cut = entity or limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces
