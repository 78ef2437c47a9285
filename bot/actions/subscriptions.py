"""Subscribing a chat to a council's events, and the replies that say what was done.

Telegram-free: the handlers call these with the chat's id and send the Reply they return.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime, timedelta

from bot.clock import utc_now
from bot.errors import AdminOnlyError
from bot.reminders.delivery import due_now
from bot.replies.reply import Block, Bullets, Choice, Paragraph, Reply
from bot.runtime import Runtime
from bot.scopes import ALL
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))

# Asked, only when it matters, before everything a chat holds is removed: may whoever asked do
# that? Anyone in a private chat; in a group, only its administrators (the handlers ask Telegram).
Permission = Callable[[], Awaitable[bool]]
ADMIN_ONLY = (
    "Only this group's administrators can stop every reminder or make me forget the group. "
    "/unsubscribe NAME stops one council's."
)


async def _require(may_remove_all: Permission) -> None:
    if not await may_remove_all():
        raise AdminOnlyError(ADMIN_ONLY)


def refusal() -> Reply:
    """The reply to a wholesale removal refused with AdminOnlyError."""
    return _reply(Intent.UNSUBSCRIBE, ADMIN_ONLY)


def describe_lead(lead: timedelta) -> str:
    """7 days → "7 days", 1 day → "1 day", 90 minutes → "90 minutes"."""
    seconds = int(lead.total_seconds())
    for unit, size in _UNITS:
        if seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def describe_leads(leads: Sequence[timedelta]) -> str:
    parts = [describe_lead(lead) for lead in leads]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def scope_name(runtime: Runtime, scope: str) -> str:
    if scope == ALL:
        return "every event"
    council = runtime.engine.knowledge.councils.get(scope)
    return f"{council.name}'s events" if council else f"{scope}'s events"


def _reply(intent: Intent, *paragraphs: str, **extra: object) -> Reply:
    return Reply.model_validate(
        {
            "intent": intent,
            "confidence": 1.0,
            "blocks": tuple(Paragraph(text=text) for text in paragraphs),
            **extra,
        }
    )


def choose_scope(runtime: Runtime, intent: Intent) -> Reply:
    """Which council to (un)subscribe, as buttons, with one for every event."""
    compose = runtime.engine.composer
    options = (
        *compose.adopter_choices(intent),
        Choice(label="Every event", intent=intent, council=ALL),
    )
    verb = "be reminded of" if intent is Intent.SUBSCRIBE else "stop hearing about"
    return _reply(
        intent,
        f"Which council's events do you want to {verb}? Or send /{intent.value} NAME.",
        options=options,
        options_heading="",
    )


async def subscribe(runtime: Runtime, chat_id: int, scope: str, now: datetime) -> Reply:
    store = runtime.store
    knowledge = runtime.engine.knowledge
    added = await store.subscribe(chat_id, scope, now)
    leads = describe_leads(runtime.settings.reminder_lead_times)
    name = scope_name(runtime, scope)
    first = (
        f"Subscribed to {name}. I'll remind you {leads} before each one starts."
        if added
        else f"You are already subscribed to {name}."
    )
    lines = [first]
    if scope != ALL:
        lines.append("Events for the whole network come too.")
        authority = knowledge.authority_for_council(scope)
        if authority is None:
            council = knowledge.councils.get(scope)
            lines.append(
                f"Nothing is on record for {council.name if council else scope} yet: I have no "
                "record of it adopting Signs of Safety. You will hear if an event is added."
            )
    blocks: list[Block] = [Paragraph(text=line) for line in lines]
    upcoming = runtime.engine.composer.upcoming_for_scope(scope, now)
    if upcoming:
        blocks += [Paragraph(text="Upcoming:"), Bullets(items=upcoming)]
    else:
        blocks.append(Paragraph(text="Nothing is upcoming on record right now."))
    council = knowledge.councils.get(scope)
    back = (
        (Choice(label=f"More about {council.short_name}", intent=Intent.OVERVIEW, council=scope),)
        if council is not None
        else ()
    )
    return Reply(
        intent=Intent.SUBSCRIBE, confidence=1.0, blocks=tuple(blocks), scope=scope, actions=back
    )


async def unsubscribe(
    runtime: Runtime, chat_id: int, scope: str, may_remove_all: Permission
) -> Reply:
    """Stop one scope's reminders, or with ALL every one (AdminOnlyError if not permitted)."""
    store = runtime.store
    if scope == ALL:
        await _require(may_remove_all)
        removed = await store.unsubscribe_all(chat_id)
        text = (
            f"Unsubscribed from everything ({removed} subscription{'' if removed == 1 else 's'}). "
            "No more reminders."
            if removed
            else "You had no subscriptions."
        )
        return _reply(Intent.UNSUBSCRIBE, text, scope=scope)
    removed_one = await store.unsubscribe(chat_id, scope)
    name = scope_name(runtime, scope)
    text = f"Unsubscribed from {name}." if removed_one else f"You were not subscribed to {name}."
    return _reply(Intent.UNSUBSCRIBE, text, scope=scope)


