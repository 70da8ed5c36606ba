"""Control calls of the sandbox's Microsoft side (`/_sandbox/microsoft/...`): see `microsoft.py`."""

from __future__ import annotations

import html
from typing import Any

from aiohttp import web

from wxcc_desk.sandbox.microsoft.state import AVAILABILITY, TOKEN_ERRORS, AutoDecision, state_of

CONTROL = "/_sandbox/microsoft"


def add_control_routes(r: web.UrlDispatcher) -> None:
    r.add_get(CONTROL, _summary)
    r.add_post(CONTROL + "/devicecodes/{user_code}/{action}", _decide)
    r.add_post(CONTROL + "/auto", _auto)
    r.add_post(CONTROL + "/faults", _faults)
    r.add_post(CONTROL + "/settings", _settings)
    r.add_post(CONTROL + "/clock", _clock)
    r.add_post(CONTROL + "/revoke", _revoke)
    r.add_put(CONTROL + "/users/{upn}/presence", _set_presence)
    r.add_post(CONTROL + "/reset", _reset)
    r.add_post(CONTROL + "/connector", _connector)
    r.add_get(CONTROL + "/devicelogin", _devicelogin_page)
    r.add_post(CONTROL + "/devicelogin", _devicelogin_submit)


def _bad(message: str, status: int = 400) -> web.Response:
    return web.json_response({"error": message}, status=status)


async def _json(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    data = await request.json()
    if not isinstance(data, dict):
        raise web.HTTPBadRequest(
            text='{"error": "expected a JSON object"}', content_type="application/json"
        )
    return data


async def _summary(request: web.Request) -> web.Response:
    st = state_of(request)
    with st.lock:
        body = {
            "tenant_id": st.tenant_id,
            "tenant_domain": st.tenant_domain,
            "client_ids": sorted(st.client_ids),
            "pending_user_codes": [c.user_code for c in st.pending()],
            "users": [
                {"upn": u.upn, "availability": u.availability, "activity": u.activity}
                for u in st.users.values()
            ],
            "auto": st.auto.__dict__ if st.auto else None,
            "interval": st.interval,
            "access_lifetime": st.access_lifetime,
            "clock_offset": st.offset,
        }
    return web.json_response(body)


async def _decide(request: web.Request) -> web.Response:
    action = request.match_info["action"]
    if action not in ("approve", "deny", "expire"):
        return _bad("action must be approve, deny or expire")
    data = await _json(request)
    try:
        code = state_of(request).decide(
            request.match_info["user_code"], action, str(data.get("user", ""))
        )
    except KeyError:
        return _bad("no such user code", 404)
    return web.json_response({"user_code": code.user_code, "action": action, "user": code.upn})


async def _auto(request: web.Request) -> web.Response:
    data = await _json(request)
    action = data.get("action")
    st = state_of(request)
    if action is None:
        st.auto = None
    elif action in ("approve", "deny", "expire"):
        upn = st.user(str(data.get("user", ""))).upn
        st.auto = AutoDecision(str(action), upn, int(data.get("after_polls", 1)))
    else:
        return _bad("action must be approve, deny, expire or null")
    return web.json_response({"auto": st.auto.__dict__ if st.auto else None})


async def _faults(request: web.Request) -> web.Response:
    data = await _json(request)
    token = [str(n) for n in data.get("token", [])]
    unknown = [n for n in token if n not in TOKEN_ERRORS]
    if unknown:
        return _bad(f"unknown token errors {unknown}; known: {sorted(TOKEN_ERRORS)}")
    st = state_of(request)
    with st.lock:
        st.token_faults.extend(token)
        st.graph_faults.extend(int(s) for s in data.get("graph", []))
    return web.json_response({"token": st.token_faults, "graph": st.graph_faults})


async def _settings(request: web.Request) -> web.Response:
    data = await _json(request)
    st = state_of(request)
    names = ("interval", "device_code_lifetime", "access_lifetime", "refresh_lifetime")
    with st.lock:
        for name in names:
            if name in data:
                setattr(st, name, float(data[name]))
    return web.json_response({n: getattr(st, n) for n in names})


async def _clock(request: web.Request) -> web.Response:
    data = await _json(request)
    st = state_of(request)
    st.advance(float(data.get("advance", 0)))
    return web.json_response({"clock_offset": st.offset})


async def _revoke(request: web.Request) -> web.Response:
    data = await _json(request)
    return web.json_response({"revoked": state_of(request).revoke(str(data.get("user", "")))})


async def _set_presence(request: web.Request) -> web.Response:
    data = await _json(request)
    availability = str(data.get("availability", "Available"))
    if availability not in AVAILABILITY:
        return _bad(f"availability must be one of {list(AVAILABILITY)}")
    user = state_of(request).user(request.match_info["upn"])
    user.availability = availability
    user.activity = str(data.get("activity", availability))
    return web.json_response(
        {"upn": user.upn, "availability": user.availability, "activity": user.activity}
    )


async def _connector(request: web.Request) -> web.Response:
    """{"microsoftConfig": {...}} sets the org's Teams connector; null removes it."""
    data = await _json(request)
    cfg = data.get("microsoftConfig")
    if cfg is not None and not isinstance(cfg, dict):
        return _bad("microsoftConfig must be an object or null")
    state_of(request).connector = cfg
    return web.json_response({"microsoftConfig": cfg})


async def _reset(request: web.Request) -> web.Response:
    state_of(request).reset()
    return web.json_response({"reset": True})


_PAGE = """<!doctype html><title>Sandbox device login</title>
<h1>Sign in to the sandbox Microsoft tenant</h1><p>{note}</p>
<form method="post"><label>Code <input name="user_code"></label>
<label>Account <input name="user" value="{user}"></label>
<button name="action" value="approve">Approve</button>
<button name="action" value="deny">Deny</button></form>"""


async def _devicelogin_page(request: web.Request) -> web.Response:
    user = html.escape(state_of(request).user().upn)
    return web.Response(
        text=_PAGE.format(note="Enter the code the CLI printed.", user=user),
        content_type="text/html",
    )


async def _devicelogin_submit(request: web.Request) -> web.Response:
    form = await request.post()
    action = "deny" if form.get("action") == "deny" else "approve"
    st = state_of(request)
    try:
        code = st.decide(str(form.get("user_code", "")), action, str(form.get("user", "")))
        note = f"Code {code.user_code}: {action}d for {code.upn}. You may close this page."
    except KeyError:
        note = "That code is unknown or has expired."
    page = _PAGE.format(note=html.escape(note), user=html.escape(st.user().upn))
    return web.Response(text=page, content_type="text/html")
