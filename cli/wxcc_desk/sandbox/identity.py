"""Webex identity: `/v1/people/me`, `/v1/people?email=`, OAuth authorize (PKCE) and token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import html
import secrets
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

from aiohttp import web

from wxcc_desk.sandbox.model import Tenant, User
from wxcc_desk.sandbox.respond import ApiError, authenticate
from wxcc_desk.sandbox.world import WORLD, AuthCode, RefreshInfo, World

PEOPLE_SCOPES = ("spark:people_read", "spark:all", "spark:people_write")
REFRESH_LIFETIME = 60 * 24 * 3600
CODE_LIFETIME = 600
_LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def hydra(kind: str, raw: str) -> str:
    """Webex's base64 id of `ciscospark://us/<KIND>/<raw>` (padding stripped, as Webex does)."""
    text = f"ciscospark://us/{kind}/{raw}".encode()
    return base64.b64encode(text).decode().rstrip("=")


def person(tenant: Tenant, user: User) -> dict[str, Any]:
    org = tenant.org.id
    roles = [hydra("ROLE", "id_full_admin")] if user.admin else []
    licenses = [hydra("LICENSE", f"{org}_CJPPRM_sandbox")] if user.contact_center_enabled else []
    return {
        "id": hydra("PEOPLE", user.ci_user_id),
        "emails": [user.email],
        "displayName": user.display_name,
        "firstName": user.first_name,
        "lastName": user.last_name,
        "orgId": hydra("ORGANIZATION", org),
        "roles": roles,
        "licenses": licenses,
        "created": "2024-01-01T00:00:00.000Z",
        "status": "active",
        "type": "person",
        "timezone": tenant.org.timezone,
    }


async def people_me(request: web.Request) -> web.Response:
    user, _ = authenticate(request, *PEOPLE_SCOPES)
    return web.json_response(person(request.app[WORLD].tenant, user))


async def people_list(request: web.Request) -> web.Response:
    authenticate(request, *PEOPLE_SCOPES)
    world = request.app[WORLD]
    email = request.query.get("email", "")
    if not email:
        raise ApiError(400, "The email query parameter is required in the sandbox.")
    user = world.user_by_email(email)
    items = [person(world.tenant, user)] if user else []
    return web.json_response({"items": items})


async def authorize(request: web.Request) -> web.StreamResponse:
    """Auto-approve when `login_hint` names a tenant user (sandbox convenience), else a form."""
    world = request.app[WORLD]
    q = request.query
    redirect = _check_client(world, q.get("client_id", ""), q.get("redirect_uri", ""))
    state = q.get("state", "")
    if q.get("response_type") != "code":
        return _redirect(redirect, error="unsupported_response_type", state=state)
    if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
        return _redirect(
            redirect,
            error="invalid_request",
            state=state,
            error_description="PKCE S256 code_challenge is required",
        )
    user = world.user_by_email(q.get("login_hint", ""))
    if user is None:
        return _form(request, world)
    code = AuthCode(
        code=secrets.token_urlsafe(24),
        email=user.email,
        client_id=q["client_id"],
        redirect_uri=redirect,
        challenge=q["code_challenge"],
        scopes=_granted(user, q.get("scope", "")),
        expires_at=time.time() + CODE_LIFETIME,
    )
    _keep(world, code)
    return _redirect(redirect, code=code.code, state=state)


MAX_CODES = 1000  # outstanding authorization codes; a flood of /authorize evicts the oldest


def _keep(world: World, code: AuthCode) -> None:
    now = time.time()
    for stale in [k for k, c in world.codes.items() if c.expires_at < now]:
        del world.codes[stale]
    while len(world.codes) >= MAX_CODES:
        del world.codes[next(iter(world.codes))]
    world.codes[code.code] = code


def _check_client(world: World, client_id: str, redirect_uri: str) -> str:
    if client_id != world.tenant.oauth.client_id:
        raise ApiError(
            400,
            f"Unknown client_id {client_id!r}; the sandbox client is "
            f"{world.tenant.oauth.client_id!r}.",
        )
    parts = urlsplit(redirect_uri)
    # Printable ASCII only: the URI goes into a Location header (no CR/LF header injection).
    clean = redirect_uri.isascii() and redirect_uri.isprintable() and len(redirect_uri) <= 2000
    if not clean or parts.scheme != "http" or (parts.hostname or "") not in _LOOPBACK_HOSTS:
        raise ApiError(
            400, "redirect_uri must be an http loopback address (http://127.0.0.1:PORT/...)."
        )
    return redirect_uri


