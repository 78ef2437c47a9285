"""Every exception sosbot raises on purpose, in one tree.

    SosbotError                 anything sosbot raises on purpose (defined in knowledge.errors,
    │                           which imports nothing of ours)
    ├── KnowledgeError          a knowledge folder cannot be served; `.problems` lists each
    │                           `path:line: what is wrong`
    ├── StoreError              the database failed; what failed did not happen, and may later
    │   └── UnusableDatabaseError   the database cannot be opened for sosbot at all (`.path`,
    │                               `.reason`)
    ├── DeliveryError           a message could not be delivered
    │   ├── ChatUnreachableError    the chat blocked the bot or is gone: its reminders pause
    │   └── SendFailedError         a passing failure (network, server): tried at the next tick
    ├── AdminOnlyError          someone other than a group's administrator asked to remove
    │                           everything the group holds
    ├── TokenRejectedError      the Bot API refused the token (the message never holds it)
    └── CommandError            a command cannot go on: one line for the person, exit `.status`

Settings that fail validation are pydantic's ValidationError, which the command line turns into
a CommandError. Outside this tree, only guards against a programming mistake raise, with
ValueError: a scope that is neither ALL nor a council code (bot.scopes.check_scope), a time
without a zone given to a store. Those are bugs to fix, never something a person caused.
"""

from __future__ import annotations

import logging
from pathlib import Path

from knowledge.errors import KnowledgeError, SosbotError

logger = logging.getLogger(__name__)

__all__ = [
    "AdminOnlyError",
    "ChatUnreachableError",
    "CommandError",
    "DeliveryError",
    "KnowledgeError",
    "SendFailedError",
    "SosbotError",
    "StoreError",
    "TokenRejectedError",
    "UnusableDatabaseError",
]


class StoreError(SosbotError):
    """The store cannot be used at the moment: the database cannot be written (read-only, disk
    full, locked by another program) or read. What failed did not happen; it may work later."""


class UnusableDatabaseError(StoreError):
    """The database cannot be opened for sosbot at all; `reason` says why, in a few words.
    `path` is the SQLite file, or the PostgreSQL URL as shown (without its password)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot use database {path}: {reason}")
        self.path = path
        self.reason = reason


class DeliveryError(SosbotError):
    """A message could not be delivered."""


class ChatUnreachableError(DeliveryError):
    """The chat blocked the bot or no longer exists: sending again will not help."""


class SendFailedError(DeliveryError):
    """This send failed for a passing reason (network, server); try again later."""


class AdminOnlyError(SosbotError):
    """Someone who is not the group's administrator asked to remove everything it holds."""


class TokenRejectedError(SosbotError):
    """The Bot API refused the token (401 on getMe). Carries no token: python-telegram-bot's
    InvalidToken prints it, so it is never chained."""


class CommandError(SosbotError):
    """A command cannot go on; the message says why, and the program exits with `status`."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status
