"""Fault injection (HTTP errors, dropped connections, latency, WebSocket faults), rate limit."""

from __future__ import annotations

import httpx
import pytest
import websockets

from tests.sandbox.helpers import Desk, assert_spec, client
from wxcc_desk.sandbox import ControlError, FaultError, SandboxHandle, parse_fault


def test_error_fault_on_one_route_with_a_count(make_sandbox) -> None:
    sb = make_sandbox(faults=["error=503,path=/v1/people/me,times=1"])
    with client(sb, "alice@example.com") as c:
        first = c.get("/v1/people/me")
        assert first.status_code == 503
        assert first.json()["errors"][0]["description"].startswith("Injected fault")
        assert c.get("/v1/people/me").status_code == 200
        assert c.get(f"/organization/{sb.org_id}/team").status_code == 200


def test_error_fault_uses_the_wxcc_error_body(sandbox: SandboxHandle) -> None:
    sandbox.add_fault("error=500,path=/organization/*/user/*,method=GET")
    alice = sandbox.user("alice@example.com")
    with client(sandbox, "alice@example.com") as c:
        r = c.get(f"/organization/{sandbox.org_id}/user/by-ci-user-id/{alice.ci_user_id}")
    assert r.status_code == 500
    assert_spec(r)


def test_rate_zero_never_fires_and_clear_removes(sandbox: SandboxHandle) -> None:
    sandbox.add_fault("error=503,rate=0")
    with client(sandbox, "alice@example.com") as c:
        assert all(c.get("/v1/people/me").status_code == 200 for _ in range(5))
        sandbox.add_fault("error=502,path=/v1/people/*")
        assert c.get("/v1/people/me").status_code == 502
        sandbox.clear_faults()
        assert c.get("/v1/people/me").status_code == 200
    assert sandbox.control("GET", "faults") == {"faults": []}


def test_dropped_connection(sandbox: SandboxHandle) -> None:
    sandbox.add_fault("drop,path=/v1/agents/login,times=1")
    with client(sandbox, "alice@example.com") as c:
        with pytest.raises(httpx.TransportError):
            c.post("/v1/agents/login", json={"dialNumber": "1", "roles": ["agent"]})
        assert c.get("/v1/people/me").status_code == 200  # server still up


def test_latency_fault_applies_to_its_route_only(make_sandbox) -> None:
    sb = make_sandbox(latency_ms=1, faults="latency=800,path=/v1/people/me,times=1")
    # A client deadline far below the injected delay must expire; other routes answer.
    with client(sb, "alice@example.com") as c:
        with pytest.raises(httpx.ReadTimeout):
            c.get("/v1/people/me", timeout=0.1)
        assert c.get(f"/organization/{sb.org_id}/team", timeout=5).status_code == 200


def test_websocket_drops_after_n_frames(sandbox: SandboxHandle, run) -> None:
    sandbox.add_fault("ws-drop-after=1")

    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:  # the Welcome is frame 1
            with pytest.raises(websockets.ConnectionClosed):
                await desk.event()

    run(go())


def test_withheld_welcome_and_event(sandbox: SandboxHandle, run) -> None:
    sandbox.add_fault("ws-withhold=Welcome", "ws-withhold=AgentStationLoginSuccess,times=1")

    async def go() -> list[str]:
        desk = Desk(sandbox, "alice@example.com")
        await desk.connect(expect_welcome=False)
        try:
            await desk.call("POST", "/v1/agents/reload", {})
            first = await desk.event()
            login = {
                "dialNumber": "+14085550101",
                "teamId": desk.team(),
                "roles": ["agent"],
                "deviceType": "AGENT_DN",
            }
            assert (await desk.call("POST", "/v1/agents/login", login)).status_code == 202
            # The success frame is withheld: the next frame is the reload's answer.
            await desk.call("POST", "/v1/agents/reload", {})
            second = await desk.event()
            return [first["type"], second["type"]]
        finally:
            await desk.__aexit__()

    assert run(go()) == ["AgentReloginFailed", "AgentReloginSuccess"]


def test_foreign_decoy_precedes_each_outcome(sandbox: SandboxHandle, run) -> None:
    sandbox.add_fault("ws-foreign=agent", "ws-foreign=org,times=1")
    alice = sandbox.user("alice@example.com").ci_user_id

    async def go() -> list[dict]:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.call("POST", "/v1/agents/reload", {})
            return [await desk.event() for _ in range(3)]

    by_agent, by_org, real = run(go())
    assert real["type"] == "AgentReloginFailed" and real["data"]["agentId"] == alice
    for decoy in (by_agent, by_org):  # each would tell a client taking it: signed in, busy
        assert decoy["type"] == "AgentReloginSuccess"
        assert decoy["data"]["interactionIds"] == ["decoy-interaction"]
    assert by_agent["data"]["agentId"] != alice
    assert by_org["data"]["agentId"] == alice and by_org["orgId"] != real["orgId"]


def test_welcome_knob(sandbox: SandboxHandle, run) -> None:
    sandbox.websocket(welcome=False)

    async def go() -> str:
        desk = Desk(sandbox, "bob@example.com")
        await desk.connect(expect_welcome=False)
        try:
            await desk.call("POST", "/v1/agents/reload", {})
            return (await desk.event())["type"]
        finally:
            await desk.__aexit__()

    assert run(go()) == "AgentReloginFailed"


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("boom", "unknown fault kind"),
        ("error=abc", "needs a number"),
        ("latency=abc", r"e\.g\. latency=2000 "),  # milliseconds, not an HTTP code
        ("error=200", "4xx or 5xx"),
        ("drop,rate=2", "rate 0..1"),
        ("drop,when=now", "unknown fault option"),
        ("status=bad:US1", "LEVEL:COMPONENT"),
        ("status=major:Agent", "matches no component"),
        ("ws-withhold", "event name"),
        ("", "empty"),
        ("drop,path", "KEY=VALUE"),
        ("drop=1", "takes no value"),
        ("ws-foreign=team", "agent, org, request"),
    ],
)
def test_bad_fault_specs(spec: str, needle: str) -> None:
    with pytest.raises(FaultError, match=needle):
        parse_fault(spec)


def test_bad_fault_via_control_is_400(sandbox: SandboxHandle) -> None:
    with pytest.raises(ControlError) as info:
        sandbox.add_fault("nonsense")
    assert info.value.status == 400


def test_rate_limit_per_token_with_retry_after(make_sandbox) -> None:
    sb = make_sandbox(rate_limit=3)
    with client(sb, "alice@example.com") as alice, client(sb, "bob@example.com") as bob:
        codes = [alice.get("/v1/people/me").status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = alice.get(
            f"/organization/{sb.org_id}/user/by-ci-user-id/{sb.user('alice@example.com').ci_user_id}"
        )
        assert limited.status_code == 429
        assert 1 <= int(limited.headers["Retry-After"]) <= 60
        assert_spec(limited)
        assert bob.get("/v1/people/me").status_code == 200  # per token
