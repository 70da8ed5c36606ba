"""WxCC configuration reads under `/organization/{orgid}/...` (no `/v1`, as in the specs).

Agent tokens (`cjp:user`) may read configuration entities, as the Desktop does with
`agentView=true`; reading another user's record needs an administrator or `cjp:config_read`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from aiohttp import web

from wxcc_desk.sandbox import entities as e
from wxcc_desk.sandbox.model import Tenant, User
from wxcc_desk.sandbox.respond import ApiError, authenticate, can_read_config, check_org
from wxcc_desk.sandbox.world import WORLD

READ_SCOPES = ("cjp:config_read", "cjp:user")
Render = Callable[[Tenant, Any], dict[str, Any]]
# url segment -> (tenant attribute, renderer, error entity name)
COLLECTIONS: dict[str, tuple[str, Render, str]] = {
    "agent-profile": ("desktop_profiles", e.desktop_profile, "agent_profile"),
    "team": ("teams", e.team, "team"),
    "site": ("sites", e.site, "site"),
    "dial-plan": ("dial_plans", e.dial_plan, "dial_plan"),
    "multimedia-profile": ("multimedia_profiles", e.multimedia_profile, "multimedia_profile"),
    "skill-profile": ("skill_profiles", e.skill_profile, "skill_profile"),
    "auxiliary-code": ("aux_codes", e.aux_code, "auxiliary_code"),
}
_IN = re.compile(r"^(\w+)=(in|out)=\(([^)]*)\)$")
_EQ = re.compile(r"^(\w+)(==|!=)(.*)$")


def _reader(request: web.Request) -> tuple[User, Tenant, bool]:
    user, info = authenticate(request, *READ_SCOPES)
    check_org(request, user)
    return user, request.app[WORLD].tenant, can_read_config(info, user)


def _page(request: web.Request) -> tuple[int, int]:
    try:
        page = int(request.query.get("page", "0"))
        size = int(request.query.get("pageSize", "100"))
    except ValueError:
        raise ApiError(400, "page and pageSize must be whole numbers.") from None
    if page < 0 or not 1 <= size <= 1000:
        raise ApiError(400, "page must be >= 0 and pageSize between 1 and 1000.")
    return page, size


def filtered(
    request: web.Request, docs: list[dict[str, Any]], tenant: Tenant, *, quotes: bool = False
) -> list[dict[str, Any]]:
    """The RSQL subset: `field=in=(a,b)`, `field=out=(a,b)`, `field==v`, `field!=v`, joined by
    `;` or ` and `. Quoted values answer 400 (the SDK notes it) unless `quotes`: the users spec
    documents `id=="..."`."""
    raw = request.query.get("filter", "").strip()
    if not raw:
        return docs
    for part in re.split(r";| and ", raw):
        clause = part.strip()
        if match := _IN.match(clause):
            key, op = match.group(1), match.group(2)
            values = {_unquote(v, clause, quotes) for v in match.group(3).split(",")}
            docs = [d for d in docs if bool(_value(d, key) & values) == (op == "in")]
        elif match := _EQ.match(clause):
            key, op, value = (
                match.group(1),
                match.group(2),
                _unquote(match.group(3), clause, quotes),
            )
            if key == "userId" and value in tenant.by_db:  # the SDK filters teams by user dbId
                value = tenant.by_db[value].id
            docs = [d for d in docs if (value in _value(d, key)) == (op == "==")]
        else:
            raise ApiError(400, f"Unsupported filter expression: {clause}")
    return docs


def _unquote(value: str, clause: str, quotes: bool) -> str:
    value = value.strip()
    if not value.startswith(("'", '"')):
        return value
    if not quotes:
        raise ApiError(400, f"Quoted filter values are not supported: {clause}")
    return value.strip("'\"")


def _value(doc: dict[str, Any], key: str) -> set[str]:
    value = doc.get(key)
    if key == "userId":
        value = doc.get("userIds", [])
    if isinstance(value, list):
        return {str(v) for v in value}
    return {str(value).lower() if isinstance(value, bool) else str(value)}


def _collection(kind: str) -> tuple[Any, Any, Any]:
    attr, render, entity = COLLECTIONS[kind]

    async def one(request: web.Request) -> web.Response:
        _, tenant, _ = _reader(request)
        item = getattr(tenant, attr).get(request.match_info["id"])
        if item is None:
            raise ApiError(404, f"No {entity} with id {request.match_info['id']}.", entity=entity)
        return web.json_response(render(tenant, item))

    def _all(request: web.Request, tenant: Tenant) -> list[dict[str, Any]]:
        return filtered(
            request, [render(tenant, x) for x in getattr(tenant, attr).values()], tenant
        )

    async def listing(request: web.Request) -> web.Response:
        _, tenant, _ = _reader(request)
        page, size = _page(request)
        return web.json_response(_all(request, tenant)[page * size : (page + 1) * size])

    async def listing_v2(request: web.Request) -> web.Response:
        _, tenant, _ = _reader(request)
        page, size = _page(request)
        docs = _all(request, tenant)
        meta = {
            "orgid": tenant.org.id,
            "page": page,
            "pageSize": size,
            "totalPages": max(1, math.ceil(len(docs) / size)),
            "totalRecords": len(docs),
        }
        return web.json_response({"meta": meta, "data": docs[page * size : (page + 1) * size]})

    return one, listing, listing_v2


async def user_by_ci(request: web.Request) -> web.Response:
    user, tenant, admin = _reader(request)
    wanted = tenant.by_ci.get(request.match_info["id"])
    return _user_answer(request, user, tenant, admin, wanted)


async def user_by_id(request: web.Request) -> web.Response:
    user, tenant, admin = _reader(request)
    wanted = tenant.by_id.get(request.match_info["id"])
    return _user_answer(request, user, tenant, admin, wanted)


def _user_answer(
    request: web.Request, user: User, tenant: Tenant, admin: bool, wanted: User | None
) -> web.Response:
    if wanted is not user and not admin:
        raise ApiError(
            403,
            "Reading another user needs an administrator or a cjp:config_read token.",
            entity="cc_user",
        )
    if wanted is None:
        raise ApiError(404, f"No Contact Center user {request.match_info['id']}.", entity="cc_user")
    return web.json_response(e.user(tenant, wanted))


def _single(render: Callable[[Tenant], dict[str, Any]]) -> Any:
    async def handler(request: web.Request) -> web.Response:
        _, tenant, _ = _reader(request)
        return web.json_response(render(tenant))

    return handler


def register(app: web.Application) -> None:
    org = "/organization/{orgid}"
    r = app.router
    r.add_get(org, _single(e.organization))
    r.add_get(f"{org}/v2/organization-setting", _single(e.organization_setting))
    r.add_get(f"{org}/v2/tenant-configuration", _single(e.tenant_configuration))
    r.add_get(f"{org}/user/by-ci-user-id/{{id}}", user_by_ci)
    r.add_get(f"{org}/v2/user/by-ci-user-id/{{id}}", user_by_ci)
    r.add_get(f"{org}/user/{{id}}", user_by_id)
    for kind in COLLECTIONS:
        one, listing, listing_v2 = _collection(kind)
        r.add_get(f"{org}/{kind}", listing)
        r.add_get(f"{org}/{kind}/{{id}}", one)
        r.add_get(f"{org}/v2/{kind}", listing_v2)
