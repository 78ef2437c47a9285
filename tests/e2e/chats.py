"""What the end-to-end tests share of a chat with the bot through the fake Bot API: events
written into a copy of the knowledge, what was sent to a chat, a person's message and the bot's
reply, the reminders sent and a reply's buttons."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from knowledge.loader import DEFAULT_DIRECTORY
from tests.fake_bot_api import ApiCall, FakeBotApi


def event(event_id: str, minutes: float, authority: str | None = None) -> dict[str, Any]:
    """An event record starting `minutes` from now."""
    start = datetime.now(UTC) + timedelta(minutes=minutes)
    record: dict[str, Any] = {
        "id": event_id,
        "title": f"Event {event_id}",
        "start": start.isoformat(timespec="seconds"),
        "location": "Ipswich",
        "source": "sofs-uk-network-2013",
    }
    if authority:
        record["authority"] = authority
    return record


def write_events(folder: Path, *events: dict[str, Any]) -> None:
    (folder / "events.yaml").write_text(
        yaml.safe_dump({"events": list(events)}, sort_keys=False), encoding="utf-8"
    )


def knowledge_copy(folder: Path) -> Path:
    """The shipped knowledge with no events, in `folder`, for a test to write events into."""
    copy = folder / "knowledge"
    shutil.copytree(DEFAULT_DIRECTORY, copy)
    write_events(copy)
    return copy


def sent_to(fake: FakeBotApi, chat_id: int) -> list[ApiCall]:
    return [c for c in fake.calls_to("sendMessage", ok=True) if c.chat_id == chat_id]


async def say(fake: FakeBotApi, chat_id: int, text: str, **kwargs: Any) -> ApiCall:
    """Send `text` as a person in `chat_id`; the bot's next message there."""
    before = len(sent_to(fake, chat_id))
    fake.push_message(chat_id, text, **kwargs)
    await fake.wait_for(
        "sendMessage", lambda c: c.chat_id == chat_id, count=before + 1, ok=True, timeout=10
    )
    return sent_to(fake, chat_id)[before]


def reminders(fake: FakeBotApi) -> list[tuple[int, str]]:
    """(chat, event title) of every accepted reminder."""
    found = []
    for call in fake.calls_to("sendMessage", ok=True):
        text = call.params["text"]
        if text.startswith("<b>Reminder"):
            found.append((int(call.params["chat_id"]), text.split(": ", 1)[1].split("</b>")[0]))
    return found


async def wait_for_reminders(
    fake: FakeBotApi, count: int, timeout: float = 20
) -> list[tuple[int, str]]:
    await fake.wait_for(
        "sendMessage",
        lambda c: c.params["text"].startswith("<b>Reminder"),
        count=count,
        ok=True,
        timeout=timeout,
    )
    return reminders(fake)


def buttons(call: ApiCall) -> dict[str, str]:
    """The message's buttons: label → callback data."""
    markup = call.params.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    return {
        b["text"]: b["callback_data"]
        for row in (markup or {}).get("inline_keyboard", [])
        for b in row
    }
