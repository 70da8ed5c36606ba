"""Subscribe + WebSocket: Welcome, keepalives, multi-login takeover, and lost sockets."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from tests.sandbox.helpers import Desk, assert_spec, client
from wxcc_desk.sandbox import SandboxHandle


def test_subscribe_answers_the_spec_shape(sandbox: SandboxHandle) -> None:
    with client(sandbox, "alice@example.com") as c:
        r = c.post(
            "/v1/notification/subscribe",
            json={"clientType": "WxccDesk", "isKeepAliveEnabled": True},
        )
    assert r.status_code == 200
    assert_spec(r)
    body = r.json()
    assert (
        body["webSocketUrl"]
        == f"{sandbox.ws_base}/v1/notification/subscription/{body['subscriptionId']}"
    )


def test_welcome_carries_the_ci_user_id(sandbox: SandboxHandle, run) -> None:
    async def go() -> dict:
        async with Desk(sandbox, "alice@example.com") as desk:
            return desk.welcome or {}

    assert run(go()) == {
        "type": "Welcome",
        "data": {"agentId": sandbox.user("alice@example.com").ci_user_id},
    }


def test_unknown_subscription_is_refused(sandbox: SandboxHandle, run) -> None:
    async def go() -> int:
        with pytest.raises(websockets.InvalidStatus) as info:
            await websockets.connect(f"{sandbox.ws_base}/v1/notification/subscription/nope")
        return info.value.response.status_code

    assert run(go()) == 404


def test_socket_dropped_without_client_keepalives(sandbox: SandboxHandle, run) -> None:
    sandbox.websocket(keepalive_timeout_s=0.3)

    async def go() -> int | None:
        async with Desk(sandbox, "alice@example.com", isKeepAliveEnabled=True) as desk:
            with pytest.raises(websockets.ConnectionClosed):
                while True:
                    await desk.event(timeout=5)
            return desk.ws.close_code

    assert run(go()) == 4000


def test_client_keepalives_keep_the_socket_open(sandbox: SandboxHandle, run) -> None:
    sandbox.websocket(keepalive_timeout_s=1.0)

    async def go() -> str:
        async with Desk(sandbox, "alice@example.com", isKeepAliveEnabled=True) as desk:
            for _ in range(7):  # 7 x 0.2 s is well past the 1 s timeout
                await desk.ws.send(json.dumps({"keepalive": "true"}))
                await asyncio.sleep(0.2)
            await desk.call("POST", "/v1/agents/reload", {})
            return (await desk.event())["type"]

    assert run(go()) == "AgentReloginFailed"


def test_keepalive_not_expected_when_disabled(sandbox: SandboxHandle, run) -> None:
    sandbox.websocket(keepalive_timeout_s=0.2, server_keepalive_s=0.1)

    async def go() -> list[dict]:
        async with Desk(sandbox, "alice@example.com", isKeepAliveEnabled=False) as desk:
            frames = [json.loads(await asyncio.wait_for(desk.ws.recv(), 5)) for _ in range(3)]
            await desk.call("POST", "/v1/agents/reload", {})
            frames.append(await desk.event())
            return frames

    frames = run(go())
    assert frames[:3] == [{"keepalive": "true"}] * 3  # the server's own keepalives
    assert frames[3]["type"] == "AgentReloginFailed"  # still open after 3 x the timeout


def test_second_subscription_needs_force_or_multi_login(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com", force=False) as first:
            refused = await first.call(
                "POST", "/v1/notification/subscribe", {"clientType": "WxccDesk"}
            )
            assert refused.status_code == 403
            assert "AGENT_MULTI_LOGIN" in refused.json()["error"]["message"][0]["description"]
            other_app = await first.call(
                "POST", "/v1/notification/subscribe", {"clientType": "Other"}
            )
            assert other_app.status_code == 200
            # With allowMultiLogin the limit is 10 sessions per clientType, so this one joins.
            async with Desk(
                sandbox, "alice@example.com", allowMultiLogin=True, force=False
            ) as second:
                assert second.welcome is not None
            subs = sandbox.sessions()["subscriptions"]
            assert sorted(s["clientType"] for s in subs) == ["Other", "WxccDesk"]  # second closed

    run(go())


def test_force_takes_over_and_tells_the_old_socket(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as old:
            await old.login()
            async with Desk(sandbox, "alice@example.com", force=True) as new:
                frame = await old.event()
                assert frame["type"] == "AGENT_MULTI_LOGIN"
                assert frame["data"]["type"] == "AgentMultiLoginCloseSession"
                with pytest.raises(websockets.ConnectionClosed):
                    await old.event()
                await new.call("POST", "/v1/agents/reload", {})
                back = await new.event()
                assert back["type"] == "AgentReloginSuccess"
                assert back["data"]["lastStateChangeReason"] == ""  # takeover is not a disconnect

    run(go())


def test_multi_login_allows_parallel_sockets(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with (
            Desk(sandbox, "alice@example.com", allowMultiLogin=True, force=False) as one,
            Desk(sandbox, "alice@example.com", allowMultiLogin=True, force=False) as two,
        ):
            await one.login()
            assert (await two.event())["data"]["type"] == "AgentStationLoginSuccess"

    run(go())


def test_last_socket_closing_leaves_agent_logged_in_and_idle(sandbox: SandboxHandle, run) -> None:
    async def go() -> None:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.login()
            await desk.call(
                "PUT", "/v1/agents/session/state", {"state": "Available", "auxCodeId": "0"}
            )
            assert (await desk.event())["data"]["subStatus"] == "Available"

    run(go())
    for _ in range(250):  # the server notices the close asynchronously
        (session,) = sandbox.sessions()["sessions"]
        if session["sub_status"] == "Idle":
            break
        asyncio.run(asyncio.sleep(0.02))
    assert session["sub_status"] == "Idle"
    assert session["state_reason"] == "agent-wss-disconnect"

    async def again() -> dict:
        async with Desk(sandbox, "alice@example.com") as desk:
            await desk.call("POST", "/v1/agents/reload", {})
            return await desk.event()

    back = run(again())
    assert back["type"] == "AgentReloginSuccess"
    assert back["data"]["lastStateChangeReason"] == "agent-wss-disconnect"


def test_a_socket_url_can_be_used_once(sandbox: SandboxHandle, run) -> None:
    async def go() -> int:
        async with Desk(sandbox, "alice@example.com") as desk:
            r = await desk.http.post("/v1/notification/subscribe", json={"clientType": "Again"})
            url = r.json()["webSocketUrl"]
            async with websockets.connect(url):
                with pytest.raises(websockets.InvalidStatus) as info:
                    await websockets.connect(url)
                return info.value.response.status_code

    assert run(go()) == 403


def test_subscribe_without_body_uses_defaults(sandbox: SandboxHandle) -> None:
    with httpx.Client(base_url=sandbox.url, trust_env=False) as c:
        r = c.post(
            "/v1/notification/subscribe",
            headers={"Authorization": f"Bearer {sandbox.token('bob@example.com')}"},
        )
    assert r.status_code == 200
    subs = sandbox.sessions()["subscriptions"]
    assert [s["clientType"] for s in subs] == ["DefaultClient"]
