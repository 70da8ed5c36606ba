"""The control API under `/_sandbox/` (loopback only, no auth): test and dry-run knobs."""

from __future__ import annotations

import dataclasses
import math
import time
import uuid
from typing import Any

from aiohttp import WSCloseCode, web

from wxcc_desk.sandbox import states
from wxcc_desk.sandbox.faults import FaultError, as_faults
from wxcc_desk.sandbox.microsoft.state import MICROSOFT
from wxcc_desk.sandbox.model import User
from wxcc_desk.sandbox.notifications import emit, envelope
from wxcc_desk.sandbox.respond import ApiError
from wxcc_desk.sandbox.world import WORLD, Interaction, World

P = "/_sandbox"


async def _body(request: web.Request) -> dict[str, Any]:
    if not await request.read():
        return {}
    try:
        data = await request.json()
    except ValueError:
        raise ApiError(400, "The control request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The control request body must be a JSON object.")
    return data


def _agent(world: World, body: dict[str, Any]) -> User:
    """The agent a control call names, by `email` or `agentId` (ciUserId)."""
    key = body.get("email") or body.get("agentId")
    user = None
    if isinstance(key, str):
        user = world.user_by_email(key) or world.tenant.by_ci.get(key)
    if user is None:
        raise ApiError(404, f"No sandbox user {key!r}; pass email or agentId.")
    return user


def users_doc(world: World) -> list[dict[str, Any]]:
    return [
        {
            "email": u.email,
            "roles": u.roles,
            "admin": u.admin,
            "scopes": u.scopes,
            "token": world.user_tokens[u.email.lower()],
            "ciUserId": u.ci_user_id,
            "id": u.id,
            "orgId": world.tenant.org.id,
            "displayName": u.display_name,
            "defaultDn": u.default_dn,
        }
        for u in world.tenant.users.values()
    ]


