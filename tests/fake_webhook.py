"""The fake Bot API's webhook delivery, as Telegram's Bot API server does it.

Once a webhook is set, each pending update is POSTed as JSON with the secret in
``X-Telegram-Bot-Api-Secret-Token``. Updates queue per chat (messages) and per user (button
presses, inline queries): a queue's next update goes only once its previous one got a 2xx, so a
chat is never reordered. Anything else (an error status, a refused connection, a time-out) is
sent again after a short pause, to the next URL. The URLs are the webhook's, or the instance
URLs a test gives (``targets``), taken round-robin, as a load balancer would. At most
``max_connections`` updates are in flight at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp

JSONDict = dict[str, Any]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: How long one POST may take before it counts as failed (Telegram waits about a minute).
POST_TIMEOUT = 60.0


@dataclass(frozen=True)
class WebhookPost:
    """One attempt to deliver an update: where to, and what came of it (``status`` None: the
    connection failed or timed out)."""

    update_id: int
    url: str
    status: int | None
    started: float
    ended: float

    @property
    def accepted(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Webhook:
    """What setWebhook was given."""

    url: str
    secret_token: str | None
    allowed_updates: frozenset[str] | None
    max_connections: int


def queue_key(update: JSONDict) -> tuple[str, int]:
    """The queue an update waits in: its chat's for messages, its sender's otherwise."""
    for kind in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if kind in update:
            return ("chat", int(update[kind]["chat"]["id"]))
    for value in update.values():
        if isinstance(value, dict) and isinstance(value.get("from"), dict):
            return ("user", int(value["from"]["id"]))
    return ("update", int(update["update_id"]))


@dataclass(eq=False)
class WebhookDelivery:
    """Delivers ``pending()`` updates to the webhook until stopped. ``pending`` gives the
    updates not yet accepted, in order; ``accepted`` takes one off it."""

    webhook: Webhook
    pending: Callable[[], list[JSONDict]]
    accepted: Callable[[JSONDict], None]
    targets: list[str] = field(default_factory=list)
    retry_seconds: float = 0.05
    posts: list[WebhookPost] = field(default_factory=list)
    _wake: asyncio.Event = field(default_factory=asyncio.Event)
    _busy: set[tuple[str, int]] = field(default_factory=set)
    _next_target: int = 0
    _task: asyncio.Task[None] | None = None
    _posting: set[asyncio.Task[None]] = field(default_factory=set)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        tasks = [t for t in (self._task, *self._posting) if t is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def wake(self) -> None:
        self._wake.set()

    def _target(self) -> str:
        urls = self.targets or [self.webhook.url]
        url = urls[self._next_target % len(urls)]
        self._next_target += 1
        return url

    def _deliverable(self, update: JSONDict) -> bool:
        allowed = self.webhook.allowed_updates
        kind = next((key for key in update if key != "update_id"), None)
        return allowed is None or kind in allowed

    async def _run(self) -> None:
        timeout = aiohttp.ClientTimeout(total=POST_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                self._wake.clear()
                for update in self.pending():
                    if len(self._busy) >= self.webhook.max_connections:
                        break
                    key = queue_key(update)
                    if key in self._busy or not self._deliverable(update):
                        # A queue's later updates wait for the one in flight; the other
                        # queues go on.
                        continue
                    self._busy.add(key)
                    task = asyncio.get_running_loop().create_task(
                        self._deliver(session, key, update)
                    )
                    self._posting.add(task)
                    task.add_done_callback(self._posting.discard)
                await self._wake.wait()

    async def _deliver(
        self, session: aiohttp.ClientSession, key: tuple[str, int], update: JSONDict
    ) -> None:
        headers = {}
        if self.webhook.secret_token is not None:
            headers[SECRET_HEADER] = self.webhook.secret_token
        try:
            while True:
                url = self._target()
                started = time.monotonic()
                status: int | None
                try:
                    async with session.post(url, json=update, headers=headers) as response:
                        await response.read()
                        status = response.status
                except (aiohttp.ClientError, TimeoutError, OSError):
                    status = None
                post = WebhookPost(update["update_id"], url, status, started, time.monotonic())
                self.posts.append(post)
                if post.accepted:
                    self.accepted(update)
                    return
                await asyncio.sleep(self.retry_seconds)
        finally:
            self._busy.discard(key)
            self.wake()
