"""A chat's message, button press or command in, the reply out: understand it (long text in a
worker thread), carry out the request, count it, and update the conversation. The Telegram
handlers only unwrap the update and send what these return."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from bot.actions import language
from bot.actions import subscriptions as subscribing
from bot.actions.asking import answer
from bot.actions.conversation import forget, remember, remember_button
from bot.actions.language import chat_language
from bot.actions.services import Permission, Services
from bot.errors import AdminOnlyError
from bot.languages import Language
from bot.replies import subscriptions as said
from bot.replies.current import KnowledgeView
from bot.replies.reply import Reply
from bot.understanding import requests as wanted
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from bot.understanding.text import unanswered_key

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Text longer than this is understood in a worker thread, so that however long it takes, other
# chats' updates go on being handled. Shorter text stays on the event loop: a thread hop costs
# about 0.1 ms, while a 500-character message takes about 1 ms and a typical question 0.1 ms.
LONG_TEXT = 500

# What a command asks when it names nothing: "/council" asks which council, "/events" lists
# every event, "/subscribe" asks which council.
BARE_COMMANDS: dict[Intent, wanted.Request] = {
    Intent.OVERVIEW: wanted.Ask(Intent.OVERVIEW),
    Intent.EVENTS: wanted.Ask(Intent.EVENTS),
    Intent.LIST: wanted.Ask(Intent.LIST),
    Intent.HELP: wanted.Ask(Intent.HELP),
    Intent.SUBSCRIBE: wanted.Subscribe(None),
    Intent.UNSUBSCRIBE: wanted.Unsubscribe(None),
    Intent.SUBSCRIPTIONS: wanted.ListSubscriptions(),
}


async def run_understanding(text: str, work: Callable[[], T]) -> T:
    """`work()`, the engine reading `text`: in a worker thread if `text` is long."""
    if len(text) <= LONG_TEXT:
        return work()
    return await asyncio.to_thread(work)


@dataclass(frozen=True, slots=True)
class Turn:
    """One message, command or button press: from which chat, in which conversation, whether
    its sender may remove everything the chat holds (asked only when it matters), and the
    language of the sender's Telegram app (its `language_code`, None where unknown)."""

    services: Services
    chat_id: int
    conversation: Conversation
    may_remove_all: Permission
    language_code: str | None = None

    async def view(self, written_in: Language | None = None) -> KnowledgeView:
        """The knowledge being served, speaking the chat's language (see bot.actions.language;
        `written_in`: the language the message is written in, if known)."""
        services = self.services
        language = await chat_language(services, self.chat_id, self.language_code, written_in)
        return services.current.view.speaking(language)


async def carry_out(
    turn: Turn, view: KnowledgeView, request: wanted.Request, confidence: float = 1.0
) -> Reply:
    """The reply to `request`, done. Raises AdminOnlyError where removing everything the chat
    holds is refused."""
    services, chat_id = turn.services, turn.chat_id
    match request:
        case wanted.Subscribe(scope):
            return await subscribing.subscribe(services, view, chat_id, scope)
        case wanted.Unsubscribe(scope):
            return await subscribing.unsubscribe(
                services, view, chat_id, scope, turn.may_remove_all
            )
        case wanted.ListSubscriptions():
            return await subscribing.list_subscriptions(services, view, chat_id)
        case wanted.Forget():
            reply = await subscribing.forget(services, view, chat_id, turn.may_remove_all)
            forget(turn.conversation)
            return reply
        case (
            wanted.Ask()
            | wanted.AskPerson()
            | wanted.UnknownCouncil()
            | wanted.Thanks()
            | wanted.BareMention()
            | wanted.Compare()
            | wanted.Filtered()
        ):
            return answer(view, request, services.clock(), confidence)


async def _answered(
    turn: Turn, view: KnowledgeView, request: wanted.Request, confidence: float = 1.0
) -> Reply:
    """carry_out, with a refusal said as the reply (to a message or a command; a button shows
    it as an alert instead)."""
    try:
        return await carry_out(turn, view, request, confidence)
    except AdminOnlyError:
        return said.refusal(view.texts)


async def respond(turn: Turn, text: str) -> Reply:
    """The reply to `text`, in the turn's conversation. A request to stop every reminder asks
    `may_remove_all` first; if refused, the reply says so."""
    services = turn.services
    engine = services.current.view.engine
    understanding = await run_understanding(
        text, lambda: engine.understand(text, turn.conversation)
    )
    view = await turn.view(understanding.language)
    understood = understanding.intent is not Intent.UNKNOWN
    services.questions.count(understood)
    if not understood and services.log_unanswered:
        # The text alone: no chat id, no time (see Store.log_unanswered).
        await services.store.log_unanswered(unanswered_key(text))
    reply = await _answered(turn, view, understanding.request, understanding.confidence)
    logger.debug("Answered a %s question (confidence %.2f)", reply.intent, reply.confidence)
    remember(turn.conversation, understanding.request, understanding.intent, reply)
    return reply


async def press(turn: Turn, intent: Intent, council_code: str | None) -> Reply:
    """The reply to a pressed button: a question about a council, or a subscription. Raises
    AdminOnlyError if `may_remove_all` refuses the "every event" unsubscribe button."""
    view = await turn.view()
    request = view.engine.request_for(intent, council_code)
    reply = await carry_out(turn, view, request)
    remember_button(turn.conversation, intent, reply)
    return reply


async def command(turn: Turn, intent: Intent, name: str) -> Reply:
    """The reply to a command about `name` ("/council staffs", "/subscribe all"), or, with no
    name, to the bare command (see BARE_COMMANDS); a refusal is said as the reply."""
    view = await turn.view()
    request = (
        await run_understanding(name, lambda: view.engine.request_about(intent, name))
        if name
        else BARE_COMMANDS[intent]
    )
    return await _answered(turn, view, request)


async def forget_chat(turn: Turn) -> Reply:
    """/forget: everything held about the chat deleted, if `may_remove_all` allows."""
    return await _answered(turn, await turn.view(), wanted.Forget())


async def welcome(turn: Turn) -> Reply:
    """/start without a council: what the bot knows."""
    return (await turn.view()).help.welcome()


async def offer_languages(turn: Turn) -> Reply:
    """/language, /iaith: the languages as buttons, asked in the chat's language."""
    return language.offer_languages((await turn.view()).texts)


async def choose_language(turn: Turn, chosen: Language) -> Reply:
    """A language button: kept for the chat, and said in that language."""
    return await language.choose_language(turn.services, turn.chat_id, chosen)