async def reset(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    for sub in list(world.subscriptions.values()):
        sub.taken_over = True  # a reset, not a lost agent connection
        if sub.ws is not None and not sub.ws.closed:
            await sub.ws.close(code=WSCloseCode.GOING_AWAY, message=b"sandbox reset")
    world.subscriptions.clear()
    world.user_subs.clear()
    world.reset()
    if MICROSOFT in request.app:  # the Teams side starts over too (users and clock kept)
        request.app[MICROSOFT].reset()
    return web.json_response({"reset": True})


async def sessions(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    doc = [
        {
            **dataclasses.asdict(s),
            "email": world.tenant.by_ci[ci].email,
            "interactionIds": [i.id for i in world.interactions_of(ci)],
            "sockets": len(world.open_subs(ci)),
        }
        for ci, s in world.sessions.items()
    ]
    subs = [
        {
            "subscriptionId": s.id,
            "agentId": s.ci_user_id,
            "clientType": s.client_type,
            "connected": s.connected,
            "keepalive": s.keepalive,
            "framesSent": s.frames_sent,
        }
        for s in world.subscriptions.values()
    ]
    return web.json_response({"sessions": doc, "subscriptions": subs})


async def users(request: web.Request) -> web.Response:
    return web.json_response({"users": users_doc(request.app[WORLD])})


async def add_interaction(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    body = await _body(request)
    user = _agent(world, body)
    item = Interaction(
        str(body.get("interactionId") or uuid.uuid4()),
        user.ci_user_id,
        str(body.get("media", "telephony")),
        bool(body.get("monitoring", False)),
    )
    world.interactions[item.id] = item
    return web.json_response(dataclasses.asdict(item), status=201)


async def end_interaction(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    if world.interactions.pop(request.match_info["id"], None) is None:
        raise ApiError(404, f"No interaction {request.match_info['id']}.")
    return web.json_response({"ended": request.match_info["id"]})


async def rona(request: web.Request) -> web.Response:
    """RONA for a logged-in agent: the offer frame, then the state change (docs/sandbox.md)."""
    world = request.app[WORLD]
    body = await _body(request)
    user = _agent(world, body)
    session = world.sessions.get(user.ci_user_id)
    if session is None:
        raise ApiError(409, f"{user.email} is not logged in; RONA needs a logged-in agent.")
    interaction = str(body.get("interactionId") or uuid.uuid4())
    offer, change = states.rona(world, user, session, interaction)
    await emit(world, user.ci_user_id, envelope(world, "RoutingMessage", offer))
    sent = await emit(world, user.ci_user_id, envelope(world, "AgentStateChange", change))
    return web.json_response(
        {"interactionId": interaction, "auxCodeId": session.aux_code_id, "sockets": sent}
    )


async def add_faults(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    body = await _body(request)
    specs = body.get("specs") or ([body["spec"]] if "spec" in body else [])
    try:
        faults = as_faults(specs)
    except FaultError as err:
        raise ApiError(400, str(err)) from None
    world.faults.extend(faults)
    return web.json_response({"faults": [f.spec for f in world.faults]})


async def list_faults(request: web.Request) -> web.Response:
    return web.json_response({"faults": [f.spec for f in request.app[WORLD].faults]})


async def clear_faults(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    world.faults.clear()
    world.end_pauses()  # requests held by a latency fault answer now
    return web.json_response({"faults": []})


async def expire_tokens(request: web.Request) -> web.Response:
    return await _tokens(request, revoke=False)


async def revoke_tokens(request: web.Request) -> web.Response:
    return await _tokens(request, revoke=True)


async def _tokens(request: web.Request, *, revoke: bool) -> web.Response:
    """By `token`, or every access token of `email`; refresh tokens stay usable."""
    world = request.app[WORLD]
    body = await _body(request)
    token, email = body.get("token"), body.get("email")
    hit = [
        i
        for i in world.tokens.values()
        if (token and i.token == token) or (email and i.email.lower() == str(email).lower())
    ]
    if not hit:
        raise ApiError(404, "No matching token; pass token or email.")
    for info in hit:
        info.revoked = info.revoked or revoke
        info.expires_at = min(info.expires_at, time.time() - 1)
    return web.json_response({"expired": len(hit), "revoked": revoke})


async def mint_token(request: web.Request) -> web.Response:
    """A fresh access token of `email`, optionally naming another org (`org_id`) in its last
    `_` part, as a token issued in another Webex org looks: `identity.org` must catch it."""
    world = request.app[WORLD]
    body = await _body(request)
    user = _agent(world, body)
    org_id = body.get("org_id") or world.tenant.org.id
    if not isinstance(org_id, str) or not 1 <= len(org_id) <= 64 or "_" in org_id:
        raise ApiError(400, "org_id must be an org uuid (no '_').")
    info = world.issue_token(user, list(user.scopes))
    if org_id != world.tenant.org.id:
        del world.tokens[info.token]
        info.token = info.token.rsplit("_", 1)[0] + "_" + org_id
        world.tokens[info.token] = info
    return web.json_response({"token": info.token, "email": user.email, "orgId": org_id})


RELOGIN_EVENTS = ("AgentReloginSuccess", "AgentChannelReloginSuccess")


# Seconds a WebSocket knob may take: server keepalives no faster than every 5 ms (0 sent
# frames in a busy loop), nothing longer than a day.
KNOB_SECONDS = {"server_keepalive_s": 0.005}


def _check_seconds(key: str, value: object) -> None:
    low = KNOB_SECONDS.get(key, 0.001)
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or not math.isfinite(number) or not low <= number <= 86_400:
        raise ApiError(400, f"{key} must be a number of seconds from {low:g} to 86400.")


async def websocket_knobs(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    body = await _body(request)
    knobs = world.knobs
    for key, value in body.items():
        kind = type(getattr(knobs, key, None))
        if kind not in (bool, float, str) or isinstance(value, str) != (kind is str):
            names = ", ".join(f.name for f in dataclasses.fields(knobs))
            raise ApiError(400, f"Unknown or bad WebSocket knob {key!r}; the knobs: {names}.")
        if kind is float:
            _check_seconds(key, value)
        if key == "url_base" and value and not str(value).startswith(("ws://", "wss://")):
            raise ApiError(400, "url_base must start with ws:// or wss:// (or be empty).")
        if kind is str and (len(value) > 200 or not value.isprintable()):
            raise ApiError(400, f"{key} must be at most 200 printable characters.")
        if key == "relogin_event" and value not in RELOGIN_EVENTS:
            raise ApiError(400, f"relogin_event must be one of {', '.join(RELOGIN_EVENTS)}.")
        setattr(knobs, key, kind(value))
    return web.json_response(dataclasses.asdict(knobs))


async def state_change(request: web.Request) -> web.Response:
    """Push an unsolicited `AgentStateChange`, as a supervisor's change arrives."""
    world = request.app[WORLD]
    body = await _body(request)
    user = _agent(world, body)
    session = world.sessions.get(user.ci_user_id)
    if session is None:
        raise ApiError(409, f"{user.email} is not logged in.")
    sub_status = str(body.get("subStatus", "Idle"))
    states.apply(session, sub_status, str(body.get("auxCodeId", session.aux_code_id)), "")
    frame = envelope(
        world, "AgentStateChange", states.data("AgentStateChange", user, session, None)
    )
    return web.json_response({"sockets": await emit(world, user.ci_user_id, frame)})


async def requests_log(request: web.Request) -> web.Response:
    log = [
        {
            "method": r.method,
            "path": r.path,
            "query": r.query,
            "headers": r.headers,
            "body": r.body,
            "status": r.status,
        }
        for r in request.app[WORLD].requests
    ]
    return web.json_response({"requests": log})


def register(app: web.Application) -> None:
    r = app.router
    r.add_post(f"{P}/reset", reset)
    r.add_get(f"{P}/sessions", sessions)
    r.add_get(f"{P}/users", users)
    r.add_get(f"{P}/requests", requests_log)
    r.add_post(f"{P}/interactions", add_interaction)
    r.add_delete(f"{P}/interactions/{{id}}", end_interaction)
    r.add_post(f"{P}/rona", rona)
    r.add_post(f"{P}/state", state_change)
    r.add_get(f"{P}/faults", list_faults)
    r.add_post(f"{P}/faults", add_faults)
    r.add_delete(f"{P}/faults", clear_faults)
    r.add_post(f"{P}/tokens/expire", expire_tokens)
    r.add_post(f"{P}/tokens/revoke", revoke_tokens)
    r.add_post(f"{P}/tokens/mint", mint_token)
    r.add_post(f"{P}/websocket", websocket_knobs)
