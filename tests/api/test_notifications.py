"""The WebSocket URL allowlist and frame parsing."""

from __future__ import annotations

import pytest

from wxcc_desk.api.notifications import RELOGIN, STATION_LOGIN, check_ws_url, parse_frame
from wxcc_desk.core.errors import ConfigError

API = "https://api.wxcc-us1.cisco.com"


@pytest.mark.parametrize(
    "url",
    [
        "wss://api.wxcc-us1.cisco.com/v1/notification/subscription/x",
        "wss://notifs.eu.ciscoccservice.com/v1/notification/subscription/x",
        "wss://cisco.com/x",
    ],
)
def test_service_domains_over_wss_are_accepted(url: str) -> None:
    check_ws_url(url, API)


@pytest.mark.parametrize(
    "url",
    [
        "ws://api.wxcc-us1.cisco.com/x",  # not TLS
        "wss://evil-cisco.com/x",  # suffix without the dot
        "wss://cisco.com.evil.example/x",
        "wss://127.0.0.1:8642/x",  # loopback socket for a non-loopback API
        "",
    ],
)
def test_anything_else_is_refused(url: str) -> None:
    with pytest.raises(ConfigError) as err:
        check_ws_url(url, API)
    assert err.value.code == "UNTRUSTED_WEBSOCKET_URL"


def test_loopback_api_allows_its_own_host_only() -> None:
    check_ws_url("ws://127.0.0.1:9000/v1/notification/subscription/x", "http://127.0.0.1:9000")
    with pytest.raises(ConfigError):
        check_ws_url("ws://127.0.0.2:9000/x", "http://127.0.0.1:9000")
    with pytest.raises(ConfigError):
        check_ws_url("ws://example.com/x", "http://127.0.0.1:9000")


def test_frames() -> None:
    assert parse_frame('{"keepalive":"true"}') is None
    assert parse_frame("not json") is None
    env = parse_frame(
        '{"type":"StationLogin","trackingId":"notifs_1","data":{"type":"AgentStationLoginFailed",'
        '"reason":"DUPLICATE_LOCATION"}}'
    )
    assert env is not None and STATION_LOGIN.matches(env) and env.reason == "DUPLICATE_LOCATION"
    relogin = parse_frame('{"type":"AgentReloginFailed","data":{"type":"AgentReloginFailed"}}')
    assert relogin is not None and RELOGIN.matches(relogin)
    assert not STATION_LOGIN.matches(relogin)


@pytest.mark.parametrize("url", ["WSS://127.0.0.1:9/x", "Wss://127.0.0.1:9/x"])
def test_an_upper_case_wss_url_connects_over_tls_without_a_crash(url: str) -> None:
    # The scheme is case-insensitive: `WSS://` is TLS (it once gave the WebSocket library no
    # TLS context, a ValueError); here nothing listens, so the connect fails cleanly.
    import asyncio

    from wxcc_desk.api.notifications import NotificationSocket
    from wxcc_desk.core.errors import NetworkError

    sock = NotificationSocket(url, trace=lambda _line: None, ssl_context=None)
    with pytest.raises(NetworkError) as info:
        asyncio.run(sock.open(2.0))
    assert info.value.code == "WEBSOCKET_CONNECT"
    assert "incompatible" not in info.value.message
    check_ws_url(url.replace("127.0.0.1:9", "api.wxcc-us1.cisco.com"), API)
