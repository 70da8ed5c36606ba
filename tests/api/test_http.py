"""The HTTP layer through httpx's own in-process transport: ids, retries, error mapping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from wxcc_desk.errors import AuthError, ConfigError, NetworkError, RejectedError
from wxcc_desk.http import (
    Http,
    Timeouts,
    TlsChoice,
    UncertainOutcome,
    choose_tls,
    make_http,
    require_secure,
)
from wxcc_desk.tracking import Tracker

Handler = Callable[[httpx.Request], httpx.Response]


def _http(handler: Handler, trace: list[str] | None = None, attempts: int = 3) -> Http:
    return make_http(
        tracker=Tracker(run_id="run1"),
        trace=(trace if trace is not None else []).append,
        tls=TlsChoice(True, "test"),
        timeouts=Timeouts(attempts=attempts),
        transport=httpx.MockTransport(handler),
    )


def _run(http: Http, method: str, url: str = "http://127.0.0.1/x", **kw: object) -> object:
    async def go() -> object:
        async with http:
            return await http.send(method, url, what="do it", **kw)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_every_attempt_carries_its_own_tracking_id_and_429_is_retried() -> None:
    seen: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req.headers["TrackingId"])
        if len(seen) < 3:
            return httpx.Response(429, headers={"Retry-After": "0"})
        return httpx.Response(200, json={}, headers={"TrackingID": "ccconfig_abc"})

    trace: list[str] = []
    http = _http(handler, trace)
    _run(http, "POST", idempotent=False)
    assert seen == ["WXCCDESK_run1_1", "WXCCDESK_run1_2", "WXCCDESK_run1_3"]
    assert http.tracker.received == ["ccconfig_abc"]
    assert any("retrying" in line for line in trace)
    assert all("Authorization" not in line for line in trace)


def test_429_after_all_attempts_is_a_network_error() -> None:
    http = _http(lambda r: httpx.Response(429, headers={"Retry-After": "0"}), attempts=2)
    with pytest.raises(NetworkError) as err:
        _run(http, "GET")
    assert err.value.code == "RATE_LIMITED"


def test_5xx_retried_on_get_but_not_on_a_login_post() -> None:
    calls: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls.append(req.method)
        return httpx.Response(503, json={"trackingId": "T1", "message": "down"})

    with pytest.raises(NetworkError) as err:
        _run(_http(handler), "GET")
    assert calls == ["GET"] * 3 and "T1" in err.value.tracking_ids
    calls.clear()
    with pytest.raises(UncertainOutcome):
        _run(_http(handler), "POST", idempotent=False)
    assert calls == ["POST"]


def test_403_names_the_scope_and_carries_body_tracking_id() -> None:
    body = {"trackingId": "ccconfig_x", "error": {"key": "403", "message": [{"description": "no"}]}}
    http = _http(lambda r: httpx.Response(403, json=body))
    with pytest.raises(AuthError) as err:
        _run(http, "GET", scope="cjp:user")
    assert "cjp:user" in err.value.hint and "(no)" in err.value.message
    assert err.value.tracking_ids == ("ccconfig_x",)


def test_404_uses_the_callers_error_class_and_aqm_body() -> None:
    body = {"errorType": "NotFound", "errorMessage": "no such agent", "trackingId": "A1"}
    http = _http(lambda r: httpx.Response(404, json=body))
    with pytest.raises(RejectedError) as err:
        _run(http, "GET", not_found=RejectedError)
    assert "no such agent" in err.value.message


def test_connection_refused_is_a_network_error() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=req)

    with pytest.raises(NetworkError) as err:
        _run(_http(handler, attempts=1), "POST", idempotent=False)
    assert not isinstance(err.value, UncertainOutcome)


def test_plain_http_only_on_loopback() -> None:
    require_secure("http://127.0.0.1:8000", "api_url")
    require_secure("https://api.wxcc-us1.cisco.com", "api_url")
    with pytest.raises(ConfigError):
        require_secure("http://api.wxcc-us1.cisco.com", "api_url")


def test_tls_choice_reports_its_source(tmp_path: Path) -> None:
    assert "OS trust store" in choose_tls("os", None).description
    assert "certifi" in choose_tls("certifi", None).description
    with pytest.raises(ConfigError) as err:
        choose_tls("bundle", tmp_path / "missing.pem", "WXCC_CA_BUNDLE")
    assert "WXCC_CA_BUNDLE" in err.value.message


def test_retry_after_is_honoured_and_capped() -> None:
    answers = iter(
        [
            httpx.Response(429, headers={"Retry-After": "0.2"}),
            httpx.Response(503, headers={"Retry-After": "999"}),
            httpx.Response(200, json={}),
        ]
    )
    trace: list[str] = []
    http = make_http(
        tracker=Tracker(run_id="r"),
        trace=trace.append,
        tls=TlsChoice(True, "test"),
        timeouts=Timeouts(attempts=3, retry_after_cap=0.3),
        transport=httpx.MockTransport(lambda r: next(answers)),
    )
    _run(http, "GET")
    waits = [line for line in trace if "retrying after" in line]
    assert [w.split("retrying after ")[1].split("s:")[0] for w in waits] == ["0.2", "0.3"]
