"""How fast bulk messages go out: at most one a second to a chat, and an even overall rate.

Telegram allows about 30 bulk messages a second overall. They are sent evenly, one every 1/30 s,
not in bursts: a burst of 30 after a pause can put 31 in one second and earn a 429. The clock
and the sleep are passed in, so that tests can check the pacing without waiting for it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

PER_CHAT_INTERVAL = 1.0
BULK_MESSAGES_PER_SECOND = 30


@dataclass(eq=False)
class Pacer:
    """The pacing shared by every fan-out of one bot, so that together they keep the limits."""

    monotonic: Monotonic = time.monotonic
    sleep: Sleep = asyncio.sleep
    per_chat_interval: float = PER_CHAT_INTERVAL
    overall_interval: float = 1 / BULK_MESSAGES_PER_SECOND
    # When each chat was last sent a message (by `monotonic`).
    last_sent: dict[int, float] = field(default_factory=dict)
    # The earliest moment the next message may go, overall.
    _next_turn: float = float("-inf")

    def forget_idle_chats(self) -> None:
        """Drop chats not sent to for a whole interval: they are free anyway."""
        idle = self.monotonic() - self.per_chat_interval
        for chat_id in [c for c, at in self.last_sent.items() if at <= idle]:
            del self.last_sent[chat_id]

    def ready_at(self, chat_id: int) -> float:
        """When the chat may next be sent a message."""
        return self.last_sent.get(chat_id, float("-inf")) + self.per_chat_interval

    def sent(self, chat_id: int) -> None:
        self.last_sent[chat_id] = self.monotonic()

    async def take_turn(self) -> None:
        """Wait for the next overall turn. The turn is taken before the wait, so that fan-outs
        waiting at once each get their own; and the one after it is counted from when this one
        really began, so that a late wake-up is never made up by sending the next one early
        (two messages closer than the interval are how 31 land in one second)."""
        now = self.monotonic()
        turn = max(now, self._next_turn)
        self._next_turn = turn + self.overall_interval
        while (now := self.monotonic()) < turn:
            await self.sleep(turn - now)
        self._next_turn = max(self._next_turn, now + self.overall_interval)
