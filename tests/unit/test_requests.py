"""What the engine reads a message, a command or a button as asking for: the request an action
then carries out."""

from __future__ import annotations

import pytest

from bot.scopes import ALL
from bot.understanding.conversation import Conversation
from bot.understanding.councils import CouncilChoice, CouncilMatch
from bot.understanding.engine import Engine
from bot.understanding.intents import Intent
from bot.understanding.requests import (
    Ask,
    AskPerson,
    ListSubscriptions,
    Request,
    Subscribe,
    Thanks,
    UnknownCouncil,
    Unsubscribe,
)


@pytest.mark.parametrize(
    ("message", "request_"),
    [
        ("remind me about Suffolk events", Subscribe("SFK")),
        ("subscribe me to Lincs", Subscribe("LIN")),
        ("remind me about Ipswich events", Subscribe("SFK")),
        ("remind me of everything", Subscribe(ALL)),
        ("remind me about events", Subscribe(None)),
        ("stop reminding me", Unsubscribe(ALL)),
        ("stop all reminders", Unsubscribe(ALL)),
        ("stop reminders for Swansea", Unsubscribe("SWA")),
        ("what am I subscribed to?", ListSubscriptions()),
        ("thanks", Thanks()),
    ],
)
def test_a_subscription_phrasing_is_read_as_its_request(
    engine: Engine, message: str, request_: Request
) -> None:
    assert engine.understand(message).request == request_


def test_stop_that_means_the_council_of_the_previous_turn(engine: Engine) -> None:
    after_suffolk = Conversation(Intent.SUBSCRIBE, "SFK")
    assert engine.understand("stop that", after_suffolk).request == Unsubscribe("SFK")
    assert engine.understand("stop reminding me", after_suffolk).request == Unsubscribe(ALL)


def test_a_name_several_councils_share_is_asked_about_before_subscribing(engine: Engine) -> None:
    request = engine.understand("remind me about Newcastle events").request
    assert isinstance(request, Ask)
    assert request.intent is Intent.SUBSCRIBE
    assert isinstance(request.council, CouncilChoice)


def test_a_question_is_an_ask_with_its_council(engine: Engine) -> None:
    understanding = engine.understand("who trains Swansea?")
    assert isinstance(understanding.request, Ask)
    assert understanding.request.intent is Intent.TRAINERS
    assert isinstance(understanding.request.council, CouncilMatch)
    assert understanding.request.council.named.code == "SWA"
    assert understanding.confidence == pytest.approx(0.95)


def test_a_named_person_is_asked_about(engine: Engine) -> None:
    assert engine.understand("who is Tracey Hill?").request == AskPerson("Tracey Hill")


@pytest.mark.parametrize(
    ("intent", "name", "request_"),
    [
        (Intent.SUBSCRIBE, "all", Subscribe(ALL)),
        (Intent.SUBSCRIBE, "Every Event", Subscribe(ALL)),
        (Intent.UNSUBSCRIBE, "everything", Unsubscribe(ALL)),
        (Intent.SUBSCRIBE, "staffs", Subscribe("STS")),
        (Intent.UNSUBSCRIBE, "Beverley", Unsubscribe("ERY")),
        (Intent.OVERVIEW, "Narnia", UnknownCouncil("Narnia")),
        (Intent.SUBSCRIBE, "Narnia", UnknownCouncil("Narnia")),
    ],
)
def test_a_command_argument_is_read_as_its_request(
    engine: Engine, intent: Intent, name: str, request_: Request
) -> None:
    assert engine.request_about(intent, name) == request_


@pytest.mark.parametrize(
    ("intent", "code", "request_"),
    [
        (Intent.SUBSCRIBE, "SFK", Subscribe("SFK")),
        (Intent.UNSUBSCRIBE, ALL, Unsubscribe(ALL)),
        (Intent.SUBSCRIPTIONS, None, ListSubscriptions()),
        (Intent.LIST, None, Ask(Intent.LIST)),
    ],
)
def test_a_button_is_read_as_its_request(
    engine: Engine, intent: Intent, code: str | None, request_: Request
) -> None:
    assert engine.request_for(intent, code) == request_


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("", ["ERY", "LIN", "SWA", "STS", "SFK"]),
        ("Narnia", ["ERY", "LIN", "SWA", "STS", "SFK"]),
        ("swansea", ["SWA"]),
    ],
)
def test_an_inline_query_asks_for_the_overviews_it_could_mean(
    engine: Engine, query: str, codes: list[str]
) -> None:
    asks = engine.inline_requests(query)
    assert {ask.intent for ask in asks} == {Intent.OVERVIEW}
    councils = [ask.council for ask in asks]
    assert [c.named.code for c in councils if isinstance(c, CouncilMatch)] == codes
