"""The languages sosbot speaks, by the ISO 639-1 codes Telegram's `language_code` uses."""

from __future__ import annotations

import logging
from enum import StrEnum

logger = logging.getLogger(__name__)


class Language(StrEnum):
    ENGLISH = "en"
    WELSH = "cy"
