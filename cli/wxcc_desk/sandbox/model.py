"""The tenant the sandbox serves: plain typed records built from the tenant YAML."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

_NS = uuid.UUID("6f2d3a4e-8d0b-4c8e-9f53-2b1d7c0a9e11")

AGENT_SCOPES = ("cjp:user", "spark:people_read")
ADMIN_SCOPES = ("cjp:user", "spark:people_read", "cjp:config_read", "cjp:config_write")
# Deliberately a twin of station/preflight.py PROFILE_TYPE_ROLES, not an import of it: the sandbox
# stands for the server, and a client tested against its own copy of a rule would test nothing.
# The users spec's user profile types and the Desktop login roles each grants (inferred from
# the spec's module list: only SUPERVISOR and ADMINISTRATOR reach supervisor features, and
# ADMINISTRATOR_ONLY and the ANALYZER_* types have no Agent Desktop module).
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


def profile_type_for(roles: list[str]) -> str:
    """The user profile type a tenant file implies when it names only roles."""
    if "supervisor" in roles:
        return "SUPERVISOR"
    return "PREMIUM_AGENT" if roles else "ADMINISTRATOR_ONLY"


LOGIN_OPTIONS = ("AGENT_DN", "EXTENSION", "BROWSER")
ACCESS = ("SPECIFIC", "ALL", "PROVISIONED_VALUE", "NONE")


def stable_id(kind: str, key: str) -> str:
    """A uuid derived from a tenant key, so ids survive restarts and tenant files stay short."""
    return str(uuid.uuid5(_NS, f"{kind}:{key}"))


@dataclass
class Org:
    id: str
    name: str
    region: str
    ci_cluster: str
    timezone: str
    webrtc_enabled: bool
    dn_default_regex: str
    dn_other_regex: str
    force_default_dn: bool
    lost_connection_recovery_timeout: int
    outdial_enabled: bool


@dataclass
class OAuthClient:
    client_id: str
    client_secret: str | None


@dataclass
class MultimediaProfile:
    id: str
    name: str
    telephony: int
    chat: int
    email: int
    social: int
    blending_mode: str
    active: bool


@dataclass
class SkillProfile:
    id: str
    name: str


@dataclass
class Site:
    id: str
    name: str
    multimedia_profile_id: str | None
    active: bool


@dataclass
class Team:
    id: str
    name: str
    site_id: str
    team_type: str
    status: str
    active: bool
    dialed_number: str | None
    multimedia_profile_id: str | None
    skill_profile_id: str | None
    user_ids: list[str] = field(default_factory=list)


@dataclass
class DialPlan:
    id: str
    name: str
    regex: str
    prefix: str
    stripped_chars: str
    active: bool


@dataclass
class AuxCode:
    id: str
    name: str
    work_type: str
    default: bool
    active: bool
    system: bool


@dataclass
class DesktopProfile:
    id: str
    name: str
    login_voice_options: list[str]
    dn_validation: str
    dn_validation_criteria: list[str]
    dial_plan_enabled: bool
    dial_plan_ids: list[str]
    access_idle_code: str
    idle_code_ids: list[str]
    access_wrapup_code: str
    wrapup_code_ids: list[str]
    outdial_enabled: bool
    active: bool


@dataclass
class User:
    email: str
    first_name: str
    last_name: str
    roles: list[str]
    admin: bool
    scopes: list[str]
    token: str | None
    token_lifetime: int
    ci_user_id: str
    id: str
    db_id: str
    site_id: str
    team_ids: list[str]
    desktop_profile_id: str | None
    multimedia_profile_id: str | None
    skill_profile_id: str | None
    default_dn: str | None
    contact_center_enabled: bool
    active: bool
    user_profile_type: str

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass
class Tenant:
    """Everything read from the tenant file, indexed for O(1) lookups per request."""

    source: str
    org: Org
    oauth: OAuthClient
    sites: dict[str, Site]
    multimedia_profiles: dict[str, MultimediaProfile]
    skill_profiles: dict[str, SkillProfile]
    teams: dict[str, Team]
    desktop_profiles: dict[str, DesktopProfile]
    dial_plans: dict[str, DialPlan]
    aux_codes: dict[str, AuxCode]
    users: dict[str, User]  # by e-mail (lower case)
    by_ci: dict[str, User] = field(default_factory=dict)
    by_id: dict[str, User] = field(default_factory=dict)
    by_db: dict[str, User] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_ci = {u.ci_user_id: u for u in self.users.values()}
        self.by_id = {u.id: u for u in self.users.values()}
        self.by_db = {u.db_id: u for u in self.users.values()}
        for team in self.teams.values():
            team.user_ids = []
        for user in self.users.values():
            for tid in user.team_ids:
                self.teams[tid].user_ids.append(user.id)
