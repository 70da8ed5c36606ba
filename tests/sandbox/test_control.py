"""The control API: reset, sessions, RONA, interactions, users, request log."""

from __future__ import annotations

import httpx
import pytest

from tests.sandbox.helpers import Desk, client
from wxcc_desk.sandbox import ControlError, SandboxHandle


def test_rona_offer_then_state_change(sandbox: SandboxHandle, run) -> None:
    async def go() -> list[dict]:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login()
            sandbox.rona("alice@example.com", interaction_id="call-1")
            return [await desk.event(), await desk.event()]

    offer, change = run(go())
    assert offer["type"] == "RoutingMessage"
    assert offer["data"]["type"] == "AgentOfferContactRona"
    assert offer["data"]["interactionId"] == "call-1"
    assert change["type"] == "AgentStateChange"
    assert change["data"]["subStatus"] == "RONA"
    rona = next(a.id for a in sandbox.tenant.aux_codes.values() if a.name == "RONA")
    assert change["data"]["auxCodeId"] == rona


def test_rona_needs_a_logged_in_agent(sandbox: SandboxHandle) -> None:
    with pytest.raises(ControlError) as info:
        sandbox.rona("alice@example.com")
    assert info.value.status == 409
    with pytest.raises(ControlError) as info:
        sandbox.rona("ghost@example.com")
    assert info.value.status == 404


def test_sessions_and_reset(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login("+14085550101")
            state = sandbox.sessions()
            (session,) = state["sessions"]
            assert (session["email"], session["dial_number"], session["sockets"]) == (
                "alice@example.com",
                "+14085550101",
                1,
            )
            sandbox.reset()
            assert sandbox.sessions() == {"sessions": [], "subscriptions": []}

    run(go())
    assert sandbox.requests == []


def test_supervisor_style_state_push(sandbox: SandboxHandle, run) -> None:
    async def go() -> dict:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login()
            sandbox.control(
                "POST", "state", {"email": "alice@example.com", "subStatus": "Available"}
            )
            return await desk.event()

    frame = run(go())
    assert (frame["type"], frame["data"]["subStatus"]) == ("AgentStateChange", "Available")


def test_users_and_requests_endpoints(sandbox: SandboxHandle) -> None:
    users = sandbox.control("GET", "users")["users"]
    assert {u["email"] for u in users} >= {
        "sam@example.com",
        "alice@example.com",
        "bob@example.com",
        "sue@example.com",
        "admin@example.com",
    }
    with client(sandbox, "alice@example.com") as c:
        c.get("/v1/people/me")
    log = sandbox.control("GET", "requests")["requests"]
    assert [(r["method"], r["path"], r["status"]) for r in log] == [("GET", "/v1/people/me", 200)]


def test_bad_control_calls(sandbox: SandboxHandle) -> None:
    for method, path, body in (
        ("POST", "websocket", {"nope": 1}),
        ("POST", "tokens/expire", {"email": "x"}),
        ("DELETE", "interactions/none", None),
        ("POST", "interactions", {}),
    ):
        with pytest.raises(ControlError):
            sandbox.control(method, path, body)
    json_type = {"Content-Type": "application/json"}
    r = httpx.post(sandbox.control_url + "/rona", content=b"{bad", headers=json_type)
    assert r.status_code == 400


def test_default_tenant_shape(sandbox: SandboxHandle) -> None:
    roles = {u.email: (set(u.roles), u.admin) for u in sandbox.users}
    assert roles["sam@example.com"] == ({"agent", "supervisor"}, False)
    assert roles["sue@example.com"] == ({"supervisor"}, False)
    assert roles["admin@example.com"][1] is True
    assert "cjp:config_read" in sandbox.user("admin@example.com").scopes
    assert (
        sandbox.user("alice@example.com").default_dn == sandbox.user("bob@example.com").default_dn
    )


def test_run_sandbox_reports_a_busy_port() -> None:
    import socket

    from wxcc_desk.sandbox import run_sandbox

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        with pytest.raises(OSError), run_sandbox(port=busy.getsockname()[1]):
            pass
