"""The subscription use cases, each against a store: subscribe, unsubscribe, list, forget."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pytest

from bot.actions import subscriptions as subscribing
from bot.actions.services import Services
from bot.errors import AdminOnlyError
from bot.languages import Language
from bot.replies.render import render_plain
from bot.scopes import ALL
from bot.storage.memory import MemoryStore
from bot.understanding.intents import Intent

CHAT = 42


async def allowed() -> bool:
    return True


async def refused() -> bool:
    return False


class Asked:
    """A Permission that counts how often it was asked."""

    def __init__(self) -> None:
        self.times = 0

    async def __call__(self) -> bool:
        self.times += 1
        return True


async def test_subscribing_says_so_with_the_lead_times_and_back_to_the_council(
    services: Services,
) -> None:
    reply = await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    text = render_plain(reply)
    assert "Subscribed to Suffolk County Council's events. I'll remind you 7 days and 1 day" in text
    assert "Events for the whole network come too." in text
    assert [(a.intent, a.council) for a in reply.actions] == [(Intent.OVERVIEW, "SFK")]
    assert reply.council_code == "SFK"
    assert await services.store.subscriptions(CHAT) == ["SFK"]


async def test_subscribing_twice_says_it_already_is(services: Services) -> None:
    await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    reply = await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    assert "You are already subscribed to Suffolk County Council's events." in render_plain(reply)


async def test_subscribing_to_a_council_without_a_record_says_nothing_is_on_record(
    services: Services,
) -> None:
    reply = await subscribing.subscribe(services, services.current.view, CHAT, "RDG")
    assert "Nothing is on record for Reading Borough Council yet" in render_plain(reply)


async def test_subscribing_to_everything_has_no_council_to_go_back_to(services: Services) -> None:
    reply = await subscribing.subscribe(services, services.current.view, CHAT, ALL)
    assert "Subscribed to every event." in render_plain(reply)
    assert (reply.actions, reply.council_code) == ((), None)


class LanguageAtSubscribing(MemoryStore):
    """A store that notes the chat's language as each subscription is stored: the moment a
    reminder could be sent for it."""

    def __init__(self) -> None:
        super().__init__()
        self.language_at_subscribing: list[Language | None] = []

    async def subscribe(self, chat_id: int, scope: str, now: datetime) -> bool:
        self.language_at_subscribing.append(await self.chat_language(chat_id))
        return await super().subscribe(chat_id, scope, now)


async def test_subscribing_in_welsh_keeps_welsh_before_any_reminder_could_be_sent(
    services: Services,
) -> None:
    store = LanguageAtSubscribing()
    welsh = services.current.view.speaking(Language.WELSH)
    await subscribing.subscribe(replace(services, store=store), welsh, CHAT, "SWA")
    assert store.language_at_subscribing == [Language.WELSH]
    assert await store.subscriptions(CHAT) == ["SWA"]


@pytest.mark.parametrize("intent", [Intent.SUBSCRIBE, Intent.UNSUBSCRIBE])
async def test_no_scope_asks_which_with_a_button_for_every_event(
    services: Services, intent: Intent
) -> None:
    if intent is Intent.SUBSCRIBE:
        reply = await subscribing.subscribe(services, services.current.view, CHAT, None)
    else:
        reply = await subscribing.unsubscribe(services, services.current.view, CHAT, None, refused)
    assert [o.council for o in reply.options] == ["ERY", "LIN", "SWA", "STS", "SFK", ALL]
    assert {o.intent for o in reply.options} == {intent}
    assert await services.store.subscriptions(CHAT) == []


async def test_unsubscribing_one_council_never_asks_permission(services: Services) -> None:
    await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    asked = Asked()
    reply = await subscribing.unsubscribe(services, services.current.view, CHAT, "SFK", asked)
    assert render_plain(reply) == "Unsubscribed from Suffolk County Council's events."
    again = await subscribing.unsubscribe(services, services.current.view, CHAT, "SFK", asked)
    assert render_plain(again) == "You were not subscribed to Suffolk County Council's events."
    assert asked.times == 0


async def test_unsubscribing_from_everything_asks_permission_once_and_counts(
    services: Services,
) -> None:
    await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    await subscribing.subscribe(services, services.current.view, CHAT, "LIN")
    asked = Asked()
    reply = await subscribing.unsubscribe(services, services.current.view, CHAT, ALL, asked)
    assert "Unsubscribed from everything (2 subscriptions)" in render_plain(reply)
    assert asked.times == 1
    assert await services.store.subscriptions(CHAT) == []


async def test_unsubscribing_from_everything_refused_keeps_every_subscription(
    services: Services,
) -> None:
    await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    with pytest.raises(AdminOnlyError, match="Only this group's administrators"):
        await subscribing.unsubscribe(services, services.current.view, CHAT, ALL, refused)
    assert await services.store.subscriptions(CHAT) == ["SFK"]


async def test_the_list_names_each_subscription_and_the_lead_times(services: Services) -> None:
    assert "You have no subscriptions." in render_plain(
        await subscribing.list_subscriptions(services, services.current.view, CHAT)
    )
    await subscribing.subscribe(services, services.current.view, CHAT, ALL)
    await subscribing.subscribe(services, services.current.view, CHAT, "SWA")
    text = render_plain(await subscribing.list_subscriptions(services, services.current.view, CHAT))
    assert "every event" in text
    assert "City and County of Swansea Council's events" in text
    assert "Reminders come 7 days and 1 day before each event." in text


async def test_forgetting_deletes_everything_held_about_the_chat(services: Services) -> None:
    await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    reply = await subscribing.forget(services, services.current.view, CHAT, allowed)
    assert render_plain(reply).startswith("Done: I have deleted everything")
    assert await services.store.subscriptions(CHAT) == []


async def test_forgetting_refused_deletes_nothing(services: Services) -> None:
    await subscribing.subscribe(services, services.current.view, CHAT, "SFK")
    with pytest.raises(AdminOnlyError):
        await subscribing.forget(services, services.current.view, CHAT, refused)
    assert await services.store.subscriptions(CHAT) == ["SFK"]
