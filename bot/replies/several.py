"""Answers about several adopters: a question about councils side by side ("Lincs vs Staffs?"),
and the adopters a filter leaves ("anything in Wales?")."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.replies.councils import CouncilReplies
from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, Paragraph, Reply
from bot.translations import N_
from bot.understanding.councils import CouncilMatch
from bot.understanding.filters import dated_in, matching, stage_order
from bot.understanding.intents import Intent
from bot.understanding.requests import Filter
from knowledge.models import Authority, Stage

logger = logging.getLogger(__name__)

# "In" each nation and region of the register (councils.csv), as a filter names it ("in
# Wales"): whole phrases, since Welsh mutates a name after "yn" ("yng Nghymru").
IN_PLACES = {
    "England": N_("in England"),
    "Wales": N_("in Wales"),
    "Scotland": N_("in Scotland"),
    "Northern Ireland": N_("in Northern Ireland"),
    "East Midlands": N_("in East Midlands"),
    "East of England": N_("in East of England"),
    "London": N_("in London"),
    "North East": N_("in North East"),
    "North West": N_("in North West"),
    "South East": N_("in South East"),
    "South West": N_("in South West"),
    "West Midlands": N_("in West Midlands"),
    "Yorkshire and The Humber": N_("in Yorkshire and The Humber"),
}


class SeveralReplies(Records):
    """Builds the Reply about several adopters at once."""

    def compare(
        self,
        intent: Intent,
        named: tuple[CouncilMatch, ...],
        councils: CouncilReplies,
        now: datetime,
    ) -> Reply:
        """Each council named, side by side: for stage, furthest along first (the stage values'
        order, then the earliest milestone); a council without a record said plainly."""
        found: list[Authority] = []
        missing: list[str] = []
        for match in named:
            code = (match.responsible or match.named).code
            authority = self.knowledge.authority_for_council(code)
            if authority is None:
                missing.append(self.texts.council_short_name(match.named))
            elif authority not in found:
                found.append(authority)
        shown = sorted(found, key=stage_order) if intent is Intent.STAGE else found
        build: dict[Intent, Callable[[Authority], Reply]] = {
            Intent.STAGE: councils.stage,
            Intent.TRAINERS: councils.trainers,
            # Side by side, each council's people in full, not one role asked about.
            Intent.PEOPLE: lambda authority: councils.people(authority, ()),
            Intent.EVENTS: lambda authority: councils.events(authority, now),
        }
        _ = self.texts._
        blocks: list[Block] = []
        if intent is Intent.STAGE and len(shown) > 1:
            order = _(", then ").join(
                f"{self.name(a)} ({self.stage_label(a.stage).casefold()})" for a in shown
            )
            blocks.append(Paragraph(text=_("Furthest along first: {order}.").format(order=order)))
        for authority in shown:
            reply = build.get(intent, councils.overview)(authority)
            blocks.append(Paragraph(text=f"{self.name(authority)}:"))
            blocks.extend(reply.blocks)
        blocks.extend(
            Paragraph(text=_("I have no record of {council}.").format(council=name))
            for name in missing
        )
        first = named[0]
        first_record = self.knowledge.authority_for_council((first.responsible or first.named).code)
        return Reply(
            intent=intent,
            # The first council named, null where it has no record.
            authority=first_record.id if first_record is not None else None,
            council=first.named.name,
            council_code=(first.responsible or first.named).code,
            title=self.texts.join([self.name(a) for a in found]) or None,
            blocks=tuple(blocks),
            citation=self.citation(self.knowledge.network.source),
            councils=tuple(a.id for a in found),
        )

    def filtered(self, intent: Intent, found: Filter) -> Reply:
        """The adopters `found` leaves, listed or counted; none said plainly."""
        _ = self.texts._
        kept = matching(self.knowledge, found)
        total = len(self.knowledge.authorities)
        label = self._label(found)
        if not kept:
            text = self.texts.ngettext(
                "None of the {total} council on record is {label}.",
                "None of the {total} councils on record is {label}.",
                total,
            ).format(total=self.texts.number(total), label=label)
            blocks: tuple[Block, ...] = (Paragraph(text=text),)
        else:
            if found.kind == "furthest":
                text = _("{council} is furthest along. Furthest along first:").format(
                    council=self.name(kept[0])
                )
            elif intent is Intent.EVENTS:
                text = _("Dated on record {label}:").format(label=label)
            elif intent is Intent.COUNT:
                text = self._share(len(kept), total, label)
            else:
                text = _("On record {label}:").format(label=label)
            blocks = (
                Paragraph(text=text),
                Bullets(items=tuple(self._line(a, found) for a in kept)),
            )
        if intent is Intent.EVENTS:
            title = _("Events {label}").format(label=label)
        else:
            title = _("Councils {label}").format(label=label)
        return Reply(
            intent=intent,
            # Null unless the filter names a council ("the Lincolnshire consultant").
            authority=found.beside,
            title=title,
            blocks=blocks,
            citation=self.citation(self.knowledge.network.source),
            actions=self.adopter_choices(Intent.OVERVIEW),
            councils=tuple(a.id for a in kept),
            # The one council left is "them" in the next question.
            council_code=kept[0].council if len(kept) == 1 else None,
        )

    def _share(self, kept: int, total: int, label: str) -> str:
        """ "Two of the five councils on record are in Wales:"."""
        share = self.texts.ngettext(
            "{kept} of the {total} council on record",
            "{kept} of the {total} councils on record",
            total,
        ).format(kept=self.texts.number(kept).capitalize(), total=self.texts.number(total))
        said = self.texts.ngettext("{share} is {label}:", "{share} are {label}:", kept)
        return said.format(share=share, label=label)

    def _label(self, found: Filter) -> str:
        """The filter in words: "in Wales", "at the planning stage"."""
        _ = self.texts._
        match found.kind:
            case "furthest":
                return _("furthest along")
            case "stage":
                stage = self.stage_label(Stage(found.value)).casefold()
                return _("at the {stage} stage").format(stage=stage)
            case "place":
                nation, region = found.value.split("|")
                place = region or nation
                if place in IN_PLACES:
                    return _(IN_PLACES[place])
                return self._in_english(f"in {place}")
            case "person":
                return _("that {name} works with").format(name=found.value)
            case "date" if len(found.value) == len("2013"):
                return _("in {year}").format(year=found.value)
            case "date":
                return _("in {month}").format(month=self.date(found.value))
        # A service is named as the records write it, in English: so is what is said of it.
        return self._in_english(f"with {(found.service or found.value).casefold()} in scope")

    def _in_english(self, text: str) -> str:
        """English words with no catalogue entry: in Welsh, with a note that they are English."""
        return self.texts.in_english(text) if self.texts.welsh else text

    def _line(self, authority: Authority, found: Filter) -> str:
        name = self.name(authority)
        if found.kind == "date":
            dated = [
                f"{self.milestone_when(m)}: {self.said(m, 'what')}"
                for m in authority.milestones
                if dated_in(m, found.value)
            ]
            return f"{name}: {'; '.join(dated)}"
        if found.kind == "service":
            services = ", ".join(self.said_each(authority, "services"))
            return f"{name}: {services or self.stage_label(authority.stage)}"
        if found.kind == "person":
            roles = {
                self.role(p)
                for p in (*authority.trainers, *authority.people)
                if p.name == found.value
            }
            return f"{name} ({', '.join(sorted(roles))})"
        return f"{name}: {self.stage_label(authority.stage).casefold()}"
