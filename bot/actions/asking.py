"""Answering questions: a request that needs no store (Ask, AskPerson, UnknownCouncil, Thanks,
BareMention) in, the Reply out. Synchronous: the console and the Telegram actions both use it."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from bot.actions.conversation import remember
from bot.languages import Language
from bot.replies import help as helping
from bot.replies.current import KnowledgeView
from bot.replies.render import render_plain
from bot.replies.reply import Paragraph, Reply
from bot.scopes import ALL
from bot.understanding.conversation import Conversation
from bot.understanding.councils import CouncilChoice, CouncilMatch
from bot.understanding.figures import asks_duration
from bot.understanding.intents import COUNCIL_INTENTS, Intent
from bot.understanding.passages import STRONG, THRESHOLD
from bot.understanding.people import role_asked
from bot.understanding.requests import (
    Ask,
    AskPerson,
    BareMention,
    Compare,
    Filtered,
    ListSubscriptions,
    Request,
    Subscribe,
    Thanks,
    UnknownCouncil,
    Unsubscribe,
)
from knowledge.models import Authority

logger = logging.getLogger(__name__)

# Intents that no structured answer about a council fits as such.
_UNSTRUCTURED = frozenset({Intent.OVERVIEW, Intent.UNKNOWN})

Question = Ask | AskPerson | UnknownCouncil | Thanks | BareMention | Compare | Filtered
QUESTIONS = (Ask, AskPerson, UnknownCouncil, Thanks, BareMention, Compare, Filtered)


def answer(view: KnowledgeView, question: Question, now: datetime, confidence: float) -> Reply:
    """The reply to a question, `confidence` being how sure its understanding was."""
    match question:
        case Thanks():
            return helping.you_are_welcome(view.texts)
        case BareMention():
            return view.help.help()
        case UnknownCouncil(name):
            return view.councils.unknown_council(name)
        case AskPerson(name):
            reply = view.councils.person(name)
            if passages := view.passages.naming(name):
                reply = view.quoting.beneath(reply, passages)
        case Ask(intent, council, words, settled):
            reply = _ask(view, intent, council, words, now, settled=settled)
        case Compare(intent, named):
            reply = view.several.compare(intent, named, view.councils, now)
        case Filtered(intent, found):
            reply = view.several.filtered(intent, found)
    if reply.confidence == confidence:
        return reply
    return reply.model_copy(update={"confidence": confidence})


def _ask(
    view: KnowledgeView,
    intent: Intent,
    found: CouncilMatch | CouncilChoice | None,
    words: tuple[str, ...],
    now: datetime,
    *,
    settled: bool = False,
) -> Reply:
    if intent is Intent.UNKNOWN and not _names_adopter(view, found):
        # A question of the page's own words about one adopter, naming none, is about it.
        passages = view.passages.find_anywhere(words) if found is None else ()
        authority = view.knowledge.authority(passages[0].authority) if passages else None
        if authority is None:
            return helping.cannot_help(view.texts)
        return view.quoting.quoting(authority, passages)
    if isinstance(found, CouncilChoice):
        return view.councils.did_you_mean(intent, found.options)
    if found is None:
        return _about_the_network(view, intent, words, now)
    return _about_council(view, intent, found, words, now, settled=settled)


def _about_the_network(
    view: KnowledgeView, intent: Intent, words: tuple[str, ...], now: datetime
) -> Reply:
    match intent:
        case Intent.COUNT if asks_duration(words):
            # The network's figures are no length of time: "how long is a piece of string".
            return helping.cannot_help(view.texts)
        case Intent.LIST:
            return view.network.listing()
        case Intent.COUNT:
            return view.network.count()
        case Intent.ABOUT:
            return view.network.about()
        case Intent.HELP:
            return view.help.help()
        case Intent.EVENTS:
            return view.network.events(now)
        case _:
            return view.councils.which_council(intent)


def _about_council(
    view: KnowledgeView,
    intent: Intent,
    found: CouncilMatch,
    asked: tuple[str, ...],
    now: datetime,
    *,
    settled: bool = False,
) -> Reply:
    replies = view.councils
    responsible = found.responsible
    authority = view.knowledge.authority_for_council(responsible.code) if responsible else None
    if authority is None:
        shown = intent if intent in COUNCIL_INTENTS | {Intent.COUNT} else Intent.OVERVIEW
        return replies.no_record(shown, found.named, responsible)
    lead = (
        (Paragraph(text=replies.district_note(found.named, responsible)),)
        if found.is_district and responsible is not None
        else ()
    )
    if intent is Intent.OVERVIEW and role_asked(asked, named_only=True):
        # "which director in Suffolk backed it": a role named is a question about people.
        intent = Intent.PEOPLE
    if intent in _UNSTRUCTURED and not (intent is Intent.OVERVIEW and settled):
        # No structured answer fits (an overview asked for, "tell me about …", is one): the
        # page's own sentences; else, for a question the engine could read, the overview to
        # choose from (one it could not read is refused).
        if passages := view.passages.find(asked, authority.id):
            return view.quoting.quoting(authority, passages, *lead)
        if intent is Intent.UNKNOWN:
            return helping.cannot_help(view.texts)
        return replies.overview(authority, *lead)
    structured = _structured(view, intent, authority, asked, now, lead)
    # A sentence that fits the question much better than its intent's weak cue words alone is
    # its answer ("what are the team managers noticing?"); where a strong cue settled the
    # intent or the structured answer says the rest too ("who chairs the steering group?"), it
    # is quoted below that answer.
    if passages := view.passages.find(asked, authority.id, STRONG if settled else THRESHOLD):
        if settled or view.passages.said_in(asked, passages, render_plain(structured)):
            return view.quoting.beneath(structured, passages)
        return view.quoting.quoting(authority, passages, *lead)
    return structured


def _structured(
    view: KnowledgeView,
    intent: Intent,
    authority: Authority,
    asked: tuple[str, ...],
    now: datetime,
    lead: tuple[Paragraph, ...],
) -> Reply:
    replies = view.councils
    match intent:
        case Intent.STAGE:
            return replies.stage(authority, *lead)
        case Intent.TRAINERS:
            return replies.trainers(authority, *lead)
        case Intent.PEOPLE:
            return replies.people(authority, asked, *lead)
        case Intent.EVENTS:
            return replies.events(authority, now, *lead)
        case Intent.COUNT:
            return replies.figures(authority, asked)
        case _:
            return replies.overview(authority, *lead)


def _names_adopter(view: KnowledgeView, found: CouncilMatch | CouncilChoice | None) -> bool:
    """Whether a question the engine could not read names an adopter, whose overview or
    sentences may answer it (the off-topic rule has already refused what it should)."""
    if not isinstance(found, CouncilMatch) or found.responsible is None:
        return False
    return view.knowledge.authority_for_council(found.responsible.code) is not None


def answer_in_console(
    view: KnowledgeView,
    text: str,
    conversation: Conversation,
    now: datetime,
    language: Language | None = None,
) -> Reply:
    """The console's reply to `text` (see `console_answer`)."""
    return console_answer(view, text, conversation, now, language).reply


