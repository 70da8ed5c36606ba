"""The HTTP layer through httpx's own in-process transport: ids, retries, error mapping."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from wxcc_desk.core.errors import AuthError, ConfigError, NetworkError, RejectedError
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.client import Http, UncertainOutcome, make_http
from wxcc_desk.http.tls import TlsChoice, choose_tls, require_secure
from wxcc_desk.profiles.schema import Timeouts

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


def _waits(answers: list[httpx.Response], cap: float = 0.3) -> tuple[list[str], int]:
    """The retry waits traced for `answers` (then 200) and how many requests were sent."""
    sent: list[httpx.Request] = []
    replies = iter([*answers, httpx.Response(200, json={})])

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return next(replies)

    trace: list[str] = []
    http = make_http(
        tracker=Tracker(run_id="r"),
        trace=trace.append,
        tls=TlsChoice(True, "test"),
        timeouts=Timeouts(attempts=3, retry_after_cap=cap),
        transport=httpx.MockTransport(handler),
    )
    _run(http, "GET")
    waits = [line for line in trace if "retrying after" in line]
    return [w.split("retrying after ")[1].split("s:")[0] for w in waits], len(sent)


def test_retry_after_seconds_up_to_the_cap_are_honoured() -> None:
    waits, sent = _waits(
        [
            httpx.Response(429, headers={"Retry-After": "0.2"}),
            httpx.Response(503, headers={"Retry-After": "0.3"}),
        ]
    )
    assert (waits, sent) == (["0.2", "0.3"], 3)


def test_retry_after_as_an_http_date_is_honoured() -> None:
    # measured from the response's Date, so neither the local clock nor test speed matters
    # (test_an_http_date_beyond_the_cap_fails_at_once_too reads a date 90 s on)
    date = "Tue, 24 Nov 2026 21:00:00 GMT"
    answers = [httpx.Response(429, headers={"Retry-After": date, "Date": date})]
    waits, sent = _waits(answers)  # a date already reached: retry at once, not after 0.25 s
    assert (waits, sent) == (["0.0"], 2)


def test_an_http_date_retry_after_is_read_against_the_local_clock_without_date() -> None:
    from email.utils import formatdate

    past = formatdate(0, usegmt=True)  # 1970: already reached
    waits, sent = _waits([httpx.Response(503, headers={"Retry-After": past})])
    assert (waits, sent) == (["0.0"], 2)


def _limited(retry_after: str, *, status: int = 429, date: str = "") -> NetworkError:
    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        headers = {"Retry-After": retry_after, "TrackingID": "ratelimit_1"}
        return httpx.Response(status, headers={**headers, **({"Date": date} if date else {})})

    sent: list[httpx.Request] = []
    http = make_http(
        tracker=Tracker(run_id="r"),
        trace=[].append,
        tls=TlsChoice(True, "test"),
        timeouts=Timeouts(attempts=3, retry_after_cap=30.0),
        transport=httpx.MockTransport(handler),
    )
    with pytest.raises(NetworkError) as err:
        _run(http, "GET")
    assert len(sent) == 1  # no early retry that is certain to be limited again
    return err.value


def test_a_retry_after_longer_than_the_cap_fails_at_once_naming_the_wait() -> None:
    err = _limited("120")
    assert err.code == "RATE_LIMITED"
    assert "asked to wait 2 min (Retry-After)" in err.message
    assert "longer than the 30 s" in err.message
    assert "still rate limited after retries" not in err.message
    assert err.hint.startswith("wait 2 min, then run the command again")
    assert err.tracking_ids == ("ratelimit_1",)


def test_an_http_date_beyond_the_cap_fails_at_once_too() -> None:
    date = "Tue, 24 Nov 2026 21:00:00 GMT"
    err = _limited("Tue, 24 Nov 2026 21:01:30 GMT", date=date)
    assert err.code == "RATE_LIMITED"
    assert "asked to wait 90 s" in err.message


def test_a_long_retry_after_on_a_503_keeps_its_code() -> None:
    err = _limited("999", status=503)
    assert err.code == "HTTP_503"
    assert "asked to wait 16 min 39 s" in err.message
    assert "try again in 16 min 39 s" in err.hint


@pytest.mark.parametrize("value", ["soon", "inf", "nan", "Tue, 99 Foo 2026 25:00:00 GMT"])
def test_an_unreadable_retry_after_falls_back_to_backoff(value: str) -> None:
    waits, sent = _waits([httpx.Response(429, headers={"Retry-After": value})])
    assert (waits, sent) == (["0.2"], 2)  # the first backoff step, 0.25 s
