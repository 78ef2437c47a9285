"""What a person asked for, as data: the engine's answer to "what do they want?". An action in
bot.actions carries each out; no Reply carries an instruction."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.understanding.councils import CouncilChoice, CouncilMatch
from bot.understanding.intents import Intent

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Ask:
    """A question: about a council (a choice where the name fits several), or about the
    network when `council` is None. `words`: the question's words outside the council's name."""

    intent: Intent
    council: CouncilMatch | CouncilChoice | None = None
    words: tuple[str, ...] = ()
    # Whether a strong cue settled the intent ("who chairs …"), not weak ones ("managers").
    settled: bool = False


@dataclass(frozen=True, slots=True)
class Filter:
    """A filter over the records: `kind` (place, stage, service, person, date, furthest), the
    `value` it keeps, for a person the council asked `beside` (left out of the others), and for
    a service its `service` name as the records write it. The replies say it in words."""

    kind: str
    value: str
    beside: str | None = None
    service: str | None = None


@dataclass(frozen=True, slots=True)
class Filtered:
    """ "anything in Wales?": the adopters a filter leaves, listed (LIST) or counted (COUNT);
    "what happened in July 2013" (EVENTS): what is dated then."""

    intent: Intent
    filter: Filter


@dataclass(frozen=True, slots=True)
class Compare:
    """ "Lincs vs Staffs?": one question about several councils, in the order named."""

    intent: Intent
    councils: tuple[CouncilMatch, ...]


@dataclass(frozen=True, slots=True)
class AskPerson:
    """ "Who is Tracey Hill?": everything the records say of a named person."""

    name: str


@dataclass(frozen=True, slots=True)
class UnknownCouncil:
    """A command named a council ("/council Narnia") that is no UK council."""

    name: str


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Reminders of a scope (a council code or ALL); None: ask which."""

    scope: str | None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Stop a scope's reminders (ALL: every one); None: ask which."""

    scope: str | None


@dataclass(frozen=True, slots=True)
class ListSubscriptions:
    """ "What am I subscribed to?"; `scope`: the council asked about, if one ("am I subscribed
    to Suffolk?")."""

    scope: str | None = None


@dataclass(frozen=True, slots=True)
class Forget:
    """Delete everything held about the chat."""


@dataclass(frozen=True, slots=True)
class Thanks:
    pass


@dataclass(frozen=True, slots=True)
class BareMention:
    """The bot mentioned with nothing else (in a group): answered with help, and the
    conversation left as it was."""


Request = (
    Ask
    | AskPerson
    | Filtered
    | Compare
    | UnknownCouncil
    | Subscribe
    | Unsubscribe
    | ListSubscriptions
    | Forget
    | Thanks
    | BareMention
)
