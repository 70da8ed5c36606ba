"""Error bodies and authentication shared by the sandbox's handlers.

Two error dialects exist: WxCC's `ApiErrorResponse` (config, agents, notification) and Webex
identity's `{message, errors[], trackingId}`. Handlers raise `ApiError`; the middleware renders it
in the dialect of the path.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from aiohttp import web

from wxcc_desk.sandbox.model import User
from wxcc_desk.sandbox.world import WORLD, TokenInfo

TRACKING_KEY = web.RequestKey("wxcc_sandbox_tracking", str)
IDENTITY_PREFIXES = ("/v1/people", "/v1/authorize", "/v1/access_token")
_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


class ApiError(Exception):
    """Raised by handlers; becomes the spec's error body with the right status."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        entity: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.entity = entity
        self.headers = headers or {}


def is_identity(path: str) -> bool:
    return path.startswith(IDENTITY_PREFIXES)


def tracking_id(request: web.Request) -> str:
    return str(request.get(TRACKING_KEY, ""))


def new_tracking(path: str) -> str:
    prefix = "ROUTER" if is_identity(path) else "ccconfig"
    return f"{prefix}_{uuid.uuid4()}"


def error_body(
    status: int, description: str, path: str, tracking: str, entity: str
) -> dict[str, Any]:
    if is_identity(path):
        return {
            "message": description,
            "errors": [{"description": description}],
            "trackingId": tracking,
        }
    return {
        "trackingId": tracking,
        "error": {
            "key": str(status),
            "reason": _REASONS.get(status, "Error"),
            "message": [
                {
                    "description": description,
                    "code": str(status),
                    "entity": entity,
                    "references": [],
                }
            ],
        },
    }


def error_response(request: web.Request, err: ApiError) -> web.Response:
    body = error_body(err.status, err.description, request.path, tracking_id(request), err.entity)
    return web.json_response(body, status=err.status, headers=err.headers)


def bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "The request requires a valid access token (Authorization: Bearer).")
    return token.strip()


def authenticate(request: web.Request, *scopes: str) -> tuple[User, TokenInfo]:
    """The token's user, or 401 (missing/unknown/expired/revoked) / 403 (none of `scopes`)."""
    world = request.app[WORLD]
    found = world.user_for_token(bearer(request))
    if found is None:
        raise ApiError(401, "The access token is not valid for this service.")
    user, info = found
    if info.revoked:
        raise ApiError(401, "The access token has been revoked.")
    if not info.valid(time.time()):
        raise ApiError(401, "The access token has expired; refresh it.")
    if scopes and not set(scopes) & set(info.scopes):
        raise ApiError(403, f"The token lacks the required scope ({' or '.join(scopes)}).")
    return user, info


def check_org(request: web.Request, user: User) -> str:
    """The `{orgid}` of a config path must be the token's organisation."""
    org = request.match_info.get("orgid", "")
    world = request.app[WORLD]
    if org != world.tenant.org.id:
        raise ApiError(
            403, f"The token is not authorised for organization {org}.", entity="organization"
        )
    return org


def can_read_config(info: TokenInfo, user: User) -> bool:
    return user.admin or "cjp:config_read" in info.scopes


async def json_body(request: web.Request, *, required: bool = True) -> dict[str, Any]:
    """The JSON object body, or 400 with the spec's error body; an empty body is `{}` when
    the body is optional."""
    if not await request.read():  # read() is cached: the middleware already read the body
        if not required:
            return {}
        raise ApiError(400, "A JSON request body is required.")
    try:
        data = await request.json()
    except ValueError:
        raise ApiError(400, "The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return data
