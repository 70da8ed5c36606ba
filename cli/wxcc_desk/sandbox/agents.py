"""The agents API: every call answers 202 and the outcome arrives on the WebSocket (§3)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from wxcc_desk.sandbox import states, validate
from wxcc_desk.sandbox import station as st
from wxcc_desk.sandbox.model import User
from wxcc_desk.sandbox.notifications import emit, envelope
from wxcc_desk.sandbox.respond import ApiError, authenticate, json_body, tracking_id
from wxcc_desk.sandbox.world import WORLD, TokenInfo, World

LOGOUT_SCOPES = ("cjp:user", "cjp:config_write")
_pending: set[asyncio.Task[Any]] = set()


def deliver(world: World, ci_user_ids: list[str], frame: dict[str, Any]) -> None:
    """Send after the 202 has gone out, as the real service does; state already changed."""
    for ci in dict.fromkeys(ci_user_ids):
        task = asyncio.get_running_loop().create_task(_later(world, ci, frame))
        _pending.add(task)
        task.add_done_callback(_pending.discard)


async def _later(world: World, ci: str, frame: dict[str, Any]) -> None:
    # --latency-ms delays the outcome event too: a request and its outcome are two round trips.
    if world.latency_ms:
        await asyncio.sleep(world.latency_ms / 1000)
    await emit(world, ci, frame)


def _fault(world: World, kind: str) -> bool:
    """Whether a fault of this kind applies now (the faults that shape events, not requests)."""
    return any(f.kind == kind and f.fire() for f in world.faults)


def _shaped(world: World) -> bool:
    """Success events with only the SDK types' fields (knob or fault)."""
    return world.knobs.sdk_shaped_events or _fault(world, "ws-sdk-shaped")


def accepted() -> web.Response:
    return web.Response(status=202)


def _agent_user(user: User) -> None:
    if not user.contact_center_enabled:
        raise ApiError(
            403,
            "The user is not enabled for Contact Center (Control Hub: Contact "
            "Center > Users > Contact Center Enabled).",
            entity="cc_user",
        )


def _target(world: World, user: User, info: TokenInfo, agent_id: str | None) -> User:
    """The agent an operation is for: the caller, or (supervisor/admin only) another agent."""
    if not agent_id or agent_id in (user.ci_user_id, user.id):
        return user
    if not (user.admin or "supervisor" in user.roles):
        raise ApiError(403, "Only a supervisor or administrator may act for another agent.")
    target = world.tenant.by_ci.get(agent_id) or world.tenant.by_id.get(agent_id)
    if target is None:
        # The agents spec lists no 404: an unknown agentId is a bad request.
        raise ApiError(400, f"agentId {agent_id} does not name an agent.", entity="cc_user")
    if not user.admin and not set(user.team_ids) & set(target.team_ids):
        raise ApiError(403, "A supervisor may act only for agents of the teams they supervise.")
    return target


async def login(request: web.Request) -> web.Response:
    user, _ = authenticate(request, "cjp:user")
    body = validate.login_body(await json_body(request))
    _agent_user(user)
    for role in body["roles"]:
        if role not in user.roles:
            raise ApiError(403, f"The user does not have the {role} role.", entity="cc_user")
    world = request.app[WORLD]
    reason = world.knobs.login_failure_reason or st.login_failure(world, user, body)
    if reason is None:
        session = st.start_session(world, user, body)
        data = {"type": "AgentStationLoginSuccess", **st.session_data(world, user, session)}
        if _shaped(world):
            data = st.sdk_shaped(data, st.LOGIN_SUCCESS_FIELDS)
    else:
        data = st.failure_data("AgentStationLoginFailed", user, reason)
    deliver(world, [user.ci_user_id], envelope(world, "StationLogin", data, tracking_id(request)))
    return accepted()


