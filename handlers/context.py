"""The typed context every handler gets: python-telegram-bot's CallbackContext carrying the
runtime, as in its contexttypesbot.py example.

bot_data and chat_data are classes of ours rather than dicts, so nothing is looked up by key and
checked by hand: `context.runtime` is the Runtime, `context.conversation` the chat's
conversation context.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

from bot.reminders.leadership import Leader
from bot.runtime import Runtime
from bot.understanding.conversation import Conversation

logger = logging.getLogger(__name__)


class BotData:
    """What the whole bot shares on Telegram's side: the runtime, one lock so that one
    delivery (a reminder tick, an announcement, a reload's announcement) runs at a time, and
    this instance's part in the reminder leadership (made at the first delivery)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.delivery_lock = asyncio.Lock()
        self._leader: Leader | None = None
        # When the leader last forgot what is old enough (None: not yet, in this process).
        self.pruned_at: datetime | None = None

    @property
    def leader(self) -> Leader:
        """Use it only holding delivery_lock: one check of the leadership at a time."""
        if self._leader is None:
            runtime = self.runtime
            self._leader = Leader(
                runtime.store.reminder_leadership(),
                runtime.delivery,
                runtime.store,
                runtime.metrics,
            )
        return self._leader


class ChatData:
    """A chat's conversation context for the update being handled: loaded from the store at the
    start of its turn and saved at the end (handlers.turns), dropped in between."""

    def __init__(self) -> None:
        self.conversation = Conversation()


class SosbotContext(CallbackContext[ExtBot[None], dict[Any, Any], ChatData, BotData]):
    """The context of every handler and job."""

    @property
    def runtime(self) -> Runtime:
        return self.bot_data.runtime

    @property
    def conversation(self) -> Conversation:
        """This chat's conversation; a throwaway one for an update without a chat."""
        return self.chat_data.conversation if self.chat_data is not None else Conversation()


SosbotApplication = Application[
    ExtBot[None], SosbotContext, dict[Any, Any], ChatData, BotData, JobQueue[SosbotContext]
]


def context_types(
    runtime: Runtime,
) -> ContextTypes[SosbotContext, dict[Any, Any], ChatData, BotData]:
    """The types python-telegram-bot makes its contexts and data of; it makes bot_data by
    calling its class with no arguments, so the class is made here around the runtime."""

    class _BotData(BotData):
        def __init__(self) -> None:
            super().__init__(runtime)

    bot_data: type[BotData] = _BotData
    return ContextTypes(context=SosbotContext, chat_data=ChatData, bot_data=bot_data)
