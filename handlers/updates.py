"""Handling a few updates at once without reordering any one chat's.

python-telegram-bot handles updates one at a time by default, so each reply waits for the one
before it to cross the network. Here updates of different chats overlap, while each chat's are
handled in the order they came: a follow-up is never answered before the question it follows.
"""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)


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
        self._queues: dict[int, deque[Awaitable[object]]] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        queue = self._queues.get(chat.id)
        if queue is not None:
            queue.append(coroutine)
            return
        queue = self._queues[chat.id] = deque([coroutine])
        try:
            while queue:
                await self._answer(queue.popleft())
        finally:
            del self._queues[chat.id]
            # Only if cancelled (at shutdown): the updates left will not be answered.
            for left in queue:
                if inspect.iscoroutine(left):
                    left.close()

    @staticmethod
    async def _answer(coroutine: Awaitable[object]) -> None:
        """One update; its failure must not stop the chat's next ones. (A handler's failure never
        comes here: python-telegram-bot gives it to the error handler.)"""
        try:
            await coroutine
        except Exception:
            logger.exception("An update failed outside its handlers")

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
