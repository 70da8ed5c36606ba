"""The data diagnose checks share, each fetched once: tenant-wide per run, the rest per user.

Tenant-wide (RUN): the token's identity, the org reads (organization, settings, tenant
configuration, idle codes, dial plans), every team, agent activities, and each Desktop Profile
and site by id (so 2,000 agents sharing three profiles cost three reads). Per user (USER): the
Contact Center user record, then `api.config.assemble` builds the same `AgentConfig` login's
preflight uses. Only `wxcc_desk.api` knows URLs and JSON; this module only schedules the calls.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, TypeVar

from wxcc_desk.core.errors import AuthError, ConfigError, WxccError
from wxcc_desk.core.suggest import did_you_mean
from wxcc_desk.diagnose.base import CheckContext, Resource, Scope

if TYPE_CHECKING:
    from wxcc_desk.api.config import AgentConfig
    from wxcc_desk.api.identity import Identity
    from wxcc_desk.api.users import UserPage
    from wxcc_desk.http.client import Http

Json = dict[str, Any]
T = TypeVar("T")
SIGN_IN = (
    "run `wxcc-desk auth login --web -p PROFILE`, pipe a token to `wxcc-desk auth login "
    "--with-token -p PROFILE`, or set WXCC_ACCESS_TOKEN"
)


def authed(ctx: CheckContext) -> Http:
    client = ctx.state.authed
    if client is None:
        err = ctx.state.token_error
        if err is not None:
            raise err
        raise AuthError("no access token", hint=SIGN_IN, code="NO_TOKEN")
    return client


def api_url(ctx: CheckContext) -> str:
    url: str = ctx.state.hosts["api"]
    return url


async def _me(ctx: CheckContext) -> Identity:
    from wxcc_desk.api.identity import get_me

    return await get_me(authed(ctx), ctx.state.hosts["identity"])


ME = Resource("people/me", _me, Scope.RUN, host_role="identity")


async def _org(ctx: CheckContext) -> Json:
    from wxcc_desk.api import config as c

    org = (await ctx.get(ME)).org_id
    http, url = authed(ctx), api_url(ctx)
    organization, settings, tenant, aux, plans = await asyncio.gather(
        c.get_organization(http, url, org),
        c.get_org_settings(http, url, org),
        c.get_tenant_config(http, url, org),
        c.list_aux_codes(http, url, org),
        _tolerant(c.list_dial_plans(http, url, org)),
    )
    return {
        "organization": organization,
        "organizationSetting": settings,
        "tenantConfiguration": tenant,
        "auxiliaryCodes": aux,
        "dialPlans": plans,
    }


async def _tolerant(call: Awaitable[T]) -> T | WxccError:
    # Dial plans only matter when a Desktop Profile enables them; assemble() raises then.
    try:
        return await call
    except WxccError as err:
        return err


ORG = Resource("org-config", _org, Scope.RUN, host_role="api")


async def _teams(ctx: CheckContext) -> list[Json]:
    from wxcc_desk.api.config import list_all_teams

    org = (await ctx.get(ME)).org_id
    return await list_all_teams(authed(ctx), api_url(ctx), org)


TEAMS = Resource("teams", _teams, Scope.RUN, host_role="api")


async def _activities(ctx: CheckContext) -> list[Json]:
    from wxcc_desk.api.agents import list_activities

    since = int((time.time() - 86_400 + 60) * 1000)  # the API looks back less than a day
    return await list_activities(authed(ctx), api_url(ctx), since)


ACTIVITIES = Resource("activities", _activities, Scope.RUN, host_role="api")


def desktop_profile(profile_id: str) -> Resource[Json]:
    async def load(ctx: CheckContext) -> Json:
        from wxcc_desk.api.config import get_agent_profile

        org = (await ctx.get(ME)).org_id
        return await get_agent_profile(authed(ctx), api_url(ctx), org, profile_id)

    return Resource(f"agent-profile:{profile_id}", load, Scope.RUN, host_role="api")


def site(site_id: str) -> Resource[Json]:
    async def load(ctx: CheckContext) -> Json:
        from wxcc_desk.api.config import get_site

        if not site_id:
            return {}
        org = (await ctx.get(ME)).org_id
        return await get_site(authed(ctx), api_url(ctx), org, site_id)

    return Resource(f"site:{site_id}", load, Scope.RUN, host_role="api")


async def _user(ctx: CheckContext) -> Json:
    """The subject's Contact Center user record."""
    from wxcc_desk.api.config import get_user_by_ci
    from wxcc_desk.api.identity import find_person

    subject = ctx.subject
    docs = ctx.state.user_docs
    if subject is not None and subject.email.lower() in docs:
        return docs.pop(subject.email.lower())
    me = await ctx.get(ME)
    ci = me.ci_user_id
    if subject is not None and subject.admin:
        person = await find_person(authed(ctx), ctx.state.hosts["identity"], subject.email)
        if person is None:
            raise ConfigError(
                f"no Webex user with e-mail {subject.email} in the token's organisation",
                hint="check the address (Control Hub > Users)",
                code="NO_SUCH_USER",
            )
        ci = person.ci_user_id
    return await get_user_by_ci(authed(ctx), api_url(ctx), me.org_id, ci)


