"""Answers about several adopters: a question about councils side by side ("Lincs vs Staffs?"),
and the adopters a filter leaves ("anything in Wales?")."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from bot.replies.councils import CouncilReplies
from bot.replies.records import Records
from bot.replies.reply import Block, Bullets, Paragraph, Reply
from bot.understanding.councils import CouncilMatch
from bot.understanding.filters import dated_in, matching, stage_order
from bot.understanding.intents import Intent
from bot.understanding.requests import Filter
from knowledge.models import Authority

logger = logging.getLogger(__name__)

_NUMBERS = "none one two three four five six seven eight nine ten".split()


def _number(count: int) -> str:
    return _NUMBERS[count] if count < len(_NUMBERS) else str(count)


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
                missing.append(match.named.short_name)
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
        blocks: list[Block] = []
        if intent is Intent.STAGE and len(shown) > 1:
            order = ", then ".join(f"{a.name} ({a.stage.label.casefold()})" for a in shown)
            blocks.append(Paragraph(text=f"Furthest along first: {order}."))
        for authority in shown:
            reply = build.get(intent, councils.overview)(authority)
            blocks.append(Paragraph(text=f"{authority.name}:"))
            blocks.extend(reply.blocks)
        blocks.extend(Paragraph(text=f"I have no record of {name}.") for name in missing)
        first = named[0]
        first_record = self.knowledge.authority_for_council((first.responsible or first.named).code)
        return Reply(
            intent=intent,
            # The first council named, null where it has no record.
            authority=first_record.id if first_record is not None else None,
            council=first.named.name,
            council_code=(first.responsible or first.named).code,
            title=" and ".join(a.name for a in found) or None,
            blocks=tuple(blocks),
            citation=self.citation(self.knowledge.network.source),
            councils=tuple(a.id for a in found),
        )

    def filtered(self, intent: Intent, found: Filter) -> Reply:
        """The adopters `found` leaves, listed or counted; none said plainly."""
        kept = matching(self.knowledge, found)
        total = _number(len(self.knowledge.authorities))
        if not kept:
            text = f"None of the {total} councils on record is {found.label}."
            blocks: tuple[Block, ...] = (Paragraph(text=text),)
        else:
            verb = "is" if len(kept) == 1 else "are"
            if found.kind == "furthest":
                text = f"{kept[0].name} is furthest along. Furthest along first:"
            elif intent is Intent.EVENTS:
                text = f"Dated on record {found.label}:"
            elif intent is Intent.COUNT:
                share = f"{_number(len(kept)).capitalize()} of the {total} councils on record"
                text = f"{share} {verb} {found.label}:"
            else:
                text = f"On record {found.label}:"
            blocks = (
                Paragraph(text=text),
                Bullets(items=tuple(self._line(a, found) for a in kept)),
            )
        return Reply(
            intent=intent,
            # Null unless the filter names a council ("the Lincolnshire consultant").
            authority=found.beside,
            title=f"{'Events' if intent is Intent.EVENTS else 'Councils'} {found.label}",
            blocks=blocks,
            citation=self.citation(self.knowledge.network.source),
            actions=self.adopter_choices(Intent.OVERVIEW),
            councils=tuple(a.id for a in kept),
            # The one council left is "them" in the next question.
            council_code=kept[0].council if len(kept) == 1 else None,
        )

    def _line(self, authority: Authority, found: Filter) -> str:
        if found.kind == "date":
            dated = [
                f"{m.when_text or self.span(m.when, m.until)}: {m.what}"
                for m in authority.milestones
                if dated_in(m, found.value)
            ]
            return f"{authority.name}: {'; '.join(dated)}"
        if found.kind == "service":
            return f"{authority.name}: {', '.join(authority.services) or authority.stage.label}"
        if found.kind == "person":
            roles = {
                p.role for p in (*authority.trainers, *authority.people) if p.name == found.value
            }
            return f"{authority.name} ({', '.join(sorted(roles))})"
        return f"{authority.name}: {authority.stage.label.casefold()}"
