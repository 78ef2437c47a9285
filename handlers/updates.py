"""Handling a few updates at once without reordering any one chat's.

python-telegram-bot handles updates one at a time by default, so each reply waits for the one
before it to cross the network. Here updates of different chats overlap, while each chat's are
handled in the order they came: a follow-up is never answered before the question it follows.
"""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.errors import StoreError
from handlers.turns import never_started

logger = logging.getLogger(__name__)

# Handles an update given python-telegram-bot's handling of it (handlers.turns.handle_in_turn).
TurnHandler = Callable[[Update, Awaitable[object]], Awaitable[bool]]


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Up to `max_concurrent_updates` at once; one chat's updates strictly in order.

    python-telegram-bot calls `do_process_update` holding one of the slots. An update of a chat
    that is already being answered must not sit in a slot waiting for its turn (a chat waiting
    out a 429 would then hold up every other chat): it joins that chat's queue and gives its
    slot back at once, and the update being answered answers the queued ones after itself, in
    order, in its own slot.
    """

    def __init__(self, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        # Only chats with an update in hand; a chat's queue goes once it is empty.
        self._queues: dict[int, deque[tuple[Update, Awaitable[object]]]] = {}
        # Each update is handled through this once the composition root has set it.
        self.turn: TurnHandler | None = None

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        if not isinstance(update, Update):
            await coroutine
            return
        chat = update.effective_chat
        if chat is None:
            await self._answer(update, coroutine)
            return
        queue = self._queues.get(chat.id)
        if queue is not None:
            queue.append((update, coroutine))
            return
        queue = self._queues[chat.id] = deque([(update, coroutine)])
        try:
            while queue:
                await self._answer(*queue.popleft())
        finally:
            del self._queues[chat.id]
            # Only if cancelled (at shutdown): the updates left will not be answered.
            for _, left in queue:
                if inspect.iscoroutine(left):
                    left.close()

    async def _answer(self, update: Update, coroutine: Awaitable[object]) -> None:
        """One update; its failure must not stop the chat's next ones. (A handler's failure never
        comes here: python-telegram-bot gives it to the error handler; a database failing
        before the handlers ran does.)"""
        try:
            if self.turn is None:
                await coroutine
            else:
                await self.turn(update, coroutine)
        except StoreError as error:
            if not never_started(coroutine):
                logger.warning("The database failed after an update was answered: %s", error)
                return
            # Polled updates are not sent again: answered, without the chat's context.
            logger.warning("The database failed (%s); an update is answered without it", error)
            try:
                await coroutine
            except Exception:
                logger.exception("An update failed outside its handlers")
        except Exception:
            logger.exception("An update failed outside its handlers")

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
