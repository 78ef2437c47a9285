"""What is said about subscriptions: subscribed, unsubscribed, the list, forgotten, refused,
which council to pick, the console's pointer to Telegram, and the operators' statistics."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta

from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, Choice, Paragraph, Reply
from bot.scopes import ALL
from bot.translations import N_, Texts
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)

ADMIN_ONLY = N_(
    "Only this group's administrators can stop every reminder or make me forget the group. "
    "/unsubscribe NAME stops one council's."
)


def describe_lead(lead: timedelta, texts: Texts) -> str:
    """7 days → "7 days", 1 day → "1 day", 90 minutes → "90 minutes"."""
    seconds = int(lead.total_seconds())
    if seconds % 86400 == 0:
        count = seconds // 86400
        said = texts.ngettext("{count} day", "{count} days", count)
    elif seconds % 3600 == 0:
        count = seconds // 3600
        said = texts.ngettext("{count} hour", "{count} hours", count)
    elif seconds % 60 == 0:
        count = seconds // 60
        said = texts.ngettext("{count} minute", "{count} minutes", count)
    else:
        count = seconds
        said = texts.ngettext("{count} second", "{count} seconds", count)
    return said.format(count=count)


def describe_leads(leads: Sequence[timedelta], texts: Texts) -> str:
    return texts.join([describe_lead(lead, texts) for lead in leads])


def _said(intent: Intent, *paragraphs: str, **extra: object) -> Reply:
    return Reply.model_validate(
        {"intent": intent, "blocks": tuple(Paragraph(text=text) for text in paragraphs), **extra}
    )


def refusal(texts: Texts) -> Reply:
    """The reply to a wholesale removal the chat's administrators alone may ask for."""
    return _said(Intent.UNSUBSCRIBE, texts._(ADMIN_ONLY))


def forgotten(texts: Texts) -> Reply:
    return _said(
        Intent.UNSUBSCRIBE,
        texts._(
            "Done: I have deleted everything I held about this chat (its subscriptions and the "
            "record of reminders sent to it) and forgotten our conversation."
        ),
    )


def unsubscribed_all(removed: int, texts: Texts) -> Reply:
    if removed:
        text = texts.ngettext(
            "Unsubscribed from everything ({count} subscription). No more reminders.",
            "Unsubscribed from everything ({count} subscriptions). No more reminders.",
            removed,
        ).format(count=removed)
    else:
        text = texts._("You had no subscriptions.")
    return _said(Intent.UNSUBSCRIBE, text)


def _hint_text(intent: Intent, council: str | None, command: str, texts: Texts) -> str:
    """What the console says to a subscription request: the council in words, that reminders
    come in Telegram, and the command that asks for them there."""
    _ = texts._
    about = _("{council}'s events").format(council=council) if council else _("every event")
    match intent:
        case Intent.SUBSCRIBE:
            said = _("To be reminded of {about}, subscribe in Telegram: reminders come there.")
        case Intent.UNSUBSCRIBE:
            said = _("To stop reminders of {about}, unsubscribe in Telegram, where they come.")
        case _:
            said = _("Subscriptions and their reminders live in Telegram.")
    return _("{said} Send {command} to the bot.").format(
        said=said.format(about=about), command=command
    )


