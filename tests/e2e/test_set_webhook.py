"""`sosbot set-webhook` as a process against the fake Bot API: what Telegram is told, and the
settings it refuses before asking anything."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.bot_process import TEST_TOKEN, WEBHOOK_SECRET, free_port
from tests.fake_bot_api import FakeBotApi

URL = "https://bot.example.org/telegram"


async def sosbot(fake: FakeBotApi, *arguments: str, **settings: str) -> tuple[int, str, str]:
    """Run `sosbot ARGUMENTS` without blocking the fake server it talks to."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOSBOT_")}
    environment |= {
        "SOSBOT_TELEGRAM_TOKEN": TEST_TOKEN,
        "SOSBOT_TELEGRAM_API_URL": fake.base_url,
        **{f"SOSBOT_{name.upper()}": value for name, value in settings.items()},
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *arguments,
        env=environment,
        # The test's own empty folder: no developer's .env is read (see clean_environment).
        cwd=Path.cwd(),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_set_webhook_gives_telegram_the_url_secret_kinds_and_connections(
    fake: FakeBotApi,
) -> None:
    status, out, err = await sosbot(
        fake, "set-webhook", webhook_url=URL, webhook_secret=WEBHOOK_SECRET
    )
    assert status == 0, err
    [call] = fake.calls_to("setWebhook")
    assert call.params["url"] == URL
    assert call.params["secret_token"] == WEBHOOK_SECRET
    assert call.params["allowed_updates"] == ["message", "callback_query", "inline_query"]
    assert call.params["max_connections"] == 40
    assert not call.params.get("drop_pending_updates")
    assert URL in out
    assert fake.webhook is not None
    assert fake.webhook.url == URL


async def test_set_webhook_takes_the_connections_from_the_settings(fake: FakeBotApi) -> None:
    status, _, err = await sosbot(
        fake,
        "set-webhook",
        webhook_url=URL,
        webhook_secret=WEBHOOK_SECRET,
        webhook_max_connections="8",
    )
    assert status == 0, err
    assert fake.calls_to("setWebhook")[0].params["max_connections"] == 8


async def test_set_webhook_delete_deletes_it_and_keeps_the_pending_updates(
    fake: FakeBotApi,
) -> None:
    # The update is posted to a local port nobody listens on, never to URL's outside host.
    fake.deliver_webhook_to([f"http://127.0.0.1:{free_port()}/telegram"])
    await sosbot(fake, "set-webhook", webhook_url=URL, webhook_secret=WEBHOOK_SECRET)
    fake.push_message(5, "hello")
    status, out, err = await sosbot(fake, "set-webhook", "--delete")
    assert status == 0, err
    [call] = fake.calls_to("deleteWebhook")
    assert not call.params.get("drop_pending_updates")
    assert fake.webhook is None
    assert len(fake.pending_updates) == 1
    assert "deleted" in out


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"webhook_url": URL, "webhook_secret": "has spaces"}, "SOSBOT_WEBHOOK_SECRET"),
        ({"webhook_url": URL, "webhook_secret": "x" * 257}, "SOSBOT_WEBHOOK_SECRET"),
        ({"webhook_url": URL, "webhook_secret": "ünïcode"}, "SOSBOT_WEBHOOK_SECRET"),
        ({"webhook_url": URL}, "SOSBOT_WEBHOOK_SECRET"),
        ({"webhook_secret": WEBHOOK_SECRET}, "SOSBOT_WEBHOOK_URL"),
        (
            {"webhook_url": URL, "webhook_secret": WEBHOOK_SECRET, "webhook_max_connections": "0"},
            "SOSBOT_WEBHOOK_MAX_CONNECTIONS",
        ),
    ],
)
async def test_set_webhook_refuses_unusable_settings_before_asking_telegram(
    fake: FakeBotApi, settings: dict[str, str], named: str
) -> None:
    status, _, err = await sosbot(fake, "set-webhook", **settings)
    assert status == 2
    assert named in err
    assert "Traceback" not in err
    assert fake.calls_to("setWebhook") == []


async def test_set_webhook_with_a_rejected_token_says_so_without_the_token(
    fake: FakeBotApi,
) -> None:
    fake.reject_token()
    status, out, err = await sosbot(
        fake, "set-webhook", webhook_url=URL, webhook_secret=WEBHOOK_SECRET
    )
    assert status == 2
    assert "rejected the token" in err
    assert TEST_TOKEN not in out + err
    assert WEBHOOK_SECRET not in out + err


async def test_serve_without_a_webhook_secret_refuses_to_start(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    status, _, err = await sosbot(fake, "serve", database=str(tmp_path / "db.sqlite3"))
    assert status == 2
    assert "SOSBOT_WEBHOOK_SECRET" in err
    assert fake.calls == []


async def test_serve_with_a_rejected_token_says_so_without_the_token_or_the_secret(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    fake.reject_token()
    status, out, err = await sosbot(
        fake, "serve", database=str(tmp_path / "db.sqlite3"), webhook_secret=WEBHOOK_SECRET
    )
    assert status == 2
    assert "rejected the token" in err
    assert TEST_TOKEN not in out + err
    assert WEBHOOK_SECRET not in out + err


async def test_polling_while_a_webhook_is_set_is_refused_and_the_webhook_left_alone(
    fake: FakeBotApi, tmp_path: Path
) -> None:
    status, _, _ = await sosbot(fake, "set-webhook", webhook_url=URL, webhook_secret=WEBHOOK_SECRET)
    assert status == 0
    status, _, err = await sosbot(fake, "run", database=str(tmp_path / "sosbot.sqlite3"))
    assert status == 1
    assert f"a webhook is set ({URL})" in err
    assert "sosbot set-webhook --delete" in err
    assert fake.calls_to("deleteWebhook") == []
    assert fake.calls_to("getUpdates") == []
