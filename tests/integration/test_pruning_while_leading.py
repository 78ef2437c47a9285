"""The reminder leader forgets what is old enough while it leads, not only when it takes the
lead or the knowledge is reloaded: an instance may lead for weeks, and handled updates are kept
a day, conversations a month."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import cast

from telegram import Bot

from bot.replies.current import CurrentKnowledge, KnowledgeView
from bot.runtime import Runtime
from bot.settings import Settings
from bot.storage.memory import MemoryStore
from bot.storage.port import HANDLED_UPDATES_KEPT
from handlers.context import BotData, SosbotContext
from handlers.reminders import PRUNE_EVERY, reminder_tick
from tests.bot_api_in_process import RecordingRequest
from tests.conftest import FIXED_NOW


async def test_a_leader_of_long_standing_forgets_the_updates_handled_over_a_day_ago(
    view: KnowledgeView,
) -> None:
    now = [FIXED_NOW]
    store = MemoryStore()
    runtime = Runtime(
        settings=Settings(database=Path("unused.sqlite3")),
        current=CurrentKnowledge(view),
        store=store,
        clock=lambda: now[0],
    )
    request = RecordingRequest()
    bot = Bot("1:token", request=request, get_updates_request=request)
    await bot.initialize()
    context = cast(SosbotContext, SimpleNamespace(bot=bot, bot_data=BotData(runtime)))
    await reminder_tick(context)  # takes the lead
    await store.record_update_handled(1, now[0])

    now[0] += HANDLED_UPDATES_KEPT - PRUNE_EVERY / 2
    await reminder_tick(context)
    assert await store.update_handled(1), "not a day old yet"
    now[0] += PRUNE_EVERY
    await reminder_tick(context)
    assert not await store.update_handled(1), "over a day old"
