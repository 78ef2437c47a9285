"""The one place a conversation is updated: from what was asked and what was answered."""

from __future__ import annotations

import logging

from bot.replies.reply import Reply
from bot.understanding.conversation import Conversation
from bot.understanding.intents import Intent
from bot.understanding.requests import BareMention, Request, Thanks

logger = logging.getLogger(__name__)

# Answers about the whole network, after which "them" no longer means the last council.
_NETWORK_ANSWERS = frozenset({Intent.COUNT, Intent.LIST, Intent.ABOUT})


def remember(conversation: Conversation, request: Request, asked: Intent, reply: Reply) -> None:
    """After `reply` to a message asking `request` with intent `asked`: the council the reply
    was about becomes "them"; an answer about the network forgets it; the intent is what "and
    Suffolk?" repeats. Thanks, a bare mention and questions not understood leave the
    conversation as it was."""
    if isinstance(request, Thanks | BareMention):
        return
    if reply.council_code is not None:
        conversation.council_code = reply.council_code
    elif reply.intent in _NETWORK_ANSWERS:
        conversation.council_code = None
    if asked is not Intent.UNKNOWN:
        conversation.intent = asked


def remember_button(conversation: Conversation, pressed: Intent, reply: Reply) -> None:
    """After a button: what it asked is what "and Suffolk?" repeats, and the council it showed
    becomes "them". (A command, which names its subject, leaves the conversation alone.)"""
    conversation.intent = pressed
    if reply.council_code is not None:
        conversation.council_code = reply.council_code


def forget(conversation: Conversation) -> None:
    """The chat asked to be forgotten: nothing of its previous turns is kept."""
    conversation.intent = None
    conversation.council_code = None