@dataclass(frozen=True, slots=True)
class ConsoleAnswer:
    reply: Reply
    language: Language


def console_answer(
    view: KnowledgeView,
    text: str,
    conversation: Conversation,
    now: datetime,
    language: Language | None = None,
    before: Language = Language.ENGLISH,
) -> ConsoleAnswer:
    """The console's reply to `text` (`sosbot ask`, `sosbot chat`), and its language:
    `language`, or None for the language `text` is written in (`before`, the language of the
    conversation so far, where it is too short to tell). Questions are answered; a
    subscription, which only Telegram can keep, gets a pointer to the command there."""
    understanding = view.engine.understand(text, conversation)
    said_in = language or understanding.language or before
    view = view.speaking(said_in)
    request: Request = understanding.request
    if isinstance(request, QUESTIONS):
        reply = answer(view, request, now, understanding.confidence)
    else:
        # The council a subscription request names (not ALL, which names none).
        scope = (
            request.scope
            if isinstance(request, Subscribe | Unsubscribe | ListSubscriptions)
            else None
        )
        code = scope if scope != ALL else None
        reply = view.subscriptions.hint(understanding.intent, code).model_copy(
            update={"confidence": understanding.confidence}
        )
    remember(conversation, request, understanding.intent, reply)
    return ConsoleAnswer(reply, said_in)


def inline_overviews(view: KnowledgeView, query: str, now: datetime) -> list[Reply]:
    """Overviews to offer for an inline query: every adopter for an empty query or one that
    names no council, else each council the query could mean."""
    return [answer(view, ask, now, 1.0) for ask in view.engine.inline_requests(query)]
