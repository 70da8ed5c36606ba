"""The agents API: station login, logout, state change and reload.

Each call answers 202 Accepted; the outcome arrives on the notification WebSocket (see
`notifications.Outcome`). These functions only send and return the server's tracking IDs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wxcc_desk.core.errors import RejectedError, WxccError
from wxcc_desk.http.client import Http, server_tracking_ids

AGENT_SCOPE = "cjp:user"
AVAILABLE_AUX_CODE = "0"  # the SDK's id for Available


# The SDK's BROWSER (WebRTC) device id is this prefix and the agent id (`cc.ts` getDeviceId,
# `WEB_RTC_PREFIX` in `services/constants.ts`); the agents spec says the same of `deviceId`.
WEBRTC_PREFIX = "webrtc-"


@dataclass(frozen=True)
class LoginRequest:
    """Body of `POST /v1/agents/login` (spec `LogInResourceRequest`), as the SDK sends it.

    `device_type` is AGENT_DN, EXTENSION or BROWSER, or "" for a supervisor-only login without
    telephony (the spec lets a supervisor leave out `deviceType` and `teamId`)."""

    dial_number: str
    device_type: str
    team_id: str
    roles: tuple[str, ...] = ("agent",)
    agent_id: str = ""  # the CI user id: BROWSER logins carry it as dial number and device

    @property
    def device_id(self) -> str:
        if self.device_type == "BROWSER":
            return WEBRTC_PREFIX + (self.agent_id or self.dial_number)
        return self.dial_number

    def body(self) -> dict[str, Any]:
        # `cc.ts` stationLogin sends dialNumber (the agent id for BROWSER), teamId, deviceType,
        # isExtension, deviceId, roles, and teamName/siteId/auxCodeId as empty strings with
        # usesOtherDN false; the spec's LogInResourceRequest does not list those four, but does
        # not forbid them either, so they go as the SDK sends them.
        body: dict[str, Any] = {
            "dialNumber": self.dial_number,
            "teamId": self.team_id,
            "teamName": "",
            "siteId": "",
            "usesOtherDN": False,
            "auxCodeId": "",
            "isExtension": self.device_type == "EXTENSION",
            "roles": list(self.roles),
        }
        if self.device_type:
            body["deviceType"] = self.device_type
            body["deviceId"] = self.device_id
        return body


async def _post(
    http: Http,
    url: str,
    what: str,
    body: dict[str, Any] | None,
    *,
    method: str = "POST",
    idempotent: bool | None = None,
) -> list[str]:
    resp = await http.send(
        method,
        url,
        what=what,
        json=body,
        scope=AGENT_SCOPE,
        not_found=RejectedError,
        not_found_hint="check the profile's api_url and region",
        idempotent=idempotent,
    )
    return server_tracking_ids(resp)


async def login(http: Http, api_url: str, request: LoginRequest) -> list[str]:
    # Not idempotent: a second login while the first is in flight would be a duplicate.
    return await _post(
        http, f"{api_url}/v1/agents/login", "sign the station in", request.body(), idempotent=False
    )


async def logout(http: Http, api_url: str, reason: str, agent_id: str | None = None) -> list[str]:
    """`POST /v1/agents/logout`, as the SDK sends it (`services/agent/index.ts` sets no method,
    and `services/core/aqm-reqs.ts` sends POST when there is a body; Cisco's sample app does
    too). The published spec documents PUT: only a 404 or 405 to the POST makes us try PUT once,
    and the trace says so."""
    body: dict[str, Any] = {"logoutReason": reason[:128]}
    if agent_id:
        body["agentId"] = agent_id
    url = f"{api_url}/v1/agents/logout"
    try:
        return await _post(http, url, "sign the station out", body, idempotent=True)
    except WxccError as err:
        if err.code not in ("NOT_FOUND", "HTTP_405"):
            raise
        http.trace(f"logout: POST answered {err.code}; trying PUT once, the published spec's form")
    return await _post(http, url, "sign the station out", body, method="PUT", idempotent=True)


async def set_state(
    http: Http, api_url: str, state: str, aux_code_id: str, *, reason: str = "", agent_id: str = ""
) -> list[str]:
    # `cc.ts` setAgentState always adds `agentId` (the caller's own when none is given); the
    # spec's state body allows it (at most 36 characters).
    body: dict[str, Any] = {"state": state, "auxCodeId": aux_code_id}
    if reason:
        body["lastStateChangeReason"] = reason[:128]
    if agent_id:
        body["agentId"] = agent_id
    return await _post(
        http,
        f"{api_url}/v1/agents/session/state",
        f"set the state to {state}",
        body,
        method="PUT",
        idempotent=True,
    )


async def reload(http: Http, api_url: str) -> list[str]:
    # `services/agent/index.ts` reload: POST with the JSON body `{}` (the spec shows no body).
    # Reload only reports the session on the socket; repeating it is harmless.
    return await _post(
        http, f"{api_url}/v1/agents/reload", "learn the station session", {}, idempotent=True
    )


async def list_activities(
    http: Http, api_url: str, since_ms: int, *, agent_ids: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Agent activities (`GET /v1/agents/activities`) since `since_ms` (< 24 h ago): who is
    logged in, with which dial number and state. Every page; at most 10 pages of 1,000.

    Added by the diagnose engineer (dial-number uniqueness and session checks)."""
    from wxcc_desk.api.config import READ_SCOPE

    params: dict[str, str | int] = {"from": since_ms, "pageSize": 1000}
    if agent_ids:
        params["agentIds"] = ",".join(agent_ids[:100])
    rows: list[dict[str, Any]] = []
    for page in range(10):
        body = await http.get_json(
            f"{api_url}/v1/agents/activities",
            what="list agent activities",
            params={**params, "page": page},
            scope=READ_SCOPE,
        )
        data = body.get("data") if isinstance(body, dict) else None
        batch = [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []
        rows.extend(batch)
        if len(batch) < 1000:
            break
    return rows
