"""`GET /organization/{orgid}/v2/user` (`{meta, data}`) and `/organization/{orgid}/user` (an
array): the paged user listing of the users spec (`getAllConfigWithPagedMetaData_1`,
`getAllConfig_16`).

Paging as the spec says: `page` from 0 (default 0), `pageSize` default 100; a size above the
maximum (1000) is lowered to it rather than refused. `filter` takes the RSQL subset the other
listings take (e.g. `contactCenterEnabled==true`), with quoted values as the spec's examples
(`id=="..."`), `attributes` a comma-separated list of the fields to return. Listing users
needs an administrator or a `cjp:config_read` token.
"""

from __future__ import annotations

import math
from typing import Any

from aiohttp import web

from wxcc_desk.sandbox import entities as e
from wxcc_desk.sandbox.config import READ_SCOPES, filtered
from wxcc_desk.sandbox.respond import ApiError, authenticate, can_read_config, check_org
from wxcc_desk.sandbox.world import WORLD

MAX_PAGE_SIZE = 1000
_UNSUPPORTED = ("search", "supervisorManagedAgentsOnly", "userInQueue", "queueId")


def _paging(request: web.Request) -> tuple[int, int]:
    try:
        page = int(request.query.get("page", "0"))
        size = int(request.query.get("pageSize", "100"))
    except ValueError:
        raise ApiError(400, "page and pageSize must be whole numbers.") from None
    if page < 0 or size < 1:
        raise ApiError(400, "page must be >= 0 and pageSize at least 1.")
    return page, min(size, MAX_PAGE_SIZE)  # the spec: "automatically adjust" to the maximum


def _docs(request: web.Request) -> tuple[list[dict[str, Any]], int, int, int]:
    user, info = authenticate(request, *READ_SCOPES)
    check_org(request, user)
    if not can_read_config(info, user):
        raise ApiError(403, "Listing users needs an administrator or a cjp:config_read token.")
    for name in _UNSUPPORTED:
        if request.query.get(name):
            raise ApiError(400, f"The sandbox does not support the {name} parameter.")
    tenant = request.app[WORLD].tenant
    page, size = _paging(request)
    people = list(tenant.users.values())
    if request.query.get("filter", "").strip():
        docs = filtered(request, [e.user(tenant, u) for u in people], tenant, quotes=True)
    else:  # render only the page asked for: 2,000 users cost one page each time
        docs = [e.user(tenant, u) for u in people[page * size : (page + 1) * size]]
        return _pick(request, docs), page, size, len(people)
    return _pick(request, docs[page * size : (page + 1) * size]), page, size, len(docs)


def _pick(request: web.Request, docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wanted = [a.strip() for a in request.query.get("attributes", "").split(",") if a.strip()]
    if not wanted:
        return docs
    return [{k: d[k] for k in wanted if k in d} for d in docs]


async def list_users(request: web.Request) -> web.Response:
    docs, _, _, _ = _docs(request)
    return web.json_response(docs)


async def list_users_v2(request: web.Request) -> web.Response:
    docs, page, size, total = _docs(request)
    meta = {
        "orgid": request.app[WORLD].tenant.org.id,
        "page": page,
        "pageSize": size,
        "totalPages": max(1, math.ceil(total / size)),
        "totalRecords": total,
    }
    return web.json_response({"meta": meta, "data": docs})


def register(app: web.Application) -> None:
    org = "/organization/{orgid}"
    app.router.add_get(f"{org}/user", list_users)
    app.router.add_get(f"{org}/v2/user", list_users_v2)
