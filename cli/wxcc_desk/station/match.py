"""A station session as the service has it, against what the login planned.

A session the flow did not create itself (`--takeover`, or the one reload finds after an
ambiguous login) may sit on another team, number or device than the profile asks for. These
helpers name its team from its own `teamId`, list what differs, and give the values `remember`
may store: only those the station really uses.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from wxcc_desk.api.config import Team
from wxcc_desk.auth.credentials import StationCredentials
from wxcc_desk.station.model import DEVICE_TELEPHONY, SessionInfo
from wxcc_desk.station.preflight import LoginPlan

_OPTION_OF = {device.value: option for device, option in DEVICE_TELEPHONY.items()}


def team_name(team_id: str, teams: Sequence[Team]) -> str:
    """The name of the session's team among the user's teams; its id when it is not one."""
    return next((t.name for t in teams if t.id == team_id), team_id)


def mismatches(session: SessionInfo, plan: LoginPlan, teams: Sequence[Team]) -> list[str]:
    """What differs, each as `<what> <session value> (asked: <planned value>)`; empty when the
    session is the one the plan asks for."""
    req = plan.request
    found: list[str] = []
    if req.team_id and session.team_id != req.team_id:
        asked = plan.team.name if plan.team else req.team_id
        found.append(f"team {team_name(session.team_id, teams) or '(none)'} (asked: {asked})")
    if not req.device_type and not session.device_type:
        return found  # supervisor only, no telephony: there is no number to compare
    if session.device_type != req.device_type:
        found.append(f"device type {session.device_type or '(none)'} (asked: {req.device_type})")
    elif not _same_number(session.dial_number, req.dial_number, req.device_type):
        found.append(f"dial number {session.dial_number or '(none)'} (asked: {req.dial_number})")
    return found


def _same_number(have: str, want: str, device_type: str) -> bool:
    if device_type == "BROWSER":  # the device is the agent id, the same on every login
        return True
    if device_type == "AGENT_DN":  # the service compares numbers by digits
        return re.sub(r"\D", "", have) == re.sub(r"\D", "", want)
    return have.strip() == want.strip()


def used_station(session: SessionInfo) -> StationCredentials | None:
    """What the station uses, in `remember` terms; None for a device type we do not know."""
    option = _OPTION_OF.get(session.device_type)
    if option is None:
        return None
    number = None if option == "desktop" else session.dial_number or None
    return StationCredentials(option, number, session.team_name or session.team_id or None)
