"""What is said about subscriptions: subscribed, unsubscribed, the list, forgotten, refused,
which council to pick, the console's pointer to Telegram, and the operators' statistics."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta

from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, Choice, Paragraph, Reply
from bot.scopes import ALL
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)

_UNITS = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))

ADMIN_ONLY = (
    "Only this group's administrators can stop every reminder or make me forget the group. "
    "/unsubscribe NAME stops one council's."
)


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


def _said(intent: Intent, *paragraphs: str, **extra: object) -> Reply:
    return Reply.model_validate(
        {"intent": intent, "blocks": tuple(Paragraph(text=text) for text in paragraphs), **extra}
    )


def refusal() -> Reply:
    """The reply to a wholesale removal the chat's administrators alone may ask for."""
    return _said(Intent.UNSUBSCRIBE, ADMIN_ONLY)


def forgotten() -> Reply:
    return _said(
        Intent.UNSUBSCRIBE,
        "Done: I have deleted everything I held about this chat (its subscriptions and the record "
        "of reminders sent to it) and forgotten our conversation.",
    )


def unsubscribed_all(removed: int) -> Reply:
    text = (
        f"Unsubscribed from everything ({removed} subscription{'' if removed == 1 else 's'}). "
        "No more reminders."
        if removed
        else "You had no subscriptions."
    )
    return _said(Intent.UNSUBSCRIBE, text)


def _hint_text(intent: Intent, council: str | None, command: str) -> str:
    """What the console says to a subscription request: the council in words, that reminders
    come in Telegram, and the command that asks for them there."""
    about = f"{council}'s events" if council else "every event"
    match intent:
        case Intent.SUBSCRIBE:
            said = f"To be reminded of {about}, subscribe in Telegram: reminders come there."
        case Intent.UNSUBSCRIBE:
            said = f"To stop reminders of {about}, unsubscribe in Telegram, where they come."
        case _:
            said = "Subscriptions and their reminders live in Telegram."
    return f"{said} Send {command} to the bot."


class SubscriptionReplies(Records):
    """Names scopes from the records: "every event", "Suffolk County Council's events"."""

    def scope_name(self, scope: str) -> str:
        if scope == ALL:
            return "every event"
        council = self.knowledge.councils.get(scope)
        return f"{council.name}'s events" if council else f"{scope}'s events"

    def _council_code(self, scope: str) -> str | None:
        """The council a scope is about, so the conversation can go on about it."""
        return scope if scope in self.knowledge.councils else None

    def choose_scope(self, intent: Intent) -> Reply:
        """Which council to (un)subscribe, as buttons, with one for every event."""
        options = (
            *self.adopter_choices(intent),
            Choice(label="Every event", intent=intent, council=ALL),
        )
        verb = "be reminded of" if intent is Intent.SUBSCRIBE else "stop hearing about"
        return _said(
            intent,
            f"Which council's events do you want to {verb}? Or send /{intent.value} NAME.",
            options=options,
            options_heading="",
        )

    def subscribed(
        self, scope: str, *, added: bool, leads: Sequence[timedelta], upcoming: Sequence[str]
    ) -> Reply:
        name = self.scope_name(scope)
        lines = [
            f"Subscribed to {name}. I'll remind you {describe_leads(leads)} before each one starts."
            if added
            else f"You are already subscribed to {name}."
        ]
        council = self.knowledge.councils.get(scope)
        if scope != ALL:
            lines.append("Events for the whole network come too.")
            if self.knowledge.authority_for_council(scope) is None:
                lines.append(
                    f"Nothing is on record for {council.name if council else scope} yet: I have "
                    "no record of it adopting Signs of Safety. You will hear if an event is added."
                )
        blocks: list[Block] = [Paragraph(text=line) for line in lines]
        if upcoming:
            blocks += [Paragraph(text="Upcoming:"), Bullets(items=tuple(upcoming))]
        else:
            blocks.append(Paragraph(text="Nothing is upcoming on record right now."))
        back = (
            (
                Choice(
                    label=f"More about {council.short_name}", intent=Intent.OVERVIEW, council=scope
                ),
            )
            if council is not None
            else ()
        )
        return Reply(
            intent=Intent.SUBSCRIBE,
            council_code=self._council_code(scope),
            blocks=tuple(blocks),
            actions=back,
        )

    def unsubscribed(self, scope: str, *, removed: bool) -> Reply:
        name = self.scope_name(scope)
        text = f"Unsubscribed from {name}." if removed else f"You were not subscribed to {name}."
        return _said(Intent.UNSUBSCRIBE, text, council_code=self._council_code(scope))

    def subscriptions(self, scopes: Sequence[str], leads: Sequence[timedelta]) -> Reply:
        if not scopes:
            return _said(
                Intent.SUBSCRIPTIONS,
                "You have no subscriptions. Send /subscribe NAME, or /subscribe all for every "
                "event.",
            )
        return Reply(
            intent=Intent.SUBSCRIPTIONS,
            blocks=(
                Paragraph(text="You are subscribed to:"),
                Bullets(items=tuple(self.scope_name(scope) for scope in scopes)),
                Paragraph(
                    text=f"Reminders come {describe_leads(leads)} before each event. "
                    "/unsubscribe NAME or /unsubscribe all to stop them."
                ),
            ),
        )

    def hint(self, intent: Intent, council_code: str | None) -> Reply:
        """Outside Telegram a subscription cannot be kept; say how to get one there."""
        council = self.knowledge.councils.get(council_code) if council_code else None
        authority = self.knowledge.authority_for_council(council.code) if council else None
        argument = authority.id if authority else (council.short_name.lower() if council else "all")
        command = {
            Intent.SUBSCRIBE: f"/subscribe {argument}",
            Intent.UNSUBSCRIBE: f"/unsubscribe {argument}",
            Intent.SUBSCRIPTIONS: "/subscriptions",
        }[intent]
        return Reply(
            intent=intent,
            authority=authority.id if authority else None,
            council=council.name if council else None,
            council_code=council.code if council else None,
            blocks=(
                Paragraph(text=_hint_text(intent, council.name if council else None, command)),
            ),
        )

    def statistics(
        self, subscribers: Mapping[str, int], totals: Sequence[tuple[str, int]]
    ) -> Reply:
        """For operators: subscribers by scope, then each total ("Reminders sent", 12)."""
        subscriber_lines = tuple(
            f"{self.scope_name(scope)}: {count}" for scope, count in sorted(subscribers.items())
        ) or ("none",)
        return Reply(
            intent=Intent.HELP,
            title="Statistics",
            blocks=(
                Paragraph(text="Active subscriptions:"),
                Bullets(items=subscriber_lines),
                Bullets(items=tuple(f"{what}: {count}" for what, count in totals)),
            ),
        )
