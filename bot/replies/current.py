"""The knowledge being served, with the engine that reads questions about it and the reply
builders that cite it: built together, and replaced whole on reload.

A use case reads `CurrentKnowledge.view` once, so that it works on one consistent snapshot even
if a reload replaces the view meanwhile.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.replies.councils import CouncilReplies
from bot.replies.events import EventReplies
from bot.replies.help import HelpReplies
from bot.replies.network import NetworkReplies
from bot.replies.passages import PassageReplies
from bot.replies.servable import servable
from bot.replies.subscriptions import SubscriptionReplies
from bot.understanding.engine import Engine
from bot.understanding.passages import PassageIndex
from knowledge.base import Knowledge

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnowledgeView:
    """One Knowledge (its servable events only), the engine over it, the index of its sources'
    sentences and a builder per topic."""

    knowledge: Knowledge
    timezone: ZoneInfo
    engine: Engine
    passages: PassageIndex
    councils: CouncilReplies
    quoting: PassageReplies
    network: NetworkReplies
    events: EventReplies
    subscriptions: SubscriptionReplies
    help: HelpReplies

    @classmethod
    def build(cls, knowledge: Knowledge, timezone: ZoneInfo) -> KnowledgeView:
        # Events whose dates cannot be computed are left out here, once, for every path.
        knowledge = servable(knowledge, timezone)
        engine = Engine(knowledge)
        return cls(
            knowledge=knowledge,
            timezone=timezone,
            engine=engine,
            passages=PassageIndex(knowledge, engine.councils),
            councils=CouncilReplies(knowledge, timezone),
            quoting=PassageReplies(knowledge, timezone),
            network=NetworkReplies(knowledge, timezone),
            events=EventReplies(knowledge, timezone),
            subscriptions=SubscriptionReplies(knowledge, timezone),
            help=HelpReplies(knowledge, timezone),
        )


@dataclass
class CurrentKnowledge:
    """Holds the view being served; a reload replaces it in one assignment."""

    view: KnowledgeView
