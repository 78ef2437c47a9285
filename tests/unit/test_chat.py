"""A chat's message, button or command in, the reply out, without holding up the other chats."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
from collections.abc import Awaitable, Callable

import pytest

from bot.actions.chat import LONG_TEXT, Turn, command, press, respond, run_understanding
from bot.actions.services import Services
from bot.errors import AdminOnlyError
from bot.replies.render import render_plain
from bot.replies.reply import Reply
from bot.scopes import ALL
from bot.understanding.conversation import Conversation
from bot.understanding.engine import Engine, Understanding
from bot.understanding.intents import Intent


@pytest.mark.parametrize(
    ("length", "off_the_loop"), [(1, False), (LONG_TEXT, False), (LONG_TEXT + 1, True)]
)
async def test_only_long_text_is_understood_in_a_worker_thread(
    length: int, off_the_loop: bool
) -> None:
    loop_thread = threading.get_ident()
    ran_in = await run_understanding("x" * length, threading.get_ident)
    assert (ran_in != loop_thread) is off_the_loop


async def allowed() -> bool:
    return True


async def refused() -> bool:
    return False


async def test_a_long_message_being_understood_does_not_stop_other_chats(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    understand = Engine.understand

    def slow_understand(
        engine: Engine, text: str, conversation: Conversation | None = None
    ) -> Understanding:
        time.sleep(0.3)  # as long as a pathological message could ever take, and more
        return understand(engine, text, conversation)

    monkeypatch.setattr(Engine, "understand", slow_understand)
    ticks = 0

    async def other_chats() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    others = asyncio.create_task(other_chats())
    try:
        question = "who trains Suffolk?" + " please" * 80
        reply = await respond(Turn(services, 1, Conversation(), allowed), question)
    finally:
        others.cancel()
    assert reply.intent is Intent.TRAINERS
    assert ticks >= 10


async def test_a_message_is_counted_as_answered_or_not_understood(services: Services) -> None:
    await respond(Turn(services, 1, Conversation(), allowed), "who trains Suffolk?")
    await respond(Turn(services, 1, Conversation(), allowed), "who won the football?")
    await respond(Turn(services, 1, Conversation(), allowed), "what stage is Lincs at?")
    assert (services.questions.answered, services.questions.not_understood) == (2, 1)


async def test_a_question_not_understood_is_kept_only_when_asked_to(services: Services) -> None:
    await respond(Turn(services, 1, Conversation(), allowed), "who won the football?")
    assert await services.store.top_unanswered(5) == []
    keeping = dataclasses.replace(services, log_unanswered=True)
    await respond(Turn(keeping, 1, Conversation(), allowed), "who won the football?")
    assert await services.store.top_unanswered(5) == [("who won the football", 1)]


async def test_a_message_asking_for_reminders_subscribes_the_chat(services: Services) -> None:
    reply = await respond(
        Turn(services, 7, Conversation(), allowed), "remind me about Suffolk events"
    )
    assert reply.intent is Intent.SUBSCRIBE
    assert "Subscribed to Suffolk County Council's events" in render_plain(reply)
    assert await services.store.subscriptions(7) == ["SFK"]


async def test_a_message_stopping_every_reminder_in_a_group_is_refused_to_a_member(
    services: Services,
) -> None:
    await services.store.subscribe(7, ALL, services.clock())
    reply = await respond(Turn(services, 7, Conversation(), refused), "stop all reminders")
    assert "Only this group's administrators" in render_plain(reply)
    assert await services.store.subscriptions(7) == [ALL]


async def test_a_message_answers_with_the_confidence_of_its_understanding(
    services: Services,
) -> None:
    exact = await respond(Turn(services, 1, Conversation(), allowed), "who trains Suffolk?")
    misspelt = await respond(Turn(services, 1, Conversation(), allowed), "who trains Sufflok?")
    assert 0 < misspelt.confidence < exact.confidence <= 1


async def test_a_question_button_answers_about_its_council(services: Services) -> None:
    conversation = Conversation()
    reply = await press(Turn(services, 1, conversation, allowed), Intent.TRAINERS, "SWA")
    assert (reply.intent, reply.authority, reply.confidence) == (Intent.TRAINERS, "swansea", 1.0)
    assert (conversation.intent, conversation.council_code) == (Intent.TRAINERS, "SWA")


async def test_a_subscribe_button_subscribes_the_chat(services: Services) -> None:
    reply = await press(Turn(services, 3, Conversation(), allowed), Intent.SUBSCRIBE, "LIN")
    assert "Subscribed to Lincolnshire County Council's events" in render_plain(reply)
    assert await services.store.subscriptions(3) == ["LIN"]


async def test_the_every_event_unsubscribe_button_raises_for_a_member_of_a_group(
    services: Services,
) -> None:
    await services.store.subscribe(3, ALL, services.clock())
    with pytest.raises(AdminOnlyError):
        await press(Turn(services, 3, Conversation(), refused), Intent.UNSUBSCRIBE, ALL)
    assert await services.store.subscriptions(3) == [ALL]


@pytest.mark.parametrize(
    ("intent", "name", "says"),
    [
        (Intent.OVERVIEW, "", "Which council do you mean?"),
        (Intent.OVERVIEW, "staffs", "Stage:"),
        (Intent.OVERVIEW, "Narnia", "I don't know a UK council called “Narnia”"),
        (Intent.EVENTS, "", "Events"),
        (Intent.SUBSCRIBE, "", "Which council's events do you want to be reminded of?"),
        (Intent.SUBSCRIBE, "newcastle", "I know more than one council by that name."),
        (Intent.UNSUBSCRIBE, "", "Which council's events do you want to stop hearing about?"),
        (Intent.UNSUBSCRIBE, "all", "You had no subscriptions."),
        (Intent.SUBSCRIPTIONS, "", "You have no subscriptions."),
    ],
)
async def test_a_command_replies_to_its_argument_or_its_absence(
    services: Services, intent: Intent, name: str, says: str
) -> None:
    reply = await command(Turn(services, 1, Conversation(), allowed), intent, name)
    assert says in render_plain(reply)


async def test_subscribe_all_by_command_subscribes_to_every_event(services: Services) -> None:
    await command(Turn(services, 4, Conversation(), allowed), Intent.SUBSCRIBE, "everything")
    assert await services.store.subscriptions(4) == [ALL]


Between = Callable[[Turn], Awaitable[object]]


async def _follow_up_after(services: Services, between: Between) -> Reply:
    """ "who trains Lincolnshire?", then `between`, then "and Swansea?" in one conversation."""
    turn = Turn(services, 1, Conversation(), allowed)
    await respond(turn, "who trains Lincolnshire?")
    await between(turn)
    return await respond(turn, "and Swansea?")


@pytest.mark.parametrize(
    "between",
    [
        pytest.param(lambda turn: command(turn, Intent.HELP, ""), id="/help"),
        pytest.param(lambda turn: command(turn, Intent.LIST, ""), id="/councils"),
        pytest.param(lambda turn: command(turn, Intent.OVERVIEW, "Kent"), id="/council Kent"),
        pytest.param(lambda turn: respond(turn, ""), id="a bare mention"),
        pytest.param(lambda turn: respond(turn, "thanks"), id="thanks"),
    ],
)
async def test_a_command_a_bare_mention_or_thanks_leave_the_follow_up_as_it_was(
    services: Services, between: Between
) -> None:
    reply = await _follow_up_after(services, between)
    assert (reply.intent, reply.authority) == (Intent.TRAINERS, "swansea")


async def test_a_button_about_the_network_keeps_the_council_that_them_means(
    services: Services,
) -> None:
    turn = Turn(services, 1, Conversation(), allowed)
    await respond(turn, "who trains Lincolnshire?")
    await press(turn, Intent.LIST, None)
    reply = await respond(turn, "who trains them?")
    assert (reply.intent, reply.authority) == (Intent.TRAINERS, "lincolnshire")


async def test_a_button_about_a_council_makes_it_the_one_them_means(services: Services) -> None:
    turn = Turn(services, 1, Conversation(), allowed)
    await respond(turn, "who trains Lincolnshire?")
    await press(turn, Intent.STAGE, "SWA")
    reply = await respond(turn, "and who trains them?")
    assert (reply.intent, reply.authority) == (Intent.TRAINERS, "swansea")
