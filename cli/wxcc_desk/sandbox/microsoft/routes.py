"""Microsoft identity platform (Entra v2.0) and Graph endpoints of the sandbox, and their controls.

Served on the sandbox's one port, so a profile points `teams.authority_url` and `teams.graph_url`
at the sandbox URL. Errors use Microsoft's formats: the identity platform's flat
`{"error","error_description","error_codes","trace_id","correlation_id",...}` and Graph's
`{"error":{"code","message","innerError":{...}}}`. The state lives in `app[MICROSOFT]`.

Controls (tests, dry runs), all under `/_sandbox/microsoft` (`microsoft_control.py`):
  GET  /                         state summary (pending user codes, accounts, settings)
  POST /devicecodes/{code}/{act} act = approve | deny | expire; body {"user": upn} optional
  POST /auto                     {"action": "approve"|"deny"|"expire"|null, "user", "after_polls"}
  POST /faults                   {"token": [error names], "graph": [HTTP statuses]} answered next
  POST /settings                 {"interval", "device_code_lifetime", "access_lifetime",
                                  "refresh_lifetime"} in seconds
  POST /clock                    {"advance": seconds}: codes and tokens expire without waiting
  POST /revoke                   {"user": upn}: revoke tokens (a password reset)
  PUT  /users/{upn}/presence     {"availability", "activity"}
  POST /connector                {"microsoftConfig": {...} | null}: the org's Teams connector as
                                 `GET /organization/{orgid}/desktop-login` serves it
  POST /reset                    the Microsoft state only (`/_sandbox/reset` does not reach it)
  GET|POST /devicelogin          the verification page a person opens (approve or deny a code)
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from wxcc_desk.sandbox.microsoft.control import CONTROL, add_control_routes
from wxcc_desk.sandbox.microsoft.state import (
    DEVICE_CODE_GRANT,
    MICROSOFT,
    MicrosoftState,
    MsError,
    state_of,
)
from wxcc_desk.sandbox.microsoft.wxcc import register_desktop_login, seed_accounts


def register(app: web.Application, state: MicrosoftState | None = None) -> None:
    """Add the Microsoft routes and a fresh `MicrosoftState` (or `state`) to the sandbox app."""
    app[MICROSOFT] = state = state or MicrosoftState()
    seed_accounts(app, state)
    register_desktop_login(app)
    r = app.router
    r.add_get("/{tenant}/v2.0/.well-known/openid-configuration", _openid_configuration)
    r.add_post("/{tenant}/oauth2/v2.0/devicecode", _devicecode)
    r.add_post("/{tenant}/oauth2/v2.0/token", _token)
    r.add_get("/v1.0/me", _me)
    r.add_get("/v1.0/me/presence", _presence)
    add_control_routes(r)


def _base(request: web.Request) -> str:
    return f"{request.scheme}://{request.host}"


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%SZ")


def _ms_error(request: web.Request, err: MsError) -> web.Response:
    """Microsoft identity platform error body; correlation_id echoes `client-request-id`."""
    trace = str(uuid.uuid4())
    corr = request.headers.get("client-request-id") or str(uuid.uuid4())
    ts = _stamp()
    body = {
        "error": err.error,
        "error_description": f"AADSTS{err.code}: {err.text} Trace ID: {trace} "
        f"Correlation ID: {corr} Timestamp: {ts}",
        "error_codes": [err.code],
        "timestamp": ts,
        "trace_id": trace,
        "correlation_id": corr,
        "error_uri": f"{_base(request)}/error?code={err.code}",
    }
    return web.json_response(body, status=err.status, headers={"x-ms-request-id": trace})


def _tenant_or_error(request: web.Request) -> MsError | None:
    tenant = request.match_info["tenant"]
    if state_of(request).knows_tenant(tenant):
        return None
    return MsError(
        "invalid_request",
        90002,
        f"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are "
        "signing into the correct cloud.",
    )


def _missing(name: str) -> MsError:
    return MsError(
        "invalid_request",
        900144,
        f"The request body must contain the following parameter: '{name}'.",
    )


async def _form(request: web.Request, *names: str) -> dict[str, str]:
    form = await request.post()
    values = {n: str(form.get(n, "")) for n in (*names, "scope")}
    for name in names:
        if not values[name]:
            raise _missing(name)
    return values


async def _openid_configuration(request: web.Request) -> web.Response:
    err = _tenant_or_error(request)
    if err:
        return _ms_error(request, err)
    st, base = state_of(request), _base(request)
    root = f"{base}/{st.tenant_id}"
    return web.json_response(
        {
            "issuer": f"{root}/v2.0",
            "authorization_endpoint": f"{root}/oauth2/v2.0/authorize",
            "token_endpoint": f"{root}/oauth2/v2.0/token",
            "device_authorization_endpoint": f"{root}/oauth2/v2.0/devicecode",
            "userinfo_endpoint": f"{base}/oidc/userinfo",
            "jwks_uri": f"{root}/discovery/v2.0/keys",
            "response_types_supported": ["code", "id_token", "code id_token", "token id_token"],
            "grant_types_supported": ["authorization_code", "refresh_token", DEVICE_CODE_GRANT],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "tenant_region_scope": "NA",
            "cloud_instance_name": "sandbox",
        }
    )


async def _devicecode(request: web.Request) -> web.Response:
    st = state_of(request)
    try:
        err = _tenant_or_error(request)
        if err:
            raise err
        form = await _form(request, "client_id", "scope")
        code = st.new_device_code(form["client_id"], form["scope"])
    except MsError as failure:
        return _ms_error(request, failure)
    uri = f"{_base(request)}{CONTROL}/devicelogin"
    return web.json_response(
        {
            "user_code": code.user_code,
            "device_code": code.device_code,
            "verification_uri": uri,
            "expires_in": int(st.device_code_lifetime),
            "interval": int(code.interval),
            "message": f"To sign in, use a web browser to open the page {uri} and enter the code "
            f"{code.user_code} to authenticate.",
        }
    )


async def _token(request: web.Request) -> web.Response:
    st = state_of(request)
    try:
        err = _tenant_or_error(request)
        if err:
            raise err
        form = await _form(request, "grant_type", "client_id")
        grant = form["grant_type"]
        if grant == DEVICE_CODE_GRANT:
            form = await _form(request, "client_id", "device_code")
            body = st.redeem_device_code(form["client_id"], form["device_code"])
        elif grant == "refresh_token":
            form = await _form(request, "client_id", "refresh_token")
            body = st.redeem_refresh_token(form["client_id"], form["refresh_token"], form["scope"])
        else:
            raise MsError(
                "unsupported_grant_type",
                70003,
                f"The app requested an unsupported grant type '{grant}'.",
            )
    except MsError as failure:
        return _ms_error(request, failure)
    return web.json_response(body, headers={"Cache-Control": "no-store"})


# -- Graph ------------------------------------------------------------------------------------

_GRAPH_CODES = {
    401: "InvalidAuthenticationToken",
    403: "Forbidden",
    404: "ResourceNotFound",
    429: "TooManyRequests",
    500: "InternalServerError",
    503: "ServiceUnavailable",
}


def _graph_error(request: web.Request, status: int, message: str) -> web.Response:
    rid = str(uuid.uuid4())
    client_rid = request.headers.get("client-request-id", rid)
    inner = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "request-id": rid,
        "client-request-id": client_rid,
    }
    body = {
        "error": {
            "code": _GRAPH_CODES.get(status, "generalException"),
            "message": message,
            "innerError": inner,
        }
    }
    headers = {"request-id": rid, "client-request-id": client_rid}
    if status == 429:
        headers["Retry-After"] = "1"
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="", error="invalid_token"'
    return web.json_response(body, status=status, headers=headers)


def _graph_user(request: web.Request, scope: str) -> tuple[Any, web.Response | None]:
    st = state_of(request)
    fault = st.next_graph_fault()
    if fault:
        return None, _graph_error(request, fault, "The sandbox was told to fail this request.")
    auth = request.headers.get("Authorization", "")
    token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
    grant, why = st.bearer(token)
    if grant is None:
        return None, _graph_error(request, 401, why)
    if scope not in grant.scopes:
        return None, _graph_error(
            request,
            403,
            "Insufficient privileges to complete the "
            f"operation: the token lacks the {scope} permission.",
        )
    return st.user(grant.upn), None


def _graph_headers(request: web.Request) -> dict[str, str]:
    rid = str(uuid.uuid4())
    return {"request-id": rid, "client-request-id": request.headers.get("client-request-id", rid)}


async def _me(request: web.Request) -> web.Response:
    user, failure = _graph_user(request, "User.Read")
    if failure:
        return failure
    body = {
        "@odata.context": f"{_base(request)}/v1.0/$metadata#users/$entity",
        "id": user.id,
        "displayName": user.display_name,
        "userPrincipalName": user.upn,
        "mail": user.upn,
        "businessPhones": [],
        "jobTitle": None,
        "preferredLanguage": "en-US",
    }
    return web.json_response(body, headers=_graph_headers(request))


async def _presence(request: web.Request) -> web.Response:
    user, failure = _graph_user(request, "Presence.Read")
    if failure:
        return failure
    body = {
        "@odata.context": f"{_base(request)}/v1.0/$metadata#users('{user.id}')/presence/$entity",
        "id": user.id,
        "availability": user.availability,
        "activity": user.activity,
    }
    return web.json_response(body, headers=_graph_headers(request))
