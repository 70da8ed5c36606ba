"""Checks run before a station login sends anything: pure functions of the spec, the token's
identity and the agent configuration, each raising a WxccError that names the fix."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from wxcc_desk.api.agents import LoginRequest
from wxcc_desk.api.config import AgentConfig, AuxCode, Team
from wxcc_desk.api.identity import Identity
from wxcc_desk.core.dialnumber import DeviceType, DialVerdict, Rule, check_dial_number
from wxcc_desk.core.errors import AuthError, ConfigError
from wxcc_desk.core.suggest import did_you_mean
from wxcc_desk.station.model import StationSpec, check_token_user

_USER_SETTINGS = "Control Hub > Users > the user > Contact Center"
_VOICE_OPTIONS = "Control Hub > Contact Center > Desktop Profiles > the profile > Voice Options"


@dataclass(frozen=True)
class LoginPlan:
    """What preflight approved: the login body, and the state to apply after it."""

    request: LoginRequest
    team: Team | None
    verdict: DialVerdict
    after_state: str  # Available | Idle | "" (supervisor only: no agent state to set)
    aux_code: AuxCode | None
    warnings: tuple[str, ...] = ()


def check_identity(spec: StationSpec, me: Identity, source: str = "") -> None:
    check_token_user(spec.user, me, source=source)


def check_token_org(token_org: str, me: Identity) -> None:
    """WxCC user tokens name their org; a mismatch means a token from another org or cluster."""
    if token_org and token_org.lower() != me.org_id.lower():
        raise AuthError(
            f"the token was issued for org {token_org} but its user belongs to org {me.org_id}",
            hint="sign in again with a token of the profile's organization",
            code="WRONG_ORG",
        )


def preflight(spec: StationSpec, config: AgentConfig) -> LoginPlan:
    check_user(config)
    check_role(spec, config)
    if supervisor_without_device(spec):
        return _supervisor_plan(spec, config)
    device = check_telephony(spec, config)
    team = resolve_team(spec.team, config.teams, required="agent" in spec.roles)
    verdict = check_dial_number(
        spec.number, device, config.dn_policy, region=spec.region, agent_id=config.ci_user_id
    )
    if not verdict.ok:
        raise ConfigError(
            f"dial number rejected before sending: {verdict.message} (rule: {verdict.rule})",
            hint=verdict.hint,
            code="INVALID_DIAL_NUMBER",
        )
    state, aux = after_login_state(spec, config)
    warnings: tuple[str, ...] = ()
    if device is DeviceType.BROWSER:
        state, aux, warnings = _browser_state(spec, config, state, aux)
    request = LoginRequest(
        verdict.dial_number,
        device.value,
        team.id if team else "",
        spec.roles,
        agent_id=config.ci_user_id,
    )
    return LoginPlan(request, team, verdict, state, aux, warnings)


def supervisor_without_device(spec: StationSpec) -> bool:
    """A supervisor-only login with no number: no telephony at all. The agents spec lets a
    supervisor leave out `deviceType` and `teamId`; Desktop shows a supervisor the Dial Number
    field only for call monitoring. With a number, it is checked and sent as for an agent."""
    return spec.roles == ("supervisor",) and spec.telephony != "desktop" and not spec.number


def _supervisor_plan(spec: StationSpec, config: AgentConfig) -> LoginPlan:
    team = resolve_team(spec.team, config.teams, required=False)
    # `dialNumber` is required by the spec even here. What Desktop sends for a supervisor
    # without a phone is not public; we send the agent id, as every BROWSER login does (no
    # number the service could ring), and no deviceType/deviceId [inferred].
    agent_id = config.ci_user_id
    verdict = DialVerdict(True, Rule.OK, "supervisor without telephony", dial_number=agent_id)
    request = LoginRequest(agent_id, "", team.id if team else "", spec.roles, agent_id=agent_id)
    return LoginPlan(request, team, verdict, "", None)


NO_AUDIO = (
    "telephony `desktop` (WebRTC): wxcc-desk registers no WebRTC calling line (the Desktop "
    "does, in the browser), so this station has no audio path and contacts offered to it go "
    "unanswered (RONA)"
)


def _browser_state(
    spec: StationSpec, config: AgentConfig, state: str, aux: AuxCode | None
) -> tuple[str, AuxCode | None, tuple[str, ...]]:
    """A desktop login is never made Available unless this run asked with `--available`."""
    if state != "Available":
        return state, aux, (NO_AUDIO + "; it stays Idle (pass --available to take contacts)",)
    if spec.explicit_available:
        return state, aux, (NO_AUDIO + "; it is Available because --available was given",)
    idle = config.idle_code(spec.idle_code)
    return (
        "Idle",
        idle,
        (
            NO_AUDIO + "; the profile's `after_login.state: available` is not applied, so it stays "
            "Idle (pass --available to make it Available anyway)",
        ),
    )


def check_user(config: AgentConfig) -> None:
    if not config.user_active or not config.contact_center_enabled:
        raise ConfigError(
            "the user is not enabled for Contact Center Desktop",
            hint=f"an admin must enable Contact Center for the user ({_USER_SETTINGS})",
            code="USER_NOT_ENABLED",
        )


# Login roles each user profile type grants (users spec `userProfileType`). The user record
# carries no roles list, so this is inferred from the spec's module list: only SUPERVISOR and
# ADMINISTRATOR reach supervisor features; ADMINISTRATOR_ONLY and ANALYZER_* have no Agent
# Desktop. Unknown types decide nothing and leave it to the service (docs/station.md).
PROFILE_TYPE_ROLES: dict[str, tuple[str, ...]] = {
    "ADMINISTRATOR": ("agent", "supervisor"),
    "SUPERVISOR": ("agent", "supervisor"),
    "PREMIUM_AGENT": ("agent",),
    "STANDARD_AGENT": ("agent",),
    "ADMINISTRATOR_ONLY": (),
    "ANALYZER_ADMINISTRATOR": (),
    "ANALYZER_SUPERVISOR": (),
    "ANALYZER_USER": (),
}


def allowed_roles(config: AgentConfig) -> set[str] | None:
    """Roles the configuration grants the user, or None when it does not say: an explicit
    `roles` list first, else what the user profile type grants; login and diagnose share it."""
    user = config.raw.get("user") or {}
    roles = user.get("roles")
    if isinstance(roles, list):
        return {str(r).lower() for r in roles}
    by_type = PROFILE_TYPE_ROLES.get(str(user.get("userProfileType") or "").upper())
    return set(by_type) if by_type is not None else None


def check_role(spec: StationSpec, config: AgentConfig) -> None:
    allowed = allowed_roles(config)
    missing = [r for r in spec.roles if allowed is not None and r not in allowed]
    if missing:
        raise ConfigError(
            f"the profile asks for role {spec.role} but the user is not a "
            f"{' or '.join(missing)} (allowed: {', '.join(sorted(allowed or ())) or 'none'})",
            hint=f"set `role` in the profile to one the user has, or ask an admin to change the "
            f"user's profile type ({_USER_SETTINGS} > User Profile)",
            code="ROLE_NOT_ALLOWED",
        )


def check_telephony(spec: StationSpec, config: AgentConfig) -> DeviceType:
    device = spec.device
    options = config.login_voice_options
    if options and device.value not in options:
        raise ConfigError(
            f"telephony option {spec.telephony} ({device.value}) is not allowed by the user's "
            f"Desktop Profile (allowed: {', '.join(options)})",
            hint=f"choose an allowed `telephony.option`, or ask an admin to add it in "
            f"{_VOICE_OPTIONS}",
            code="TELEPHONY_NOT_ALLOWED",
        )
    if device is DeviceType.BROWSER and not config.webrtc_enabled:
        raise ConfigError(
            "telephony option desktop (WebRTC) needs WebRTC, which the organization has off",
            hint="use dial_number or extension, or ask an admin to enable the Webex Calling "
            "WebRTC desktop in Control Hub > Contact Center > Tenant Settings > Desktop",
            code="WEBRTC_DISABLED",
        )
    return device


def resolve_team(name: str | None, teams: Sequence[Team], *, required: bool) -> Team | None:
    """By id, else by name case-insensitively; ambiguous or unusable teams are errors."""
    if not name:
        if required:
            raise ConfigError(
                "the agent role needs a team and the profile names none",
                hint=f"set `team` to one of: {_names(teams)}",
                code="TEAM_REQUIRED",
            )
        return None
    key = name.strip().lower()
    found = [t for t in teams if t.id.lower() == key] or [t for t in teams if t.name.lower() == key]
    if not found:
        raise ConfigError(
            f"team {name!r} is not one of the user's teams ({_names(teams)})",
            hint=did_you_mean(name, [t.name for t in teams])
            + "give one of those as the team (`--team`, `WXCC_TEAM` or `team:` in the profile), "
            "or ask an admin to add the user to the team",
            code="TEAM_NOT_FOUND",
        )
    if len(found) > 1:
        listed = ", ".join(f"{t.name} (id {t.id})" for t in found)
        raise ConfigError(
            f"team name {name!r} is ambiguous: {listed}",
            hint="set `team` to the id of the one you mean",
            code="TEAM_AMBIGUOUS",
        )
    team = found[0]
    if not team.usable:
        why = "a capacity team" if team.team_type == "CAPACITY" else "inactive or not available"
        usable = [t for t in teams if t.usable]
        raise ConfigError(
            f"team {team.name!r} is {why}",
            hint=f"use one of: {_names(usable)}, or ask an admin to activate it",
            code="TEAM_UNUSABLE",
        )
    return team


def _names(teams: Sequence[Team]) -> str:
    return ", ".join(t.name for t in teams) or "(the user has no teams)"


def after_login_state(spec: StationSpec, config: AgentConfig) -> tuple[str, AuxCode | None]:
    if spec.after_state == "available":
        return "Available", None
    code = config.idle_code(spec.idle_code)
    if code is None and spec.idle_code:
        names = ", ".join(c.name for c in config.idle_codes) or "none"
        raise ConfigError(
            f"idle code {spec.idle_code!r} is not one of the user's idle codes ({names})",
            hint=did_you_mean(spec.idle_code, [c.name for c in config.idle_codes])
            + "set `after_login.idle_code` to one of those, or leave it out for the default",
            code="IDLE_CODE_NOT_FOUND",
        )
    return "Idle", code
