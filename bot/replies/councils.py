"""Answers about one council: its overview, stage, trainers, people, events and figures; a
council without a record; a name that fits several councils or none."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, Choice, Paragraph, Reply
from bot.understanding.figures import asks_until, content_words, rank_figures
from bot.understanding.intents import Intent
from bot.understanding.people import role_asked
from bot.understanding.text import normalise, shorten
from bot.understanding.vocabulary import STOPWORDS
from knowledge.models import Authority, Council, Figure, Person, RoleKind

logger = logging.getLogger(__name__)

# What each kind of role is called where the page names nobody in it.
ROLE_NAMES: dict[RoleKind, str] = {
    "chair": "chair",
    "project-lead": "project lead or project manager",
    "director": "director",
    "consultant": "consultant",
    "social-worker": "principal social worker",
    "manager": "manager",
}
# Longest piece of what someone typed that a reply repeats back.
ECHO_LIMIT = 60


def _people_lines(people: Sequence[Person]) -> tuple[str, ...]:
    return tuple(f"{person.name}: {person.role}" for person in people)


def _figure_line(figure: Figure) -> str:
    said = (
        f"{figure.value} {figure.unit}: {figure.what}"
        if figure.unit
        else f"{figure.value} {figure.what}"
    )
    return f"{said} (“{figure.quote}”)"


def _role_blocks(authority: Authority, kind: RoleKind) -> list[Block]:
    """Who holds a role at a council, as the page says; that it names nobody, where it doesn't."""
    roles = [role for role in authority.roles if role.kind == kind]
    if not roles:
        return [Paragraph(text=f"The page names no {ROLE_NAMES[kind]} for {authority.name}.")]
    blocks: list[Block] = [
        Paragraph(
            text=f"{role.title}: {role.holder}."
            if role.holder
            else f"{role.title}: the page mentions this role at {authority.name}, but does "
            "not name who holds it."
        )
        for role in roles
    ]
    blocks.append(Paragraph(text=f"The page: “{roles[0].quote}”."))
    return blocks


def council_actions(code: str) -> tuple[Choice, ...]:
    """The overview's buttons: one for each question about the council, and Subscribe."""
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


def district_note(named: Council, responsible: Council) -> str:
    former = "" if named.current else " (a former council)"
    return (
        f"{named.short_name}{former} is in the area of {responsible.name}, which runs "
        "children's services there."
    )


