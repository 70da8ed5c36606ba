"""WxCC configuration reads, and the agent configuration assembled from them.

The assembly follows the SDK's older generation (protocol §2c), which uses only endpoints that
are published (plus three the SDK itself reads): the user by CI id, with the organization, its
settings, the tenant configuration and the idle codes beside it, then in parallel the Desktop
Profile, the site, the teams and the dial plans. Every fetcher is public so diagnose can
call it alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wxcc_desk.api import settle
from wxcc_desk.core.dialnumber import DnPolicy, plans_from_rows
from wxcc_desk.core.errors import ConfigError, NetworkError, WxccError
from wxcc_desk.http.client import Http

READ_SCOPE = "cjp:config_read"
_PAGE = 100
_MAX_PAGES = 50  # a runaway `totalPages` must not turn into thousands of requests

Json = dict[str, Any]


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    team_type: str = "AGENT"
    status: str = "IN_SERVICE"
    active: bool = True
    site_id: str = ""

    @property
    def usable(self) -> bool:
        return self.active and self.status != "NOT_AVAILABLE" and self.team_type != "CAPACITY"


@dataclass(frozen=True)
class AuxCode:
    id: str
    name: str
    kind: str  # IDLE_CODE or WRAP_UP_CODE
    default: bool = False
    active: bool = True


@dataclass(frozen=True)
class AgentConfig:
    """What login preflight needs; `raw` keeps every response for diagnose and -v."""

    org_id: str
    ci_user_id: str
    user_id: str
    email: str
    user_active: bool
    contact_center_enabled: bool
    site_id: str
    agent_profile_id: str
    login_voice_options: tuple[str, ...]
    webrtc_enabled: bool
    dn_policy: DnPolicy
    teams: tuple[Team, ...]
    idle_codes: tuple[AuxCode, ...]
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # tenant-configuration `lostConnectionRecoveryTimeout` (ms); 0 when the tenant has none
    lost_connection_recovery_ms: int = 0

    def idle_code(self, name_or_id: str | None) -> AuxCode | None:
        """The named (case-insensitive) or id'd idle code; None asks for the tenant default."""
        if name_or_id is None:
            return next((c for c in self.idle_codes if c.default), None) or next(
                iter(self.idle_codes), None
            )
        key = name_or_id.strip().lower()
        return next((c for c in self.idle_codes if key in (c.id.lower(), c.name.lower())), None)


def _org(api_url: str, org_id: str) -> str:
    return f"{api_url}/organization/{org_id}"


async def get_user_by_ci(http: Http, api_url: str, org_id: str, ci_user_id: str) -> Json:
    return await _get(
        http,
        f"{_org(api_url, org_id)}/user/by-ci-user-id/{ci_user_id}",
        "read the user's Contact Center settings",
        hint="the user is not a Contact Center user: an admin must give the user a Contact "
        "Center licence in Control Hub (Users > the user > Contact Center)",
        params={"includeUserProfile": "true"},
    )


async def get_organization(http: Http, api_url: str, org_id: str) -> Json:
    return await _get(
        http,
        _org(api_url, org_id),
        "read the Contact Center organization",
        hint="the org has no Contact Center tenant; check the profile's region",
    )


async def get_org_settings(http: Http, api_url: str, org_id: str) -> Json:
    return await _get(
        http,
        f"{_org(api_url, org_id)}/v2/organization-setting",
        "read the organization settings",
        params={"agentView": "true"},
    )


async def get_tenant_config(http: Http, api_url: str, org_id: str) -> Json:
    return await _get(
        http,
        f"{_org(api_url, org_id)}/v2/tenant-configuration",
        "read the tenant configuration",
        params={"agentView": "true"},
    )


async def get_agent_profile(http: Http, api_url: str, org_id: str, profile_id: str) -> Json:
    return await _get(
        http,
        f"{_org(api_url, org_id)}/agent-profile/{profile_id}",
        "read the Desktop Profile",
        hint="the user's Desktop Profile is missing: assign one in Control Hub (Users > the "
        "user > Contact Center > Desktop Profile)",
    )


async def get_site(http: Http, api_url: str, org_id: str, site_id: str) -> Json:
    return await _get(
        http,
        f"{_org(api_url, org_id)}/site/{site_id}",
        "read the user's site",
        hint="assign the user to a site in Control Hub",
    )


async def list_aux_codes(http: Http, api_url: str, org_id: str) -> list[Json]:
    params = {"attributes": "id,isSystemCode,name,defaultCode,workTypeCode,active"}
    return await _all_pages(
        http, f"{_org(api_url, org_id)}/v2/auxiliary-code", "list the idle codes", params
    )


