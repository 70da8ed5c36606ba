"""Agent state changes: the one place that moves a session's state and describes it (§3)."""

from __future__ import annotations

from typing import Any

from wxcc_desk.sandbox.model import User
from wxcc_desk.sandbox.world import AgentSession, World, now_ms

RONA_REASON_CODE = 156  # the sandbox's own value; none is published


def valid_idle_code(world: World, aux_code_id: str) -> bool:
    aux = world.tenant.aux_codes.get(aux_code_id)
    return aux is not None and aux.active and aux.work_type == "IDLE_CODE"


def apply(session: AgentSession, sub_status: str, aux_code_id: str, reason: str) -> None:
    ts = now_ms()
    session.sub_status = sub_status
    session.aux_code_id = aux_code_id if sub_status != "Available" else "0"
    session.state_reason = reason
    session.state_ts = ts
    if sub_status != "Available":
        session.idle_ts = ts


def data(kind: str, agent: User, session: AgentSession, by: User | None) -> dict[str, Any]:
    """`data` of a state frame; `by` is who changed it (None: the system)."""
    doc: dict[str, Any] = {
        "type": kind,
        "agentId": agent.ci_user_id,
        "agentSessionId": session.session_id,
        "auxCodeId": session.aux_code_id,
        "status": "LoggedIn",
        "subStatus": session.sub_status,
        "lastIdleCodeChangeTimestamp": session.idle_ts,
        "lastStateChangeTimestamp": session.state_ts,
        "lastStateChangeReason": session.state_reason,
        "changedBy": "SYSTEM" if by is None else ("SELF" if by is agent else "SUPERVISOR"),
    }
    if by is not None:
        doc["changedById"], doc["changedByName"] = by.ci_user_id, by.display_name
    return doc


def rona_code(world: World, fallback: str) -> str:
    """The tenant's idle code named RONA, else the session's current code."""
    for aux in world.tenant.aux_codes.values():
        if aux.name.upper() == "RONA" and aux.work_type == "IDLE_CODE":
            return aux.id
    return fallback


def rona(
    world: World, agent: User, session: AgentSession, interaction: str
) -> list[dict[str, Any]]:
    """Inferred: the offer times out (`AgentOfferContactRona`), then an unsolicited
    `AgentStateChange` puts the agent in `subStatus: RONA` with the RONA idle code."""
    offer = {
        "type": "AgentOfferContactRona",
        "eventType": "RoutingMessage",
        "agentId": agent.ci_user_id,
        "interactionId": interaction,
        "reason": "RONA",
        "reasonCode": RONA_REASON_CODE,
    }
    apply(session, "RONA", rona_code(world, session.aux_code_id), "RONA")
    return [offer, data("AgentStateChange", agent, session, None)]
