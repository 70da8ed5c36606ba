"""`POST /v1/notification/subscribe` and the notification WebSocket.

Protocol §2a/§2b: Welcome first, `{"keepalive":"true"}` both ways, §3 envelopes for everything
else. The subscription id in the URL is the credential (no auth header on the socket).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import uuid
from typing import Any

from aiohttp import WSMsgType, web

from wxcc_desk.sandbox.respond import ApiError, authenticate, json_body, tracking_id
from wxcc_desk.sandbox.world import WORLD, Subscription, World, now_ms

MAX_MULTI_LOGIN = 10
KEEPALIVE = {"keepalive": "true"}


def envelope(
    world: World, outer: str, data: dict[str, Any], request_tracking: str = ""
) -> dict[str, Any]:
    """The §3 frame: outer type, orgId, `notifs_<uuid>` trackingId, and `data` with its type."""
    org = world.tenant.org.id
    inner = {"eventType": "AgentDesktopMessage", "orgId": org, **data}
    if request_tracking:
        inner["trackingId"] = request_tracking
    else:
        inner.setdefault("trackingId", str(uuid.uuid4()))
    return {"type": outer, "orgId": org, "trackingId": f"notifs_{uuid.uuid4()}", "data": inner}


async def emit(world: World, ci_user_id: str, frame: dict[str, Any]) -> int:
    """Send a frame to every open socket of the agent; returns how many got it."""
    from wxcc_desk.sandbox.decoys import decoy

    sent = 0
    for sub in world.open_subs(ci_user_id):
        for fault in world.faults:
            fake = decoy(world, frame, fault.value) if fault.kind == "ws-foreign" else None
            if fake is not None and fault.fire():
                await send_frame(world, sub, fake)
        if await send_frame(world, sub, frame):
            sent += 1
    return sent


def _withheld(world: World, frame: dict[str, Any]) -> bool:
    names = {frame.get("type"), (frame.get("data") or {}).get("type")}
    return any(f.kind == "ws-withhold" and f.value in names and f.fire() for f in world.faults)


async def send_frame(world: World, sub: Subscription, frame: dict[str, Any]) -> bool:
    ws = sub.ws
    if ws is None or ws.closed or sub.half_open or _withheld(world, frame):
        return False
    try:
        await ws.send_str(json.dumps(frame))
    except (ConnectionError, RuntimeError):
        return False
    sub.frames_sent += 1
    for fault in world.faults:
        if fault.kind == "ws-drop-after" and sub.frames_sent >= fault.int_value and fault.fire():
            _abort(sub)
        if fault.kind == "ws-half-open" and sub.frames_sent >= fault.int_value and fault.fire():
            # The socket stays open and keeps reading, but nothing more goes out, keepalives
            # included: what a client sees of a half-open connection.
            sub.half_open = True
    return True


def _abort(sub: Subscription) -> None:
    """Drop the TCP connection without a close frame, like a network failure."""
    if sub.transport is not None:
        sub.transport.abort()


async def subscribe(request: web.Request) -> web.Response:
    user, _ = authenticate(request, "cjp:user")
    world = request.app[WORLD]
    body = await json_body(request, required=False)
    client_type, keepalive, multi, force = _subscribe_options(body)
    _expire_pending(world, user.ci_user_id)
    same = [
        s for s in world.user_subs.get(user.ci_user_id, {}).values() if s.client_type == client_type
    ]
    if multi and len(same) >= MAX_MULTI_LOGIN:
        if not force:
            raise ApiError(
                403,
                f"AGENT_MULTI_LOGIN: {MAX_MULTI_LOGIN} sessions of clientType "
                f"{client_type} already exist; subscribe with force=true.",
            )
        await take_over(world, same[:1])
    elif not multi and same:
        if not force:
            raise ApiError(
                403,
                f"AGENT_MULTI_LOGIN: a session of clientType {client_type} already "
                "exists; subscribe with force=true or allowMultiLogin=true.",
            )
        await take_over(world, same)
    # The spec types subscriptionId as a uuid (live ids look like `AgentDesktop-<uuid>`).
    sub = Subscription(str(uuid.uuid4()), user.ci_user_id, client_type, keepalive, time.time())
    world.add_sub(sub)
    base = world.knobs.url_base or f"ws://{request.host}"
    url = f"{base}/v1/notification/subscription/{sub.id}"
    return web.json_response({"webSocketUrl": url, "subscriptionId": sub.id})


def _subscribe_options(body: dict[str, Any]) -> tuple[str, bool, bool, bool]:
    client_type = body.get("clientType", "DefaultClient")
    if not isinstance(client_type, str) or not client_type or len(client_type) > 20:
        raise ApiError(400, "clientType must be a non-empty string of at most 20 characters.")
    flags = []
    for key in ("isKeepAliveEnabled", "allowMultiLogin", "force"):
        value = body.get(key, False)
        if not isinstance(value, bool):
            raise ApiError(400, f"{key} must be true or false.")
        flags.append(value)
    return client_type, flags[0], flags[1], flags[2]


def _expire_pending(world: World, ci_user_id: str) -> None:
    """Forget subscriptions whose socket never connected within the TTL."""
    cutoff = time.time() - world.knobs.pending_subscription_ttl_s
    for sub in list(world.user_subs.get(ci_user_id, {}).values()):
        if not sub.connected and sub.ws is None and sub.created < cutoff:
            world.drop_sub(sub)


async def take_over(world: World, subs: list[Subscription]) -> None:
    """Tell each losing socket `AgentMultiLoginCloseSession`, then close it."""
    for sub in subs:
        sub.taken_over = True
        frame = envelope(
            world,
            "AGENT_MULTI_LOGIN",
            {
                "type": "AgentMultiLoginCloseSession",
                "agentId": sub.ci_user_id,
                "subscriptionId": sub.id,
                "reason": "AGENT_MULTI_LOGIN",
            },
        )
        await send_frame(world, sub, frame)
        world.drop_sub(sub)
        if sub.ws is not None and not sub.ws.closed:
            await sub.ws.close(code=1000, message=b"AGENT_MULTI_LOGIN")


async def socket(request: web.Request) -> web.StreamResponse:
    world = request.app[WORLD]
    sub = world.subscriptions.get(request.match_info["subscription_id"])
    if sub is None:
        raise ApiError(
            404, "Unknown or expired subscription id; subscribe again.", entity="subscription"
        )
    if sub.ws is not None:
        raise ApiError(403, "This subscription already has a WebSocket; subscribe again.")
    ws = web.WebSocketResponse(autoping=True)
    ws.headers["TrackingID"] = tracking_id(request)
    await ws.prepare(request)
    sub.ws, sub.connected, sub.transport = ws, True, request.transport
    pinger = asyncio.create_task(_server_keepalives(world, sub))
    try:
        if world.knobs.welcome:
            await send_frame(world, sub, {"type": "Welcome", "data": {"agentId": sub.ci_user_id}})
        await _read_loop(world, sub, ws)
    finally:
        pinger.cancel()
        sub.connected = False
        world.drop_sub(sub)
        if not ws.closed:
            await ws.close()
        await socket_closed(world, sub)
    return ws


async def _read_loop(world: World, sub: Subscription, ws: web.WebSocketResponse) -> None:
    """Read client frames; when keepalives are expected, drop the socket after the timeout."""
    while not ws.closed:
        timeout = world.knobs.keepalive_timeout_s if sub.keepalive else None
        try:
            msg = await asyncio.wait_for(ws.receive(), timeout)
        except TimeoutError:
            await ws.close(code=4000, message=b"missing keepalive from desktop")
            return
        if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR):
            return


async def _server_keepalives(world: World, sub: Subscription) -> None:
    with contextlib.suppress(asyncio.CancelledError):
        while True:
            await asyncio.sleep(world.knobs.server_keepalive_s)
            if sub.ws is None or sub.ws.closed:
                return
            if sub.half_open:
                continue
            with contextlib.suppress(ConnectionError, RuntimeError):
                await sub.ws.send_str(json.dumps(KEEPALIVE))


async def socket_closed(world: World, sub: Subscription) -> None:
    """Inferred: when an agent's last socket closes, the station stays logged in and goes Idle
    (`lastStateChangeReason: agent-wss-disconnect`, which the SDK's relogin looks for)."""
    session = world.sessions.get(sub.ci_user_id)
    if session is None or sub.taken_over or world.open_subs(sub.ci_user_id):
        return
    ts = now_ms()
    session.sub_status = "Idle"
    session.aux_code_id = default_idle_code(world)
    session.state_reason = "agent-wss-disconnect"
    session.state_ts = session.idle_ts = ts


def default_idle_code(world: World) -> str:
    codes = [c for c in world.tenant.aux_codes.values() if c.work_type == "IDLE_CODE" and c.active]
    default = next((c for c in codes if c.default), codes[0] if codes else None)
    return default.id if default else "0"


def register(app: web.Application) -> None:
    app.router.add_post("/v1/notification/subscribe", subscribe)
    app.router.add_get("/v1/notification/subscription/{subscription_id}", socket)
