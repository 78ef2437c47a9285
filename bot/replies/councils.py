"""Answers about one council: its overview, stage, trainers, people, events and figures; a
council without a record; a name that fits several councils or none."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, Choice, Paragraph, Reply
from bot.translations import N_, Texts
from bot.understanding.figures import asks_until, content_words, rank_figures
from bot.understanding.intents import Intent
from bot.understanding.people import role_asked
from bot.understanding.text import normalise, shorten
from bot.understanding.vocabulary import STOPWORDS
from knowledge.base import Knowledge
from knowledge.models import Authority, Council, Figure, Person, RoleKind

logger = logging.getLogger(__name__)

# What each kind of role is called where the page names nobody in it.
ROLE_NAMES: dict[RoleKind, str] = {
    "chair": N_("chair"),
    "project-lead": N_("project lead or project manager"),
    "director": N_("director"),
    "consultant": N_("consultant"),
    "social-worker": N_("principal social worker"),
    "manager": N_("manager"),
}
# The overview's buttons: a question about the council each, and Subscribe.
COUNCIL_ACTIONS: tuple[tuple[str, Intent], ...] = (
    (N_("Stage"), Intent.STAGE),
    (N_("Trainers"), Intent.TRAINERS),
    (N_("People"), Intent.PEOPLE),
    (N_("Events"), Intent.EVENTS),
    (N_("Subscribe"), Intent.SUBSCRIBE),
)
# Longest piece of what someone typed that a reply repeats back.
ECHO_LIMIT = 60


def council_actions(code: str, texts: Texts) -> tuple[Choice, ...]:
    """The overview's buttons: one for each question about the council, and Subscribe."""
    return tuple(
        Choice(label=texts._(label), intent=intent, council=code)
        for label, intent in COUNCIL_ACTIONS
    )


