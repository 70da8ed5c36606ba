"""Configuration and dial-number checks for one user, from one shared configuration read.

`AGENT_CONFIG` is `api.config.load_agent_config` (the same reads as login's preflight), fetched
once per user and shared by every check here; the dial-number check runs login's own rules
(`wxcc_desk.dialnumber`), so both name the same failing rule.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wxcc_desk.checks.base import CheckContext, Layer, Outcome, Resource, Scope, check
from wxcc_desk.checks.identity import ME, authed
from wxcc_desk.errors import UsageError

if TYPE_CHECKING:
    from wxcc_desk.api.config import AgentConfig, Team

CH_USER = "Control Hub > Users > the user > Contact Center"
CH_PROFILE = "Control Hub > Contact Center > Desktop Profiles"
DEVICE = {"dial_number": "AGENT_DN", "extension": "EXTENSION", "desktop": "BROWSER"}


async def _load_config(ctx: CheckContext) -> AgentConfig:
    from wxcc_desk.api.config import load_agent_config

    subject = ctx.subject
    if subject is not None and subject.admin:
        raise UsageError(
            f"diagnosing {subject.email} with an admin token needs a people lookup by e-mail, "
            "which this build does not have yet",
            hint="run diagnose with that user's own token and profile",
        )
    me = await ctx.get(ME)
    return await load_agent_config(authed(ctx), ctx.state.hosts["api"], me.org_id, me.ci_user_id)


AGENT_CONFIG = Resource("agent-config", _load_config, Scope.USER, host_role="api")


@check(
    "config.user",
    Layer.CONFIG,
    "Contact Center user",
    requires=("identity.token",),
    scope=Scope.USER,
)
async def cc_user(ctx: CheckContext) -> Outcome:
    cfg = await ctx.get(AGENT_CONFIG)
    if not cfg.user_active:
        return Outcome.fail(f"user {cfg.email} is not active", f"activate the user in {CH_USER}")
    if not cfg.contact_center_enabled:
        return Outcome.fail(
            f"{cfg.email} is not enabled for Contact Center",
            f"turn on Contact Center for the user in {CH_USER}",
        )
    return Outcome.ok(f"{cfg.email} is active and Contact Center enabled", user_id=cfg.user_id)


@check("config.desktop_profile", Layer.CONFIG, "Desktop profile and telephony option",
       requires=("config.user",), scope=Scope.USER)  # fmt: skip
async def desktop_profile(ctx: CheckContext) -> Outcome:
    cfg = await ctx.get(AGENT_CONFIG)
    option = ctx.state.profile.telephony.option
    wanted = DEVICE[option]
    name = cfg.raw.get("agentProfile", {}).get("name", cfg.agent_profile_id)
    if cfg.raw.get("agentProfile", {}).get("active") is False:
        return Outcome.fail(f"Desktop Profile {name} is not active", f"activate it in {CH_PROFILE}")
    if wanted not in cfg.login_voice_options:
        offered = ", ".join(cfg.login_voice_options) or "none"
        return Outcome.fail(
            f"telephony option {option} ({wanted}) is not among the profile's login voice "
            f"options ({offered})",
            f"add {wanted} to Desktop Profile {name} in {CH_PROFILE}, or change the profile key "
            "`telephony.option`",
        )
    return Outcome.ok(f"Desktop Profile {name} allows {wanted}")


@check(
    "config.webrtc", Layer.CONFIG, "WebRTC for Desktop", requires=("config.user",), scope=Scope.USER
)
async def webrtc(ctx: CheckContext) -> Outcome:
    if ctx.state.profile.telephony.option != "desktop":
        return Outcome.not_applicable("telephony option is not desktop (WebRTC)")
    cfg = await ctx.get(AGENT_CONFIG)
    if not cfg.webrtc_enabled:
        return Outcome.fail(
            "WebRTC is off for the organisation, so the desktop option cannot log in",
            "Control Hub > Contact Center > Tenant Settings > Desktop: turn on WebRTC",
        )
    return Outcome.ok("WebRTC enabled for Desktop")


@check("config.team", Layer.CONFIG, "Team", requires=("config.user",), scope=Scope.USER)
async def team(ctx: CheckContext) -> Outcome:
    cfg = await ctx.get(AGENT_CONFIG)
    profile = ctx.state.profile
    wanted = profile.team
    if not wanted:
        if profile.includes_agent:
            return Outcome.fail("no team in the profile", "set the profile key `team: NAME`")
        return Outcome.not_applicable("supervisor login without a team")
    found = _find_team(cfg.teams, wanted)
    if found is None:
        names = ", ".join(t.name for t in cfg.teams) or "none"
        return Outcome.fail(
            f"team {wanted} is not assigned to the user (assigned: {names})",
            f"assign the team in {CH_USER}, or change the profile key `team`",
        )
    return _team_state(found)


def _find_team(teams: tuple[Team, ...], wanted: str) -> Team | None:
    low = wanted.lower()
    return next((t for t in teams if t.id == wanted or t.name.lower() == low), None)


def _team_state(t: Team) -> Outcome:
    fix = f"Control Hub > Contact Center > Teams > {t.name}"
    if not t.active:
        return Outcome.fail(f"team {t.name} is not active", f"{fix}: set it active")
    if t.status != "IN_SERVICE":
        return Outcome.fail(f"team {t.name} is {t.status}", f"{fix}: set the status In Service")
    if t.team_type != "AGENT":
        return Outcome.fail(
            f"team {t.name} is a {t.team_type} team (no agents log in to it)",
            "choose an agent-based team in the profile key `team`",
        )
    return Outcome.ok(f"team {t.name} active, in service, assigned", team_id=t.id)


@check("config.idle_codes", Layer.CONFIG, "Idle codes", requires=("config.user",), scope=Scope.USER)
async def idle_codes(ctx: CheckContext) -> Outcome:
    cfg = await ctx.get(AGENT_CONFIG)
    usable = [c for c in cfg.idle_codes if c.active]
    if not usable:
        return Outcome.fail(
            "no active idle codes for the user: the station cannot go idle or log out cleanly",
            "Control Hub > Contact Center > Idle/Wrap-up Codes: add an active idle code (and "
            "allow it in the Desktop Profile)",
        )
    return Outcome.ok(f"{len(usable)} idle codes, e.g. {usable[0].name}")


@check("dial_number.rules", Layer.DIAL_NUMBER, "Dial number rules",
       requires=("config.desktop_profile",), scope=Scope.USER)  # fmt: skip
async def dial_number_rules(ctx: CheckContext) -> Outcome:
    from wxcc_desk.dialnumber import DeviceType, check_dial_number

    cfg = await ctx.get(AGENT_CONFIG)
    tel = ctx.state.profile.telephony
    device = DeviceType(DEVICE[tel.option])
    verdict = check_dial_number(tel.number or "", device, cfg.dn_policy, agent_id=cfg.ci_user_id)
    if verdict.ok:
        return Outcome.ok(verdict.message, rule=str(verdict.rule), dial_number=verdict.dial_number)
    return Outcome.fail(
        f"rule {verdict.rule}: {verdict.message}",
        verdict.hint or "change the profile key `telephony.number`",
        detail="; ".join(verdict.notes),
        rule=str(verdict.rule),
    )
