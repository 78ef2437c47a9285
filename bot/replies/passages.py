"""Answers in the source's own words: the sentences of a page that answer a question about an
adopter, quoted with their source file and line."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.replies.councils import council_actions
from bot.replies.records import Records
from bot.replies.reply import Block, Paragraph, Reply
from bot.understanding.intents import Intent
from bot.understanding.passages import Passage
from knowledge.models import Authority

logger = logging.getLogger(__name__)


class PassageReplies(Records):
    """Builds the replies that quote a source about one adopter."""

    def quoting(self, authority: Authority, passages: Sequence[Passage], *lead: Block) -> Reply:
        """The sentences that answer a question no structured answer fits: an overview (with
        its buttons) in the page's words."""
        council = self.knowledge.council_of(authority)
        return Reply(
            intent=Intent.OVERVIEW,
            authority=authority.id,
            councils=(authority.id,),
            council=council.name,
            council_code=council.code,
            title=self.name(authority),
            blocks=(
                *lead,
                Paragraph(
                    text=self.texts._("What the source says of {council}:").format(
                        council=self.name(authority)
                    )
                ),
                *self._quoted(passages),
            ),
            citation=self.citation(passages[0].source),
            actions=council_actions(council.code, self.texts),
            quotes=tuple(p.text for p in passages),
        )

    def beneath(self, reply: Reply, passages: Sequence[Passage]) -> Reply:
        """A structured answer with the sentences that bear on its question quoted below it."""
        return reply.model_copy(
            update={
                "blocks": (
                    *reply.blocks,
                    Paragraph(text=self.texts._("The source says:")),
                    *self._quoted(passages),
                ),
                "quotes": (*reply.quotes, *(p.text for p in passages)),
                "councils": tuple(
                    dict.fromkeys((*reply.councils, *(p.authority for p in passages)))
                ),
            }
        )

    def _quoted(self, passages: Sequence[Passage]) -> tuple[Paragraph, ...]:
        """Each sentence in quotation marks, with its source's file (or title) and line."""
        quoted = self.texts._("“{quote}” ({source}, line {line})")
        return tuple(
            Paragraph(text=quoted.format(quote=p.text, source=self._where(p.source), line=p.line))
            for p in passages
        )

    def _where(self, source_id: str) -> str:
        source = self.knowledge.sources[source_id]
        return source.file or source.title