async def list_subscriptions(runtime: Runtime, chat_id: int) -> Reply:
    scopes = await runtime.store.subscriptions(chat_id)
    if not scopes:
        return _reply(
            Intent.SUBSCRIPTIONS,
            "You have no subscriptions. Send /subscribe NAME, or /subscribe all for every event.",
        )
    return Reply(
        intent=Intent.SUBSCRIPTIONS,
        confidence=1.0,
        blocks=(
            Paragraph(text="You are subscribed to:"),
            Bullets(items=tuple(scope_name(runtime, scope) for scope in scopes)),
            Paragraph(
                text=f"Reminders come {describe_leads(runtime.settings.reminder_lead_times)} "
                "before each event. /unsubscribe NAME or /unsubscribe all to stop them."
            ),
        ),
    )


async def forget(runtime: Runtime, chat_id: int, may_remove_all: Permission) -> Reply:
    """Delete everything held about the chat (AdminOnlyError if not permitted)."""
    await _require(may_remove_all)
    await runtime.store.forget(chat_id)
    return _reply(
        Intent.UNSUBSCRIBE,
        "Done: I have deleted everything I held about this chat (its subscriptions and the record "
        "of reminders sent to it) and forgotten our conversation.",
    )


async def act(
    runtime: Runtime, chat_id: int, reply: Reply, now: datetime, may_remove_all: Permission
) -> Reply:
    """Carry out what a free-text subscription question asked for."""
    if reply.intent is Intent.SUBSCRIPTIONS:
        return await list_subscriptions(runtime, chat_id)
    if reply.intent is Intent.SUBSCRIBE:
        if reply.options:
            return reply
        if reply.scope is None:
            return choose_scope(runtime, Intent.SUBSCRIBE)
        return await subscribe(runtime, chat_id, reply.scope, now)
    if reply.options:
        return reply
    return await unsubscribe(runtime, chat_id, reply.scope or ALL, may_remove_all)


async def statistics(runtime: Runtime) -> Reply:
    """For operators: subscribers by council, reminders sent and due, questions answered."""
    store = runtime.store
    counts = await store.subscriber_counts()
    pending = await due_now(store, runtime.events_view(), utc_now())
    await runtime.questions.save(store)
    answered, not_understood = await store.question_counts()
    subscriber_lines = tuple(
        f"{scope_name(runtime, scope)}: {count}" for scope, count in sorted(counts.items())
    ) or ("none",)
    return Reply(
        intent=Intent.HELP,
        confidence=1.0,
        title="Statistics",
        blocks=(
            Paragraph(text="Active subscriptions:"),
            Bullets(items=subscriber_lines),
            Bullets(
                items=(
                    f"Reminders sent: {await store.delivered_count()}",
                    f"Reminders due now: {len(pending)}",
                    f"Questions answered: {answered}",
                    f"Questions not understood: {not_understood}",
                )
            ),
        ),
    )
