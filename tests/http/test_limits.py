"""Bounds on every answer, against a hostile server over a real loopback socket: a total
deadline per attempt, a size cap on bodies, JSON too deep to parse, and the proxy rules."""

from __future__ import annotations

import asyncio
import io
import os
import time
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.servers import TestCA as CertAuthority
from tests.diagnose.servers import connect_proxy, serve_https
from tests.support import hostile
from wxcc_desk.app import main
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import ConfigError, NetworkError, RejectedError
from wxcc_desk.core.output import Output
from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.client import UncertainOutcome, make_http
from wxcc_desk.http.limits import MAX_BODY_BYTES, loads
from wxcc_desk.http.tls import TlsChoice, choose_tls
from wxcc_desk.profiles.schema import Timeouts
from wxcc_desk.sandbox import SandboxHandle

ROOT = Path(__file__).resolve().parents[2]
PROFILE = str(ROOT / "profiles" / "sandbox.yaml")
FAST = Timeouts(connect=0.5, read=1.0, attempts=1)


def _get(url: str, *, method: str = "GET", env: dict[str, str] | None = None, **kw: Any) -> Any:
    async def go() -> Any:
        http = make_http(
            tracker=Tracker(),
            trace=lambda _line: None,
            tls=kw.pop("tls", TlsChoice(True, "test")),
            timeouts=kw.pop("timeouts", FAST),
            env=env or {},
        )
        async with http:
            if method == "GET":
                return await http.get_json(url, what="read the test answer")
            return await http.send(method, url, what="post the test request", json={})

    return asyncio.run(go())


