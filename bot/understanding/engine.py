"""The question-answering engine: understand a message in its conversation, then reply.

It imports nothing of Telegram; the console, `sosbot ask` and the Telegram handlers all call
`Engine.answer` and render the Reply it returns.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.clock import Clock, utc_now
from bot.replies.compose import Composer
from bot.replies.reply import Paragraph, Reply
from bot.replies.servable import servable
from bot.understanding.councils import CouncilChoice, CouncilIndex, CouncilMatch
from bot.understanding.intents import (
    COUNCIL_INTENTS,
    KNOWN_WORDS,
    SUBSCRIPTION_INTENTS,
    Intent,
    IntentGuess,
    classify,
    correct_spelling,
    foreign_words,
    is_on_topic,
    off_topic_words,
)
from bot.understanding.text import Word, normalise, words
from knowledge.base import Knowledge
from knowledge.models import Council

logger = logging.getLogger(__name__)

# "and Suffolk?", "what about staffs": the same question about another council.
_FOLLOW_UP = re.compile(r"^(?:and|what about|how about|same for|also|ok and|then|what of)\b")
# "how many councils …" is about the network, not the council of the previous turn.
_NETWORK_WORDS = re.compile(r"\b(?:councils|authorities|las|uk|network|areas|country|england)\b")
# "stop that", "who trains them": words that point back at the previous turn.
_PRONOUN = re.compile(r"\b(?:them|they|their|it|its|there|that|those|this)\b")
# Intents whose question can be put again about another council: "and Suffolk?".
_REPEATABLE = frozenset(COUNCIL_INTENTS | {Intent.COUNT, Intent.SUBSCRIBE, Intent.UNSUBSCRIBE})
# "remind me of everything", "stop all reminders": a subscription to every event.
EVERYTHING = re.compile(r"\b(?:all|everything|every|any|everywhere)\b(?: events?)?")
# Words around a bare council name that ask nothing of their own: "Suffolk please".
_FILLERS = frozenset("please pls thanks ok okay so then now too also well what about".split())
_THANKS = re.compile(
    r"^(?:ok |okay |great |brilliant |perfect |lovely )?(?:thanks|thank you|thx|ty|cheers|ta)"
    r"(?: (?:very much|a lot|so much|again))?$"
)
# Answers about the whole network, after which "them" no longer means the last council.
_NETWORK_ANSWERS = frozenset({Intent.COUNT, Intent.LIST, Intent.ABOUT})
_ABOUT_SOFS = re.compile(r"\b(?:signs of safety|sofs)\b")
# Intents that are about the whole network when no council is named.
_NETWORK_INTENTS = frozenset({Intent.LIST, Intent.ABOUT, Intent.HELP})


@dataclass
class Conversation:
    """What the previous turns were about, so that "who trains them?" can be answered."""

    intent: Intent | None = None
    council_code: str | None = None


@dataclass(frozen=True, slots=True)
class Understanding:
    """How a message was read: its intent, the council it names (if any) and how sure we are."""

    intent: Intent
    council: CouncilMatch | CouncilChoice | None
    confidence: float
    words: tuple[str, ...]


class Engine:
    """Answers questions from one Knowledge; build a new Engine when knowledge is reloaded."""

    def __init__(
        self,
        knowledge: Knowledge,
        timezone: ZoneInfo,
        clock: Clock = utc_now,
    ) -> None:
        # Events whose dates cannot be computed are left out here, once, for every path.
        knowledge = servable(knowledge, timezone)
        self.knowledge = knowledge
        self.timezone = timezone
        self.councils = CouncilIndex(knowledge.councils, knowledge.aliases, KNOWN_WORDS)
        self.composer = Composer(knowledge, timezone, clock)
        # Named people by their normalised names: "who is Tracey Hill?".
        self.people_by_name = {
            normalise(person.name): person.name
            for authority in knowledge.authorities
            for person in (*authority.trainers, *authority.people)
        }

    def answer(self, text: str, conversation: Conversation | None = None) -> Reply:
        """The reply to `text`; `conversation` is read for context and updated."""
        conversation = conversation if conversation is not None else Conversation()
        normalised = normalise(text)
        if _THANKS.match(normalised):
            return self.composer.you_are_welcome()
        if not text.strip():  # a bare mention in a group
            return self.composer.help(1.0)
        person = self._person_named(normalised)
        if person is not None:
            reply = self.composer.person(person, 0.9)
        else:
            reply = self._compose(self.understand(text, normalised, conversation))
        if reply.council_code is not None:
            conversation.council_code = reply.council_code
        elif reply.intent in _NETWORK_ANSWERS:
            # "how many councils …" then "and how many are training?" is still the network.
            conversation.council_code = None
        if reply.intent is not Intent.UNKNOWN:
            conversation.intent = reply.intent
        return reply

    def reply_for(self, intent: Intent, council_code: str | None) -> Reply:
        """The reply to a button: an intent about a council, with no words to understand."""
        council: CouncilMatch | None = None
        if council_code is not None and council_code in self.knowledge.councils:
            named = self.knowledge.councils[council_code]
            council = CouncilMatch(named, self.councils.responsible_for(named), 0, 0, 100.0)
        return self._compose(Understanding(intent, council, 1.0, ()))

    def reply_about(self, intent: Intent, name: str) -> Reply:
        """The reply to a command naming a council ("/council staffs"): the name is matched as in
        free text, but the intent is the command's."""
        found = self.councils.find(words(name))
        if found is None:
            return self.composer.unknown_council(name)
        return self._compose(Understanding(intent, found, 1.0, ()))

    def inline_overviews(self, query: str) -> list[Reply]:
        """Overviews to offer for an inline query: every adopter for an empty one, else each
        council the query could mean."""
        if not query.strip():
            return [self.reply_for(Intent.OVERVIEW, a.council) for a in self.knowledge.authorities]
        reply = self.reply_about(Intent.OVERVIEW, query)
        if reply.options:
            return [self.reply_for(Intent.OVERVIEW, o.council) for o in reply.options]
        return [reply] if reply.council_code else []

    def _person_named(self, normalised: str) -> str | None:
        whole = f" {normalised} "
        return next(
            (name for key, name in self.people_by_name.items() if f" {key} " in whole), None
        )

    def understand(self, text: str, whole: str, conversation: Conversation) -> Understanding:
        """How `text` (and `whole`, its normalised form) reads in `conversation`."""
        written = words(text)
        question = [
            Word(
                correct_spelling(w.text) if w.text not in self.councils.vocabulary else w.text,
                w.capitalised,
            )
            for w in written
        ]
        found = self.councils.find(question)
        # The words around the council's name, spelling mended, and as written.
        outside = (
            range(len(question))
            if found is None
            else [*range(found.start), *range(found.end, len(question))]
        )
        rest = [question[i].text for i in outside]
        rest_text = " ".join(rest)
        # Judged on the words as written: "playing" is football, whatever it is one letter from.
        if off_topic_words([written[i].text for i in outside]) and not is_on_topic(rest_text):
            return Understanding(Intent.UNKNOWN, None, 0.1, tuple(rest))
        guess = classify(rest_text, exclude=_NETWORK_INTENTS if found is not None else frozenset())
        foreign = foreign_words(rest, self.councils.vocabulary)
        intent, certainty = self._decide(guess, found, foreign, rest, whole, conversation)
        if found is None and intent in COUNCIL_INTENTS | SUBSCRIPTION_INTENTS | {Intent.COUNT}:
            found = self._from_context(intent, rest_text, conversation)
        council_certainty = found.score / 100 if isinstance(found, CouncilMatch) else 1.0
        return Understanding(intent, found, round(certainty * council_certainty, 3), tuple(rest))

    def _decide(
        self,
        guess: IntentGuess | None,
        found: CouncilMatch | CouncilChoice | None,
        foreign: list[str],
        rest: list[str],
        whole: str,
        conversation: Conversation,
    ) -> tuple[Intent, float]:
        # "and Suffolk?", or just "Suffolk?" in a conversation about trainers: the same question
        # about another council.
        follow_up = bool(_FOLLOW_UP.match(whole)) or (
            found is not None and all(w in _FILLERS for w in rest)
        )
        if guess is None or (follow_up and not guess.strong):
            if foreign:
                return Intent.UNKNOWN, 0.1
            if follow_up and conversation.intent in _REPEATABLE:
                return conversation.intent, 0.8
            if found is None:
                # "what's sofs?": a question about Signs of Safety itself.
                if _ABOUT_SOFS.search(whole):
                    return Intent.ABOUT, 0.6
                return Intent.UNKNOWN, 0.1
            return Intent.OVERVIEW, 0.85
        if foreign and not guess.strong:
            return Intent.UNKNOWN, 0.2
        # "who trains Arsenal": a council question about something that is not a council.
        if (
            foreign
            and found is None
            and guess.intent in COUNCIL_INTENTS
            and conversation.council_code is None
            and not is_on_topic(" ".join(rest))
        ):
            return Intent.UNKNOWN, 0.2
        return guess.intent, 0.95 if guess.strong else 0.7

    def _from_context(
        self, intent: Intent, rest_text: str, conversation: Conversation
    ) -> CouncilMatch | None:
        """The council of the previous turn, where this message clearly means it."""
        if conversation.council_code is None:
            return None
        if intent is Intent.COUNT and _NETWORK_WORDS.search(rest_text):
            return None
        if intent is Intent.SUBSCRIPTIONS:
            return None
        # "stop reminding me" means all reminders; "stop that" means the last council's.
        if intent is Intent.UNSUBSCRIBE and not _PRONOUN.search(rest_text):
            return None
        named = self.knowledge.councils.get(conversation.council_code)
        if named is None:  # gone in a reload
            return None
        return CouncilMatch(named, self.councils.responsible_for(named), 0, 0, 90.0)

    def _compose(self, understanding: Understanding) -> Reply:
        intent, found, confidence = (
            understanding.intent,
            understanding.council,
            understanding.confidence,
        )
        composer = self.composer
        if intent is Intent.UNKNOWN:
            return composer.cannot_help(confidence)
        if isinstance(found, CouncilChoice):
            return composer.did_you_mean(intent, found.options, confidence)
        if intent in SUBSCRIPTION_INTENTS:
            everything = found is None and bool(EVERYTHING.search(" ".join(understanding.words)))
            return self._subscription(intent, found, confidence, everything=everything)
        if found is None:
            return self._without_council(intent, confidence)
        return self._about_council(intent, found, understanding.words, confidence)

    def _subscription(
        self, intent: Intent, found: CouncilMatch | None, confidence: float, *, everything: bool
    ) -> Reply:
        council = (found.responsible or found.named) if found else None
        authority = self.knowledge.authority_for_council(council.code) if council else None
        reply = self.composer.subscription_hint(intent, authority, council, confidence)
        scope = council.code if council else ("all" if everything else None)
        return reply.model_copy(update={"scope": scope})

    def _without_council(self, intent: Intent, confidence: float) -> Reply:
        composer = self.composer
        match intent:
            case Intent.LIST:
                return composer.listing(confidence)
            case Intent.COUNT:
                return composer.network_count(confidence)
            case Intent.ABOUT:
                return composer.about(confidence)
            case Intent.HELP:
                return composer.help(confidence)
            case Intent.EVENTS:
                return composer.network_events(confidence)
            case _:
                return composer.which_council(intent, confidence)

    def _about_council(
        self, intent: Intent, found: CouncilMatch, asked: tuple[str, ...], confidence: float
    ) -> Reply:
        composer = self.composer
        responsible: Council | None = found.responsible
        authority = self.knowledge.authority_for_council(responsible.code) if responsible else None
        if authority is None:
            shown = intent if intent in COUNCIL_INTENTS | {Intent.COUNT} else Intent.OVERVIEW
            return composer.no_record(shown, found.named, responsible, confidence)
        lead = (
            (Paragraph(text=composer.district_note(found.named, responsible)),)
            if found.is_district and responsible is not None
            else ()
        )
        match intent:
            case Intent.STAGE:
                return composer.stage(authority, confidence, *lead)
            case Intent.TRAINERS:
                return composer.trainers(authority, confidence, *lead)
            case Intent.PEOPLE:
                return composer.people(authority, confidence, *lead)
            case Intent.EVENTS:
                return composer.events(authority, confidence, *lead)
            case Intent.COUNT:
                return composer.figures(authority, asked, confidence)
            case _:
                return composer.overview(authority, confidence, *lead)
