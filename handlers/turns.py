"""One update handled as one turn of its chat, whichever instance it reaches.

Polling (`sosbot run`) and webhooks (`sosbot serve`) both come here. Inside the store's
`chat_turn` for the update's chat (or, for an inline query, its sender), which no other update
of that chat on any instance can enter at the same time:

1. an update some instance already handled is left alone (Telegram delivers webhook updates
   at least once: a re-sent update, or one posted to two instances, is answered once; polled
   updates come once, and are not claimed);
2. the chat's conversation is loaded from the store, the update handled, and the conversation
   saved if it changed, so that a follow-up reaching another instance knows this turn;
3. the update is recorded as handled.

A StoreError before the handlers ran leaves the update unhandled: in webhook mode for Telegram
to send again; when polling (nothing will send it again) it is answered without the turn.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Awaitable
from dataclasses import replace

from telegram import Update

from bot.runtime import Runtime
from handlers.context import SosbotApplication
from handlers.metered import IN_TURN

logger = logging.getLogger(__name__)

# The kinds of update the bot handles, as Telegram names them: what `set-webhook` asks for,
# and the label of the updates counted.
HANDLED_KINDS = ("message", "callback_query", "inline_query")
OTHER_KIND = "other"


def update_kind(update: Update) -> str:
    """Which of HANDLED_KINDS the update is, or OTHER_KIND."""
    return next((kind for kind in HANDLED_KINDS if getattr(update, kind) is not None), OTHER_KIND)


def turn_key(update: Update) -> int | None:
    """Whose updates this one is serialised with: its chat's (a message, or a button on a
    message in the chat), else its sender's (an inline query, a button on an inline message);
    None for an update with neither."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return None


async def handle_in_turn(
    application: SosbotApplication,
    update: Update,
    processing: Awaitable[object],
    *,
    claimed: bool = True,
) -> bool:
    """Await `processing` (python-telegram-bot handling `update`) as the update's turn; False,
    and `processing` closed unawaited, if some instance had already handled the update. Raises
    StoreError when the database fails (then `processing` may not have been awaited: the caller
    decides what becomes of it). Without `claimed`, the update is not checked or recorded as
    handled: polling gets each update once (getUpdates' offset), and only one process polls."""
    runtime: Runtime = application.bot_data.runtime
    store = runtime.store
    key = turn_key(update)
    chat = update.effective_chat
    started = time.perf_counter()
    in_turn = IN_TURN.set(True)
    try:
        if key is None:
            await processing
            return True
        async with store.chat_turn(key):
            if claimed and await store.update_handled(update.update_id):
                runtime.metrics.duplicate_updates.inc()
                if inspect.iscoroutine(processing):
                    processing.close()
                return False
            if chat is None:
                await processing
            else:
                held = application.chat_data[chat.id]
                held.conversation = await store.conversation(chat.id)
                before = replace(held.conversation)
                try:
                    await processing
                    if held.conversation != before:
                        await store.save_conversation(chat.id, held.conversation, runtime.clock())
                finally:
                    # The store holds it; a copy kept here would go stale on another instance.
                    application.drop_chat_data(chat.id)
            if claimed:
                await store.record_update_handled(update.update_id, runtime.clock())
    finally:
        IN_TURN.reset(in_turn)
    runtime.metrics.updates.labels(update_kind(update)).inc()
    runtime.metrics.handling_seconds.observe(time.perf_counter() - started)
    return True


def never_started(processing: Awaitable[object]) -> bool:
    """Whether `processing` is a coroutine not yet begun."""
    return (
        inspect.iscoroutine(processing)
        and inspect.getcoroutinestate(processing) == inspect.CORO_CREATED
    )
