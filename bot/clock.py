"""What time it is: a Clock is passed to whatever needs the time, so that tests can fix it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
"""Returns the current time, aware."""


def utc_now() -> datetime:
    """The real clock."""
    return datetime.now(UTC)
