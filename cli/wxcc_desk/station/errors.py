"""Admin-facing errors for station outcomes that arrive on the WebSocket.

Each names what happened, the fix (a Control Hub setting, a profile key or a command) and the
tracking IDs of the request and of the notification.
"""

from __future__ import annotations

from wxcc_desk.api.notifications import Envelope
from wxcc_desk.core.errors import NotLoggedInError, RejectedError, WxccError
from wxcc_desk.station.preflight import LoginPlan

DN_SETTINGS = (
    "Control Hub > Contact Center > Desktop Profiles > the profile > Dial Number Validation, "
    "and the tenant's dial number format (Tenant Settings)"
)
# Inferred reason strings (no public source shows them); kept for a clearer message only.
ALREADY = {"AGENT_ALREADY_LOGGED_IN", "AGENT_SESSION_EXISTS", "DUPLICATE_LOGIN"}


def _ids(env: Envelope) -> list[str]:
    inner = str(env.data.get("trackingId") or "")
    return [i for i in dict.fromkeys((env.tracking_id, inner)) if i]


def login_failure(env: Envelope, plan: LoginPlan) -> WxccError:
    reason = env.reason or "UNKNOWN"
    number = plan.request.dial_number
    where = "Extension" if plan.request.device_type == "EXTENSION" else "Dial number"
    if reason == "DUPLICATE_LOCATION":
        return RejectedError(
            f"{where} {number} is already in use by another signed-in agent",
            hint="use another number, or have the other agent sign out; an admin can find who "
            "with `wxcc-desk diagnose -p ADMIN_PROFILE --agent EMAIL`",
            code=reason,
            tracking_ids=_ids(env),
        )
    if reason == "INVALID_DIAL_NUMBER":
        return RejectedError(
            f"the service rejected {where.lower()} {number} as invalid for this user",
            hint=f"check {DN_SETTINGS}; `wxcc-desk diagnose` shows which rule fails",
            code=reason,
            tracking_ids=_ids(env),
        )
    if reason in ALREADY:
        return RejectedError(
            "the station is already signed in (from another desktop or an earlier run)",
            hint="run `wxcc-desk login --takeover` to take that session over, or "
            "`wxcc-desk logout` first",
            code="ALREADY_LOGGED_IN",
            tracking_ids=_ids(env),
        )
    if reason == "INVALID_TEAM":
        return RejectedError(
            f"the service refused team {plan.team.name if plan.team else '(none)'} for this user",
            hint="set `team` to one of the user's active teams (Control Hub > Contact Center > "
            "Teams)",
            code=reason,
            tracking_ids=_ids(env),
        )
    if reason == "INVALID_LOGIN_OPTION":
        return RejectedError(
            f"the service refused telephony option {plan.request.device_type}",
            hint="choose a voice option the Desktop Profile allows, or ask an admin to add it",
            code=reason,
            tracking_ids=_ids(env),
        )
    # Anything else is shown as sent, with the SDK's generic advice (`getStationLoginErrorData`
    # in the SDK's Utils: "An error occurred while logging in to the station"): no cause is
    # guessed. The SDK itself names only DUPLICATE_LOCATION and INVALID_DIAL_NUMBER; the other
    # reasons above are the sandbox's inferred ones (docs/sandbox.md).
    return RejectedError(
        f"station login failed: {reason}",
        hint="an error occurred while logging in to the station and the service gave no more "
        "than the reason above; `wxcc-desk diagnose` checks the configuration",
        code=reason,
        tracking_ids=_ids(env),
    )


def state_failure(env: Envelope) -> WxccError:
    reason = env.reason or "UNKNOWN"
    if reason == "AGENT_NOT_LOGGED_IN":
        return NotLoggedInError(
            "the station is not signed in any more",
            hint="run `wxcc-desk login`",
            code=reason,
            tracking_ids=_ids(env),
        )
    hint = "set `after_login.idle_code` to an active idle code of the user's Desktop Profile"
    return RejectedError(
        f"state change failed: {reason}", hint=hint, code=reason, tracking_ids=_ids(env)
    )


def logout_failure(env: Envelope) -> WxccError:
    reason = env.reason or "UNKNOWN"
    if reason == "AGENT_NOT_LOGGED_IN":
        return NotLoggedInError(
            "the station is not signed in",
            hint="nothing to do",
            code=reason,
            tracking_ids=_ids(env),
        )
    if reason == "AGENT_HAS_ACTIVE_INTERACTION":
        return active_interactions(
            [str(i) for i in env.data.get("interactionIds") or ()],
            bool(env.data.get("monitoring")),
            _ids(env),
        )
    return RejectedError(
        f"station logout failed: {reason}",
        hint="run `wxcc-desk status`, then try again",
        code=reason,
        tracking_ids=_ids(env),
    )


def active_interactions(ids: list[str], monitoring: bool, tracking: list[str]) -> WxccError:
    what = "monitoring" if monitoring else "an interaction"
    return RejectedError(
        f"refusing to log out while {what} is active (interaction ids: "
        f"{', '.join(ids) or 'unknown'})",
        hint="finish or transfer the interaction (or stop monitoring) in Desktop, then log out",
        code="ACTIVE_INTERACTION",
        tracking_ids=tracking,
    )
