"""Configuration and dial-number checks for one user, from one shared configuration read.

Every rule is login's own (`station/preflight.py`, `core/dialnumber.py`), so diagnose and login
name the same failure. For the profile's own user the station settings come from the profile; for
another user (`--agent`, `--team`, `--all-agents`) from that user's configuration: the default
dial number, any usable team, the roles the configuration grants.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING

from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, Scope, check
from wxcc_desk.diagnose.data import AGENT_CONFIG, by_id

if TYPE_CHECKING:
    from wxcc_desk.api.config import AgentConfig, Team
    from wxcc_desk.station.model import StationSpec

CH_USER = "Control Hub > Users > the user > Contact Center"
CH_PROFILE = "Control Hub > Contact Center > Desktop Profiles"
U = Scope.USER


def subject_spec(ctx: CheckContext, cfg: AgentConfig) -> StationSpec:
    """What a login of the diagnosed user would ask for."""
    from wxcc_desk.api.config import default_dn
    from wxcc_desk.station.model import StationSpec, spec_from_profile
    from wxcc_desk.station.preflight import allowed_roles

    own = spec_from_profile(ctx.state.known_profile)
    subject = ctx.subject
    if subject is None or not subject.admin:
        return own
    roles = allowed_roles(cfg) or {"agent"}
    role = "supervisor_agent" if {"agent", "supervisor"} <= roles else min(roles)
    number = default_dn(cfg.raw.get("user") or {})
    desktop = not number and "BROWSER" in cfg.login_voice_options
    telephony = "desktop" if desktop else "dial_number"
    return StationSpec(subject.email, role, telephony, number, None, region=own.region)


@check("config.user", Layer.CONFIG, "Contact Center user", requires=("identity.licence",), scope=U)
async def cc_user(ctx: CheckContext) -> Outcome:
    from wxcc_desk.station.preflight import check_user

    cfg = await ctx.get(AGENT_CONFIG)
    check_user(cfg)
    return Outcome.ok(f"{cfg.email} is active and Contact Center enabled", user_id=cfg.user_id)


@check("config.desktop_profile", Layer.CONFIG, "Desktop profile, role and telephony option",
       requires=("config.user",), scope=U)  # fmt: skip
async def desktop_profile(ctx: CheckContext) -> Outcome:
    from wxcc_desk.station.preflight import check_role, check_telephony

    cfg = await ctx.get(AGENT_CONFIG)
    profile = cfg.raw.get("agentProfile") or {}
    name = profile.get("name") or cfg.agent_profile_id
    if profile.get("active") is False:
        return Outcome.fail(f"Desktop Profile {name} is not active", f"activate it in {CH_PROFILE}")
    spec = subject_spec(ctx, cfg)
    check_role(spec, cfg)
    # Login's option rule; the organisation's WebRTC switch is config.webrtc's to report.
    device = check_telephony(spec, replace(cfg, webrtc_enabled=True))
    return Outcome.ok(f"Desktop Profile {name} allows {spec.role} with {device.value}")


@check("config.webrtc", Layer.CONFIG, "WebRTC for Desktop", requires=("config.user",), scope=U)
async def webrtc(ctx: CheckContext) -> Outcome:
    cfg = await ctx.get(AGENT_CONFIG)
    if subject_spec(ctx, cfg).telephony != "desktop":
        return Outcome.not_applicable("telephony option is not desktop (WebRTC)")
    if not cfg.webrtc_enabled:
        return Outcome.fail(
            "WebRTC is off for the organisation, so the desktop option cannot log in",
            "Control Hub > Contact Center > Tenant Settings > Desktop: turn on WebRTC",
        )
    return Outcome.ok("WebRTC enabled for Desktop")


@check("config.team", Layer.CONFIG, "Team", requires=("config.user",), scope=U)
async def team(ctx: CheckContext) -> Outcome:
    from wxcc_desk.station.preflight import resolve_team

    cfg = await ctx.get(AGENT_CONFIG)
    spec = subject_spec(ctx, cfg)
    needs = "agent" in spec.roles
    if spec.team is None and ctx.subject is not None and ctx.subject.admin:
        return _any_team(cfg.teams, needs)
    found = resolve_team(spec.team, cfg.teams, required=needs)
    if found is None:
        return Outcome.not_applicable("supervisor login without a team")
    return Outcome.ok(f"team {found.name} active, in service, assigned", team_id=found.id)


def _any_team(teams: tuple[Team, ...], needed: bool) -> Outcome:
    usable = [t for t in teams if t.usable]
    if usable:
        return Outcome.ok(f"{len(usable)} usable teams, e.g. {usable[0].name}")
    if not needed:
        return Outcome.not_applicable("supervisor without a team")
    names = ", ".join(t.name for t in teams) or "none"
    return Outcome.fail(
        f"no usable team (assigned: {names})",
        f"assign an active, in-service agent team in {CH_USER}",
    )


@check("config.site", Layer.CONFIG, "Site", requires=("config.user",), scope=U)
async def site(ctx: CheckContext) -> Outcome:
    cfg = await ctx.get(AGENT_CONFIG)
    where = cfg.raw.get("site") or {}
    if not where:
        return Outcome.fail("the user has no site", f"assign a site in {CH_USER}")
    if where.get("active") is False:
        return Outcome.fail(
            f"site {where.get('name')} is not active",
            "Control Hub > Contact Center > Sites: activate it, or move the user",
        )
    return Outcome.ok(f"site {where.get('name')} active")


@check("config.profiles", Layer.CONFIG, "Multimedia and skill profiles",
       requires=("config.user",), scope=U)  # fmt: skip
async def media_profiles(ctx: CheckContext) -> Outcome:
    cfg = await ctx.get(AGENT_CONFIG)
    user = cfg.raw.get("user") or {}
    # The SDK's order: the user's own, else the first team's, else the site's.
    team_mm = [t.get("multiMediaProfileId") for t in cfg.raw.get("teams") or ()]
    site_mm = (cfg.raw.get("site") or {}).get("multimediaProfileId")
    mm_id = next((x for x in [user.get("multimediaProfileId"), *team_mm, site_mm] if x), None)
    if not mm_id:
        return Outcome.fail(
            "no multimedia profile on the user, their teams or their site",
            "Control Hub > Contact Center > Multimedia Profiles: assign one to the user, team "
            "or site",
        )
    skill_id = user.get("skillProfileId")
    reads = [ctx.get(by_id("multimedia", str(mm_id)))]
    if skill_id:
        reads.append(ctx.get(by_id("skill", str(skill_id))))
    mm, *skill = await asyncio.gather(*reads)
    note = f"skill profile {skill[0].get('name')}" if skill else "no skill profile (team routing)"
    name = mm.get("name") or mm_id
    if not mm.get("telephony") and "agent" in subject_spec(ctx, cfg).roles:
        return Outcome.warn(
            f"multimedia profile {name} allows no telephony: the station can log in but "
            "receives no calls",
            "Control Hub > Contact Center > Multimedia Profiles: allow at least one voice "
            "contact, or assign another profile",
        )
    return Outcome.ok(f"multimedia profile {name} (voice {mm.get('telephony')}); {note}")


@check("config.idle_codes", Layer.CONFIG, "Idle codes", requires=("config.user",), scope=U)
async def idle_codes(ctx: CheckContext) -> Outcome:
    from wxcc_desk.station.preflight import after_login_state

    cfg = await ctx.get(AGENT_CONFIG)
    if not cfg.idle_codes:
        return Outcome.fail(
            "no idle codes for the user: the station cannot go idle or be logged out cleanly",
            "Control Hub > Contact Center > Idle/Wrap-up Codes: add an active idle code, and "
            "allow it in the Desktop Profile",
        )
    after_login_state(subject_spec(ctx, cfg), cfg)  # the profile's idle code must exist
    return Outcome.ok(f"{len(cfg.idle_codes)} idle codes, e.g. {cfg.idle_codes[0].name}")


@check("dial_number.rules", Layer.DIAL_NUMBER, "Dial number rules",
       requires=("config.desktop_profile",), scope=U)  # fmt: skip
async def dial_number_rules(ctx: CheckContext) -> Outcome:
    from wxcc_desk.core.dialnumber import check_dial_number
    from wxcc_desk.station.preflight import supervisor_without_device

    cfg = await ctx.get(AGENT_CONFIG)
    spec = subject_spec(ctx, cfg)
    if supervisor_without_device(spec):  # the login sends no telephony: nothing to check
        return Outcome.not_applicable("supervisor login without telephony: no dial number")
    verdict = check_dial_number(
        spec.number, spec.device, cfg.dn_policy, region=spec.region, agent_id=cfg.ci_user_id
    )
    if verdict.ok:
        return Outcome.ok(verdict.message, rule=str(verdict.rule), dial_number=verdict.dial_number)
    return Outcome.fail(
        f"rule {verdict.rule}: {verdict.message}",
        verdict.hint or "change the profile key `telephony.number`",
        detail="; ".join(verdict.notes),
        rule=str(verdict.rule),
    )
