"""The fixtures most end-to-end tests share: a fake Bot API server and a knowledge folder of
their own. A module that needs them otherwise (module-scoped, or set up) defines its own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.chats import knowledge_copy
from tests.fake_bot_api import FakeBotApi, running_fake_bot_api


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotApi]:
    async with running_fake_bot_api() as server:
        yield server


@pytest.fixture
def knowledge_dir(tmp_path: Path) -> Path:
    return knowledge_copy(tmp_path)
