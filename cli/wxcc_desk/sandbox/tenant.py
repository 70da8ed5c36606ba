"""Read and validate a tenant YAML file (format: docs/sandbox.md) into a `Tenant`.

Entities are named by a short `key` that other entries refer to; the wire ids are uuids derived
from the key unless an `id` is given. Every error is one line: `FILE:LINE: KEY: problem`.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from wxcc_desk.sandbox import model as m
from wxcc_desk.sandbox.fields import Fields
from wxcc_desk.sandbox.generate import generate_agents
from wxcc_desk.sandbox.yamlmarks import TenantError, load_marked, read_text

__all__ = ["TenantError", "default_tenant", "load_tenant", "parse_tenant"]

_REGIONS = ("us1", "eu1", "eu2", "anz1", "jp1", "sg1", "ca1", "in1")
_CLUSTERS = {"us1": "PF84", "eu1": "P0A1", "eu2": "PE93", "anz1": "PA02", "ca1": "PC81"}
_DEFAULT_US = r"1[0-9]{3}[2-9][0-9]{6}([,]{1,10}[0-9]+){0,1}"
_DEFAULT_OTHER = r"([0-9\s\-\+\(\)]{4,20})"


def default_tenant_text() -> str:
    """The shipped tenant file, a commented working example (`sandbox --show-tenant`)."""
    return resources.files("wxcc_desk.sandbox").joinpath("default_tenant.yaml").read_text("utf-8")


def default_tenant() -> m.Tenant:
    return parse_tenant(default_tenant_text(), "default_tenant.yaml")


def load_tenant(path: str | Path) -> m.Tenant:
    path = Path(path)
    return parse_tenant(read_text(path), str(path))


def parse_tenant(text: str, source: str) -> m.Tenant:
    """The tenant of a YAML text, or a one-line TenantError (file, line, key)."""
    try:
        return _parse(text, source)
    except RecursionError:  # a value nested deeper than any tenant needs
        raise TenantError(f"{source}: the tenant file is nested far too deeply") from None


def _parse(text: str, source: str) -> m.Tenant:
    root = Fields(load_marked(text, source), source, "")
    org = _org(root.mapping("org") or Fields({}, source, "org", 1))
    oauth = _oauth(root.mapping("oauth") or Fields({}, source, "oauth", 1))
    refs = _Refs()
    mm = refs.add("multimedia_profiles", root, _multimedia)
    sk = refs.add("skill_profiles", root, _skill)
    sites = refs.add("sites", root, lambda f: _site(f, refs))
    teams = refs.add("teams", root, lambda f: _team(f, refs))
    plans = refs.add("dial_plans", root, _dial_plan)
    aux = refs.add("aux_codes", root, _aux)
    dps = refs.add("desktop_profiles", root, lambda f: _desktop(f, refs))
    users: dict[str, m.User] = {}
    for f in root.items("users"):
        user = _user(f, refs, org)
        if user.email.lower() in users:
            raise f.fail("email", f"duplicate user {user.email}")
        users[user.email.lower()] = user
    gen = root.mapping("generate")
    if gen is not None:
        users.update(generate_agents(gen, refs.resolve, users))
    root.done()
    return m.Tenant(source, org, oauth, sites, mm, sk, teams, dps, plans, aux, users)


class _Refs:
    """Key -> id tables per section, so later sections can refer to earlier ones."""

    def __init__(self) -> None:
        self.keys: dict[str, dict[str, str]] = {}

    def add(self, section: str, root: Fields, build: Any) -> dict[str, Any]:
        table: dict[str, str] = {}
        out: dict[str, Any] = {}
        for f in root.items(section):
            key = f.text("key", max_len=80)
            if key in table:
                raise f.fail("key", f"duplicate key {key!r} in {section}")
            entity = build(f)
            f.done()
            table[key] = entity.id
            out[entity.id] = entity
        self.keys[section] = table
        return out

    def resolve(self, f: Fields, key: str, section: str, default: Any = None) -> Any:
        ref = f.text(key, default)
        if ref is None:
            return None
        table = self.keys.get(section, {})
        if ref not in table:
            known = ", ".join(sorted(table)) or "none defined"
            raise f.fail(key, f"no {section} entry with key {ref!r} (known: {known})")
        return table[ref]

    def resolve_list(self, f: Fields, key: str, section: str) -> list[str]:
        out = []
        for ref in f.texts(key, []):
            table = self.keys.get(section, {})
            if ref not in table:
                raise f.fail(key, f"no {section} entry with key {ref!r}")
            out.append(table[ref])
        return out


def _id(f: Fields, kind: str) -> str:
    return str(f.text("id", None, max_len=36) or m.stable_id(kind, f.data["key"]))


def _regex(f: Fields, key: str, default: Any) -> str:
    value = str(f.text(key, default, max_len=255))
    try:
        re.compile(value)
    except re.error as err:
        raise f.fail(key, f"not a valid regular expression: {err}") from None
    return value


def _org(f: Fields) -> m.Org:
    region = f.choice("region", _REGIONS, "us1")
    org = m.Org(
        id=f.text("id", m.stable_id("org", "default"), max_len=36),
        name=f.text("name", "Example Corp"),
        region=region,
        ci_cluster=f.text("ci_cluster", _CLUSTERS.get(region, "PF84"), max_len=16),
        timezone=f.text("timezone", "America/New_York"),
        webrtc_enabled=f.flag("webrtc_enabled", True),
        dn_default_regex=_regex(f, "dn_default_regex", _DEFAULT_US),
        dn_other_regex=_regex(f, "dn_other_regex", _DEFAULT_OTHER),
        force_default_dn=f.flag("force_default_dn", False),
        lost_connection_recovery_timeout=f.number("lost_connection_recovery_timeout", 50000),
        outdial_enabled=f.flag("outdial_enabled", True),
    )
    if "_" in org.ci_cluster:
        raise f.fail("ci_cluster", "must not contain '_' (tokens are split on it)")
    f.done()
    return org


def _oauth(f: Fields) -> m.OAuthClient:
    client = m.OAuthClient(f.text("client_id", "wxcc-desk-sandbox"), f.text("client_secret", None))
    f.done()
    return client


def _multimedia(f: Fields) -> m.MultimediaProfile:
    return m.MultimediaProfile(
        id=_id(f, "mm"),
        name=f.text("name", max_len=80),
        telephony=f.number("telephony", 1, 0, 1),
        chat=f.number("chat", 0, 0, 5),
        email=f.number("email", 0, 0, 5),
        social=f.number("social", 0, 0, 5),
        blending_mode=f.choice(
            "blending_mode", ("BLENDED", "BLENDED_REALTIME", "EXCLUSIVE"), "BLENDED"
        ),
        active=f.flag("active", True),
    )


def _skill(f: Fields) -> m.SkillProfile:
    return m.SkillProfile(id=_id(f, "skill"), name=f.text("name", max_len=80))


def _site(f: Fields, refs: _Refs) -> m.Site:
    return m.Site(
        id=_id(f, "site"),
        name=f.text("name", max_len=80),
        # Optional: the site DTO requires the id only on create/update (docs/sandbox.md).
        multimedia_profile_id=refs.resolve(f, "multimedia_profile", "multimedia_profiles"),
        active=f.flag("active", True),
    )


def _team(f: Fields, refs: _Refs) -> m.Team:
    team_type = f.choice("type", ("AGENT", "CAPACITY"), "AGENT")
    team = m.Team(
        id=_id(f, "team"),
        name=f.text("name", max_len=80),
        site_id=refs.resolve(f, "site", "sites", ...),
        team_type=team_type,
        status=f.choice("status", ("IN_SERVICE", "NOT_AVAILABLE"), "IN_SERVICE"),
        active=f.flag("active", True),
        dialed_number=f.text("dialed_number", None, max_len=43),
        multimedia_profile_id=refs.resolve(f, "multimedia_profile", "multimedia_profiles"),
        skill_profile_id=refs.resolve(f, "skill_profile", "skill_profiles"),
    )
    if team_type == "CAPACITY" and not team.dialed_number:
        raise f.fail("dialed_number", "is required for a CAPACITY team")
    return team


def _dial_plan(f: Fields) -> m.DialPlan:
    return m.DialPlan(
        id=_id(f, "dialplan"),
        name=f.text("name", max_len=80),
        regex=_regex(f, "regex", ...),
        prefix=f.text("prefix", "", max_len=50),
        stripped_chars=f.text("stripped_chars", "", max_len=128),
        active=f.flag("active", True),
    )


def _aux(f: Fields) -> m.AuxCode:
    return m.AuxCode(
        id=_id(f, "aux"),
        name=f.text("name", max_len=80),
        work_type=f.choice("type", ("IDLE_CODE", "WRAP_UP_CODE")),
        default=f.flag("default", False),
        active=f.flag("active", True),
        system=f.flag("system", False),
    )


def _desktop(f: Fields, refs: _Refs) -> m.DesktopProfile:
    options = f.texts("login_voice_options", list(m.LOGIN_OPTIONS))
    for opt in options:
        if opt not in m.LOGIN_OPTIONS:
            raise f.fail(
                "login_voice_options", f"{opt!r} is not one of {', '.join(m.LOGIN_OPTIONS)}"
            )
    return m.DesktopProfile(
        id=_id(f, "desktop"),
        name=f.text("name", max_len=80),
        login_voice_options=options,
        dn_validation=f.choice("dn_validation", m.ACCESS, "ALL"),
        dn_validation_criteria=f.texts("dn_validation_criteria", []),
        dial_plan_enabled=f.flag("dial_plan_enabled", False),
        dial_plan_ids=refs.resolve_list(f, "dial_plans", "dial_plans"),
        access_idle_code=f.choice("access_idle_code", m.ACCESS, "ALL"),
        idle_code_ids=refs.resolve_list(f, "idle_codes", "aux_codes"),
        access_wrapup_code=f.choice("access_wrapup_code", m.ACCESS, "ALL"),
        wrapup_code_ids=refs.resolve_list(f, "wrapup_codes", "aux_codes"),
        outdial_enabled=f.flag("outdial_enabled", True),
        active=f.flag("active", True),
    )


def _user_site(f: Fields, refs: _Refs) -> str:
    # Default: the first site; an explicit `site: null` leaves the user without one.
    none = "site" in f.data and f.data["site"] is None
    site = refs.resolve(f, "site", "sites", next(iter(refs.keys["sites"]), None))
    return "" if none else str(site or "")


def _user(f: Fields, refs: _Refs, org: m.Org) -> m.User:
    email = str(f.text("email", max_len=128))
    if "@" not in email:
        raise f.fail("email", f"{email!r} is not an e-mail address")
    roles = f.texts("roles", ["agent"])
    for role in roles:
        if role not in ("agent", "supervisor"):
            raise f.fail("roles", f"{role!r} must be agent or supervisor")
    admin = f.flag("admin", False)
    first, _, last = str(f.text("name", email.split("@", maxsplit=1)[0].title())).partition(" ")
    user = m.User(
        email=email,
        first_name=first,
        last_name=last,
        roles=roles,
        admin=admin,
        scopes=f.texts("scopes", list(m.ADMIN_SCOPES if admin else m.AGENT_SCOPES)),
        token=f.text("token", None, max_len=512),
        token_lifetime=f.number("token_lifetime", 43200, 1, 10**8),
        ci_user_id=f.text("ci_user_id", m.stable_id("ci", email.lower()), max_len=36),
        id=m.stable_id("user", email.lower()),
        db_id=m.stable_id("db", email.lower())[:20],
        site_id=_user_site(f, refs),
        team_ids=refs.resolve_list(f, "teams", "teams"),
        desktop_profile_id=refs.resolve(f, "desktop_profile", "desktop_profiles"),
        multimedia_profile_id=refs.resolve(f, "multimedia_profile", "multimedia_profiles"),
        skill_profile_id=refs.resolve(f, "skill_profile", "skill_profiles"),
        default_dn=f.text("default_dn", None, max_len=43),
        contact_center_enabled=f.flag("contact_center_enabled", True),
        active=f.flag("active", True),
        user_profile_type=f.choice(
            "user_profile_type", tuple(m.PROFILE_TYPE_ROLES), m.profile_type_for(roles)
        ),
    )
    granted = m.PROFILE_TYPE_ROLES[user.user_profile_type]
    for role in roles:
        if role not in granted:
            raise f.fail(
                "roles", f"{role} is not granted by user_profile_type {user.user_profile_type}"
            )
    if user.token is not None and not user.token.endswith(f"_{org.ci_cluster}_{org.id}"):
        raise f.fail("token", f"must end with _{org.ci_cluster}_<org id> like real WxCC tokens")
    f.done()
    return user
