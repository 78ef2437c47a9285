"""The one place a conversation is updated: what it holds after each kind of turn."""

from __future__ import annotations

import pytest

from bot.actions.conversation import forget, remember
from bot.replies.reply import Reply
from bot.understanding.conversation import Conversation
from bot.understanding.engine import Engine
from bot.understanding.intents import Intent
from bot.understanding.requests import Ask, ListSubscriptions, Request, Subscribe, Thanks
from tests.conftest import Ask as Asking

BEFORE = Conversation(intent=Intent.TRAINERS, council_code="SFK")


@pytest.mark.parametrize(
    ("request_", "asked", "reply", "after"),
    [
        # An answer about a council: it becomes "them", and its intent is what is repeated.
        (Ask(Intent.STAGE), Intent.STAGE, Reply(intent=Intent.STAGE, council_code="LIN"),
         (Intent.STAGE, "LIN")),
        # A network answer forgets the council.
        (Ask(Intent.COUNT), Intent.COUNT, Reply(intent=Intent.COUNT), (Intent.COUNT, None)),
        (Ask(Intent.LIST), Intent.LIST, Reply(intent=Intent.LIST), (Intent.LIST, None)),
        (Ask(Intent.ABOUT), Intent.ABOUT, Reply(intent=Intent.ABOUT), (Intent.ABOUT, None)),
        # An answer about no council in particular keeps the last one.
        (Ask(Intent.EVENTS), Intent.EVENTS, Reply(intent=Intent.EVENTS), (Intent.EVENTS, "SFK")),
        # Not understood: nothing changes.
        (Ask(Intent.UNKNOWN), Intent.UNKNOWN, Reply(intent=Intent.UNKNOWN),
         (Intent.TRAINERS, "SFK")),
        # Thanks: nothing changes, though the reply is a HELP one.
        (Thanks(), Intent.HELP, Reply(intent=Intent.HELP), (Intent.TRAINERS, "SFK")),
        # A subscription: its council becomes "them" ("stop that" then means it).
        (Subscribe("LIN"), Intent.SUBSCRIBE, Reply(intent=Intent.SUBSCRIBE, council_code="LIN"),
         (Intent.SUBSCRIBE, "LIN")),
        (ListSubscriptions(), Intent.SUBSCRIPTIONS, Reply(intent=Intent.SUBSCRIPTIONS),
         (Intent.SUBSCRIPTIONS, "SFK")),
    ],
)  # fmt: skip
def test_a_turn_leaves_the_conversation_as_the_table_says(
    request_: Request, asked: Intent, reply: Reply, after: tuple[Intent, str | None]
) -> None:
    conversation = Conversation(BEFORE.intent, BEFORE.council_code)
    remember(conversation, request_, asked, reply)
    assert (conversation.intent, conversation.council_code) == after


def test_forgetting_a_conversation_clears_it() -> None:
    conversation = Conversation(Intent.STAGE, "SFK")
    forget(conversation)
    assert (conversation.intent, conversation.council_code) == (None, None)


@pytest.mark.parametrize(
    ("turns", "after"),
    [
        (["who trains Suffolk?"], (Intent.TRAINERS, "SFK")),
        (["who trains Suffolk?", "and Lincs?"], (Intent.TRAINERS, "LIN")),
        (["tell me about suffolk", "how many councils are implementing"], (Intent.COUNT, None)),
        (["who trains Swansea?", "weather in London"], (Intent.TRAINERS, "SWA")),
        (["who trains Swansea?", "thanks"], (Intent.TRAINERS, "SWA")),
        (["remind me about Suffolk events"], (Intent.SUBSCRIBE, "SFK")),
        (["who trains Ipswich?"], (Intent.TRAINERS, "SFK")),
    ],
)
def test_a_conversation_holds_what_its_turns_were_about(
    ask: Asking, turns: list[str], after: tuple[Intent, str | None]
) -> None:
    conversation = Conversation()
    for turn in turns:
        ask(turn, conversation)
    assert (conversation.intent, conversation.council_code) == after


def test_understanding_does_not_change_the_conversation(engine: Engine) -> None:
    conversation = Conversation(Intent.STAGE, "LIN")
    understanding = engine.understand("and who trains Suffolk?", conversation)
    assert understanding.intent is Intent.TRAINERS
    assert (conversation.intent, conversation.council_code) == (Intent.STAGE, "LIN")