async def list_teams(http: Http, api_url: str, org_id: str, ids: list[str]) -> list[Json]:
    """Teams by id (`filter=id=in=(...)`); no ids means none, not all."""
    if not ids:
        return []
    params = {"filter": f"id=in=({','.join(ids)})"}
    return await _all_pages(
        http, f"{_org(api_url, org_id)}/v2/team", "list the user's teams", params
    )


async def list_dial_plans(http: Http, api_url: str, org_id: str) -> list[Json]:
    body = await _get_any(
        http,
        f"{_org(api_url, org_id)}/dial-plan",
        "list the dial plans",
        params={"agentView": "true"},
    )
    return _rows(body)


async def _get(
    http: Http, url: str, what: str, *, hint: str = "", params: dict[str, str] | None = None
) -> Json:
    body = await _get_any(http, url, what, hint=hint, params=params)
    if not isinstance(body, dict):
        raise NetworkError(
            f"could not {what}: the answer is not a JSON object",
            hint="check the profile's api_url",
            code="BAD_RESPONSE",
        )
    return body


async def _get_any(
    http: Http, url: str, what: str, *, hint: str = "", params: dict[str, str] | None = None
) -> Any:
    return await http.get_json(
        url, what=what, params=params, scope=READ_SCOPE, not_found=ConfigError, not_found_hint=hint
    )


async def _all_pages(http: Http, url: str, what: str, params: dict[str, str]) -> list[Json]:
    first = await _get(http, url, what, params={**params, "page": "0", "pageSize": str(_PAGE)})
    rows = _rows(first)
    pages = _total_pages(first)
    if pages > 1:
        rest = await settle(
            *(
                _get(http, url, what, params={**params, "page": str(n), "pageSize": str(_PAGE)})
                for n in range(1, min(pages, _MAX_PAGES))
            )
        )
        for body in rest:
            rows.extend(_rows(body))
    return rows


def _rows(body: Any) -> list[Json]:
    data = body.get("data") if isinstance(body, dict) else body
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def _total_pages(body: Any) -> int:
    meta = body.get("meta") if isinstance(body, dict) else None
    total = meta.get("totalPages") if isinstance(meta, dict) else None
    return int(total) if isinstance(total, int) else 1


# --------------------------------------------------------------------------- assembly


async def load_agent_config(http: Http, api_url: str, org_id: str, ci_user_id: str) -> AgentConfig:
    """Two round trips: the user with the org-level reads beside it (they need only the org id),
    then the user's own objects in parallel."""
    user, org, settings, tenant, aux = await settle(
        get_user_by_ci(http, api_url, org_id, ci_user_id),
        get_organization(http, api_url, org_id),
        get_org_settings(http, api_url, org_id),
        get_tenant_config(http, api_url, org_id),
        list_aux_codes(http, api_url, org_id),
    )
    profile_id = desktop_profile_id(user)
    profile, site, teams, plans = await settle(
        get_agent_profile(http, api_url, org_id, profile_id),
        _optional_site(http, api_url, org_id, str(user.get("siteId") or "")),
        list_teams(http, api_url, org_id, [str(t) for t in user.get("teamIds") or []]),
        _maybe_dial_plans(http, api_url, org_id),
    )
    raw = {
        "user": user,
        "organization": org,
        "organizationSetting": settings,
        "tenantConfiguration": tenant,
        "auxiliaryCodes": aux,
        "agentProfile": profile,
        "site": site,
        "teams": teams,
        "dialPlans": plans,
    }
    return assemble(org_id, ci_user_id, raw)


async def _optional_site(http: Http, api_url: str, org_id: str, site_id: str) -> Json:
    return await get_site(http, api_url, org_id, site_id) if site_id else {}


async def _maybe_dial_plans(http: Http, api_url: str, org_id: str) -> list[Json] | WxccError:
    # Fetched beside the profile to save a round trip; only an error if the profile needs them.
    try:
        return await list_dial_plans(http, api_url, org_id)
    except WxccError as err:
        return err


def assemble(org_id: str, ci_user_id: str, raw: dict[str, Any]) -> AgentConfig:
    """Build the typed configuration from the raw responses (pure: diagnose feeds it too)."""
    user, profile = raw["user"], raw["agentProfile"]
    settings, tenant = raw["organizationSetting"], raw["tenantConfiguration"]
    return AgentConfig(
        org_id=org_id,
        ci_user_id=ci_user_id,
        user_id=str(user.get("id") or ""),
        email=str(user.get("email") or ""),
        user_active=user.get("active", True) is not False,
        contact_center_enabled=user.get("contactCenterEnabled", True) is not False,
        site_id=str(user.get("siteId") or ""),
        agent_profile_id=str(profile.get("id") or user.get("agentProfileId") or ""),
        login_voice_options=tuple(str(o) for o in profile.get("loginVoiceOptions") or ()),
        webrtc_enabled=bool(settings.get("webRtcEnabled")),
        dn_policy=_dn_policy(user, profile, tenant, raw.get("dialPlans")),
        teams=tuple(_team(t) for t in raw["teams"]),
        idle_codes=_idle_codes(raw["auxiliaryCodes"], profile),
        raw=raw,
        lost_connection_recovery_ms=_whole(tenant.get("lostConnectionRecoveryTimeout")),
    )


