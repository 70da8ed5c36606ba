"""The control API answers this machine only and validates what it is given: loopback `Host`
names (DNS rebinding), no cross-origin or non-JSON writes (CSRF), bounded fault and knob values,
bounded authorization codes, no CR/LF into a header, and no token in its logs."""

from __future__ import annotations

import logging

import httpx
import pytest

from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.sandbox.faults import FaultError, parse_fault
from wxcc_desk.sandbox.identity import MAX_CODES
from wxcc_desk.sandbox.middleware import loopback_name

JSON = {"Content-Type": "application/json"}


@pytest.mark.parametrize("host", ["attacker.example:8642", "10.0.0.5", "127.0.0.1.nip.io"])
def test_a_foreign_host_name_is_refused(sandbox: SandboxHandle, host: str) -> None:
    r = httpx.get(sandbox.control_url + "/users", headers={"Host": host})
    assert r.status_code == 403
    assert "token" not in r.text
    assert httpx.get(sandbox.control_url + "/users", headers={"Host": "localhost:1"}).is_success


@pytest.mark.parametrize(
    ("name", "ok"),
    [("localhost", True), ("LOCALHOST:80", True), ("[::1]:9", True), ("127.3.4.5", True),
     ("a.localhost", True), ("evil.com", False), ("[::2]", False), ("", False)],
)  # fmt: skip
def test_loopback_names(name: str, ok: bool) -> None:
    assert loopback_name(name) is ok


def test_cross_origin_and_non_json_writes_are_refused(sandbox: SandboxHandle) -> None:
    url = sandbox.control_url + "/reset"
    page = {"Origin": "http://attacker.example", **JSON}
    assert httpx.post(url, content=b"{}", headers=page).status_code == 403
    form = {"Content-Type": "text/plain"}
    assert httpx.post(url, content=b"{}", headers=form).status_code == 415
    assert httpx.post(url, content=b"{}", headers=JSON).is_success
    local = {"Origin": "http://127.0.0.1:5000", **JSON}
    assert httpx.post(url, content=b"{}", headers=local).is_success


@pytest.mark.parametrize(
    "spec",
    ["latency=600001", "latency=²", "ws-drop-after=99999999", "error=503,times=-1",
     "error=429,retry-after=999999", "error=5030", "drop,times=10000000", "x" * 600],
)  # fmt: skip
def test_absurd_fault_values_are_refused(sandbox: SandboxHandle, spec: str) -> None:
    with pytest.raises(FaultError):
        parse_fault(spec)
    r = httpx.post(sandbox.control_url + "/faults", json={"spec": spec})
    assert r.status_code == 400, r.text


@pytest.mark.parametrize(
    "knobs",
    [{"server_keepalive_s": 0}, {"server_keepalive_s": -1}, {"keepalive_timeout_s": 1e12},
     {"server_keepalive_s": True}, {"url_base": "ws://x/\r\nSet-Cookie: a"}],
)  # fmt: skip
def test_bad_websocket_knobs_are_refused(sandbox: SandboxHandle, knobs: dict[str, object]) -> None:
    r = httpx.post(sandbox.control_url + "/websocket", json=knobs)
    assert r.status_code == 400, r.text
    assert sandbox.websocket()["server_keepalive_s"] == 4.0  # nothing was applied


def test_authorization_codes_are_bounded(sandbox: SandboxHandle) -> None:
    client = sandbox.tenant.oauth.client_id
    query = {
        "client_id": client,
        "redirect_uri": "http://127.0.0.1:5/cb",
        "response_type": "code",
        "code_challenge_method": "S256",
        "code_challenge": "x" * 43,
        "login_hint": "sam@example.com",
    }
    with httpx.Client(base_url=sandbox.url) as http:
        for _ in range(MAX_CODES + 50):
            assert http.get("/v1/authorize", params=query).status_code == 302
    assert len(sandbox._world.codes) == MAX_CODES  # what the sandbox keeps, seen directly


def test_a_redirect_uri_with_a_line_break_never_reaches_a_header(sandbox: SandboxHandle) -> None:
    query = {
        "client_id": sandbox.tenant.oauth.client_id,
        "redirect_uri": "http://127.0.0.1:5/cb\r\nSet-Cookie: x=1",
        "response_type": "code",
    }
    r = httpx.get(sandbox.url + "/v1/authorize", params=query)
    assert r.status_code == 400 and "set-cookie" not in r.headers


def test_sandbox_logs_never_show_a_bearer_token(
    sandbox: SandboxHandle, caplog: pytest.LogCaptureFixture
) -> None:
    token = sandbox.token("sam@example.com")
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("aiohttp.server").error("bad request: Authorization: Bearer %s", token)
        try:
            raise ValueError(f"header Authorization: Bearer {token}")
        except ValueError:
            logging.getLogger("wxcc_desk.sandbox").exception("sandbox bug")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert "Authorization: ***" in text and token not in text
