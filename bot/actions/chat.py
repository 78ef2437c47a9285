"""A chat's message, button press or command in, the reply out: understand it (long text in a
worker thread), carry out the request, count it, and update the conversation. The Telegram
handlers only unwrap the update and send what these return."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TypeVar

from bot.actions import subscriptions as subscribing
from bot.actions.asking import answer
from bot.actions.conversation import forget, remember
from bot.actions.services import Permission, Services
from bot.errors import AdminOnlyError
from bot.replies import subscriptions as said
from bot.replies.current import KnowledgeView
from bot.replies.reply import Reply
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from bot.understanding.requests import (
    Ask,
    AskPerson,
    Forget,
    ListSubscriptions,
    Request,
    Subscribe,
    Thanks,
    UnknownCouncil,
    Unsubscribe,
)

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Text longer than this is understood in a worker thread, so that however long it takes, other
# chats' updates go on being handled. Shorter text stays on the event loop: a thread hop costs
# about 0.1 ms, while a 500-character message takes about 1 ms and a typical question 0.1 ms.
LONG_TEXT = 500

# What a command asks when it names nothing: "/council" asks which council, "/events" lists
# every event, "/subscribe" asks which council.
BARE_COMMANDS: dict[Intent, Request] = {
    Intent.OVERVIEW: Ask(Intent.OVERVIEW),
    Intent.EVENTS: Ask(Intent.EVENTS),
    Intent.LIST: Ask(Intent.LIST),
    Intent.HELP: Ask(Intent.HELP),
    Intent.SUBSCRIBE: Subscribe(None),
    Intent.UNSUBSCRIBE: Unsubscribe(None),
    Intent.SUBSCRIPTIONS: ListSubscriptions(),
}


async def run_understanding(text: str, work: Callable[[], T]) -> T:
    """`work()`, the engine reading `text`: in a worker thread if `text` is long."""
    if len(text) <= LONG_TEXT:
        return work()
    return await asyncio.to_thread(work)


async def carry_out(
    services: Services,
    view: KnowledgeView,
    chat_id: int,
    request: Request,
    conversation: Conversation,
    may_remove_all: Permission,
    confidence: float = 1.0,
) -> Reply:
    """The reply to `request` from `chat_id`, done. Raises AdminOnlyError where removing
    everything the chat holds is refused."""
    match request:
        case Subscribe(scope):
            return await subscribing.subscribe(services, chat_id, scope)
        case Unsubscribe(scope):
            return await subscribing.unsubscribe(services, chat_id, scope, may_remove_all)
        case ListSubscriptions():
            return await subscribing.list_subscriptions(services, chat_id)
        case Forget():
            reply = await subscribing.forget(services, chat_id, may_remove_all)
            forget(conversation)
            return reply
        case Ask() | AskPerson() | UnknownCouncil() | Thanks():
            return answer(view, request, services.clock(), confidence)


async def _answered(
    services: Services,
    view: KnowledgeView,
    chat_id: int,
    request: Request,
    conversation: Conversation,
    may_remove_all: Permission,
    confidence: float = 1.0,
) -> Reply:
    """carry_out, with a refusal said as the reply (a message or a command; a button shows it
    as an alert instead)."""
    try:
        return await carry_out(
            services, view, chat_id, request, conversation, may_remove_all, confidence
        )
    except AdminOnlyError:
        return said.refusal()


async def respond(
    services: Services,
    chat_id: int,
    text: str,
    conversation: Conversation,
    may_remove_all: Permission,
) -> Reply:
    """The reply to `text` from `chat_id`, in its conversation. `may_remove_all` is asked before
    a request to stop every reminder is carried out; if refused, the reply says so."""
    view = services.current.view
    understanding = await run_understanding(
        text, lambda: view.engine.understand(text, conversation)
    )
    understood = understanding.intent is not Intent.UNKNOWN
    services.questions.count(understood)
    if not understood and services.log_unanswered:
        # The text alone: no chat id, no time (see Store.log_unanswered).
        await services.store.log_unanswered(text)
    reply = await _answered(
        services,
        view,
        chat_id,
        understanding.request,
        conversation,
        may_remove_all,
        understanding.confidence,
    )
    logger.debug("Answered a %s question (confidence %.2f)", reply.intent, reply.confidence)
    remember(conversation, understanding.request, understanding.intent, reply)
    return reply


async def press(
    services: Services,
    chat_id: int,
    intent: Intent,
    council_code: str | None,
    conversation: Conversation,
    may_remove_all: Permission,
) -> Reply:
    """The reply to a pressed button: a question about a council, or a subscription. Raises
    AdminOnlyError if `may_remove_all` refuses the "every event" unsubscribe button."""
    view = services.current.view
    request = view.engine.request_for(intent, council_code)
    reply = await carry_out(services, view, chat_id, request, conversation, may_remove_all)
    remember(conversation, request, intent, reply)
    return reply


async def command(
    services: Services,
    chat_id: int,
    intent: Intent,
    name: str,
    conversation: Conversation,
    may_remove_all: Permission,
) -> Reply:
    """The reply to a command about `name` ("/council staffs", "/subscribe all"), or, with no
    name, to the bare command (see BARE_COMMANDS); a refusal is said as the reply."""
    view = services.current.view
    request = (
        await run_understanding(name, lambda: view.engine.request_about(intent, name))
        if name
        else BARE_COMMANDS[intent]
    )
    reply = await _answered(services, view, chat_id, request, conversation, may_remove_all)
    remember(conversation, request, intent, reply)
    return reply


async def forget_chat(
    services: Services, chat_id: int, conversation: Conversation, may_remove_all: Permission
) -> Reply:
    """/forget: everything held about the chat deleted, if `may_remove_all` allows."""
    view = services.current.view
    return await _answered(services, view, chat_id, Forget(), conversation, may_remove_all)
