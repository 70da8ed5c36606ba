"""The `ws-foreign=WHO` fault: before each outcome, a decoy that is not the user's own.

A real socket carries other agents' events too (a supervisor's actions on them), and a client
must never take one for its own answer. With this fault every outcome a socket is sent (station
login, logout, state change, reload) is preceded by a decoy of the same outer type that would
mislead a client that took it: a login success with another session, a logout or state change
failure, a reload success with an active interaction. WHO says what makes it foreign:

  agent    another agent of the tenant (or an unknown agent id when there is none)
  org      the same agent, another org (envelope and data `orgId`)
  request  the same agent and org, echoing the trackingId of another wxcc-desk run's request
"""

from __future__ import annotations

import uuid
from typing import Any

from wxcc_desk.sandbox.world import World

FOREIGN_ORG = "0f0f0f0f-0000-4000-8000-0000000000f0"
FOREIGN_AGENT = "0f0f0f0f-0000-4000-8000-0000000000a0"
FOREIGN_TRACKING = "WXCCDESK_0decoy0decoy_1"
DECOY_DN = "+14085550199"
DECOY_INTERACTION = "decoy-interaction"
_RELOAD = ("AgentReloginSuccess", "AgentChannelReloginSuccess", "AgentReloginFailed")
_MISLEADING = {
    "StationLogin": "AgentStationLoginSuccess",
    "Logout": "AgentLogoutFailed",
    "AgentStateChange": "AgentStateChangeFailed",
}


def decoy(world: World, frame: dict[str, Any], who: str) -> dict[str, Any] | None:
    """The decoy sent before `frame`, or None when `frame` answers no request."""
    outer = str(frame.get("type") or "")
    data = frame.get("data")
    if not isinstance(data, dict) or "trackingId" not in data:
        return None
    if outer in _RELOAD:
        outer = kind = world.knobs.relogin_event
    elif outer in _MISLEADING and data.get("type") != "AgentStateChange":  # not unsolicited
        kind = _MISLEADING[outer]
    else:
        return None
    org = str(frame.get("orgId") or world.tenant.org.id)
    fake: dict[str, Any] = {**data, "type": kind, "trackingId": str(uuid.uuid4())}
    if kind.endswith("Success"):
        fake.update(_session(data))
    else:
        fake.update({"reason": "DECOY_NOT_YOURS", "reasonCode": 1999})
    if who == "agent":
        fake["agentId"] = _other_agent(world, str(data.get("agentId") or ""))
    elif who == "org":
        org = fake["orgId"] = FOREIGN_ORG
    else:
        fake["trackingId"] = FOREIGN_TRACKING
    return {"type": outer, "orgId": org, "trackingId": f"notifs_{uuid.uuid4()}", "data": fake}


def _session(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "agentSessionId": f"decoy-{uuid.uuid4()}",
        "status": "LoggedIn",
        "subStatus": "Available",
        "auxCodeId": "0",
        "teamId": str(data.get("teamId") or "decoy-team"),
        "dialNumber": DECOY_DN,
        "dn": DECOY_DN,
        "deviceType": "AGENT_DN",
        "deviceId": DECOY_DN,
        "interactionIds": [DECOY_INTERACTION],
        "reason": "",
    }


def _other_agent(world: World, agent_id: str) -> str:
    others = [ci for ci in world.tenant.by_ci if ci != agent_id]
    return others[0] if others else FOREIGN_AGENT
