"""Settings of webhook mode: where `sosbot serve` listens, and the webhook's secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.settings import Settings
from handlers.serve import GRACEFUL_SECONDS, SHUTDOWN_SECONDS, STOP_SECONDS, graceful_seconds


@pytest.mark.parametrize(
    ("listen", "address"),
    [
        ("127.0.0.1:8080", ("127.0.0.1", 8080)),
        ("0.0.0.0:443", ("0.0.0.0", 443)),
        ("localhost:1", ("localhost", 1)),
        ("[::1]:65535", ("::1", 65535)),
        ("bot-1.internal:8081", ("bot-1.internal", 8081)),
    ],
)
def test_the_listen_address_is_a_host_and_a_port(listen: str, address: tuple[str, int]) -> None:
    assert Settings(listen=listen).listen_address == address


def test_by_default_serve_listens_on_the_loopback_only() -> None:
    assert Settings().listen_address == ("127.0.0.1", 8080)


@pytest.mark.parametrize(
    "listen", ["8080", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", ":8080", "a b:80", "::1:80"]
)
def test_a_listen_address_without_a_usable_port_is_refused(listen: str) -> None:
    with pytest.raises(ValidationError, match="host:port"):
        Settings(listen=listen)


@pytest.mark.parametrize("secret", ["s3cr3t", "Q-z_0-9", "k" * 256])
def test_a_secret_telegram_accepts_is_kept_secret(secret: str) -> None:
    settings = Settings(webhook_secret=secret)
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == secret
    assert secret not in repr(settings)


@pytest.mark.parametrize(
    "secret", ["x" * 257, "with space", "dot.ted", "sláinte", "new\nline", "slash/"]
)
def test_a_secret_telegram_would_refuse_is_refused_without_repeating_it(secret: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(webhook_secret=secret)
    assert "1 to 256 of" in str(refused.value)
    assert secret not in str(refused.value)


@pytest.mark.parametrize("connections", [0, 101])
def test_max_connections_are_what_telegram_allows(connections: int) -> None:
    with pytest.raises(ValidationError):
        Settings(webhook_max_connections=connections)


@pytest.mark.parametrize("drain", [0.0, 2.0, 2.5, 4.0, 5.0])
def test_the_drain_and_the_updates_in_hand_leave_time_to_exit_within_15_seconds(
    drain: float,
) -> None:
    graceful = graceful_seconds(drain)
    assert 0 < graceful <= GRACEFUL_SECONDS
    assert drain + graceful + SHUTDOWN_SECONDS <= STOP_SECONDS == 15


def test_with_the_default_drain_the_updates_in_hand_get_ten_seconds() -> None:
    assert graceful_seconds(Settings().drain_seconds) == 10
