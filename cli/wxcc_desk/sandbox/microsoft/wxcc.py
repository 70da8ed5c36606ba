"""The WxCC side of Teams in the sandbox: `GET /organization/{orgid}/desktop-login`, the new
SDK's org aggregate, whose `microsoftConfig` is the Teams connector (protocol §5; absent when
not configured). The connector lives in the Microsoft state (`MicrosoftState.connector`, set by
`POST /_sandbox/microsoft/connector`); the rest of the aggregate is rendered from the tenant by
the config module's own entity functions. Registered only if no other module serves the path.
"""

from __future__ import annotations

from aiohttp import web

from wxcc_desk.sandbox import entities as e
from wxcc_desk.sandbox.microsoft.state import MicrosoftState, state_of
from wxcc_desk.sandbox.respond import authenticate, check_org
from wxcc_desk.sandbox.world import WORLD

PATH = "/organization/{orgid}/desktop-login"


def register_desktop_login(app: web.Application) -> None:
    if any(res.canonical == PATH for res in app.router.resources()):
        return  # the config module serves it now: it must then read MicrosoftState.connector
    app.router.add_get(PATH, _desktop_login)


def seed_accounts(app: web.Application, state: MicrosoftState) -> None:
    """One Microsoft account per tenant user (same e-mail as UPN), so sign-ins match."""
    if WORLD not in app:
        return
    for user in app[WORLD].tenant.users.values():
        state.user(user.email).display_name = user.display_name


async def _desktop_login(request: web.Request) -> web.Response:
    user, _ = authenticate(request, "cjp:config_read", "cjp:user")
    check_org(request, user)
    tenant = request.app[WORLD].tenant
    body = {
        "organization": e.organization(tenant),
        "organizationSetting": e.organization_setting(tenant),
        "tenantConfiguration": e.tenant_configuration(tenant),
    }
    connector = state_of(request).connector
    if connector is not None:
        body["microsoftConfig"] = dict(connector)
    return web.json_response(body)
