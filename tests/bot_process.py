"""`sosbot run` as a real process, pointed at the fake Bot API through its settings."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

from tests.fake_bot_api import FakeBotApi

TEST_TOKEN = "123456:TEST-token-that-must-never-be-logged"
ROOT = Path(__file__).parent.parent


class BotProcess:
    """Starts `python -m bot run` with SOSBOT_ settings; its log goes to a file to read later."""

    def __init__(self, fake: FakeBotApi, folder: Path, **settings: str) -> None:
        self.log_path = folder / "sosbot.log"
        self.environment = {k: v for k, v in os.environ.items() if not k.startswith("SOSBOT_")}
        self.environment.update(
            {
                "SOSBOT_TELEGRAM_TOKEN": TEST_TOKEN,
                "SOSBOT_TELEGRAM_API_URL": fake.base_url,
                "SOSBOT_DATABASE": str(folder / "sosbot.sqlite3"),
                "SOSBOT_LOG_LEVEL": "DEBUG",
                **{f"SOSBOT_{name.upper()}": value for name, value in settings.items()},
            }
        )
        self.folder = folder
        self.fake = fake
        self.process: subprocess.Popen[bytes] | None = None

    async def start(self, *, until_polling: bool = True) -> None:
        """Start the bot and, unless told not to, wait until it polls (its commands are
        registered before)."""
        polls_before = len(self.fake.calls_to("getUpdates"))
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                cwd=self.folder,
                env=self.environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if until_polling:
            await self.fake.wait_for("getUpdates", count=polls_before + 1, timeout=30)

    def _signal(self, which: signal.Signals) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(which)

    async def stop(self, which: signal.Signals = signal.SIGTERM, timeout: float = 15) -> int:
        """Signal the bot and wait for it to exit; returns its exit status."""
        assert self.process is not None
        self._signal(which)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: self.process.wait(timeout))  # type: ignore[union-attr]

    async def wait(self, timeout: float = 30) -> int:
        """Wait for the bot to exit by itself; returns its exit status."""
        process = self.process
        assert process is not None
        return await asyncio.get_running_loop().run_in_executor(None, process.wait, timeout)

    def kill(self) -> None:
        """kill -9: no chance to clean up."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")
