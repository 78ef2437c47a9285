"""The subscription use cases: subscribe, unsubscribe, list and forget a chat.

Telegram-free: each takes the chat's id, the collaborators it uses and the one view of the
knowledge the whole use case reads, and returns the Reply.
Removing everything a chat holds asks `may_remove_all` first, and only then; refused, it raises
AdminOnlyError, which a message or command turns into a reply (`said.refusal()`) and a button
into an alert.
"""

from __future__ import annotations

import logging

from bot.actions.services import Permission, Services
from bot.errors import AdminOnlyError
from bot.languages import Language
from bot.replies import subscriptions as said
from bot.replies.current import KnowledgeView
from bot.replies.reply import Reply
from bot.scopes import ALL
from bot.translations import Texts
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)


async def _require(may_remove_all: Permission, texts: Texts) -> None:
    if not await may_remove_all():
        raise AdminOnlyError(texts._(said.ADMIN_ONLY))


async def subscribe(
    services: Services, view: KnowledgeView, chat_id: int, scope: str | None
) -> Reply:
    """Subscribe the chat to `scope` (a council code or ALL); None: ask which. A chat
    subscribed in Welsh that chose no language keeps Welsh, for its reminders."""
    if scope is None:
        return view.subscriptions.choose_scope(Intent.SUBSCRIBE)
    store = services.store
    # The language first: the reminders may be sent the moment the subscription is stored,
    # and must not go out in English in between.
    if view.language is not Language.ENGLISH and await store.chat_language(chat_id) is None:
        await store.set_chat_language(chat_id, view.language)
    now = services.clock()
    added = await store.subscribe(chat_id, scope, now)
    return view.subscriptions.subscribed(
        scope,
        added=added,
        leads=services.lead_times,
        upcoming=view.events.upcoming_for_scope(scope, now),
    )


async def unsubscribe(
    services: Services,
    view: KnowledgeView,
    chat_id: int,
    scope: str | None,
    may_remove_all: Permission,
) -> Reply:
    """Stop one scope's reminders, or with ALL every one (AdminOnlyError if `may_remove_all`
    refuses); None: ask which."""
    if scope is None:
        return view.subscriptions.choose_scope(Intent.UNSUBSCRIBE)
    if scope == ALL:
        await _require(may_remove_all, view.texts)
        return said.unsubscribed_all(await services.store.unsubscribe_all(chat_id), view.texts)
    removed = await services.store.unsubscribe(chat_id, scope)
    return view.subscriptions.unsubscribed(scope, removed=removed)


async def list_subscriptions(services: Services, view: KnowledgeView, chat_id: int) -> Reply:
    scopes = await services.store.subscriptions(chat_id)
    return view.subscriptions.subscriptions(scopes, services.lead_times)


async def forget(
    services: Services, view: KnowledgeView, chat_id: int, may_remove_all: Permission
) -> Reply:
    """Delete everything held about the chat, its language too (AdminOnlyError if
    `may_remove_all` refuses); said in the language the chat had."""
    await _require(may_remove_all, view.texts)
    await services.store.forget(chat_id)
    return said.forgotten(view.texts)
