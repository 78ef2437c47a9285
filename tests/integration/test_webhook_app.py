"""`sosbot serve`'s ASGI app in process: the routes, over httpx's ASGI transport, with the
in-memory store and a Bot API answered in process. Two apps on one store stand for two
instances on one database."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import icalendar
import pytest

from bot.feeds import EVERY_EVENT, calendar_feed
from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.memory import MemoryStore
from handlers.app import build_application
from handlers.webhook import SECRET_HEADER, Serving, webhook_app
from tests.bot_api_in_process import RecordingRequest
from tests.conftest import FIXED_NOW, LONDON

SECRET = "a-webhook_secret-0123"
_update_ids = itertools.count(1)


@dataclass
class Instance:
    client: httpx.AsyncClient
    runtime: Runtime
    bot_api: RecordingRequest
    serving: Serving

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        headers = {} if secret is None else {SECRET_HEADER: secret}
        return await self.client.post("/telegram", json=update, headers=headers)

    def replies(self) -> list[str]:
        return self.bot_api.texts("sendMessage", "editMessageText")


def message(chat_id: int, text: str, update_id: int | None = None) -> dict[str, Any]:
    return {
        "update_id": next(_update_ids) if update_id is None else update_id,
        "message": {
            "message_id": next(_update_ids),
            "date": 0,
            "chat": {"id": chat_id, "type": "private", "first_name": "Sam"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "Sam"},
            "text": text,
        },
    }


@pytest.fixture
def shared_store() -> MemoryStore:
    return MemoryStore()


async def _instance(view: KnowledgeView, store: MemoryStore) -> AsyncIterator[Instance]:
    settings = Settings(telegram_token="123:ABC", webhook_secret=SECRET)
    runtime = Runtime(settings, CurrentKnowledge(view), store, clock=lambda: FIXED_NOW)
    bot_api = RecordingRequest()
    application = build_application(runtime, bot_api, webhook=True)
    serving = Serving()
    await application.initialize()
    transport = httpx.ASGITransport(app=webhook_app(application, SECRET, serving))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://sosbot") as client:
            yield Instance(client, runtime, bot_api, serving)
    finally:
        await application.shutdown()


@pytest.fixture
async def instance(view: KnowledgeView, shared_store: MemoryStore) -> AsyncIterator[Instance]:
    async for made in _instance(view, shared_store):
        yield made


@pytest.fixture
async def other(view: KnowledgeView, shared_store: MemoryStore) -> AsyncIterator[Instance]:
    """A second instance on the same store."""
    async for made in _instance(view, shared_store):
        yield made


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]], ids=repr)
async def test_an_update_without_the_right_secret_is_refused_and_not_handled(
    instance: Instance, shared_store: MemoryStore, secret: str | None
) -> None:
    update = message(7, "what stage is Suffolk at?")
    response = await instance.post(update, secret)
    assert response.status_code == 403
    assert instance.replies() == []
    assert not await shared_store.update_handled(update["update_id"])


async def test_an_update_is_answered_before_the_200_goes_back(instance: Instance) -> None:
    response = await instance.post(message(7, "what stage is Suffolk at?"))
    assert response.status_code == 200
    [reply] = instance.replies()
    assert "Suffolk" in reply


async def test_an_update_delivered_twice_is_answered_once(
    instance: Instance, other: Instance
) -> None:
    update = message(7, "who trains Swansea?")
    assert (await instance.post(update)).status_code == 200
    assert (await other.post(update)).status_code == 200
    assert (await instance.post(update)).status_code == 200
    assert len(instance.replies()) == 1
    assert other.replies() == []


async def test_a_follow_up_reaching_another_instance_knows_the_previous_turn(
    instance: Instance, other: Instance
) -> None:
    await instance.post(message(8, "what stage is Suffolk at?"))
    await other.post(message(8, "who trains them?"))
    [follow_up] = other.replies()
    assert "Suffolk" in follow_up


async def test_a_draining_instance_takes_no_update_and_is_not_ready(instance: Instance) -> None:
    instance.serving.draining = True
    response = await instance.post(message(7, "hello"))
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert (await instance.client.get("/readyz")).status_code == 503
    assert (await instance.client.get("/livez")).status_code == 200
    assert instance.replies() == []


async def test_while_the_database_fails_updates_get_503_and_the_instance_is_not_ready(
    instance: Instance, shared_store: MemoryStore
) -> None:
    assert (await instance.client.get("/readyz")).status_code == 200
    shared_store.failing.update({"chat_turn", "update_handled", "ping"})
    response = await instance.post(message(7, "what stage is Suffolk at?"))
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert (await instance.client.get("/readyz")).status_code == 503
    assert instance.replies() == []
    shared_store.failing.clear()
    assert (await instance.client.get("/readyz")).status_code == 200


@pytest.mark.parametrize("failing", ["save_conversation", "record_update_handled"])
async def test_an_update_answered_before_the_database_failed_gets_200_and_one_reply(
    instance: Instance, shared_store: MemoryStore, failing: str
) -> None:
    shared_store.failing.add(failing)
    response = await instance.post(message(7, "what stage is Suffolk at?"))
    assert response.status_code == 200, "a 503 would have Telegram send it again: two replies"
    assert len(instance.replies()) == 1


@pytest.mark.parametrize(
    ("failing", "readiness"),
    [({"ping"}, 503), ({"update_handled", "chat_turn"}, 200)],
)
async def test_readiness_is_the_stores_ping(
    instance: Instance, shared_store: MemoryStore, failing: set[str], readiness: int
) -> None:
    shared_store.failing.update(failing)
    assert (await instance.client.get("/readyz")).status_code == readiness


async def test_a_body_that_is_not_an_update_is_a_bad_request(instance: Instance) -> None:
    response = await instance.client.post(
        "/telegram", content=b"[1, 2", headers={SECRET_HEADER: SECRET}
    )
    assert response.status_code == 400


async def test_the_metrics_count_updates_replies_and_the_handling_time(
    instance: Instance,
) -> None:
    await instance.post(message(7, "what stage is Suffolk at?"))
    await instance.post(message(7, "zzzz qqqq"))
    response = await instance.client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert 'sosbot_updates_handled_total{kind="message"} 2.0' in text
    assert "sosbot_replies_total 2.0" in text
    assert "sosbot_questions_not_understood_total 1.0" in text
    assert "sosbot_update_handling_seconds_count 2.0" in text
    assert "sosbot_reminder_leader 0.0" in text
    for name in (
        "sosbot_reminders_sent_total",
        "sosbot_announcements_sent_total",
        "sosbot_send_errors_total",
        "sosbot_telegram_429_total",
    ):
        assert f"{name} 0.0" in text


@pytest.mark.parametrize("feed", [EVERY_EVENT, "suffolk", "swansea"])
async def test_a_calendar_feed_has_one_event_each_with_a_stable_uid(
    instance: Instance, view: KnowledgeView, feed: str
) -> None:
    first = await instance.client.get(f"/calendar/{feed}.ics")
    second = await instance.client.get(f"/calendar/{feed}.ics")
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/calendar")
    knowledge = view.knowledge
    expected = knowledge.events if feed == EVERY_EVENT else knowledge.events_of(feed)
    uids = [str(e["UID"]) for e in icalendar.Calendar.from_ical(first.content).walk("VEVENT")]
    assert sorted(uids) == sorted(f"{e.id}@sosbot" for e in expected)
    again = [str(e["UID"]) for e in icalendar.Calendar.from_ical(second.content).walk("VEVENT")]
    assert again == uids


async def test_a_calendar_feed_is_written_once_for_each_knowledge_loaded(
    instance: Instance, view: KnowledgeView, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []

    def counted(*arguments: Any) -> bytes | None:
        written.append(arguments[1])
        return calendar_feed(*arguments)

    monkeypatch.setattr("handlers.webhook.calendar_feed", counted)
    first = await instance.client.get("/calendar/suffolk.ics")
    again = await instance.client.get("/calendar/suffolk.ics")
    assert again.content == first.content
    await instance.client.get("/calendar/nowhere.ics")
    await instance.client.get("/calendar/nowhere.ics")
    assert written == ["suffolk", "nowhere", "nowhere"]
    instance.runtime.current.view = KnowledgeView.build(view.knowledge, LONDON)  # a reload
    await instance.client.get("/calendar/suffolk.ics")
    assert written == ["suffolk", "nowhere", "nowhere", "suffolk"]


@pytest.mark.parametrize("feed", ["nowhere", "SUFFOLK", "all-events", "..%2Fetc"])
async def test_a_calendar_feed_of_no_known_id_is_not_found(instance: Instance, feed: str) -> None:
    assert (await instance.client.get(f"/calendar/{feed}.ics")).status_code == 404
