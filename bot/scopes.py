"""What a subscription is to: every event (`ALL`) or one council's, by its code."""

from __future__ import annotations

import logging
import re

logger = logging.getLogger(__name__)

ALL = "all"
"""The scope of a subscription to every council's events."""

# Council codes in councils.csv: "SFK", "GMCA", "NIR-A".
_COUNCIL_CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,9}$")


def check_scope(scope: str) -> str:
    """`ALL` or something shaped like a council code; which councils exist is the caller's
    business."""
    if scope != ALL and not _COUNCIL_CODE.match(scope):
        raise ValueError(f"a scope is {ALL!r} or a council code like 'SFK', not {scope!r}")
    return scope
