"""A chat's message or button press in, the reply out: understanding, counting, and acting on
requests to subscribe. The Telegram handlers only unwrap the update and send what this returns."""

from __future__ import annotations

import logging

from bot import subscriptions as subscribing
from bot.engine import Conversation, utc_now
from bot.intents import SUBSCRIPTION_INTENTS, Intent
from bot.reply import Reply
from bot.runtime import Runtime

logger = logging.getLogger(__name__)


async def respond(
    runtime: Runtime,
    chat_id: int,
    text: str,
    conversation: Conversation,
    may_remove_all: subscribing.Permission,
) -> Reply:
    """The reply to `text` from `chat_id`, in its conversation. `may_remove_all` is asked before
    a request to stop every reminder is carried out; if refused, the reply says so."""
    reply = runtime.engine.answer(text, conversation)
    logger.debug("Answered a %s question (confidence %.2f)", reply.intent, reply.confidence)
    understood = reply.intent is not Intent.UNKNOWN
    runtime.questions.count(understood)
    if not understood and runtime.settings.log_unanswered:
        # The text alone: no chat id, no time (see Store.log_unanswered).
        await runtime.require_store.log_unanswered(text)
    if reply.intent in SUBSCRIPTION_INTENTS:
        try:
            return await subscribing.act(runtime, chat_id, reply, utc_now(), may_remove_all)
        except subscribing.AdminOnlyError:
            return subscribing.refusal()
    return reply


async def choose(
    runtime: Runtime,
    chat_id: int,
    intent: Intent,
    council_code: str | None,
    conversation: Conversation,
    may_remove_all: subscribing.Permission,
) -> Reply:
    """The reply to a pressed button: a question about a council, or a subscription. Raises
    AdminOnlyError if `may_remove_all` refuses the "every event" unsubscribe button."""
    if intent is Intent.SUBSCRIBE and council_code:
        reply = await subscribing.subscribe(runtime, chat_id, council_code, utc_now())
    elif intent is Intent.UNSUBSCRIBE and council_code:
        reply = await subscribing.unsubscribe(runtime, chat_id, council_code, may_remove_all)
    else:
        reply = runtime.engine.reply_for(intent, council_code)
    conversation.intent = intent
    if reply.council_code is not None:
        conversation.council_code = reply.council_code
    return reply