def _whole(value: object) -> int:
    """A positive whole number from JSON, else 0."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return int(value) if value > 0 else 0


def default_dn(user: Json) -> str:
    """The user's default dial number; the API spells it `deafultDialledNumber` (sic)."""
    return str(user.get("deafultDialledNumber") or user.get("defaultDialledNumber") or "")


def _dn_policy(user: Json, profile: Json, tenant: Json, plans: Any) -> DnPolicy:
    enabled = bool(profile.get("dialPlanEnabled"))
    if enabled and isinstance(plans, WxccError):
        raise plans  # the profile needs dial plans and they could not be read
    rows = plans if isinstance(plans, list) else []
    wanted = {str(p) for p in profile.get("dialPlans") or ()}
    if wanted:  # the old SDK keeps only the plans the Desktop Profile names
        rows = [r for r in rows if str(r.get("id")) in wanted]
    return DnPolicy(
        default_dn=default_dn(user),
        force_default_dn=bool(tenant.get("forceDefaultDn")),
        validation=str(profile.get("agentDNValidation") or "NONE"),
        regex_us=str(tenant.get("dnDefaultRegex") or ""),
        regex_other=str(tenant.get("dnOtherRegex") or ""),
        dial_plan_enabled=enabled,
        dial_plans=plans_from_rows(rows),
    )


def _team(row: Json) -> Team:
    return Team(
        id=str(row.get("id") or ""),
        name=str(row.get("name") or ""),
        team_type=str(row.get("teamType") or "AGENT"),
        status=str(row.get("teamStatus") or "IN_SERVICE"),
        active=row.get("active", True) is not False,
        site_id=str(row.get("siteId") or ""),
    )


def aux_code(row: Json) -> AuxCode:
    return AuxCode(
        id=str(row.get("id") or ""),
        name=str(row.get("name") or ""),
        kind=str(row.get("workTypeCode") or ""),
        default=bool(row.get("defaultCode")),
        active=row.get("active", True) is not False,
    )


def _idle_codes(rows: list[Json], profile: Json) -> tuple[AuxCode, ...]:
    codes = [aux_code(r) for r in rows]
    idle = [c for c in codes if c.kind == "IDLE_CODE" and c.active]
    if profile.get("accessIdleCode") == "SPECIFIC":
        allowed = {str(i) for i in profile.get("idleCodes") or ()}
        idle = [c for c in idle if c.id in allowed]
    return tuple(idle)


async def list_all_teams(http: Http, api_url: str, org_id: str) -> list[Json]:
    """Every team of the tenant, all pages (diagnose reads them once per run).

    Added by the diagnose engineer."""
    return await _all_pages(http, f"{_org(api_url, org_id)}/v2/team", "list the teams", {})


def desktop_profile_id(user: Json) -> str:
    """The user's Desktop Profile id; without one the user cannot sign in to Desktop at all."""
    profile_id = str(user.get("agentProfileId") or "")
    if not profile_id:
        raise ConfigError(
            "the user has no Desktop Profile",
            hint="assign one in Control Hub (Users > the user > Contact Center)",
            code="NO_DESKTOP_PROFILE",
        )
    return profile_id


async def get_user(http: Http, api_url: str, org_id: str, user_id: str) -> Json:
    """A Contact Center user by its WxCC id (team rows list members by these ids).

    Added by the diagnose engineer."""
    return await _get(http, f"{_org(api_url, org_id)}/user/{user_id}", "read a Contact Center user")


async def get_multimedia_profile(http: Http, api_url: str, org_id: str, profile_id: str) -> Json:
    """A multimedia profile (channel counts). Added by the diagnose engineer."""
    return await _get(
        http,
        f"{_org(api_url, org_id)}/multimedia-profile/{profile_id}",
        "read the multimedia profile",
        hint="assign an existing multimedia profile to the user, team or site in Control Hub",
    )


async def get_skill_profile(http: Http, api_url: str, org_id: str, profile_id: str) -> Json:
    """A skill profile. Added by the diagnose engineer."""
    return await _get(
        http,
        f"{_org(api_url, org_id)}/skill-profile/{profile_id}",
        "read the skill profile",
        hint="assign an existing skill profile to the user in Control Hub",
    )
