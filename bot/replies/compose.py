"""Composing replies from the records: one method an intent, every fact taken from knowledge.

Nothing here guesses. Where a record is silent the reply says so ("the record names no
trainer"), and every reply about an authority cites its source and date.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.replies.reply import Block, Bullets, Choice, Citation, EventRef, Paragraph, Reply
from bot.understanding.intents import Intent
from bot.understanding.text import shorten
from knowledge.base import Knowledge
from knowledge.models import Authority, Council, Event, Person, describe_date

logger = logging.getLogger(__name__)

MOST_RECENT_SHOWN = 5
# Longest piece of what someone typed that a reply repeats back.
ECHO_LIMIT = 60

ASK_EXAMPLES = (
    '"what stage is Suffolk at?", "who trains Swansea?", "when is Lincolnshire\'s training?", '
    '"how many councils are implementing?"'
)
COMMANDS = (
    "/councils: the councils on record, with buttons",
    "/council NAME: one council's overview",
    "/events [NAME]: upcoming events",
    "/subscribe NAME|all: reminders of a council's events",
    "/unsubscribe NAME|all: stop them",
    "/subscriptions: what you are subscribed to",
    "/forget: delete everything held about this chat",
    "/help: this message",
)


def describe_time_left(left: timedelta) -> str:
    """How soon, as a person would say it: "in 7 days", "in 5 hours", "in 20 minutes"."""
    for unit, size in (("day", timedelta(days=1)), ("hour", timedelta(hours=1))):
        if left >= size:
            count = round(left / size)
            return f"in {count} {unit}{'' if count == 1 else 's'}"
    minutes = max(1, round(left / timedelta(minutes=1)))
    return f"in {minutes} minute{'' if minutes == 1 else 's'}"


def _people_lines(people: Sequence[Person]) -> tuple[str, ...]:
    return tuple(f"{person.name}: {person.role}" for person in people)


class Composer:
    """Builds the Reply for an intent about a council, from the knowledge it is given."""

    def __init__(
        self, knowledge: Knowledge, timezone: ZoneInfo, clock: Callable[[], datetime]
    ) -> None:
        self.knowledge = knowledge
        self.timezone = timezone
        self.clock = clock

    # Shared pieces

    def citation(self, source_id: str) -> Citation:
        source = self.knowledge.sources[source_id]
        return Citation(title=source.title, as_of=f"as of {self._date(source.as_of)}")

    def citation_if_known(self, source_id: str | None) -> Citation | None:
        """An event's `source` is free text: cite it only when it names a listed source."""
        if source_id is None or source_id not in self.knowledge.sources:
            return None
        return self.citation(source_id)

    def _date(self, value: str) -> str:
        return describe_date(value, self.timezone)

    def _span(self, start: str, end: str | None) -> str:
        return f"{self._date(start)} to {self._date(end)}" if end else self._date(start)

    def event_line(self, event: Event, *, with_council: bool) -> str:
        line = f"{self._span(event.start, event.end)}: {event.title}"
        if event.location:
            line += f", {event.location}"
        if with_council:
            authority = self.knowledge.authority(event.authority) if event.authority else None
            line += f" ({authority.name if authority else 'network-wide'})"
        return line

    def _reply(
        self,
        intent: Intent,
        authority: Authority,
        confidence: float,
        *blocks: Block,
        **extra: object,
    ) -> Reply:
        council = self.knowledge.council_of(authority)
        return Reply.model_validate(
            {
                "intent": intent,
                "authority": authority.id,
                "council": council.name,
                "council_code": council.code,
                "confidence": confidence,
                "title": authority.name,
                "blocks": blocks,
                "citation": self.citation(authority.source),
                # The overview is the hub with a button for each question; an answer to one
                # question leads back to it.
                "actions": (
                    self.council_actions(council.code)
                    if intent is Intent.OVERVIEW
                    else (
                        Choice(
                            label=f"More about {council.short_name}",
                            intent=Intent.OVERVIEW,
                            council=council.code,
                        ),
                    )
                ),
                **extra,
            }
        )

    @staticmethod
    def council_actions(code: str) -> tuple[Choice, ...]:
        return tuple(
            Choice(label=label, intent=intent, council=code)
            for label, intent in (
                ("Stage", Intent.STAGE),
                ("Trainers", Intent.TRAINERS),
                ("People", Intent.PEOPLE),
                ("Events", Intent.EVENTS),
                ("Subscribe", Intent.SUBSCRIBE),
            )
        )

    # Intents about one authority

    def overview(self, authority: Authority, confidence: float, *lead: Block) -> Reply:
        blocks: list[Block] = [
            *lead,
            Paragraph(text=f"Stage: {authority.stage.label}. {authority.stage_summary}"),
        ]
        if authority.services:
            blocks.append(Paragraph(text=f"Services in scope: {', '.join(authority.services)}."))
        blocks.append(self._trainers_paragraph(authority))
        if authority.people:
            names = ", ".join(f"{p.name} ({p.role})" for p in authority.people)
            blocks.append(Paragraph(text=f"People named: {names}."))
        if authority.milestones:
            blocks.append(Bullets(items=self._milestone_lines(authority)))
        blocks.extend(Paragraph(text=note) for note in authority.notes)
        return self._reply(Intent.OVERVIEW, authority, confidence, *blocks)

    def stage(self, authority: Authority, confidence: float, *lead: Block) -> Reply:
        text = f"Stage: {authority.stage.label}. {authority.stage_summary}"
        return self._reply(Intent.STAGE, authority, confidence, *lead, Paragraph(text=text))

    def _trainers_paragraph(self, authority: Authority) -> Paragraph:
        if authority.trainers:
            names = ", ".join(f"{p.name} ({p.role})" for p in authority.trainers)
            return Paragraph(text=f"Trainers and consultants: {names}.")
        return Paragraph(text=f"The record names no trainer for {authority.name}.")

    def trainers(self, authority: Authority, confidence: float, *lead: Block) -> Reply:
        blocks: list[Block] = [*lead]
        if authority.trainers:
            blocks.append(Paragraph(text="Trainers and consultants on record:"))
            blocks.append(Bullets(items=_people_lines(authority.trainers)))
        else:
            blocks.append(self._trainers_paragraph(authority))
            if authority.people:
                blocks.append(Paragraph(text="People it names:"))
                blocks.append(Bullets(items=_people_lines(authority.people)))
        return self._reply(Intent.TRAINERS, authority, confidence, *blocks)

    def person(self, name: str, confidence: float) -> Reply:
        """Everything the records say of one named person, authority by authority."""
        mentions = [
            (authority, person)
            for authority in self.knowledge.authorities
            for person in (*authority.trainers, *authority.people)
            if person.name == name
        ]
        only = mentions[0][0] if len({a.id for a, _ in mentions}) == 1 else None
        return Reply(
            intent=Intent.PEOPLE,
            authority=only.id if only else None,
            council=self.knowledge.council_of(only).name if only else None,
            council_code=only.council if only else None,
            confidence=confidence,
            title=name,
            blocks=(
                Paragraph(text="What the records say of them:"),
                Bullets(items=tuple(f"{a.name}: {p.role}" for a, p in mentions)),
            ),
            citation=self.citation(mentions[0][0].source),
        )

    def people(self, authority: Authority, confidence: float, *lead: Block) -> Reply:
        named = (*authority.trainers, *authority.people)
        blocks: list[Block] = [*lead]
        if named:
            blocks.append(Paragraph(text="People the record names:"))
            blocks.append(Bullets(items=_people_lines(named)))
        else:
            blocks.append(Paragraph(text=f"The record names no one for {authority.name}."))
        return self._reply(Intent.PEOPLE, authority, confidence, *blocks)

    def _milestone_lines(self, authority: Authority) -> tuple[str, ...]:
        return tuple(
            f"{m.when_text or self._span(m.when, m.until)}: {m.what}" for m in authority.milestones
        )

    def events(self, authority: Authority, confidence: float, *lead: Block) -> Reply:
        blocks, offers, any_events = self._event_blocks(authority.id, authority.name)
        if not any_events and authority.milestones:
            blocks.append(Paragraph(text="Its dated milestones:"))
            blocks.append(Bullets(items=self._milestone_lines(authority)))
        return self._reply(Intent.EVENTS, authority, confidence, *lead, *blocks, calendar=offers)

    def upcoming_for_scope(self, scope: str, now: datetime) -> tuple[str, ...]:
        """Lines for the upcoming events a subscription to `scope` ("all" or a council code)
        brings."""
        if scope == "all":
            events = self.knowledge.upcoming_events(None, now, self.timezone)
        else:
            authority = self.knowledge.authority_for_council(scope)
            events = [
                e
                for e in self.knowledge.upcoming_events(
                    authority.id if authority else None, now, self.timezone
                )
                if authority is not None or e.authority is None
            ]
        return tuple(self.event_line(e, with_council=True) for e in events)

    def event_details(self, event: Event) -> list[Block]:
        """What, when, where and which council: the body of a reminder or an announcement."""
        authority = self.knowledge.authority(event.authority) if event.authority else None
        blocks: list[Block] = [
            Bullets(
                items=(
                    f"When: {self._when(event)}",
                    f"Where: {event.location or 'not given'}",
                    f"Council: {authority.name if authority else 'the whole network'}",
                )
            )
        ]
        if event.description:
            blocks.append(Paragraph(text=event.description))
        return blocks

    def _when(self, event: Event) -> str:
        return self._span(event.start, event.end)

    def _event_reply(self, event: Event, title: str, *blocks: Block) -> Reply:
        return Reply(
            intent=Intent.EVENTS,
            authority=event.authority,
            confidence=1.0,
            title=title,
            blocks=(*blocks, *self.event_details(event)),
            citation=self.citation_if_known(event.source),
            calendar=(EventRef(id=event.id, title=event.title),),
        )

    def reminder(self, event: Event, now: datetime, *, late: bool) -> Reply:
        """A reminder of `event`, saying how soon it starts; a late one says so."""
        left = event.period(self.timezone).start - now
        notes: list[Block] = [Paragraph(text=f"It starts {describe_time_left(left)}.")]
        if late:
            notes.append(Paragraph(text="Sent late: I was offline when this reminder fell due."))
        return self._event_reply(event, f"Reminder: {event.title}", *notes)

    def announcement(self, event: Event) -> Reply:
        return self._event_reply(event, f"New event: {event.title}")

    def move(self, event: Event, old_start: str) -> Reply:
        """An event the subscriber heard of has a new start: both times, then the details."""
        note = Paragraph(
            text=f"It has moved to {self._when(event)}; it was {self._date(old_start)}."
        )
        return self._event_reply(event, f"Moved: {event.title}", note)

    def network_events(self, confidence: float) -> Reply:
        blocks, offers, _ = self._event_blocks(None, "the network")
        return Reply(
            intent=Intent.EVENTS,
            confidence=confidence,
            title="Events",
            blocks=tuple(blocks),
            citation=self.citation(self.knowledge.network.source),
            calendar=offers,
        )

    def _event_blocks(
        self, authority_id: str | None, name: str
    ) -> tuple[list[Block], tuple[EventRef, ...], bool]:
        """The blocks listing events, the upcoming ones as calendar offers, and whether any
        event is on record at all."""
        now = self.clock()
        with_council = authority_id is None
        upcoming = self.knowledge.upcoming_events(authority_id, now, self.timezone)
        if upcoming:
            lines = tuple(self.event_line(e, with_council=with_council) for e in upcoming)
            offers = tuple(EventRef(id=e.id, title=e.title) for e in upcoming)
            return [Paragraph(text="Upcoming:"), Bullets(items=lines)], offers, True
        past = self.knowledge.past_events(authority_id, now, self.timezone)[:MOST_RECENT_SHOWN]
        if not past:
            return [Paragraph(text=f"The record has no dated event for {name}.")], (), False
        lines = tuple(self.event_line(e, with_council=with_council) for e in past)
        today = f"{now.astimezone(self.timezone):%-d %B %Y}"
        heading = Paragraph(
            text=f"Nothing upcoming for {name} as of today ({today}). "
            "The most recent dated events on record:"
        )
        return [heading, Bullets(items=lines)], (), True

    def figures(self, authority: Authority, words: Sequence[str], confidence: float) -> Reply:
        asked = set(words)
        relevant = [
            f for f in authority.figures if asked & {k for kw in f.keywords for k in kw.split()}
        ] or list(authority.figures)
        if not relevant:
            body: Block = Paragraph(text=f"The record gives no figures for {authority.name}.")
        else:
            body = Bullets(items=tuple(f"{f.value} {f.what}" for f in relevant))
        return self._reply(Intent.COUNT, authority, confidence, body)

    # Intents about the whole network

    def network_count(self, confidence: float) -> Reply:
        network = self.knowledge.network
        names = ", ".join(a.name for a in self.knowledge.authorities)
        return Reply(
            intent=Intent.COUNT,
            confidence=confidence,
            title="Signs of Safety in the UK",
            blocks=(
                Paragraph(
                    text=f"{network.implementing} local authorities across the UK have decided to "
                    f"implement Signs of Safety, and a further {network.training} are training "
                    "their staff in it."
                ),
                Paragraph(
                    text=f"I hold records of {len(self.knowledge.authorities)} of them: {names}."
                ),
            ),
            citation=self.citation(network.source),
        )

    def listing(self, confidence: float) -> Reply:
        network = self.knowledge.network
        lines = tuple(f"{a.name}: {a.stage.label}" for a in self.knowledge.authorities)
        return Reply(
            intent=Intent.LIST,
            confidence=confidence,
            title="Councils on record",
            blocks=(
                Paragraph(
                    text=f"The records describe {len(lines)} of the {network.implementing} "
                    "authorities implementing Signs of Safety:"
                ),
                Bullets(items=lines),
            ),
            citation=self.citation(network.source),
            actions=self.adopter_choices(Intent.OVERVIEW),
        )

    def adopter_choices(self, intent: Intent) -> tuple[Choice, ...]:
        return tuple(
            Choice(label=self.knowledge.council_of(a).short_name, intent=intent, council=a.council)
            for a in self.knowledge.authorities
        )

    def about(self, confidence: float) -> Reply:
        network = self.knowledge.network
        source = self.knowledge.sources[network.source]
        return Reply(
            intent=Intent.ABOUT,
            confidence=confidence,
            title="About this bot",
            blocks=(
                Paragraph(
                    text="I answer questions about the UK local authorities implementing the Signs "
                    "of Safety approach in their social care and support services: their "
                    "stage, trainers, people and training events, and I can remind you of "
                    "their events."
                ),
                Paragraph(
                    text=f"My records come from one source: {source.title}, published by "
                    f"{source.publisher}, as of {self._date(source.as_of)}. It describes "
                    f"{len(self.knowledge.authorities)} of the {network.implementing} authorities "
                    "it counts as implementing. I also know the name of every UK council."
                ),
            ),
            citation=self.citation(network.source),
        )

    def welcome(self) -> Reply:
        network = self.knowledge.network
        return Reply(
            intent=Intent.HELP,
            confidence=1.0,
            title="Signs of Safety in the UK",
            blocks=(
                Paragraph(
                    text=f"I know the {len(self.knowledge.authorities)} UK local authorities "
                    "adopting Signs of Safety that the Signs of Safety UK network described, as of "
                    f"{self._date(network.as_of)}: their stage, trainers, people and training "
                    "events. I can also remind you of their events."
                ),
                Paragraph(text=f"Ask in your own words, e.g. {ASK_EXAMPLES}, or pick one:"),
            ),
            actions=(
                *self.adopter_choices(Intent.OVERVIEW),
                Choice(label="Events", intent=Intent.EVENTS),
            ),
        )

    @staticmethod
    def one_line_summary(reply: Reply, limit: int = 100) -> str:
        """The first paragraph, cut to `limit` characters: a preview line."""
        first = next((b.text for b in reply.blocks if isinstance(b, Paragraph)), "")
        return shorten(first, limit)

    def help(self, confidence: float) -> Reply:
        return Reply(
            intent=Intent.HELP,
            confidence=confidence,
            title="What I can do",
            blocks=(
                Paragraph(
                    text="Ask me about the UK councils adopting Signs of Safety, in your own "
                    f"words: {ASK_EXAMPLES}."
                ),
                Paragraph(text="Commands:"),
                Bullets(items=COMMANDS),
            ),
            actions=self.adopter_choices(Intent.OVERVIEW),
        )

    def you_are_welcome(self) -> Reply:
        return Reply(
            intent=Intent.HELP,
            confidence=1.0,
            blocks=(Paragraph(text="You're welcome. Ask me anything else, or send /help."),),
        )

    def cannot_help(self, confidence: float) -> Reply:
        return Reply(
            intent=Intent.UNKNOWN,
            confidence=confidence,
            blocks=(
                Paragraph(text="Sorry, I can't help with that."),
                Paragraph(
                    text="I answer questions about the UK councils adopting Signs of Safety: "
                    f"their stage, trainers, people and training events. Try {ASK_EXAMPLES}."
                ),
            ),
        )

    def unknown_council(self, name: str) -> Reply:
        name = shorten(name, ECHO_LIMIT)
        return Reply(
            intent=Intent.UNKNOWN,
            confidence=0.0,
            blocks=(Paragraph(text=f"I don't know a UK council called “{name}”."),),
            options=self.adopter_choices(Intent.OVERVIEW),
            options_heading="These are the councils on record:",
        )

    def which_council(self, intent: Intent, confidence: float) -> Reply:
        return Reply(
            intent=intent,
            confidence=confidence,
            blocks=(Paragraph(text="Which council do you mean?"),),
            options=self.adopter_choices(intent),
            options_heading="These are the ones on record:",
        )

    def did_you_mean(self, intent: Intent, councils: Sequence[Council], confidence: float) -> Reply:
        return Reply(
            intent=intent,
            confidence=confidence,
            blocks=(Paragraph(text="I know more than one council by that name."),),
            options=tuple(Choice(label=c.name, intent=intent, council=c.code) for c in councils),
        )

    def no_record(
        self, intent: Intent, named: Council, responsible: Council | None, confidence: float
    ) -> Reply:
        blocks: list[Block] = []
        subject = responsible or named
        if responsible is not None and responsible.code != named.code:
            blocks.append(Paragraph(text=self.district_note(named, responsible)))
        if named.nation == "Northern Ireland":
            blocks.append(
                Paragraph(
                    text=f"I know {named.name}, but in Northern Ireland children's social care "
                    "is run by the Health and Social Care trusts, and I have no record of them "
                    "adopting Signs of Safety."
                )
            )
        else:
            blocks.append(
                Paragraph(
                    text=f"I know {subject.name}, but have no record of it adopting Signs of "
                    "Safety."
                )
            )
        network = self.knowledge.network
        blocks.append(
            Paragraph(
                text=f"The network counted {network.implementing} authorities implementing and "
                f"{network.training} more training, but its page describes only these "
                f"{len(self.knowledge.authorities)}: "
                + ", ".join(a.name for a in self.knowledge.authorities)
                + "."
            )
        )
        return Reply(
            intent=intent,
            council=subject.name,
            council_code=subject.code,
            confidence=confidence,
            blocks=tuple(blocks),
            citation=self.citation(network.source),
            actions=(Choice(label="Councils on record", intent=Intent.LIST),),
        )

    @staticmethod
    def district_note(named: Council, responsible: Council) -> str:
        former = "" if named.current else " (a former council)"
        return (
            f"{named.short_name}{former} is in the area of {responsible.name}, which runs "
            "children's services there."
        )

    def subscription_hint(
        self,
        intent: Intent,
        authority: Authority | None,
        council: Council | None,
        confidence: float,
    ) -> Reply:
        """Outside Telegram a subscription cannot be kept; say how to get one there."""
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
            confidence=confidence,
            blocks=(Paragraph(text=f"Reminders live in Telegram: send {command} to the bot."),),
        )