async def logout(request: web.Request) -> web.Response:
    user, info = authenticate(request, *LOGOUT_SCOPES)
    body = validate.logout_body(await json_body(request))
    world = request.app[WORLD]
    target = _target(world, user, info, body["agentId"])
    session = world.sessions.get(target.ci_user_id)
    busy = world.interactions_of(target.ci_user_id)
    if session is None:
        data = st.failure_data("AgentLogoutFailed", target, st.NOT_LOGGED_IN)
    elif busy:
        data = st.failure_data(
            "AgentLogoutFailed",
            target,
            st.ACTIVE_INTERACTION,
            interactionIds=[i.id for i in busy],
            monitoring=any(i.monitoring for i in busy),
        )
    else:
        world.end_session(target.ci_user_id)
        data = {
            "type": "AgentLogoutSuccess",
            "agentId": target.ci_user_id,
            "agentSessionId": session.session_id,
            "status": "LoggedOut",
            "subStatus": "Idle",
            "roles": session.roles,
            "logoutReason": body["logoutReason"],
            "loggedOutBy": "SELF" if target is user else user.ci_user_id,
        }
        if _shaped(world):
            data = st.sdk_shaped(data, st.LOGOUT_SUCCESS_FIELDS)
    frame = envelope(world, "Logout", data, tracking_id(request))
    deliver(world, [target.ci_user_id, user.ci_user_id], frame)
    return accepted()


async def state(request: web.Request) -> web.Response:
    user, info = authenticate(request, "cjp:user")
    body = validate.state_body(await json_body(request))
    world = request.app[WORLD]
    target = _target(world, user, info, body["agentId"])
    session = world.sessions.get(target.ci_user_id)
    if session is None:
        data = st.failure_data("AgentStateChangeFailed", target, st.NOT_LOGGED_IN)
    elif body["state"] == "Idle" and not states.valid_idle_code(world, body["auxCodeId"]):
        data = st.failure_data("AgentStateChangeFailed", target, st.INVALID_AUX_CODE)
    else:
        states.apply(session, body["state"], body["auxCodeId"], body["lastStateChangeReason"])
        data = states.data("AgentStateChangeSuccess", target, session, user)
        if _shaped(world):
            data = st.sdk_shaped(data, st.STATE_SUCCESS_FIELDS)
    frame = envelope(world, "AgentStateChange", data, tracking_id(request))
    deliver(world, [target.ci_user_id, user.ci_user_id], frame)
    return accepted()


async def reload(request: web.Request) -> web.Response:
    # The spec defines no body and no 400 for reload: any body (the SDK sends {}) is ignored;
    # the request log keeps what came, so tests can check the client sends `{}`.
    user, _ = authenticate(request, "cjp:user")
    world = request.app[WORLD]
    session = world.sessions.get(user.ci_user_id)
    if session is None:
        data = st.failure_data("AgentReloginFailed", user, st.AGENT_NOT_FOUND)
        outer = "AgentReloginFailed"
    else:
        outer = world.knobs.relogin_event  # AgentReloginSuccess or AgentChannelReloginSuccess
        if _fault(world, "ws-relogin-channel"):
            outer = "AgentChannelReloginSuccess"
        data = {"type": outer, **st.session_data(world, user, session)}
        if _shaped(world):
            data = st.sdk_shaped(data, st.RELOGIN_SUCCESS_FIELDS)
    deliver(world, [user.ci_user_id], envelope(world, outer, data, tracking_id(request)))
    return accepted()


async def buddy_list(request: web.Request) -> web.Response:
    user, _ = authenticate(request, "cjp:user")
    body = await json_body(request)
    profile = validate.text(body, "agentProfileId", validate.ID_MAX, required=True)
    media = validate.text(body, "mediaType", 32, required=True)
    wanted = validate.text(body, "state", 32)
    world = request.app[WORLD]
    agents = []
    for ci, session in world.sessions.items():
        other = world.tenant.by_ci[ci]
        if ci == user.ci_user_id or (wanted and session.sub_status != wanted):
            continue
        agents.append(
            {
                "agentId": ci,
                "agentName": other.display_name,
                "state": session.sub_status,
                "teamId": session.team_id,
                "dn": session.dial_number,
                "siteId": other.site_id,
            }
        )
    data = {
        "type": "BuddyAgents",
        "agentId": user.ci_user_id,
        "agentProfileId": profile,
        "mediaType": media,
        "agentList": agents,
    }
    deliver(world, [user.ci_user_id], envelope(world, "BuddyAgents", data, tracking_id(request)))
    return accepted()


def register(app: web.Application) -> None:
    from wxcc_desk.sandbox.activities import activities

    app.router.add_post("/v1/agents/login", login)
    app.router.add_put("/v1/agents/logout", logout)
    app.router.add_post("/v1/agents/logout", logout)  # SDK and SAMPLE send POST; SPEC says PUT
    app.router.add_put("/v1/agents/session/state", state)
    app.router.add_post("/v1/agents/reload", reload)
    app.router.add_post("/v1/agents/buddyList", buddy_list)
    app.router.add_get("/v1/agents/activities", activities)
