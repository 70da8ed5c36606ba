"""`GET /v1/agents/activities`: who is logged in, with which dial number (spec AgentActivity)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from wxcc_desk.sandbox.model import User
from wxcc_desk.sandbox.respond import ApiError, authenticate, can_read_config
from wxcc_desk.sandbox.world import WORLD, AgentSession, Interaction, World

DAY_MS = 86_400_000


def _int(query: Any, key: str, default: int | None, lo: int, hi: int) -> int | None:
    raw = query.get(key)
    if raw is None or raw == "":
        if default is None and key == "from":
            raise ApiError(400, "from (epoch milliseconds) is required.")
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"{key} must be a whole number.") from None
    if not lo <= value <= hi:
        raise ApiError(400, f"{key} must be between {lo} and {hi}.")
    return value


def _ids(query: Any, key: str) -> set[str] | None:
    # Comma-separated (as documented) or repeated parameters (the spec's array form).
    ids = {v for raw in query.getall(key, []) for v in raw.split(",") if v}
    if not ids:
        return None
    if len(ids) > 100:
        raise ApiError(400, f"{key} accepts at most 100 ids.")
    return ids


def activity(world: World, user: User, session: AgentSession) -> dict[str, Any]:
    tenant = world.tenant
    team = tenant.teams.get(session.team_id)
    site = tenant.sites.get(user.site_id)
    aux = tenant.aux_codes.get(session.aux_code_id)
    idle = session.sub_status != "Available"
    return {
        "active": True,
        "agentId": user.ci_user_id,
        "agentDn": session.dial_number,
        "agentLogin": user.email,
        "agentName": user.display_name,
        "agentSessionId": session.session_id,
        "channelId": "",
        "channelType": "telephony",
        "currentState": session.sub_status.lower(),
        "endTime": 0,
        "idleCode": session.aux_code_id if idle else "",
        "idleCodeName": aux.name if (idle and aux) else "",
        "isLogin": 1,
        "mmProfileType": "blended",
        "queueId": "",
        "queueName": "",
        "reason": session.state_reason,
        "siteId": user.site_id,
        "siteName": site.name if site else "",
        "startTime": session.login_ts,
        "subChannelType": "telephony",
        "taskId": "",
        "teamId": session.team_id,
        "teamName": team.name if team else "",
        "wrapupCodeName": "",
    }


def task_activity(
    world: World, user: User, session: AgentSession, item: Interaction
) -> dict[str, Any]:
    """An interaction (or supervisor monitoring) in progress: a task row (`isLogin: 0`) of the
    same session, in the state that blocks logout (inferred: the spec shows only the fields)."""
    row = activity(world, user, session)
    row.update(
        {
            "channelId": f"{item.media}-{user.ci_user_id[:8]}-0",
            "channelType": item.media,
            "subChannelType": item.media,
            "currentState": "monitoring" if item.monitoring else "connected",
            "idleCode": "",
            "idleCodeName": "",
            "isLogin": 0,
            "reason": "",
            "taskId": item.id,
        }
    )
    return row


def _rows(world: World, session: AgentSession) -> list[dict[str, Any]]:
    user = world.tenant.by_ci[session.ci_user_id]
    login = activity(world, user, session)
    tasks = [task_activity(world, user, session, i) for i in world.interactions_of(user.ci_user_id)]
    return [login, *tasks]


async def activities(request: web.Request) -> web.Response:
    user, info = authenticate(request, "cjp:config_read", "cjp:user")
    if not can_read_config(info, user):
        raise ApiError(403, "Agent activities need an administrator or a cjp:config_read token.")
    q = request.query
    start = _int(q, "from", None, 0, 2**62) or 0
    end = _int(q, "to", None, 0, 2**62)
    if end is not None and not 0 <= end - start < DAY_MS:
        raise ApiError(400, "to - from must be between 0 and 86400000 milliseconds.")
    size = _int(q, "pageSize", 100, 1, 1000) or 100
    page = _int(q, "page", 0, 0, 10_000) or 0
    agents, teams = _ids(q, "agentIds"), _ids(q, "teamIds")
    world = request.app[WORLD]
    # With agentIds the lookups are direct; otherwise walk the live sessions only.
    sessions = (
        [world.sessions[a] for a in agents if a in world.sessions]
        if agents
        else list(world.sessions.values())
    )
    rows = [
        row
        for s in sessions
        if (teams is None or s.team_id in teams) and (end is None or s.login_ts <= end)
        for row in _rows(world, s)
    ]
    rows.sort(key=lambda r: (r["startTime"], r["agentId"], r["isLogin"] == 0, r["taskId"]))
    body = {"meta": {"orgId": world.tenant.org.id}, "data": rows[page * size : (page + 1) * size]}
    return web.json_response(body)
