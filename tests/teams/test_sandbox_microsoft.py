"""The sandbox's Microsoft endpoints over loopback: device code grant with each RFC 8628 error,
refresh, Graph, Microsoft's error formats, and the controls."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.teams.conftest import MsSandbox
from wxcc_desk.sandbox.microsoft.state import SANDBOX_CLIENT_ID, SANDBOX_TENANT_ID

GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SCOPE = "offline_access User.Read Presence.Read"


def _root(ms: MsSandbox) -> str:
    return f"{ms.url}/{SANDBOX_TENANT_ID}"


def _device_code(ms: MsSandbox, scope: str = SCOPE) -> dict[str, Any]:
    resp = httpx.post(
        f"{_root(ms)}/oauth2/v2.0/devicecode", data={"client_id": SANDBOX_CLIENT_ID, "scope": scope}
    )
    assert resp.status_code == 200, resp.text
    body: dict[str, Any] = resp.json()
    return body


def _poll(ms: MsSandbox, device_code: str, **headers: str) -> httpx.Response:
    form = {"grant_type": GRANT, "client_id": SANDBOX_CLIENT_ID, "device_code": device_code}
    return httpx.post(f"{_root(ms)}/oauth2/v2.0/token", data=form, headers=headers)


def _assert_ms_error(resp: httpx.Response, error: str, code: int) -> dict[str, Any]:
    assert resp.status_code == 400, resp.text
    body: dict[str, Any] = resp.json()
    assert body["error"] == error
    assert body["error_codes"] == [code]
    assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert body["trace_id"] in body["error_description"]
    assert body["correlation_id"] and body["timestamp"]
    return body


def test_openid_configuration_names_the_endpoints(ms: MsSandbox) -> None:
    doc = httpx.get(f"{ms.url}/sandbox.onmicrosoft.com/v2.0/.well-known/openid-configuration")
    body = doc.json()
    assert body["token_endpoint"] == f"{_root(ms)}/oauth2/v2.0/token"
    assert body["device_authorization_endpoint"] == f"{_root(ms)}/oauth2/v2.0/devicecode"
    assert GRANT in body["grant_types_supported"]


def test_unknown_tenant_and_client_use_microsoft_errors(ms: MsSandbox) -> None:
    resp = httpx.post(f"{ms.url}/nowhere/oauth2/v2.0/devicecode", data={"client_id": "x"})
    assert resp.json()["error_codes"] == [90002]
    resp = httpx.post(
        f"{_root(ms)}/oauth2/v2.0/devicecode", data={"client_id": "nope", "scope": SCOPE}
    )
    assert resp.json()["error"] == "unauthorized_client"
    assert resp.json()["error_codes"] == [700016]
    resp = httpx.post(f"{_root(ms)}/oauth2/v2.0/token", data={"client_id": SANDBOX_CLIENT_ID})
    assert "'grant_type'" in resp.json()["error_description"]


def test_pending_then_approved_issues_tokens_graph_accepts(ms: MsSandbox) -> None:
    code = _device_code(ms)
    assert code["verification_uri"].startswith(ms.url)
    assert code["user_code"] in code["message"]
    body = _assert_ms_error(
        _poll(ms, code["device_code"], **{"client-request-id": "corr-1"}),
        "authorization_pending",
        70016,
    )
    assert body["correlation_id"] == "corr-1"
    ms.control(f"devicecodes/{code['user_code']}/approve", {"user": "sam@example.com"})
    tokens = _poll(ms, code["device_code"]).json()
    assert tokens["token_type"] == "Bearer" and tokens["refresh_token"]
    auth = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = httpx.get(f"{ms.url}/v1.0/me", headers=auth).json()
    assert me["userPrincipalName"] == "sam@example.com"
    ms.control(
        "users/sam@example.com/presence",
        {"availability": "Busy", "activity": "InACall"},
        method="PUT",
    )
    presence = httpx.get(f"{ms.url}/v1.0/me/presence", headers=auth).json()
    assert (presence["availability"], presence["activity"]) == ("Busy", "InACall")
    # a device code is single use
    _assert_ms_error(_poll(ms, code["device_code"]), "bad_verification_code", 70019)


def test_polling_faster_than_the_interval_gets_slow_down(ms: MsSandbox) -> None:
    ms.control("settings", {"interval": 5})
    code = _device_code(ms)
    assert code["interval"] == 5
    _assert_ms_error(_poll(ms, code["device_code"]), "authorization_pending", 70016)
    _assert_ms_error(_poll(ms, code["device_code"]), "slow_down", 70016)


@pytest.mark.parametrize(
    ("action", "error", "code"),
    [("deny", "access_denied", 65004), ("expire", "expired_token", 70020)],
)
def test_denied_and_expired_codes(ms: MsSandbox, action: str, error: str, code: int) -> None:
    device = _device_code(ms)
    ms.control(f"devicecodes/{device['user_code']}/{action}")
    _assert_ms_error(_poll(ms, device["device_code"]), error, code)


def test_clock_advance_expires_a_code(ms: MsSandbox) -> None:
    device = _device_code(ms)
    ms.control("clock", {"advance": 901})
    _assert_ms_error(_poll(ms, device["device_code"]), "expired_token", 70020)


def _tokens(ms: MsSandbox, scope: str = SCOPE) -> dict[str, Any]:
    ms.auto("approve")
    device = _device_code(ms, scope)
    body: dict[str, Any] = _poll(ms, device["device_code"]).json()
    return body


def test_no_refresh_token_without_offline_access(ms: MsSandbox) -> None:
    assert "refresh_token" not in _tokens(ms, "User.Read")


def test_refresh_grant_revocation_and_expiry(ms: MsSandbox) -> None:
    tokens = _tokens(ms)
    form = {
        "grant_type": "refresh_token",
        "client_id": SANDBOX_CLIENT_ID,
        "refresh_token": tokens["refresh_token"],
        "scope": SCOPE,
    }
    url = f"{_root(ms)}/oauth2/v2.0/token"
    assert httpx.post(url, data=form).json()["access_token"] != tokens["access_token"]
    ms.control("clock", {"advance": 91 * 86400})
    _assert_ms_error(httpx.post(url, data=form), "invalid_grant", 700082)
    ms.control("reset")
    tokens = _tokens(ms)
    form["refresh_token"] = tokens["refresh_token"]
    ms.control("revoke", {"user": "sam@example.com"})
    _assert_ms_error(httpx.post(url, data=form), "invalid_grant", 50173)


def test_graph_refuses_expired_missing_and_scope_less_tokens(ms: MsSandbox) -> None:
    assert httpx.get(f"{ms.url}/v1.0/me").json()["error"]["message"] == "Access token is empty."
    narrow = _tokens(ms, "offline_access User.Read")
    resp = httpx.get(
        f"{ms.url}/v1.0/me/presence", headers={"Authorization": f"Bearer {narrow['access_token']}"}
    )
    assert resp.status_code == 403 and resp.json()["error"]["code"] == "Forbidden"
    ms.control("clock", {"advance": 3601})
    resp = httpx.get(
        f"{ms.url}/v1.0/me", headers={"Authorization": f"Bearer {narrow['access_token']}"}
    )
    assert resp.status_code == 401
    err = resp.json()["error"]
    assert err["code"] == "InvalidAuthenticationToken" and "expired" in err["message"]
    assert err["innerError"]["request-id"] == resp.headers["request-id"]


def test_injected_faults_answer_next(ms: MsSandbox) -> None:
    ms.control("faults", {"token": ["slow_down"], "graph": [503]})
    device = _device_code(ms)
    _assert_ms_error(_poll(ms, device["device_code"]), "slow_down", 70016)
    assert httpx.get(f"{ms.url}/v1.0/me").status_code == 503
    resp = httpx.post(f"{ms.url}/_sandbox/microsoft/faults", json={"token": ["bogus"]})
    assert resp.status_code == 400


def test_verification_page_approves_a_code(ms: MsSandbox) -> None:
    device = _device_code(ms)
    page = httpx.get(device["verification_uri"])
    assert "<form" in page.text
    done = httpx.post(
        device["verification_uri"],
        data={"user_code": device["user_code"], "user": "alice@example.com", "action": "approve"},
    )
    assert "approved" in done.text
    assert _poll(ms, device["device_code"]).status_code == 200
    assert device["user_code"] not in ms.summary()["pending_user_codes"]
