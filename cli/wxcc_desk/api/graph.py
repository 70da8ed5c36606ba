"""Microsoft Graph: who the Microsoft token belongs to (`/me`) and their Teams presence.

The caller's `Http` carries the bearer token through an `httpx.Auth` (see `teams/tokens.py`),
so this module never sees it. Graph errors are `{"error":{"code","message","innerError":{
"request-id","client-request-id","date"}}}`; the request ids become tracking IDs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from wxcc_desk.api.entra import json_object
from wxcc_desk.core.errors import AuthError, NetworkError, RejectedError, WxccError
from wxcc_desk.http.client import Http
from wxcc_desk.http.limits import loads

if TYPE_CHECKING:
    import httpx


@dataclass(frozen=True)
class GraphUser:
    id: str
    display_name: str
    user_principal_name: str


@dataclass(frozen=True)
class Presence:
    availability: str
    activity: str


async def get_me(http: Http, graph_url: str) -> GraphUser:
    body = await _get(http, f"{graph_url}/v1.0/me", "read the Microsoft account (Graph /me)")
    return GraphUser(
        id=str(body.get("id") or ""),
        display_name=str(body.get("displayName") or ""),
        user_principal_name=str(body.get("userPrincipalName") or body.get("mail") or ""),
    )


async def get_presence(http: Http, graph_url: str) -> Presence:
    what = "read the Teams presence (Graph /me/presence)"
    body = await _get(http, f"{graph_url}/v1.0/me/presence", what)
    return Presence(str(body.get("availability") or ""), str(body.get("activity") or ""))


async def probe_reachable(http: Http, graph_url: str) -> int:
    """The HTTP status Graph answers `/v1.0/me` with, without a token (401 when healthy):
    proves DNS, proxy, TLS and Graph itself without needing a sign-in."""
    import httpx

    try:
        resp = await http.client.get(f"{graph_url}/v1.0/me")
    except httpx.HTTPError as err:
        raise NetworkError(
            f"could not reach Microsoft Graph at {graph_url}: {type(err).__name__}: {err}",
            hint="check the network or proxy (graph.microsoft.com must be reachable) and "
            "`teams.graph_url`",
            code="NETWORK",
        ) from None
    if resp.status_code >= 500:
        raise graph_error(resp, "reach Microsoft Graph", request_ids(resp))
    return resp.status_code


async def _get(http: Http, url: str, what: str) -> dict[str, Any]:
    import httpx

    try:
        resp = await http.client.get(url)
    except httpx.HTTPError as err:
        raise NetworkError(
            f"could not {what}: {type(err).__name__}: {err}",
            hint="check the network or proxy and the profile's `teams.graph_url`",
            code="NETWORK",
        ) from None
    ids = request_ids(resp)
    for tid in ids:
        http.tracker.record_server_id(tid)
    if resp.status_code != 200:
        raise graph_error(resp, what, ids)
    return json_object(resp, what, key="teams.graph_url", tracking_ids=ids)


def request_ids(resp: httpx.Response) -> list[str]:
    ids = [resp.headers.get("request-id", ""), resp.headers.get("client-request-id", "")]
    return [f"request-id={i}" for i in dict.fromkeys(ids) if i]


def graph_error(resp: httpx.Response, what: str, ids: list[str]) -> WxccError:
    code, message = _error_fields(resp)
    text = f"could not {what}: HTTP {resp.status_code} {code}" + (
        f" ({message})" if message else ""
    )
    status = resp.status_code
    if status == 401:
        return AuthError(
            text,
            hint="the Microsoft token was refused: run `wxcc-desk teams-auth login -p PROFILE`",
            code="GRAPH_TOKEN_REJECTED",
            tracking_ids=ids,
        )
    if status == 403:
        return AuthError(
            text,
            hint="the app registration lacks the User.Read or Presence.Read "
            "delegated permission: an Entra admin must grant it (and consent), then "
            "run `wxcc-desk teams-auth login -p PROFILE`",
            code="GRAPH_FORBIDDEN",
            tracking_ids=ids,
        )
    if status == 429 or status >= 500:
        return NetworkError(
            text,
            hint="Microsoft Graph is busy or unavailable; try again later",
            code=f"GRAPH_HTTP_{status}",
            tracking_ids=ids,
        )
    return RejectedError(
        text,
        hint="check `teams.graph_url` in the profile",
        code=f"GRAPH_HTTP_{status}",
        tracking_ids=ids,
    )


def _error_fields(resp: httpx.Response) -> tuple[str, str]:
    try:
        body = loads(resp.content)
    except ValueError:
        return "", ""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return "", ""
    return str(err.get("code") or ""), str(err.get("message") or "")
