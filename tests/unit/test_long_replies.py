"""A reply longer than Telegram's 4,096 characters is never cut short without a word: every
path that sends one sends it whole (or, for an inline result, says where the rest is)."""

from __future__ import annotations

import pytest
from telegram import Bot

from bot.errors import SendFailedError
from bot.languages import Language
from bot.metrics import Metrics
from bot.replies.render import TELEGRAM_LIMIT
from bot.replies.reply import Choice, Paragraph, Reply
from bot.translations import texts_for
from bot.understanding.intents import Intent
from handlers.common import edit_to_reply, one_message, send_plain
from handlers.reminders import telegram_sender
from tests.bot_api_in_process import CHAT, RecordingRequest, bot_message

PARAGRAPHS = 50
LONG_REPLY = Reply(
    intent=Intent.OVERVIEW,
    confidence=1.0,
    title="Suffolk County Council",
    blocks=tuple(Paragraph(text=f"Paragraph {n}: " + "word " * 40) for n in range(PARAGRAPHS)),
    actions=(Choice(label="Stage", intent=Intent.STAGE, council="SFK"),),
)


def test_the_long_reply_is_10000_characters_and_more() -> None:
    assert sum(len(block.text) for block in LONG_REPLY.blocks if isinstance(block, Paragraph)) > (
        10_000
    )


async def _bot(request: RecordingRequest) -> Bot:
    bot = Bot("1:token", request=request, get_updates_request=request)
    await bot.initialize()
    return bot


@pytest.fixture
def request_() -> RecordingRequest:
    return RecordingRequest()


@pytest.fixture
async def bot(request_: RecordingRequest) -> Bot:
    return await _bot(request_)


def _assert_whole(pieces: list[str]) -> None:
    assert len(pieces) >= 3
    assert all(len(piece) <= TELEGRAM_LIMIT for piece in pieces)
    text = "\n".join(pieces)
    positions = [text.index(f"Paragraph {n}:") for n in range(PARAGRAPHS)]
    assert positions == sorted(positions), "in order"


async def test_a_button_edits_its_message_to_the_first_piece_and_sends_the_rest_after_it(
    bot: Bot, request_: RecordingRequest
) -> None:
    await edit_to_reply(bot_message(bot), LONG_REPLY)
    assert [name for name, _ in request_.calls[1:2]] == ["editMessageText"]
    _assert_whole(request_.texts("editMessageText", "sendMessage"))
    *earlier, last = request_.markups("editMessageText", "sendMessage")
    assert earlier == [None] * len(earlier)
    assert last is not None, "the buttons go with the last piece"


async def test_a_button_with_a_short_reply_keeps_its_buttons_on_the_edited_message(
    bot: Bot, request_: RecordingRequest
) -> None:
    await edit_to_reply(bot_message(bot), LONG_REPLY.model_copy(update={"blocks": ()}))
    assert request_.texts("sendMessage") == []
    assert request_.markups("editMessageText") != [None]


async def test_a_reminder_is_sent_whole_with_its_buttons_on_the_last_piece(
    bot: Bot, request_: RecordingRequest
) -> None:
    await telegram_sender(bot, Metrics().reminders)(CHAT["id"], LONG_REPLY)
    _assert_whole(request_.texts("sendMessage"))
    *earlier, last = request_.markups("sendMessage")
    assert earlier == [None] * len(earlier)
    assert last is not None


async def test_a_reminder_whose_last_piece_fails_is_not_delivered() -> None:
    request = RecordingRequest(fail_after=1)
    bot = await _bot(request)
    with pytest.raises(SendFailedError):
        await telegram_sender(bot, Metrics().reminders)(CHAT["id"], LONG_REPLY)


def test_an_inline_result_is_one_message_cut_at_a_block_that_says_where_the_rest_is() -> None:
    text = one_message(LONG_REPLY, "sosbot", texts_for(Language.ENGLISH))
    assert len(text) <= TELEGRAM_LIMIT
    assert text.endswith("ask @sosbot for the whole answer.")
    last_shown = text.rsplit("Paragraph ", 1)[1].split(":")[0]
    assert text.split("\n\n… shortened")[0].endswith("word"), "cut at a block's end"
    assert 0 < int(last_shown) < PARAGRAPHS - 1


def test_an_inline_result_that_fits_is_the_whole_reply_unmarked() -> None:
    short = LONG_REPLY.model_copy(update={"blocks": LONG_REPLY.blocks[:2]})
    assert "shortened" not in one_message(short, "sosbot", texts_for(Language.ENGLISH))


async def test_a_long_reload_refusal_is_sent_whole_in_plain_text(
    bot: Bot, request_: RecordingRequest
) -> None:
    problems = [f"knowledge/data/councils.csv:{n}: a council code given twice" for n in range(470)]
    refusal = "Reload refused; still serving the last good knowledge.\n" + "\n".join(problems)
    assert len(refusal) > 10_000
    await send_plain(bot_message(bot), refusal)
    pieces = request_.texts("sendMessage")
    assert len(pieces) >= 3
    assert all(len(piece) <= TELEGRAM_LIMIT for piece in pieces)
    assert "\n".join(pieces).splitlines() == refusal.splitlines()
    assert all("parse_mode" not in params for _, params in request_.calls)
