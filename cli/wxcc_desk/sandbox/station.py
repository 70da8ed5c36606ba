"""Station-login rules and the session payloads the §3 envelopes carry.

Reason strings marked "inferred" are not in any public source (docs/sandbox.md lists them).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from wxcc_desk.sandbox.model import Tenant, User
from wxcc_desk.sandbox.notifications import default_idle_code
from wxcc_desk.sandbox.world import AgentSession, World, now_ms

DUPLICATE_LOCATION = "DUPLICATE_LOCATION"
INVALID_DIAL_NUMBER = "INVALID_DIAL_NUMBER"
ALREADY_LOGGED_IN = "AGENT_ALREADY_LOGGED_IN"  # inferred
INVALID_TEAM = "INVALID_TEAM"  # inferred
INVALID_LOGIN_OPTION = "INVALID_LOGIN_OPTION"  # inferred
NOT_LOGGED_IN = "AGENT_NOT_LOGGED_IN"  # inferred
ACTIVE_INTERACTION = "AGENT_HAS_ACTIVE_INTERACTION"  # inferred
INVALID_AUX_CODE = "INVALID_AUX_CODE"  # inferred
AGENT_NOT_FOUND = "AGENT_NOT_FOUND"
# Numeric reasonCodes are unknown publicly; these are the sandbox's own, stable values.
REASON_CODES = {
    DUPLICATE_LOCATION: 1001,
    INVALID_DIAL_NUMBER: 1002,
    ALREADY_LOGGED_IN: 1003,
    INVALID_TEAM: 1004,
    INVALID_LOGIN_OPTION: 1005,
    NOT_LOGGED_IN: 1006,
    ACTIVE_INTERACTION: 1007,
    INVALID_AUX_CODE: 1008,
    AGENT_NOT_FOUND: 1009,
}
_SEPARATORS = re.compile(r"[\s().\-]")
_EXTENSION = re.compile(r"[0-9]{2,15}")


def normalise_dn(dial_number: str) -> str:
    """Spaces, brackets, dots and dashes removed, and a leading +, for comparisons."""
    return _SEPARATORS.sub("", dial_number).lstrip("+")


def dn_key(device_type: str, dial_number: str) -> str | None:
    """The uniqueness key of a location; BROWSER and device-less logins have none."""
    if device_type in ("BROWSER", ""):
        return None
    prefix = "ext" if device_type == "EXTENSION" else "dn"
    return f"{prefix}:{normalise_dn(dial_number)}"


def login_failure(world: World, user: User, body: dict[str, Any]) -> str | None:
    """The reason the login is refused, or None. Order: session, team, option, number, in use."""
    if user.ci_user_id in world.sessions:
        return ALREADY_LOGGED_IN
    tenant = world.tenant
    if "agent" in body["roles"]:
        team = tenant.teams.get(body["teamId"])
        if team is None or team.id not in user.team_ids or not team.active:
            return INVALID_TEAM
    device = login_device(body)
    profile = tenant.desktop_profiles.get(user.desktop_profile_id or "")
    if "agent" in body["roles"]:
        allowed = profile.login_voice_options if profile else []
        if device not in allowed or (device == "BROWSER" and not tenant.org.webrtc_enabled):
            return INVALID_LOGIN_OPTION
    if not dial_number_ok(tenant, user, device, body["dialNumber"]):
        return INVALID_DIAL_NUMBER
    key = dn_key(device, body["dialNumber"])
    holder = world.dn_index.get(key) if key else None
    if holder is not None and holder != user.ci_user_id:
        return DUPLICATE_LOCATION
    return None


def login_device(body: dict[str, Any]) -> str:
    """The login's device type; "" for a supervisor-only login that names none (the spec lets
    a supervisor leave `deviceType` out). Otherwise an absent type reads as AGENT_DN."""
    if not body["deviceType"] and body["roles"] == ["supervisor"]:
        return ""
    return str(body["deviceType"] or "AGENT_DN")


def dial_number_ok(tenant: Tenant, user: User, device: str, dial_number: str) -> bool:
    if device in ("BROWSER", ""):  # WebRTC, or a supervisor without telephony: nothing to ring
        return True
    if device == "EXTENSION":
        return _EXTENSION.fullmatch(normalise_dn(dial_number)) is not None
    profile = tenant.desktop_profiles.get(user.desktop_profile_id or "")
    validation = profile.dn_validation if profile else "ALL"
    if tenant.org.force_default_dn or validation == "PROVISIONED_VALUE":
        default = user.default_dn or ""
        return bool(default) and normalise_dn(default) == normalise_dn(dial_number)
    if validation == "SPECIFIC" and profile and profile.dn_validation_criteria:
        return any(re.fullmatch(rx, dial_number) for rx in profile.dn_validation_criteria)
    org = tenant.org
    stripped = normalise_dn(dial_number)
    return bool(
        re.fullmatch(org.dn_default_regex, stripped)
        or re.fullmatch(org.dn_other_regex, dial_number)
        or re.fullmatch(org.dn_other_regex, _SEPARATORS.sub("", dial_number))
    )


def start_session(world: World, user: User, body: dict[str, Any]) -> AgentSession:
    device = login_device(body)
    ts = now_ms()
    session = AgentSession(
        ci_user_id=user.ci_user_id,
        session_id=str(uuid.uuid4()),
        team_id=body["teamId"],
        dial_number=body["dialNumber"],
        dn_key=dn_key(device, body["dialNumber"]),
        device_type=device,
        device_id=body["deviceId"] or (body["dialNumber"] if device else ""),
        is_extension=body["isExtension"],
        roles=body["roles"],
        sub_status="Idle",
        aux_code_id=default_idle_code(world),
        login_ts=ts,
        state_ts=ts,
        idle_ts=ts,
        supervisor_session_id=str(uuid.uuid4()) if "supervisor" in body["roles"] else None,
    )
    world.sessions[user.ci_user_id] = session
    if session.dn_key:
        world.dn_index[session.dn_key] = user.ci_user_id
    return session


def channels_map(tenant: Tenant, user: User, team_id: str) -> dict[str, list[str]]:
    """Channel ids per media, sized by the multimedia profile (user, then team, then site)."""
    team = tenant.teams.get(team_id)
    site = tenant.sites.get(user.site_id)
    mm_id = user.multimedia_profile_id or (team and team.multimedia_profile_id)
    mm_id = mm_id or (site.multimedia_profile_id if site else None)
    mm = tenant.multimedia_profiles.get(mm_id or "")
    counts = {"telephony": 1, "chat": 0, "email": 0, "social": 0}
    if mm is not None:
        counts = {
            "telephony": mm.telephony,
            "chat": mm.chat,
            "email": mm.email,
            "social": mm.social,
        }
    return {
        media: [f"{media}-{user.ci_user_id[:8]}-{i}" for i in range(n)]
        for media, n in counts.items()
    }


def session_data(world: World, user: User, session: AgentSession) -> dict[str, Any]:
    """The fields login success and reload success share (§3)."""
    return {
        "agentId": user.ci_user_id,
        "agentSessionId": session.session_id,
        "auxCodeId": session.aux_code_id,
        "teamId": session.team_id,
        "siteId": user.site_id,
        "status": "LoggedIn",
        "subStatus": session.sub_status,
        "dialNumber": session.dial_number,
        "dn": session.dial_number,
        "deviceType": session.device_type,
        "deviceId": session.device_id,
        "isExtension": session.is_extension,
        "roles": session.roles,
        "interactionIds": [i.id for i in world.interactions_of(user.ci_user_id)],
        "lastStateChangeTimestamp": session.state_ts,
        "lastIdleCodeChangeTimestamp": session.idle_ts,
        "lastStateChangeReason": session.state_reason,
        "profileType": "BLENDED",
        "channelsMap": channels_map(world.tenant, user, session.team_id),
        **(
            {"supervisorSessionId": session.supervisor_session_id}
            if session.supervisor_session_id
            else {}
        ),
    }


# The fields of the SDK's success types (`services/agent/types.ts`): StationLoginSuccess has
# no deviceType, deviceId, dn or isExtension; ReloginSuccess has them all (some optional).
LOGIN_SUCCESS_FIELDS = frozenset(
    {
        "eventType", "agentId", "trackingId", "auxCodeId", "teamId", "agentSessionId", "orgId",
        "interactionIds", "status", "subStatus", "siteId", "lastIdleCodeChangeTimestamp",
        "lastStateChangeTimestamp", "profileType", "channelsMap", "dialNumber", "roles",
        "supervisorSessionId", "type",
    }
)  # fmt: skip
RELOGIN_SUCCESS_FIELDS = LOGIN_SUCCESS_FIELDS - {"supervisorSessionId"} | {
    "dn", "isExtension", "lastStateChangeReason", "deviceType", "deviceId",
    "isEmergencyModalAlreadyDisplayed",
}  # fmt: skip


LOGOUT_SUCCESS_FIELDS = frozenset(
    {
        "eventType", "agentId", "trackingId", "agentSessionId", "orgId", "status", "subStatus",
        "loggedOutBy", "roles", "type",
    }
)  # fmt: skip
STATE_SUCCESS_FIELDS = frozenset(
    {
        "eventType", "agentId", "trackingId", "auxCodeId", "agentSessionId", "orgId", "status",
        "subStatus", "lastIdleCodeChangeTimestamp", "lastStateChangeTimestamp", "type",
        "changedBy", "changedById", "changedByName", "lastStateChangeReason",
    }
)  # fmt: skip


def sdk_shaped(data: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """Only the fields the SDK's type declares (the `sdk_shaped_events` knob)."""
    return {k: v for k, v in data.items() if k in fields}


def failure_data(kind: str, user: User, reason: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": kind,
        "agentId": user.ci_user_id,
        "reasonCode": REASON_CODES.get(reason, 1000),
        "reason": reason,
        **extra,
    }
