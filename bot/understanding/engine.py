"""The engine: what a message asks for, read in its conversation. Pure and synchronous.

`Engine.understand` returns an Understanding carrying a Request (bot.understanding.requests);
it changes nothing, not even the conversation, and builds no reply: bot.actions does both.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.languages import Language
from bot.scopes import ALL
from bot.understanding.conversation import FOLLOW_UP, PRONOUN, Conversation, points_back
from bot.understanding.councils import CouncilChoice, CouncilIndex, CouncilMatch
from bot.understanding.intents import (
    COUNCIL_INTENTS,
    SUBSCRIPTION_INTENTS,
    Intent,
    IntentGuess,
    classify,
)
from bot.understanding.people import PeopleIndex
from bot.understanding.requests import (
    Ask,
    AskPerson,
    BareMention,
    ListSubscriptions,
    Request,
    Subscribe,
    Thanks,
    UnknownCouncil,
    Unsubscribe,
)
from bot.understanding.several import Several
from bot.understanding.text import Clause, Word, clauses, normalise, words
from bot.understanding.vocabulary import (
    KNOWN_WORDS,
    OFF_TOPIC_WORDS,
    correct_spelling,
    foreign_words,
    is_on_topic,
    off_topic_words,
    split_run_together,
)
from bot.understanding.welsh import Welsh
from knowledge.base import Knowledge

logger = logging.getLogger(__name__)

# "how many councils …" is about the network, not the council of the previous turn.
_NETWORK_WORDS = re.compile(r"\b(?:councils|authorities|las|uk|network|areas|country|england)\b")
# Intents whose question can be put again about another council: "and Suffolk?".
_REPEATABLE = frozenset(COUNCIL_INTENTS | {Intent.COUNT, Intent.SUBSCRIBE, Intent.UNSUBSCRIBE})
# "remind me of everything", "stop all reminders": a subscription to every event.
EVERYTHING = re.compile(r"\b(?:all|everything|every|any|anything|everywhere)\b(?: events?)?")
# Words around a bare council name that ask nothing of their own: "Suffolk please".
_FILLERS = frozenset("please pls thanks ok okay so then now too also well what about".split())
_THANKS = re.compile(
    r"^(?:ok |okay |great |brilliant |perfect |lovely )?(?:thanks|thank you|thx|ty|cheers|ta)"
    r"(?: (?:very much|a lot|so much|again))?$"
)
_ABOUT_SOFS = re.compile(r"\b(?:signs of safety|sofs)\b")
# What a question naming a person and a council may ask of the council rather than the person.
_ASKED_OF_A_COUNCIL = frozenset(
    {Intent.STAGE, Intent.TRAINERS, Intent.EVENTS, Intent.COUNT, *SUBSCRIPTION_INTENTS}
)
# Intents that are about the whole network when no council is named.
_NETWORK_INTENTS = frozenset({Intent.LIST, Intent.ABOUT, Intent.HELP})


@dataclass(frozen=True, slots=True)
class Understanding:
    """How a message was read: what it asks for, its intent, the council it names (if any),
    how sure we are, and the language it is written in (None: too short to tell)."""

    request: Request
    intent: Intent
    council: CouncilMatch | CouncilChoice | None
    confidence: float
    language: Language | None = None


class Engine:
    """Reads messages about one Knowledge; build a new Engine when knowledge is reloaded."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge
        self.people = PeopleIndex(knowledge.authorities)
        self.councils = CouncilIndex(
            knowledge.councils,
            knowledge.aliases,
            # Everyday words ("stroke", "parking") are never mended into a council's name.
            KNOWN_WORDS | OFF_TOPIC_WORDS,
            towns=knowledge.towns,
            reserved=self.people.reserved,
        )
        self.several = Several(knowledge, self.councils)
        self.welsh = Welsh(self.councils.name_at, self.councils.council_words)

    def understand(self, text: str, conversation: Conversation | None = None) -> Understanding:
        """What `text` asks for, read in `conversation` (which is not changed), and the language
        it is written in. Welsh is read as the English it glosses to (bot.understanding.welsh)."""
        # The language is told from the words as a whole; only the text read (Welsh glossed
        # into English) is split into its sentences and their words.
        normalised = normalise(text)
        language, read = self.welsh.reading(text, normalised)
        sentences = clauses(read, normalised if read is text else None)
        return self._understand(read, sentences, conversation, language)

    def _understand(
        self,
        text: str,
        sentences: list[Clause],
        conversation: Conversation | None,
        language: Language | None,
    ) -> Understanding:
        conversation = conversation if conversation is not None else Conversation()
        written = [word for sentence in sentences for word in sentence.words]
        normalised = " ".join(word.text for word in written)
        if _THANKS.match(normalised):
            return Understanding(Thanks(), Intent.HELP, None, 1.0, language)
        if not text.strip():  # a bare mention in a group
            return Understanding(BareMention(), Intent.HELP, None, 1.0, language)
        intent, found, confidence, rest, settled = self._read(sentences, normalised, conversation)
        # "Who is Tracey Hill?" is about her; "is Tracey Hill Swansea's trainer?" about Swansea.
        about_council = settled and found is not None and intent in _ASKED_OF_A_COUNCIL
        if not about_council and (person := self.people.named_in(written)) is not None:
            return Understanding(AskPerson(person), Intent.PEOPLE, None, 0.9, language)
        request = self._request(intent, found, rest, settled=settled)
        if isinstance(request, Ask):  # several councils, or a filter over the records
            request, intent = self.several.refine(request, normalised.split())
            # A filter read where no cue settled the intent is as sure as a weak cue.
            confidence = confidence if isinstance(request, Ask) else max(confidence, 0.7)
        return Understanding(request, intent, found, confidence, language)

    def request_for(self, intent: Intent, council_code: str | None) -> Request:
        """What a button asks: an intent about a council, with no words to understand."""
        council = self.councils.by_code(council_code, 100.0) if council_code is not None else None
        if intent is Intent.SUBSCRIBE:
            return Subscribe(council_code)
        if intent is Intent.UNSUBSCRIBE:
            return Unsubscribe(council_code)
        return self._request(intent, council, ())

    def request_about(self, intent: Intent, name: str) -> Request:
        """What a command naming a council asks ("/council staffs", "/subscribe all"): the
        name is matched as in free text, but the intent is the command's."""
        if intent in SUBSCRIPTION_INTENTS and EVERYTHING.fullmatch(normalise(name)):
            return Subscribe(ALL) if intent is Intent.SUBSCRIBE else Unsubscribe(ALL)
        found = self.councils.find(words(name))
        if found is None:
            return UnknownCouncil(name)
        return self._request(intent, found, ())

    def inline_requests(self, query: str) -> list[Ask]:
        """Overviews to offer for an inline query: every adopter for an empty query or one that
        names no council, else each council the query could mean."""
        if query.strip():
            found = self.councils.find(words(query))
            if isinstance(found, CouncilMatch):
                return [Ask(Intent.OVERVIEW, found)]
            if isinstance(found, CouncilChoice):
                return [self._overview(council.code) for council in found.options]
        return [self._overview(a.council) for a in self.knowledge.authorities]

    def _overview(self, code: str) -> Ask:
        return Ask(Intent.OVERVIEW, self.councils.by_code(code, 100.0))

    def _request(
        self,
        intent: Intent,
        found: CouncilMatch | CouncilChoice | None,
        rest: tuple[str, ...],
        *,
        settled: bool = False,
    ) -> Request:
        """The request an intent about `found` makes. A name that fits several councils is
        asked about first, whatever the intent."""
        if intent is Intent.UNKNOWN or isinstance(found, CouncilChoice):
            return Ask(intent, found, rest, settled)
        code = (found.responsible or found.named).code if found is not None else None
        match intent:
            case Intent.SUBSCRIBE:
                everything = code is None and bool(EVERYTHING.search(" ".join(rest)))
                return Subscribe(code or (ALL if everything else None))
            case Intent.UNSUBSCRIBE:
                # "stop reminding me": no council named means every reminder.
                return Unsubscribe(code or ALL)
            case Intent.SUBSCRIPTIONS:
                return ListSubscriptions(code)
            case _:
                return Ask(intent, found, rest, settled)

    def _read(
        self, sentences: Sequence[Clause], whole: str, conversation: Conversation
    ) -> tuple[Intent, CouncilMatch | CouncilChoice | None, float, tuple[str, ...], bool]:
        """The intent of a message (its `sentences`, `whole` normalised), the council it
        means, how sure that is, its words outside the council's name, and whether a strong cue
        settled it."""
        pieces = [self._mended(sentence.words) for sentence in sentences] or [[]]
        written = [w for piece in pieces for w in piece]
        vocabulary = self.councils.vocabulary
        question = [
            w
            if w.text in vocabulary or (mended := correct_spelling(w.text)) == w.text
            else Word(mended, w.capitalised)
            for w in written
        ]
        found = self.councils.find(question)
        # The question is mostly the last clause that asks something, after an introduction
        # ("I've just joined a team in Felixstowe. Are we doing this?"); the council is the one
        # named anywhere in the message.
        asking = [sentence.asks for sentence in sentences]
        focus = self._focus([len(piece) for piece in pieces], asking, question, found)
        # The words around the council's name, spelling mended, and as written.
        beside = (
            list(range(len(question)))
            if found is None
            else [*range(found.start), *range(found.end, len(question))]
        )
        outside = [i for i in beside if i in focus]
        rest = [question[i].text for i in outside]
        rest_text = " ".join(rest)
        # Judged on the words as written, anywhere in the message: "playing" is football,
        # whatever it is one letter from, and a pothole is off-topic before any question.
        if off_topic_words([written[i].text for i in beside]) and not is_on_topic(
            " ".join(question[i].text for i in beside)
        ):
            return Intent.UNKNOWN, None, 0.1, tuple(rest), False
        guess = classify(rest_text, exclude=_NETWORK_INTENTS if found is not None else frozenset())
        if found is not None and (guess is None or not guess.strong):
            # "what is Lincolnshire doing with Signs of Safety": what Signs of Safety is, asked
            # of a council, is its overview.
            whole_guess = classify(rest_text)
            if whole_guess is not None and whole_guess.intent is Intent.ABOUT:
                guess = IntentGuess(Intent.OVERVIEW, whole_guess.score, whole_guess.strong)
        foreign = foreign_words(rest, self.councils.council_words)
        intent, certainty = self._decide(guess, found, foreign, rest, whole, conversation)
        if found is None and intent in COUNCIL_INTENTS | SUBSCRIPTION_INTENTS | {Intent.COUNT}:
            found = self._from_context(intent, rest_text, conversation)
        elif found is None and intent is Intent.UNKNOWN and points_back(whole, rest):
            # "does it support the CAF?", "what are the team managers noticing?": a question no
            # cue reads, about the last council, which the page's own sentences may answer (or
            # else it is refused).
            found = self._from_context(intent, rest_text, conversation)
        council_certainty = found.score / 100 if isinstance(found, CouncilMatch) else 1.0
        settled = guess is not None and guess.strong and not guess.shared and intent is guess.intent
        return intent, found, round(certainty * council_certainty, 3), tuple(rest), settled

    def _mended(self, written: Sequence[Word]) -> list[Word]:
        """Words run together split ("whotrains" → who trains), council names left whole."""
        mended: list[Word] = []
        for word in written:
            # A known word is whole: most are, and need no looking into.
            if word.text in KNOWN_WORDS:
                mended.append(word)
                continue
            pieces = split_run_together(word.text, self.councils.vocabulary)
            mended.extend([word] if pieces is None else [Word(p, word.capitalised) for p in pieces])
        return mended

    @staticmethod
    def _focus(
        lengths: list[int],
        asking: list[bool],
        question: list[Word],
        found: CouncilMatch | CouncilChoice | None,
    ) -> range:
        """The word positions of the last question (a clause ending with "?") with a cue
        (outside the council's name), else of the last clause with one ("Who trains East
        Riding? I'm trying to get in touch about the sessions"), or of the whole message where
        none has one or there is one clause."""
        whole = range(len(question))
        if len(lengths) < 2:
            return whole
        end = len(question)
        last_with_cue: range | None = None
        for length, is_question in zip(reversed(lengths), reversed(asking), strict=True):
            clause = range(end - length, end)
            end -= length
            text = " ".join(
                question[i].text
                for i in clause
                if found is None or not found.start <= i < found.end
            )
            if classify(text) is None:
                continue
            if is_question or not any(asking):
                return clause
            last_with_cue = last_with_cue or clause
        return last_with_cue or whole

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
        follow_up = bool(FOLLOW_UP.match(whole)) or (
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
        # "stage lighting hire": a word other subjects use too, among words foreign to this one.
        if foreign and (not guess.strong or guess.shared) and not is_on_topic(" ".join(rest)):
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
        if intent is Intent.UNSUBSCRIBE and not PRONOUN.search(rest_text):
            return None
        return self.councils.by_code(conversation.council_code, 90.0)