class SubscriptionReplies(Records):
    """Names scopes from the records: "every event", "Suffolk County Council's events"."""

    def scope_name(self, scope: str) -> str:
        _ = self.texts._
        if scope == ALL:
            return _("every event")
        council = self.knowledge.councils.get(scope)
        name = self.council_name(council) if council else scope
        return _("{council}'s events").format(council=name)

    def _council_code(self, scope: str) -> str | None:
        """The council a scope is about, so the conversation can go on about it."""
        return scope if scope in self.knowledge.councils else None

    def choose_scope(self, intent: Intent) -> Reply:
        """Which council to (un)subscribe, as buttons, with one for every event."""
        _ = self.texts._
        options = (
            *self.adopter_choices(intent),
            Choice(label=_("Every event"), intent=intent, council=ALL),
        )
        if intent is Intent.SUBSCRIBE:
            text = _(
                "Which council's events do you want to be reminded of? Or send /{command} NAME."
            )
        else:
            text = _(
                "Which council's events do you want to stop hearing about? Or send /{command} NAME."
            )
        return _said(intent, text.format(command=intent.value), options=options, options_heading="")

    def subscribed(
        self, scope: str, *, added: bool, leads: Sequence[timedelta], upcoming: Sequence[str]
    ) -> Reply:
        _ = self.texts._
        name = self.scope_name(scope)
        lines = [
            _("Subscribed to {name}. I'll remind you {leads} before each one starts.").format(
                name=name, leads=describe_leads(leads, self.texts)
            )
            if added
            else _("You are already subscribed to {name}.").format(name=name)
        ]
        council = self.knowledge.councils.get(scope)
        if scope != ALL:
            lines.append(_("Events for the whole network come too."))
            if self.knowledge.authority_for_council(scope) is None:
                lines.append(
                    _(
                        "Nothing is on record for {council} yet: I have no record of it adopting "
                        "Signs of Safety. You will hear if an event is added."
                    ).format(council=self.council_name(council) if council else scope)
                )
        blocks: list[Block] = [Paragraph(text=line) for line in lines]
        if upcoming:
            blocks += [Paragraph(text=_("Upcoming:")), Bullets(items=tuple(upcoming))]
        else:
            blocks.append(Paragraph(text=_("Nothing is upcoming on record right now.")))
        back = (
            (
                Choice(
                    label=_("More about {council}").format(
                        council=self.texts.council_short_name(council)
                    ),
                    intent=Intent.OVERVIEW,
                    council=scope,
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
        if removed:
            text = self.texts._("Unsubscribed from {name}.")
        else:
            text = self.texts._("You were not subscribed to {name}.")
        return _said(
            Intent.UNSUBSCRIBE, text.format(name=name), council_code=self._council_code(scope)
        )

    def subscriptions(self, scopes: Sequence[str], leads: Sequence[timedelta]) -> Reply:
        _ = self.texts._
        if not scopes:
            return _said(
                Intent.SUBSCRIPTIONS,
                _(
                    "You have no subscriptions. Send /subscribe NAME, or /subscribe all for every "
                    "event."
                ),
            )
        return Reply(
            intent=Intent.SUBSCRIPTIONS,
            blocks=(
                Paragraph(text=_("You are subscribed to:")),
                Bullets(items=tuple(self.scope_name(scope) for scope in scopes)),
                Paragraph(
                    text=_(
                        "Reminders come {leads} before each event. /unsubscribe NAME or "
                        "/unsubscribe all to stop them."
                    ).format(leads=describe_leads(leads, self.texts))
                ),
            ),
        )

    def hint(self, intent: Intent, council_code: str | None) -> Reply:
        """Outside Telegram a subscription cannot be kept; say how to get one there."""
        council = self.knowledge.councils.get(council_code) if council_code else None
        authority = self.knowledge.authority_for_council(council.code) if council else None
        # A council without a record by the name the chat's language gives it: "bro morgannwg".
        short = self.texts.council_short_name(council).lower() if council else "all"
        argument = authority.id if authority else short
        command = {
            Intent.SUBSCRIBE: f"/subscribe {argument}",
            Intent.UNSUBSCRIBE: f"/unsubscribe {argument}",
            Intent.SUBSCRIPTIONS: "/subscriptions",
        }[intent]
        named = self.council_name(council) if council else None
        return Reply(
            intent=intent,
            authority=authority.id if authority else None,
            council=council.name if council else None,
            council_code=council.code if council else None,
            blocks=(Paragraph(text=_hint_text(intent, named, command, self.texts)),),
        )

    def statistics(
        self, subscribers: Mapping[str, int], totals: Sequence[tuple[str, int]]
    ) -> Reply:
        """For operators: subscribers by scope, then each total ("Reminders sent", 12)."""
        _ = self.texts._
        subscriber_lines = tuple(
            f"{self.scope_name(scope)}: {count}" for scope, count in sorted(subscribers.items())
        ) or (_("none"),)
        return Reply(
            intent=Intent.HELP,
            title=_("Statistics"),
            blocks=(
                Paragraph(text=_("Active subscriptions:")),
                Bullets(items=subscriber_lines),
                Bullets(items=tuple(f"{_(what)}: {count}" for what, count in totals)),
            ),
        )
