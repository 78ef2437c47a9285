"""`sosbot run` and `sosbot serve` as real processes, pointed at the fake Bot API through their
settings."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import aiohttp

from tests.fake_bot_api import FakeBotApi
from tests.fake_webhook import SECRET_HEADER

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
        self.command = "run"

    async def start(self, *, until_polling: bool = True) -> None:
        """Start the bot and, unless told not to, wait until it polls (its commands are
        registered before)."""
        polls_before = len(self.fake.calls_to("getUpdates"))
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot", self.command],
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

    def reload(self) -> None:
        """SIGHUP: reload the knowledge."""
        self._signal(signal.SIGHUP)

    def kill(self) -> None:
        """kill -9: no chance to clean up. (Waits without the event loop: call it where no
        server in this process needs to answer meanwhile, or use `kill_now`.)"""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            self.process.wait(10)

    async def kill_now(self) -> None:
        """kill -9, waited for off the event loop (a fake server here goes on answering)."""
        self._signal(signal.SIGKILL)
        if self.process is not None:
            await asyncio.to_thread(self.process.wait, 10)

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


WEBHOOK_SECRET = "e2e-webhook_secret-42"


def free_port() -> int:
    """A port nobody listens on now (the instance binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ServeProcess(BotProcess):
    """`python -m bot serve` on a free port of 127.0.0.1, with the webhook secret set."""

    def __init__(self, fake: FakeBotApi, folder: Path, database: str, **settings: str) -> None:
        self.port = free_port()
        super().__init__(
            fake,
            folder,
            database=database,
            listen=f"127.0.0.1:{self.port}",
            webhook_secret=WEBHOOK_SECRET,
            **settings,
        )
        self.command = "serve"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def webhook_url(self) -> str:
        return f"{self.url}/telegram"

    async def start(self, *, until_polling: bool = False, until_ready: bool = True) -> None:
        await super().start(until_polling=False)
        if until_ready:
            await self.wait_ready()

    async def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"sosbot serve exited:\n{self.log()[-3000:]}")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                if (await self.get("/readyz"))[0] == 200:
                    return
            await asyncio.sleep(0.05)
        raise AssertionError(f"sosbot serve not ready in {timeout}s:\n{self.log()[-3000:]}")

    async def get(self, path: str) -> tuple[int, str]:
        timeout = aiohttp.ClientTimeout(total=5)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.get(self.url + path) as response,
        ):
            return response.status, await response.text()

    async def post_update(self, update: dict[str, Any], secret: str = WEBHOOK_SECRET) -> int:
        timeout = aiohttp.ClientTimeout(total=30)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(
                self.url + "/telegram", json=update, headers={SECRET_HEADER: secret}
            ) as response,
        ):
            await response.read()
            return response.status

    async def metric(self, name: str) -> float:
        """A sample's value on /metrics (0 if the instance does not answer)."""
        try:
            _, text = await self.get("/metrics")
        except (aiohttp.ClientError, OSError):
            return 0.0
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return 0.0
