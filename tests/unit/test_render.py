"""Rendering replies: plain and Telegram HTML from the same data, split to Telegram's limit."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.replies.current import KnowledgeView
from bot.replies.render import TELEGRAM_LIMIT, render_html, render_plain, split_message
from bot.replies.reply import Bullets, Choice, Citation, Paragraph, Reply
from bot.understanding.intents import Intent
from tests.conftest import reply_about

REPLY = Reply(
    intent=Intent.OVERVIEW,
    confidence=1.0,
    title="Smith & Jones <Council>",
    blocks=(Paragraph(text="a < b & c > d"), Bullets(items=("one", "<two>"))),
    citation=Citation(title="The page", as_of="as of December 2013"),
    options=(Choice(label="A & B", intent=Intent.OVERVIEW, council="AAA"),),
)


def test_plain_text_keeps_the_words_as_they_are() -> None:
    text = render_plain(REPLY)
    assert text.splitlines()[0] == "Smith & Jones <Council>"
    assert "• <two>" in text
    assert "Did you mean:\n• A & B" in text
    assert text.endswith("Source: The page (as of December 2013)")


def test_html_escapes_every_piece_of_text_and_bolds_only_the_title() -> None:
    html = render_html(REPLY)
    assert html.startswith("<b>Smith &amp; Jones &lt;Council&gt;</b>")
    assert "a &lt; b &amp; c &gt; d" in html
    assert "• &lt;two&gt;" in html
    assert html.count("<") == 2, "only the <b> and </b> of the title"


@pytest.mark.parametrize("length", [10, TELEGRAM_LIMIT, TELEGRAM_LIMIT + 1, 3 * TELEGRAM_LIMIT])
def test_a_long_message_is_split_into_pieces_within_the_limit_losing_nothing(length: int) -> None:
    words = ("word " * length)[:length]
    pieces = split_message(words)
    assert all(len(piece) <= TELEGRAM_LIMIT for piece in pieces)
    assert " ".join(pieces).split() == words.split()


def test_a_split_prefers_paragraph_breaks_to_line_breaks() -> None:
    first, second = "a" * 2000, "b\n" * 1500
    pieces = split_message(f"{first}\n\n{second}")
    assert [piece.strip() for piece in pieces] == [first, second.strip()]


def test_a_single_unbroken_run_is_cut_hard() -> None:
    pieces = split_message("x" * (TELEGRAM_LIMIT + 5))
    assert [len(p) for p in pieces] == [TELEGRAM_LIMIT, 5]


def test_a_hard_cut_never_falls_inside_an_html_entity() -> None:
    message = "&amp;" * 1000
    pieces = split_message(message, limit=4096)
    assert "".join(pieces) == message
    assert all(piece.endswith(";") for piece in pieces)


LONE_SURROGATES = ["\ud800abc", "abc\udfff", "a\udc80b\ud83dc", "\ude00\ud83d"]


@pytest.mark.parametrize("render", [render_plain, render_html])
@pytest.mark.parametrize("text", LONE_SURROGATES)
def test_lone_surrogates_are_rendered_as_replacement_characters_telegram_can_encode(
    render: Callable[[Reply], str], text: str
) -> None:
    reply = Reply(
        intent=Intent.UNKNOWN,
        confidence=0.0,
        title=text,
        blocks=(Paragraph(text=text), Bullets(items=(text,))),
        options=(Choice(label=text, intent=Intent.OVERVIEW, council="AAA"),),
        options_heading=text,
        citation=Citation(title=text, as_of=text),
    )
    rendered = render(reply)
    rendered.encode("utf-8")
    expected = "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in text)
    assert rendered.count(expected) == 7


@pytest.mark.parametrize("render", [render_plain, render_html])
def test_an_echoed_command_argument_with_a_lone_surrogate_can_be_sent(
    view: KnowledgeView, render: Callable[[Reply], str]
) -> None:
    rendered = render(reply_about(view, Intent.OVERVIEW, "\ud800abc"))
    rendered.encode("utf-8")
    assert "“\ufffdabc”" in rendered


def test_characters_outside_the_basic_plane_are_kept() -> None:
    reply = Reply(intent=Intent.UNKNOWN, confidence=0.0, blocks=(Paragraph(text="🙂 Môn"),))
    assert render_html(reply) == render_plain(reply) == "🙂 Môn"
