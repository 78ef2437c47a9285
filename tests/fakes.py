"""Fakes shared by tests: a clock that moves only when told (or slept on) and Senders."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from bot.errors import ChatUnreachableError, SendFailedError
from bot.reminders.pacing import Pacer
from bot.replies.reply import Reply


class FakeClock:
    """The wall clock (call it) and the monotonic clock, moving together, only when advanced
    or slept on: a sleep takes no real time."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.seconds = 0.0

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.seconds

    def advance(self, seconds: float) -> None:
        self.seconds += seconds
        self.now += timedelta(seconds=seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(max(seconds, 0.0))
        await asyncio.sleep(0)

    def pacer(self) -> Pacer:
        """Pacing on this clock."""
        return Pacer(monotonic=self.monotonic, sleep=self.sleep)


class Outbox:
    """A Sender (bot.reminders.delivery) that keeps what it was given, as Telegram accepting
    everything."""

    def __init__(self) -> None:
        self.sent: list[tuple[int, Reply]] = []

    async def __call__(self, chat_id: int, reply: Reply) -> None:
        self.sent.append((chat_id, reply))

    def take(self) -> list[tuple[int, str]]:
        """(chat, title) of what was sent since the last take, in order."""
        taken = [(chat, reply.title or "") for chat, reply in self.sent]
        self.sent.clear()
        return taken


class FakeSender(Outbox):
    """An Outbox on a FakeClock that notes when each message went, and fails for the chats
    named: `unreachable` ones as a blocked bot, `failing` ones as a passing network failure."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__()
        self.clock = clock
        self.times: list[float] = []
        self.unreachable: set[int] = set()
        self.failing: set[int] = set()

    async def __call__(self, chat_id: int, reply: Reply) -> None:
        if chat_id in self.unreachable:
            raise ChatUnreachableError
        if chat_id in self.failing:
            raise SendFailedError
        self.times.append(self.clock.monotonic())
        await super().__call__(chat_id, reply)