def _granted(user: User, requested: str) -> list[str]:
    wanted = requested.split()
    granted = [s for s in user.scopes if s in wanted] if wanted else []
    return granted or list(user.scopes)


def _redirect(uri: str, **params: str) -> web.Response:
    sep = "&" if "?" in uri else "?"
    query = urlencode({k: v for k, v in params.items() if v})
    return web.Response(status=302, headers={"Location": f"{uri}{sep}{query}"})


def _form(request: web.Request, world: World) -> web.Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in request.query.items()
        if k != "login_hint"
    )
    options = "".join(
        f'<option value="{html.escape(u.email)}">{html.escape(u.display_name)} '
        f"&lt;{html.escape(u.email)}&gt;</option>"
        for u in list(world.tenant.users.values())[:500]
    )
    page = (
        "<!doctype html><title>wxcc-desk sandbox sign-in</title><h1>Sign in to the sandbox</h1>"
        f'<form method="get" action="/v1/authorize">{hidden}'
        f'<select name="login_hint">{options}</select> '
        '<button type="submit">Sign in</button></form>'
    )
    return web.Response(text=page, content_type="text/html")


async def access_token(request: web.Request) -> web.Response:
    world = request.app[WORLD]
    form = await request.post()
    fields = {k: str(v) for k, v in form.items()}
    _check_secret(world, fields)
    grant = fields.get("grant_type", "")
    if grant == "authorization_code":
        email, scopes = _redeem_code(world, fields)
    elif grant == "refresh_token":
        email, scopes = _redeem_refresh(world, fields)
    else:
        raise ApiError(400, "grant_type must be authorization_code or refresh_token.")
    user = world.user_by_email(email)
    if user is None:  # the tenant was swapped under a live code; treat as invalid
        raise ApiError(400, "The grant no longer names a sandbox user.")
    return web.json_response(_tokens(world, user, scopes, fields.get("refresh_token")))


def _check_secret(world: World, fields: dict[str, str]) -> None:
    if fields.get("client_id") != world.tenant.oauth.client_id:
        raise ApiError(401, "Unknown client_id.")
    secret = world.tenant.oauth.client_secret
    if secret is not None and not hmac.compare_digest(fields.get("client_secret", ""), secret):
        raise ApiError(401, "client_secret does not match the sandbox client's secret.")


def _redeem_code(world: World, fields: dict[str, str]) -> tuple[str, list[str]]:
    code = world.codes.pop(fields.get("code", ""), None)
    if code is None or code.expires_at < time.time():
        raise ApiError(400, "The authorization code is invalid, expired or already used.")
    if fields.get("redirect_uri") != code.redirect_uri:
        raise ApiError(400, "redirect_uri does not match the one sent to /v1/authorize.")
    digest = hashlib.sha256(fields.get("code_verifier", "").encode()).digest()
    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
    if not hmac.compare_digest(expected, code.challenge):
        raise ApiError(400, "code_verifier does not match the PKCE code_challenge.")
    return code.email, code.scopes


def _redeem_refresh(world: World, fields: dict[str, str]) -> tuple[str, list[str]]:
    info = world.refresh.get(fields.get("refresh_token", ""))
    if info is None or info.expires_at < time.time():
        raise ApiError(400, "The refresh token is invalid or expired; sign in again.")
    return info.email, info.scopes


def _tokens(world: World, user: User, scopes: list[str], refresh: str | None) -> dict[str, Any]:
    access = world.issue_token(user, scopes)
    info = world.refresh.get(refresh or "")
    if info is None:
        info = RefreshInfo(
            secrets.token_urlsafe(48),
            user.email,
            scopes,
            time.time() + REFRESH_LIFETIME,
            world.tenant.oauth.client_id,
        )
        world.refresh[info.token] = info
    return {
        "access_token": access.token,
        "expires_in": int(access.expires_at - time.time()),
        "refresh_token": info.token,
        "refresh_token_expires_in": int(info.expires_at - time.time()),
        "token_type": "Bearer",
        "scope": " ".join(scopes),
    }


def register(app: web.Application) -> None:
    app.router.add_get("/v1/people/me", people_me)
    app.router.add_get("/v1/people", people_list)
    app.router.add_get("/v1/authorize", authorize)
    app.router.add_post("/v1/access_token", access_token)
