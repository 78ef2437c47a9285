"""Webhook mode (`sosbot serve`): a starlette app under uvicorn, in front of python-telegram-bot's
Application built without an updater (the shape of python-telegram-bot's customwebhookbot
example, starlettebot.py).

Routes:

- `POST /telegram`: one update, with Telegram's secret header. It is handled whole, reply
  sent, before the 200 goes back: Telegram keeps each chat's updates in order and sends the
  next only after a 2xx, and sends again whatever got none, so an instance dying mid-update
  loses nothing and a chat is never reordered across instances. 503 with Retry-After while
  the database fails or the instance drains (Telegram tries again, maybe another instance).
- `GET /livez`: the process runs. `GET /readyz`: the database answers and the instance is not
  draining (what the load balancer checks).
- `GET /metrics`: Prometheus text.
- `GET /calendar/{id}.ics`: a calendar feed of an authority's events, or of every event.
"""

from __future__ import annotations

import hmac
import json
import logging
from dataclasses import dataclass
from http import HTTPStatus

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from telegram import Update

from bot.errors import StoreError
from bot.feeds import calendar_feed
from bot.metrics import CONTENT_TYPE
from bot.replies.current import KnowledgeView
from handlers.context import SosbotApplication
from handlers.turns import handle_in_turn, never_started

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Seconds Telegram (or a client) is told to wait before trying again.
RETRY_AFTER_SECONDS = 5
# How long a subscribed calendar may keep a feed before asking again.
FEED_MAX_AGE_SECONDS = 3600
CALENDAR_TYPE = "text/calendar; charset=utf-8"


@dataclass
class Serving:
    """Whether this instance is stopping: once draining, it takes no new update and says it is
    not ready, while the updates in hand finish."""

    draining: bool = False


def _unavailable(reason: str) -> Response:
    return PlainTextResponse(
        reason,
        status_code=HTTPStatus.SERVICE_UNAVAILABLE,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def webhook_app(application: SosbotApplication, secret: str, serving: Serving) -> Starlette:
    """The ASGI app of one instance. `application` must be initialised and started by the
    caller; `secret` is SOSBOT_WEBHOOK_SECRET."""
    runtime = application.bot_data.runtime
    expected = secret.encode()

    async def telegram(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse("forbidden", status_code=HTTPStatus.FORBIDDEN)
        if serving.draining:
            return _unavailable("draining")
        try:
            data = json.loads(await request.body())
            update = Update.de_json(data, application.bot) if isinstance(data, dict) else None
        except (ValueError, TypeError, KeyError):
            update = None
        if update is None:
            return PlainTextResponse("not an update", status_code=HTTPStatus.BAD_REQUEST)
        processing = application.process_update(update)
        try:
            await handle_in_turn(application, update, processing)
        except StoreError as error:
            if not never_started(processing):
                # Answered, but its context or its claim not saved: sent again, it would be
                # answered twice.
                logger.warning("The database failed after an update was answered: %s", error)
                return Response(status_code=HTTPStatus.OK)
            logger.warning("An update is left for Telegram to send again: %s", error)
            return _unavailable("database unavailable")
        finally:
            # Never begun if the database failed first (closing a finished one does nothing).
            processing.close()
        return Response(status_code=HTTPStatus.OK)

    async def livez(request: Request) -> Response:
        return PlainTextResponse("live")

    async def readyz(request: Request) -> Response:
        if serving.draining:
            return _unavailable("draining")
        try:
            await runtime.store.ping()
        except StoreError:
            return _unavailable("database unavailable")
        return PlainTextResponse("ready")

    async def metrics(request: Request) -> Response:
        return Response(runtime.metrics.exposition(), media_type=CONTENT_TYPE)

    # Each feed as last written, with the knowledge it was written from: writing one takes
    # milliseconds on the event loop (20 ms for every event), and anyone may ask for it.
    # Bounded: only known ids are kept, and a reload (a new view) drops them all.
    feeds: dict[str, bytes] = {}
    feeds_of: list[KnowledgeView] = []

    async def calendar(request: Request) -> Response:
        view, feed_id = runtime.current.view, request.path_params["feed"]
        if not feeds_of or feeds_of[0] is not view:
            feeds.clear()
            feeds_of[:] = [view]
        feed = feeds.get(feed_id)
        if feed is None:
            feed = calendar_feed(view, feed_id, runtime.settings.zone, runtime.clock())
            if feed is not None:
                feeds[feed_id] = feed
        if feed is None:
            return PlainTextResponse("no such calendar", status_code=HTTPStatus.NOT_FOUND)
        return Response(
            feed,
            media_type=CALENDAR_TYPE,
            headers={"Cache-Control": f"max-age={FEED_MAX_AGE_SECONDS}"},
        )

    return Starlette(
        routes=[
            Route("/telegram", telegram, methods=["POST"]),
            Route("/livez", livez, methods=["GET"]),
            Route("/readyz", readyz, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/calendar/{feed}.ics", calendar, methods=["GET"]),
        ]
    )
