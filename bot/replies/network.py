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
        network = self.knowledge.network
        names = ", ".join(a.name for a in self.knowledge.authorities)
        return Reply(
            intent=Intent.COUNT,
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

    def listing(self) -> Reply:
        network = self.knowledge.network
        lines = tuple(f"{a.name}: {a.stage.label}" for a in self.knowledge.authorities)
        return Reply(
            intent=Intent.LIST,
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
            councils=tuple(a.id for a in self.knowledge.authorities),
        )

    def about(self) -> Reply:
        network = self.knowledge.network
        source = self.knowledge.sources[network.source]
        return Reply(
            intent=Intent.ABOUT,
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
                    f"{source.publisher}, as of {self.date(source.as_of)}. It describes "
                    f"{len(self.knowledge.authorities)} of the {network.implementing} authorities "
                    "it counts as implementing. I also know the name of every UK council."
                ),
            ),
            citation=self.citation(network.source),
        )

    def events(self, now: datetime) -> Reply:
        blocks, offers, _ = self.event_blocks(None, "the network", now)
        return Reply(
            intent=Intent.EVENTS,
            title="Events",
            blocks=tuple(blocks),
            citation=self.citation(self.knowledge.network.source),
            calendar=offers,
        )