class CouncilReplies(Records):
    """Builds the Reply to a question about one council, every fact from the records."""

    def _reply(
        self, intent: Intent, authority: Authority, *blocks: Block, **extra: object
    ) -> Reply:
        council = self.knowledge.council_of(authority)
        return Reply.model_validate(
            {
                "intent": intent,
                "authority": authority.id,
                "councils": (authority.id,),
                "council": council.name,
                "council_code": council.code,
                "title": authority.name,
                "blocks": blocks,
                "citation": self.citation(authority.source),
                # The overview is the hub with a button for each question; an answer to one
                # question leads back to it.
                "actions": (
                    council_actions(council.code)
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

    def overview(self, authority: Authority, *lead: Block) -> Reply:
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
            blocks.append(Bullets(items=self.milestone_lines(authority)))
        blocks.extend(Paragraph(text=note) for note in authority.notes)
        return self._reply(Intent.OVERVIEW, authority, *blocks)

    def stage(self, authority: Authority, *lead: Block) -> Reply:
        text = f"Stage: {authority.stage.label}. {authority.stage_summary}"
        return self._reply(Intent.STAGE, authority, *lead, Paragraph(text=text))

    def _trainers_paragraph(self, authority: Authority) -> Paragraph:
        if authority.trainers:
            names = ", ".join(f"{p.name} ({p.role})" for p in authority.trainers)
            return Paragraph(text=f"Trainers and consultants: {names}.")
        return Paragraph(text=f"The record names no trainer for {authority.name}.")

    def trainers(self, authority: Authority, *lead: Block) -> Reply:
        blocks: list[Block] = [*lead]
        if authority.trainers:
            blocks.append(Paragraph(text="Trainers and consultants on record:"))
            blocks.append(Bullets(items=_people_lines(authority.trainers)))
        else:
            blocks.append(self._trainers_paragraph(authority))
            if authority.people:
                blocks.append(Paragraph(text="People it names:"))
                blocks.append(Bullets(items=_people_lines(authority.people)))
        return self._reply(Intent.TRAINERS, authority, *blocks)

    def person(self, name: str) -> Reply:
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
            councils=tuple(dict.fromkeys(a.id for a, _ in mentions)),
            council=self.knowledge.council_of(only).name if only else None,
            council_code=only.council if only else None,
            title=name,
            blocks=(
                Paragraph(text="What the records say of them:"),
                Bullets(items=tuple(f"{a.name}: {p.role}" for a, p in mentions)),
            ),
            citation=self.citation(mentions[0][0].source),
        )

    def people(self, authority: Authority, asked: Sequence[str], *lead: Block) -> Reply:
        """Who the record names; for a role asked about ("who chairs …?"), who holds it, or
        plainly that the page names nobody in it."""
        named = (*authority.trainers, *authority.people)
        blocks: list[Block] = [*lead]
        if (kind := role_asked(asked)) is not None:
            blocks.extend(_role_blocks(authority, kind))
        if named:
            blocks.append(Paragraph(text="People the record names:"))
            blocks.append(Bullets(items=_people_lines(named)))
        else:
            blocks.append(Paragraph(text=f"The record names no one for {authority.name}."))
        return self._reply(Intent.PEOPLE, authority, *blocks)

    def events(self, authority: Authority, now: datetime, *lead: Block) -> Reply:
        blocks, offers, any_events = self.event_blocks(authority.id, authority.name, now)
        if not any_events and authority.milestones:
            blocks.append(Paragraph(text="Its dated milestones:"))
            blocks.append(Bullets(items=self.milestone_lines(authority)))
        return self._reply(Intent.EVENTS, authority, *lead, *blocks, calendar=offers)

    def figures(self, authority: Authority, words: Sequence[str]) -> Reply:
        """The figure asked ("how many leads", "how many days is the residential"), with its
        unit and its quote; "until when …" a dated milestone; every figure where none fits."""
        ranked = rank_figures(authority.figures, words)
        blocks: list[Block] = []
        if ranked:
            blocks.append(Bullets(items=tuple(_figure_line(f) for f in ranked)))
        elif asks_until(words) and (dated := self._milestones_asked(authority, words)):
            blocks.append(Bullets(items=dated))
        elif authority.figures:
            blocks.append(Bullets(items=tuple(_figure_line(f) for f in authority.figures)))
        else:
            blocks.append(Paragraph(text=f"The record gives no figures for {authority.name}."))
        return self._reply(Intent.COUNT, authority, *blocks)

    def _milestones_asked(self, authority: Authority, words: Sequence[str]) -> tuple[str, ...]:
        """The dated milestones that share a word of substance with the question."""
        asked = content_words(words, STOPWORDS)
        return tuple(
            f"{line} (“{milestone.quote}”)"
            for milestone, line in zip(
                authority.milestones, self.milestone_lines(authority), strict=True
            )
            if asked & content_words(normalise(milestone.what).split(), STOPWORDS)
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

    def which_council(self, intent: Intent) -> Reply:
        return Reply(
            intent=intent,
            blocks=(Paragraph(text="Which council do you mean?"),),
            options=self.adopter_choices(intent),
            options_heading="These are the ones on record:",
        )

    @staticmethod
    def did_you_mean(intent: Intent, councils: Sequence[Council]) -> Reply:
        return Reply(
            intent=intent,
            blocks=(Paragraph(text="I know more than one council by that name."),),
            options=tuple(Choice(label=c.name, intent=intent, council=c.code) for c in councils),
        )

    def no_record(self, intent: Intent, named: Council, responsible: Council | None) -> Reply:
        blocks: list[Block] = []
        subject = responsible or named
        if responsible is not None and responsible.code != named.code:
            blocks.append(Paragraph(text=district_note(named, responsible)))
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
            blocks=tuple(blocks),
            citation=self.citation(network.source),
            actions=(Choice(label="Councils on record", intent=Intent.LIST),),
        )
