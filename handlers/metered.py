"""The Bot API's HTTP client, counted: replies sent, send errors and 429s, for /metrics.

Every call to Telegram goes through one python-telegram-bot request object, so counting there
sees every send, whichever handler or job made it, without each one counting for itself. A send
made while an update is handled (handlers.turns marks the turn) is a reply; reminders are
counted by their sender.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from http import HTTPStatus
from typing import Any

from telegram.request import BaseRequest, RequestData

from bot.metrics import Metrics

logger = logging.getLogger(__name__)

# Set while an update is being handled; a task started then inherits it.
IN_TURN: ContextVar[bool] = ContextVar("sosbot_in_turn", default=False)
# The Bot API methods that show the person something.
SENDING_PREFIXES = ("send", "edit", "answerinlinequery")


class MeteredRequest(BaseRequest):
    """Delegates every call to `inner`, counting what came of the sending ones."""

    def __init__(self, inner: BaseRequest, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics

    @property
    def read_timeout(self) -> float | None:
        return self._inner.read_timeout

    async def initialize(self) -> None:
        await self._inner.initialize()

    async def shutdown(self) -> None:
        await self._inner.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        sending = url.rsplit("/", 1)[-1].casefold().startswith(SENDING_PREFIXES)
        try:
            status, payload = await self._inner.do_request(
                url,
                method,
                request_data,
                read_timeout=read_timeout,
                write_timeout=write_timeout,
                connect_timeout=connect_timeout,
                pool_timeout=pool_timeout,
            )
        except Exception:
            if sending:
                self._metrics.send_errors.inc()
            raise
        if status == HTTPStatus.TOO_MANY_REQUESTS:
            self._metrics.rate_limited.inc()
        elif sending and status >= HTTPStatus.BAD_REQUEST:
            self._metrics.send_errors.inc()
        elif sending and IN_TURN.get():
            self._metrics.replies.inc()
        return status, payload
