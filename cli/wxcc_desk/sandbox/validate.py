"""Request-body checks the real service makes: required fields, 43/36/128 limits, enums -> 400."""

from __future__ import annotations

from typing import Any

from wxcc_desk.sandbox.respond import ApiError

DIAL_MAX = 43  # dialNumber, deviceId
ID_MAX = 36  # teamId, auxCodeId, agentId
REASON_MAX = 128  # logoutReason, lastStateChangeReason
ROLES = ("agent", "supervisor")
DEVICE_TYPES = ("AGENT_DN", "EXTENSION", "BROWSER")
STATES = ("Available", "Idle")


def text(body: dict[str, Any], key: str, max_len: int, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise ApiError(400, f"{key} is required.")
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"{key} must be a string.")
    if required and not value.strip():
        raise ApiError(400, f"{key} must not be blank.")
    if len(value) > max_len:
        raise ApiError(400, f"{key} must be at most {max_len} characters.")
    return value


def enum(
    body: dict[str, Any], key: str, choices: tuple[str, ...], *, required: bool = False
) -> str | None:
    value = text(body, key, 64, required=required)
    if value is not None and value not in choices:
        raise ApiError(400, f"{key} must be one of {', '.join(choices)}.")
    return value


def flag(body: dict[str, Any], key: str, default: bool = False) -> bool:
    value = body.get(key, default)
    if not isinstance(value, bool):
        raise ApiError(400, f"{key} must be true or false.")
    return value


def roles(body: dict[str, Any]) -> list[str]:
    value = body.get("roles")
    if value is None:
        raise ApiError(400, "roles is required.")
    if not isinstance(value, list) or not value or not all(isinstance(r, str) for r in value):
        raise ApiError(400, "roles must be a non-empty list of agent and/or supervisor.")
    lowered = [r.lower() for r in value]
    for role in lowered:
        if role not in ROLES:
            raise ApiError(400, f"roles may contain only agent and supervisor (got {role!r}).")
    return list(dict.fromkeys(lowered))


def login_body(body: dict[str, Any]) -> dict[str, Any]:
    """The validated `LogInResourceRequest` fields."""
    out: dict[str, Any] = {
        "dialNumber": text(body, "dialNumber", DIAL_MAX, required=True),
        "roles": roles(body),
        "teamId": text(body, "teamId", ID_MAX) or "",
        "isExtension": flag(body, "isExtension"),
        "deviceType": enum(body, "deviceType", DEVICE_TYPES),
        "deviceId": text(body, "deviceId", DIAL_MAX),
    }
    if "agent" in out["roles"]:
        if not out["teamId"]:
            raise ApiError(
                400, "teamId is required unless the login is for the supervisor role only."
            )
        if not out["deviceType"]:
            raise ApiError(400, "deviceType is required for the agent role.")
    return out


def state_body(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "state": enum(body, "state", STATES, required=True),
        "auxCodeId": text(body, "auxCodeId", ID_MAX, required=True),
        "lastStateChangeReason": text(body, "lastStateChangeReason", REASON_MAX) or "",
        "agentId": text(body, "agentId", ID_MAX),
    }


def logout_body(body: dict[str, Any]) -> dict[str, Any]:
    return {
        "logoutReason": text(body, "logoutReason", REASON_MAX, required=True),
        "agentId": text(body, "agentId", ID_MAX),
    }
