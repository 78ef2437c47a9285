"""The knowledge being served, with the engine that reads questions about it and the reply
builders that cite it: built together, and replaced whole on reload.

A use case reads `CurrentKnowledge.view` once, so that it works on one consistent snapshot even
if a reload replaces the view meanwhile, and `speaking(language)` for the builders that say
it in the chat's language.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import TypedDict
from zoneinfo import ZoneInfo

from bot.languages import Language
from bot.replies.councils import CouncilReplies
from bot.replies.events import EventReplies
from bot.replies.help import HelpReplies
from bot.replies.network import NetworkReplies
from bot.replies.passages import PassageReplies
from bot.replies.servable import servable
from bot.replies.several import SeveralReplies
from bot.replies.subscriptions import SubscriptionReplies
from bot.translations import Texts, texts_for
from bot.understanding.engine import Engine
from bot.understanding.passages import PassageIndex
from knowledge.base import Knowledge

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class KnowledgeView:
    """One Knowledge (its servable events only), the engine over it, the index of its sources'
    sentences and a builder per topic, each saying it in the language of `texts`."""

    knowledge: Knowledge
    timezone: ZoneInfo
    engine: Engine
    passages: PassageIndex
    texts: Texts
    councils: CouncilReplies
    quoting: PassageReplies
    network: NetworkReplies
    events: EventReplies
    subscriptions: SubscriptionReplies
    help: HelpReplies
    several: SeveralReplies
    # The view in each language asked for, made once and shared by the views of this knowledge
    # (`speaking`): a language's builders are made per knowledge, not per reply.
    spoken: dict[Language, KnowledgeView] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def build(cls, knowledge: Knowledge, timezone: ZoneInfo) -> KnowledgeView:
        """The view in English; `speaking` gives it in another language."""
        # Events whose dates cannot be computed are left out here, once, for every path.
        knowledge = servable(knowledge, timezone)
        engine = Engine(knowledge)
        texts = texts_for(Language.ENGLISH)
        return cls(
            knowledge=knowledge,
            timezone=timezone,
            engine=engine,
            passages=PassageIndex(knowledge, engine.councils),
            texts=texts,
            **_builders(knowledge, timezone, texts),
        )

    @property
    def language(self) -> Language:
        return self.texts.language

    def speaking(self, language: Language) -> KnowledgeView:
        """The same knowledge and engine, with builders that speak `language`."""
        if language is self.texts.language:
            return self
        view = self.spoken.get(language)
        if view is None:
            texts = texts_for(language)
            # The replaced view shares `spoken`, which the English view's language completes.
            view = dataclasses.replace(
                self, texts=texts, **_builders(self.knowledge, self.timezone, texts)
            )
            self.spoken.setdefault(self.texts.language, self)
            self.spoken[language] = view
        return view


class _Builders(TypedDict):
    councils: CouncilReplies
    quoting: PassageReplies
    network: NetworkReplies
    events: EventReplies
    subscriptions: SubscriptionReplies
    help: HelpReplies
    several: SeveralReplies


def _builders(knowledge: Knowledge, timezone: ZoneInfo, texts: Texts) -> _Builders:
    """A builder per topic, each speaking the language of `texts`."""
    return {
        "councils": CouncilReplies(knowledge, timezone, texts),
        "quoting": PassageReplies(knowledge, timezone, texts),
        "network": NetworkReplies(knowledge, timezone, texts),
        "events": EventReplies(knowledge, timezone, texts),
        "subscriptions": SubscriptionReplies(knowledge, timezone, texts),
        "help": HelpReplies(knowledge, timezone, texts),
        "several": SeveralReplies(knowledge, timezone, texts),
    }


@dataclass
class CurrentKnowledge:
    """Holds the view being served; a reload replaces it in one assignment."""

    view: KnowledgeView
