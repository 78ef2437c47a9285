"""The console cannot keep a subscription: it names the council in words, says reminders come
in Telegram, and gives the command to send there."""

from __future__ import annotations

import pytest

from bot.replies.render import render_plain
from tests.conftest import Ask


@pytest.mark.parametrize(
    ("text", "council", "command"),
    [
        ("remind me about suffolk events", "Suffolk County Council", "/subscribe suffolk"),
        (
            "please keep me posted on staffs",
            "Staffordshire County Council",
            "/subscribe staffordshire",
        ),
        (
            "stop the swansea reminders",
            "City and County of Swansea Council",
            "/unsubscribe swansea",
        ),
    ],
)
def test_a_console_subscription_request_names_the_council_in_words_and_points_to_telegram(
    ask: Ask, text: str, council: str, command: str
) -> None:
    said = render_plain(ask(text))
    assert council in said
    assert "Telegram" in said
    assert command in said


def test_a_console_request_for_every_reminder_says_every_event(ask: Ask) -> None:
    said = render_plain(ask("remind me of everything"))
    assert "every event" in said
    assert "/subscribe all" in said