USER = Resource("cc-user", _user, Scope.USER, host_role="api")


async def _config(ctx: CheckContext) -> AgentConfig:
    from wxcc_desk.api.config import assemble, desktop_profile_id

    user = await ctx.get(USER)
    profile_id = desktop_profile_id(user)
    me, org, teams, profile, where = await asyncio.gather(
        ctx.get(ME),
        ctx.get(ORG),
        ctx.get(TEAMS),
        ctx.get(desktop_profile(profile_id)),
        ctx.get(site(str(user.get("siteId") or ""))),
    )
    wanted = {str(t) for t in user.get("teamIds") or ()}
    mine = [t for t in teams if str(t.get("id")) in wanted]
    raw = {**org, "user": user, "agentProfile": profile, "site": where, "teams": mine}
    return assemble(me.org_id, str(user.get("ciUserId") or ""), raw)


AGENT_CONFIG = Resource("agent-config", _config, Scope.USER, host_role="api")


def members(team: str | None) -> Resource[list[str]]:
    """WxCC user ids of a team's agents (by name or id), or of every agent team's members."""

    async def load(ctx: CheckContext) -> list[str]:
        every = await ctx.get(TEAMS)
        teams = [t for t in every if t.get("teamType", "AGENT") == "AGENT"]
        if team is not None:
            teams = _named_team(every, team)
        ids = list(dict.fromkeys(str(u) for t in teams for u in t.get("userIds") or ()))
        if team is not None and not ids:
            inactive = " and is inactive" if teams[0].get("active") is False else ""
            raise ConfigError(
                f"team {teams[0].get('name')!r} has no agents{inactive}: nothing to diagnose",
                hint="assign agents to the team in Control Hub > Contact Center > Teams, or "
                "pass another --team",
                code="TEAM_EMPTY",
            )
        return ids

    return Resource(f"members:{team}", load, Scope.RUN, host_role="api")


def _named_team(teams: list[Json], team: str) -> list[Json]:
    """The agent team `team` names (name or id, any case); a capacity team is not one."""
    key = team.strip().lower()
    found = [t for t in teams if key in (str(t.get("id")).lower(), str(t.get("name")).lower())]
    if not found:
        raise ConfigError(
            f"no agent team named {team!r}",
            hint=did_you_mean(team, [str(t.get("name")) for t in teams if t.get("name")])
            + "pass --team with a team name or id from Control Hub > Contact Center > Teams",
            code="TEAM_NOT_FOUND",
        )
    agent_teams = [t for t in found if t.get("teamType", "AGENT") == "AGENT"]
    if not agent_teams:
        raise ConfigError(
            f"team {found[0].get('name')!r} is a {found[0].get('teamType')} team: it has no "
            "agent members to diagnose",
            hint="pass an agent team (type AGENT in Control Hub > Contact Center > Teams)",
            code="TEAM_NOT_AGENT",
        )
    return agent_teams


async def user_record(ctx: CheckContext, user_id: str) -> Json:
    from wxcc_desk.api.config import get_user

    org = (await ctx.get(ME)).org_id
    return await get_user(authed(ctx), api_url(ctx), org, user_id)


def by_id(kind: str, item_id: str) -> Resource[Json]:
    """A multimedia or skill profile by id, read once per run however many users share it."""

    async def load(ctx: CheckContext) -> Json:
        from wxcc_desk.api import config as c

        get = {"multimedia": c.get_multimedia_profile, "skill": c.get_skill_profile}[kind]
        org = (await ctx.get(ME)).org_id
        return await get(authed(ctx), api_url(ctx), org, item_id)

    return Resource(f"{kind}-profile:{item_id}", load, Scope.RUN, host_role="api")


async def user_page(ctx: CheckContext, page: int) -> UserPage:
    """One page of the org's Contact Center users (`--all-agents` streams them)."""
    from wxcc_desk.api.users import get_user_page

    org = (await ctx.get(ME)).org_id
    return await get_user_page(authed(ctx), api_url(ctx), org, page)