class CouncilReplies(Records):
    """Builds the Reply to a question about one council, every fact from the records."""

    def __init__(self, knowledge: Knowledge, timezone: ZoneInfo, texts: Texts) -> None:
        super().__init__(knowledge, timezone, texts)
        # The buttons under a reply about a council, made once per council.
        self._actions: dict[tuple[bool, str], tuple[Choice, ...]] = {}

    def _reply_actions(self, intent: Intent, council: Council) -> tuple[Choice, ...]:
        """The overview is the hub with a button for each question; an answer to one question
        leads back to it."""
        hub = intent is Intent.OVERVIEW
        actions = self._actions.get((hub, council.code))
        if actions is None:
            if hub:
                actions = council_actions(council.code, self.texts)
            else:
                more = self.texts._("More about {council}").format(
                    council=self.texts.council_short_name(council)
                )
                actions = (Choice(label=more, intent=Intent.OVERVIEW, council=council.code),)
            self._actions[hub, council.code] = actions
        return actions

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
                "title": self.name(authority),
                "blocks": blocks,
                "citation": self.citation(authority.source),
                "actions": self._reply_actions(intent, council),
                **extra,
            }
        )

    def district_note(self, named: Council, responsible: Council) -> str:
        """ "Ipswich is in the area of Suffolk County Council, which runs children's services
        there." """
        _ = self.texts._
        if named.current:
            message = _(
                "{named} is in the area of {responsible}, which runs children's services there."
            )
        else:
            message = _(
                "{named} (a former council) is in the area of {responsible}, which runs "
                "children's services there."
            )
        return message.format(
            named=self.texts.council_short_name(named), responsible=self.council_name(responsible)
        )

    def _people_lines(self, people: Sequence[Person]) -> tuple[str, ...]:
        return tuple(f"{person.name}: {self.role(person)}" for person in people)

    def _figure_line(self, figure: Figure) -> str:
        what = self.said(figure, "what")
        unit = self.said(figure, "unit") if figure.unit else None
        said = f"{figure.value} {unit}: {what}" if unit else f"{figure.value} {what}"
        return f"{said} (“{figure.quote}”)"

    def _role_blocks(self, authority: Authority, kind: RoleKind) -> list[Block]:
        """Who holds a role at a council, as the page says; that it names nobody, where it
        doesn't."""
        _ = self.texts._
        roles = [role for role in authority.roles if role.kind == kind]
        name = self.name(authority)
        if not roles:
            nobody = _("The page names no {role} for {council}.")
            return [Paragraph(text=nobody.format(role=_(ROLE_NAMES[kind]), council=name))]
        blocks: list[Block] = [
            Paragraph(
                text=f"{self.said(role, 'title')}: {role.holder}."
                if role.holder
                else _(
                    "{role}: the page mentions this role at {council}, but does not name who "
                    "holds it."
                ).format(role=self.said(role, "title"), council=name)
            )
            for role in roles
        ]
        blocks.append(Paragraph(text=_("The page: “{quote}”.").format(quote=roles[0].quote)))
        return blocks

    def stage_text(self, authority: Authority) -> str:
        return self.texts._("Stage: {stage}. {summary}").format(
            stage=self.stage_label(authority.stage), summary=self.said(authority, "stage_summary")
        )

    def overview(self, authority: Authority, *lead: Block) -> Reply:
        blocks = self.made_once(Intent.OVERVIEW, authority, self._overview_blocks)
        return self._reply(Intent.OVERVIEW, authority, *lead, *blocks)

    def _overview_blocks(self, authority: Authority) -> list[Block]:
        _ = self.texts._
        blocks: list[Block] = [Paragraph(text=self.stage_text(authority))]
        if authority.services:
            services = ", ".join(self.said_each(authority, "services"))
            blocks.append(
                Paragraph(text=_("Services in scope: {services}.").format(services=services))
            )
        blocks.append(self._trainers_paragraph(authority))
        if authority.people:
            names = ", ".join(f"{p.name} ({self.role(p)})" for p in authority.people)
            blocks.append(Paragraph(text=_("People named: {names}.").format(names=names)))
        if authority.milestones:
            blocks.append(Bullets(items=self.milestone_lines(authority)))
        blocks.extend(Paragraph(text=note) for note in self.said_each(authority, "notes"))
        return blocks

    def stage(self, authority: Authority, *lead: Block) -> Reply:
        blocks = self.made_once(
            Intent.STAGE, authority, lambda adopter: [Paragraph(text=self.stage_text(adopter))]
        )
        return self._reply(Intent.STAGE, authority, *lead, *blocks)

    def _trainers_paragraph(self, authority: Authority) -> Paragraph:
        _ = self.texts._
        if authority.trainers:
            names = ", ".join(f"{p.name} ({self.role(p)})" for p in authority.trainers)
            return Paragraph(text=_("Trainers and consultants: {names}.").format(names=names))
        nobody = _("The record names no trainer for {council}.")
        return Paragraph(text=nobody.format(council=self.name(authority)))

    def trainers(self, authority: Authority, *lead: Block) -> Reply:
        blocks = self.made_once(Intent.TRAINERS, authority, self._trainers_blocks)
        return self._reply(Intent.TRAINERS, authority, *lead, *blocks)

    def _trainers_blocks(self, authority: Authority) -> list[Block]:
        blocks: list[Block] = []
        if authority.trainers:
            blocks.append(Paragraph(text=self.texts._("Trainers and consultants on record:")))
            blocks.append(Bullets(items=self._people_lines(authority.trainers)))
        else:
            blocks.append(self._trainers_paragraph(authority))
            if authority.people:
                blocks.append(Paragraph(text=self.texts._("People it names:")))
                blocks.append(Bullets(items=self._people_lines(authority.people)))
        return blocks

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
                Paragraph(text=self.texts._("What the records say of them:")),
                Bullets(items=tuple(f"{self.name(a)}: {self.role(p)}" for a, p in mentions)),
            ),
            citation=self.citation(mentions[0][0].source),
        )

    def people(self, authority: Authority, asked: Sequence[str], *lead: Block) -> Reply:
        """Who the record names; for a role asked about ("who chairs …?"), who holds it, or
        plainly that the page names nobody in it."""
        named = (*authority.trainers, *authority.people)
        blocks: list[Block] = [*lead]
        if (kind := role_asked(asked)) is not None:
            blocks.extend(self._role_blocks(authority, kind))
        if named:
            blocks.append(Paragraph(text=self.texts._("People the record names:")))
            blocks.append(Bullets(items=self._people_lines(named)))
        else:
            nobody = self.texts._("The record names no one for {council}.")
            blocks.append(Paragraph(text=nobody.format(council=self.name(authority))))
        return self._reply(Intent.PEOPLE, authority, *blocks)

    def events(self, authority: Authority, now: datetime, *lead: Block) -> Reply:
        blocks, offers, any_events = self.event_blocks(authority.id, self.name(authority), now)
        if not any_events and authority.milestones:
            blocks.append(Paragraph(text=self.texts._("Its dated milestones:")))
            blocks.append(Bullets(items=self.milestone_lines(authority)))
        return self._reply(Intent.EVENTS, authority, *lead, *blocks, calendar=offers)

    def figures(self, authority: Authority, words: Sequence[str]) -> Reply:
        """The figure asked ("how many leads", "how many days is the residential"), with its
        unit and its quote; "until when …" a dated milestone; every figure where none fits."""
        ranked = rank_figures(authority.figures, words)
        blocks: list[Block] = []
        if ranked:
            blocks.append(Bullets(items=tuple(self._figure_line(f) for f in ranked)))
        elif asks_until(words) and (dated := self._milestones_asked(authority, words)):
            blocks.append(Bullets(items=dated))
        elif authority.figures:
            blocks.append(Bullets(items=tuple(self._figure_line(f) for f in authority.figures)))
        else:
            none = self.texts._("The record gives no figures for {council}.")
            blocks.append(Paragraph(text=none.format(council=self.name(authority))))
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
            blocks=(
                Paragraph(
                    text=self.texts._("I don't know a UK council called “{name}”.").format(
                        name=name
                    )
                ),
            ),
            options=self.adopter_choices(Intent.OVERVIEW),
            options_heading=self.texts._("These are the councils on record:"),
        )

    def which_council(self, intent: Intent) -> Reply:
        return Reply(
            intent=intent,
            blocks=(Paragraph(text=self.texts._("Which council do you mean?")),),
            options=self.adopter_choices(intent),
            options_heading=self.texts._("These are the ones on record:"),
        )

    def did_you_mean(self, intent: Intent, councils: Sequence[Council]) -> Reply:
        return Reply(
            intent=intent,
            blocks=(Paragraph(text=self.texts._("I know more than one council by that name.")),),
            options=tuple(
                Choice(label=self.council_name(c), intent=intent, council=c.code) for c in councils
            ),
            options_heading=self.texts._("Did you mean:"),
        )

    def no_record(self, intent: Intent, named: Council, responsible: Council | None) -> Reply:
        _ = self.texts._
        blocks: list[Block] = []
        subject = responsible or named
        if responsible is not None and responsible.code != named.code:
            blocks.append(Paragraph(text=self.district_note(named, responsible)))
        if named.nation == "Northern Ireland":
            text = _(
                "I know {council}, but in Northern Ireland children's social care is run by the "
                "Health and Social Care trusts, and I have no record of them adopting Signs of "
                "Safety."
            ).format(council=self.council_name(named))
        else:
            text = _("I know {council}, but have no record of it adopting Signs of Safety.").format(
                council=self.council_name(subject)
            )
        blocks.append(Paragraph(text=text))
        network = self.knowledge.network
        blocks.append(
            Paragraph(
                text=_(
                    "The network counted {implementing} authorities implementing and {training} "
                    "more training, but its page describes only these {described}: {names}."
                ).format(
                    implementing=network.implementing,
                    training=network.training,
                    described=len(self.knowledge.authorities),
                    names=", ".join(self.name(a) for a in self.knowledge.authorities),
                )
            )
        )
        return Reply(
            intent=intent,
            council=subject.name,
            council_code=subject.code,
            blocks=tuple(blocks),
            citation=self.citation(network.source),
            actions=(Choice(label=_("Councils on record"), intent=Intent.LIST),),
        )