def _cli(*argv: str, env: dict[str, str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    actx = AppContext(out=Output(stdout=out, stderr=err), env={**os.environ, **env})
    try:
        main(list(argv), actx)
        code = 0
    except SystemExit as done:
        code = int(done.code or 0)
    return code, out.getvalue(), err.getvalue()


# --------------------------------------------------------------------------- deadline


def test_a_trickling_body_ends_at_the_deadline_not_never() -> None:
    # One byte every 0.1 s for 60 s: each byte restarts a read timeout, never the deadline.
    with hostile.serve(hostile.trickle(60)) as srv:
        start = time.monotonic()
        with pytest.raises(NetworkError) as info:
            _get(srv.url + "/x")
        took = time.monotonic() - start
    assert info.value.code == "DEADLINE"
    assert "within 1.5 s" in info.value.message and "timeouts.request" in info.value.hint
    assert took < 30  # far below the trickle's 60 s: the deadline, not the server, ended it


def test_a_trickle_after_a_non_idempotent_request_is_an_uncertain_outcome() -> None:
    with hostile.serve(hostile.trickle(60)) as srv, pytest.raises(UncertainOutcome) as info:
        _get(srv.url + "/v1/agents/login", method="POST")
    assert "within 1.5 s" in info.value.message
    assert "wxcc-desk status" in info.value.hint


def test_status_against_a_trickling_service_exits_5_with_one_line() -> None:
    with hostile.serve(hostile.trickle(60)) as srv:
        env = {
            "WXCC_BASE_URL": srv.url,
            "WXCC_ACCESS_TOKEN": "tok_us1_" + "a" * 36,
            "WXCC_TIMEOUT_CONNECT": "0.5",
            "WXCC_TIMEOUT_REQUEST": "1",
        }
        code, _out, err = _cli("status", "-p", PROFILE, env=env)
    assert code == 5, err
    assert "\nerror: could not " in err and "within 1.5 s" in err
    assert "Traceback" not in err


# --------------------------------------------------------------------------- size


def test_a_declared_huge_body_is_refused_before_it_is_read() -> None:
    slow = Timeouts(connect=5, read=20, attempts=1)
    with (
        hostile.serve(hostile.declared(300 * hostile.MIB)) as srv,
        pytest.raises(NetworkError) as info,
    ):
        _get(srv.url + "/x", timeouts=slow)
    assert info.value.code == "RESPONSE_TOO_LARGE"
    assert info.value.exit_code == 5
    assert "16 MiB" in info.value.message and "Content-Length 314572800" in info.value.message


def test_an_endless_body_is_cut_at_the_bound() -> None:
    slow = Timeouts(connect=5, read=60, attempts=1)
    with (
        hostile.serve(hostile.endless(40 * hostile.MIB)) as srv,
        pytest.raises(NetworkError) as info,
    ):
        _get(srv.url + "/x", timeouts=slow)
    assert info.value.code == "RESPONSE_TOO_LARGE"
    assert f"more than {MAX_BODY_BYTES} bytes" in info.value.message


def test_a_body_just_under_the_bound_is_read() -> None:
    data = b'"' + b"x" * (2 * hostile.MIB) + b'"'
    with hostile.serve(hostile.body(data)) as srv:
        assert len(_get(srv.url + "/x", timeouts=Timeouts(connect=5, read=60))) == 2 * hostile.MIB


# --------------------------------------------------------------------------- JSON


def test_json_nested_too_deep_is_a_bad_answer_not_a_crash() -> None:
    deep = b"[" * 200_000 + b"]" * 200_000
    with pytest.raises(ValueError, match="too deep"):
        loads(deep)
    with hostile.serve(hostile.body(deep)) as srv:
        with pytest.raises(NetworkError) as info:
            _get(srv.url + "/x")
        assert info.value.code == "BAD_RESPONSE"
        env = {"WXCC_BASE_URL": srv.url, "WXCC_ACCESS_TOKEN": "tok_us1_" + "a" * 36}
        code, _out, err = _cli("status", "-p", PROFILE, env=env)
    assert code == 5, err
    assert "internal error" not in err and "not JSON" in err


def test_a_deep_error_body_still_gives_the_status_error() -> None:
    deep = b'{"error":' * 100_000 + b"1" + b"}" * 100_000
    with hostile.serve(hostile.body(deep, status=400)) as srv, pytest.raises(RejectedError) as info:
        _get(srv.url + "/x")
    assert "HTTP 400" in info.value.message


# --------------------------------------------------------------------------- proxies


def test_plain_http_loopback_never_goes_through_a_proxy(sandbox: SandboxHandle) -> None:
    with connect_proxy() as proxy:
        env = {
            "WXCC_BASE_URL": sandbox.url,
            "WXCC_ACCESS_TOKEN": sandbox.token("sam@example.com"),
            "HTTP_PROXY": proxy.url,
            "ALL_PROXY": proxy.url,
            "http_proxy": proxy.url,
            "HTTPS_PROXY": proxy.url,
        }
        for argv in (["login"], ["status"], ["logout"]):
            code, _out, err = _cli(*argv, "-p", PROFILE, env=env)
            assert code == 0, err
    assert proxy.seen == []  # neither the bearer token nor the WebSocket reached it


def test_https_follows_https_proxy_unless_no_proxy_names_the_host(tmp_path: Path) -> None:
    ca = CertAuthority(tmp_path)
    tls = choose_tls("bundle", str(ca.pem))
    with serve_https(ca.server_context()) as url, connect_proxy() as proxy:
        target = url.replace("127.0.0.1", "localhost") + "/x"
        assert _get(target, tls=tls, env={"HTTPS_PROXY": proxy.url}) == {}
        assert proxy.seen and proxy.seen[0].startswith("CONNECT localhost:")
        proxy.seen.clear()
        env = {"HTTPS_PROXY": proxy.url, "NO_PROXY": "example.com,localhost"}
        assert _get(target, tls=tls, env=env) == {}
        assert proxy.seen == []
        assert _get(target, tls=tls, env={"all_proxy": proxy.url}) == {}
        assert proxy.seen


@pytest.mark.parametrize("value", ["socks5://127.0.0.1:1080", "ftp://proxy:21", "http://"])
def test_an_unusable_proxy_is_one_clear_error(value: str) -> None:
    with pytest.raises(ConfigError) as info:
        _get("https://localhost:9/x", env={"HTTPS_PROXY": value})
    assert info.value.code == "PROXY" and info.value.exit_code == 3
    assert "HTTPS_PROXY=" in info.value.message and "http://" in info.value.hint
    code, _out, err = _cli(
        "status",
        "-p",
        PROFILE,
        env={
            "WXCC_BASE_URL": "https://localhost:9",
            "WXCC_ACCESS_TOKEN": "tok_us1_" + "a" * 36,
            "HTTPS_PROXY": value,
        },
    )
    assert code == 3, err
    assert "\nerror: the proxy HTTPS_PROXY=" in err and "internal error" not in err


# --------------------------------------------------------------------------- bounded text


def test_a_huge_error_description_is_cut() -> None:
    import json

    huge = json.dumps({"error": {"message": [{"description": "x" * (5 * hostile.MIB)}]}})
    slow = Timeouts(connect=5, read=30, attempts=1)
    with (
        hostile.serve(hostile.body(huge.encode(), status=400)) as srv,
        pytest.raises(RejectedError) as info,
    ):
        _get(srv.url + "/x", timeouts=slow)
    assert len(info.value.message) < 500
    assert f"({5 * hostile.MIB - 300} more characters)" in info.value.message


def _tls_line(err: str) -> str:
    (line,) = [line for line in err.splitlines() if line.startswith("TLS: ")]
    return line


def test_verbose_names_plain_http_only_for_http() -> None:
    """-v's TLS line: what verifies certificates for https; for plain http, plainly no TLS (a CA
    bundle verifies nothing there)."""
    env = {"WXCC_BASE_URL": "https://localhost:9", "WXCC_ACCESS_TOKEN": "tok_us1_" + "a" * 36}
    _code, _out, err = _cli("-v", "status", "-p", PROFILE, env=env)
    assert _tls_line(err).startswith("TLS: verifying") and "plain http" not in err
    with hostile.serve(hostile.body(b"{}")) as srv:
        env["WXCC_BASE_URL"] = srv.url
        _code, _out, err = _cli("-v", "status", "-p", PROFILE, env=env)
        plain = _tls_line(err)
        assert plain == (
            "TLS: none: plain http on loopback (api_url, identity_url, status_url), so no "
            "certificate is verified"
        ), plain
        # identity on https, the rest on loopback: each said for what it is
        env["WXCC_IDENTITY_URL"] = "https://localhost:9"
        _code, _out, err = _cli("-v", "status", "-p", PROFILE, env=env)
    mixed = _tls_line(err)
    assert mixed.startswith("TLS: verifying with ") and " for identity_url; " in mixed, mixed
    assert mixed.endswith(
        "; none: plain http on loopback (api_url, status_url), so no certificate is verified"
    ), mixed
