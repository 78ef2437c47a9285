"""A reply is data: what to say, where it comes from, and what to offer next.

The reply builders of this package make these, for the actions; `bot.replies.render` turns
them into plain text or Telegram HTML, the one place where escaping happens. Nothing here holds
markup.
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, ConfigDict, Field

from bot.languages import Language
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)


class Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Paragraph(Part):
    text: str


class Bullets(Part):
    items: tuple[str, ...]


Block = Paragraph | Bullets


class Citation(Part):
    """Where a reply's facts come from."""

    title: str
    as_of: str
    label: str = Field("Source:", description="The word before it, in the reply's language")


class EventRef(Part):
    """An event offered as a calendar file, with its button's label."""

    id: str
    title: str
    label: str


class Choice(Part):
    """Something the person can pick next: a council to open, or a question about it."""

    label: str
    intent: Intent
    council: str | None = Field(None, description="A council code from councils.csv")


class LanguageChoice(Part):
    """A language the chat can be answered in (/language), named in its own words."""

    label: str
    language: Language


class Reply(Part):
    intent: Intent
    authority: str | None = Field(None, description="The adopter's id, when one is answered about")
    council: str | None = Field(None, description="The UK council recognised, by name")
    council_code: str | None = None
    # How sure the understanding was; set once by the action that knows it.
    confidence: float = Field(1.0, ge=0.0, le=1.0)
    title: str | None = None
    blocks: tuple[Block, ...] = ()
    citation: Citation | None = None
    options: tuple[Choice, ...] = Field((), description="Councils to choose between")
    options_heading: str = "Did you mean:"
    actions: tuple[Choice, ...] = Field((), description="Follow-up questions to offer")
    calendar: tuple[EventRef, ...] = Field(
        (), description="Upcoming events the reply lists, offered as calendar files"
    )
    councils: tuple[str, ...] = Field((), description="Every adopter's id the reply is about")
    quotes: tuple[str, ...] = Field((), description="The source's sentences the reply quotes")
    languages: tuple[LanguageChoice, ...] = Field(
        (), description="Languages to choose between (/language)"
    )
