"""The README's HAProxy configuration, as written, in front of two `sosbot serve` instances on
one PostgreSQL database: the fake Bot API posts every update to HAProxy alone.

Only what a test machine needs is changed: the bind line (plain HTTP on a free port, not TLS)
and the instances' ports."""

from __future__ import annotations

import asyncio
import itertools
import re
import shutil
import signal
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.bot_process import ROOT, ServeProcess, free_port
from tests.e2e.chats import knowledge_copy, sent_to
from tests.e2e.serving import instance, set_webhook, start_all, stop_all
from tests.fake_bot_api import FakeBotApi

README = ROOT / "README.md"
_chat_ids = itertools.count(12001)


def readme_configuration() -> str:
    """The README's HAProxy configuration, its indentation taken off."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```haproxy\n(.*?)```", text, re.DOTALL)
    assert block is not None, "README.md has a ```haproxy block"
    lines = block[1].splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines) + "\n"


def for_this_machine(configuration: str, port: int, instances: list[ServeProcess]) -> str:
    configuration, binds = re.subn(
        r"(?m)^(\s*)bind .*$", rf"\1bind 127.0.0.1:{port}", configuration
    )
    assert binds == 1
    servers = iter(instances)
    configuration, count = re.subn(
        r"(?m)^(\s*server \S+ )\S+( .*)$",
        lambda m: f"{m[1]}127.0.0.1:{next(servers).port}{m[2]}",
        configuration,
    )
    assert count == len(instances)
    return configuration


def haproxy() -> str:
    found = shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).exists()), None
    )
    if found is None:
        pytest.fail("HAProxy is not installed (apt-get install -y haproxy; .ci/run does)")
    return found


def test_the_readme_configuration_is_valid_as_written(tmp_path: Path) -> None:
    written = tmp_path / "haproxy.cfg"
    written.write_text(readme_configuration().replace("bind :443 ssl crt", "bind :443 #"))
    checked = subprocess.run(
        [haproxy(), "-c", "-f", str(written)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.fixture
def balancer_port() -> int:
    return free_port()


@pytest.fixture
async def instances(
    fake: FakeBotApi, tmp_path: Path, postgres_url: str
) -> AsyncIterator[list[ServeProcess]]:
    knowledge = knowledge_copy(tmp_path)
    both = [instance(fake, tmp_path, n, postgres_url, knowledge) for n in (1, 2)]
    try:
        await start_all(both)
        yield both
    finally:
        await stop_all(both)


@pytest.fixture
def balancer(tmp_path: Path, balancer_port: int, instances: list[ServeProcess]) -> Iterator[str]:
    configuration = tmp_path / "haproxy.cfg"
    configuration.write_text(for_this_machine(readme_configuration(), balancer_port, instances))
    process = subprocess.Popen(
        [haproxy(), "-db", "-f", str(configuration)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield f"http://127.0.0.1:{balancer_port}"
    finally:
        process.terminate()
        process.wait(10)


async def get(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status


async def until_up(url: str, timeout: float = 10) -> None:
    for _ in range(int(timeout / 0.1)):
        try:
            if await get(url + "/calendar/all.ics") == 200:
                return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.1)
    raise AssertionError("HAProxy did not come up")


async def test_haproxy_spreads_the_chats_keeps_each_in_order_and_drains_a_stopping_instance(
    fake: FakeBotApi, instances: list[ServeProcess], balancer: str
) -> None:
    await until_up(balancer)
    await set_webhook(fake, instances)
    fake.deliver_webhook_to([balancer + "/telegram"])
    chats = [next(_chat_ids) for _ in range(10)]
    councils = ("Suffolk", "Lincolnshire", "Swansea")
    for council in councils:
        for chat in chats:
            fake.push_message(chat, f"what stage is {council} at?")
    await fake.wait_delivered(timeout=30)
    for chat in chats:
        texts = [m.params["text"] for m in sent_to(fake, chat)]
        answered = [next(c for c in councils if c in text) for text in texts]
        assert answered == list(councils)
    handled = [
        await each.metric('sosbot_updates_handled_total{kind="message"}') for each in instances
    ]
    assert sum(handled) == 30
    assert min(handled) > 0, "the chats are spread over both instances"

    # Only /telegram and the calendars are public.
    assert await get(balancer + "/metrics") == 403
    assert await get(balancer + "/readyz") == 403

    # One instance stops: HAProxy's health check takes it out, and nothing is lost.
    stopping = asyncio.create_task(instances[0].stop(signal.SIGTERM))
    later = [next(_chat_ids) for _ in range(10)]
    for chat in later:
        fake.push_message(chat, "who trains Swansea?")
    await fake.wait_delivered(timeout=30)
    assert await stopping == 0
    assert all(len(sent_to(fake, chat)) == 1 for chat in later)
