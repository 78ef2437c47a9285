"""Answers about the whole network: how many councils, which ones, what this bot is, and every
event on record."""

from __future__ import annotations

import logging
from datetime import datetime

from bot.replies.records import Records
from bot.replies.reply import Bullets, Paragraph, Reply
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)


class NetworkReplies(Records):
    """Builds the Reply to a question about the network, not one council."""

    def count(self) -> Reply:
        _ = self.texts._
        network = self.knowledge.network
        names = ", ".join(self.name(a) for a in self.knowledge.authorities)
        return Reply(
            intent=Intent.COUNT,
            title=_("Signs of Safety in the UK"),
            blocks=(
                Paragraph(
                    text=_(
                        "{implementing} local authorities across the UK have decided to "
                        "implement Signs of Safety, and a further {training} are training their "
                        "staff in it."
                    ).format(implementing=network.implementing, training=network.training)
                ),
                Paragraph(
                    text=_("I hold records of {count} of them: {names}.").format(
                        count=len(self.knowledge.authorities), names=names
                    )
                ),
            ),
            citation=self.citation(network.source),
        )

    def listing(self) -> Reply:
        _ = self.texts._
        network = self.knowledge.network
        lines = tuple(
            f"{self.name(a)}: {self.stage_label(a.stage)}" for a in self.knowledge.authorities
        )
        return Reply(
            intent=Intent.LIST,
            title=_("Councils on record"),
            blocks=(
                Paragraph(
                    text=_(
                        "The records describe {count} of the {implementing} authorities "
                        "implementing Signs of Safety:"
                    ).format(count=len(lines), implementing=network.implementing)
                ),
                Bullets(items=lines),
            ),
            citation=self.citation(network.source),
            actions=self.adopter_choices(Intent.OVERVIEW),
            councils=tuple(a.id for a in self.knowledge.authorities),
        )

    def about(self) -> Reply:
        _ = self.texts._
        network = self.knowledge.network
        source = self.knowledge.sources[network.source]
        return Reply(
            intent=Intent.ABOUT,
            title=_("About this bot"),
            blocks=(
                Paragraph(
                    text=_(
                        "I answer questions about the UK local authorities implementing the "
                        "Signs of Safety approach in their social care and support services: "
                        "their stage, trainers, people and training events, and I can remind you "
                        "of their events."
                    )
                ),
                Paragraph(
                    text=_(
                        "My records come from one source: {title}, published by {publisher}, as "
                        "of {date}. It describes {count} of the {implementing} authorities it "
                        "counts as implementing. I also know the name of every UK council."
                    ).format(
                        title=self.source_title(source),
                        publisher=self.source_title(source, "publisher"),
                        date=self.date(source.as_of),
                        count=len(self.knowledge.authorities),
                        implementing=network.implementing,
                    )
                ),
            ),
            citation=self.citation(network.source),
        )

    def events(self, now: datetime) -> Reply:
        blocks, offers, _ = self.event_blocks(None, self.texts._("the network"), now)
        return Reply(
            intent=Intent.EVENTS,
            title=self.texts._("Events"),
            blocks=tuple(blocks),
            citation=self.citation(self.knowledge.network.source),
            calendar=offers,
        )
