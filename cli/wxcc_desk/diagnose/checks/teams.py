"""Teams checks: the WxCC connector configured for the user, Microsoft reachable, the user's
Microsoft sign-in working (the same `teams.status` that `teams-auth status` runs).

Teams is optional: when neither the profile (`teams.tenant`/`teams.client_id`) nor the org
uses it, the checks skip rather than fail, so diagnose stays green for orgs without Teams.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wxcc_desk.core.errors import ExitCode
from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, Resource, Scope, check
from wxcc_desk.diagnose.data import AGENT_CONFIG, ME, api_url, authed

if TYPE_CHECKING:
    from wxcc_desk.api.wxcc_teams import OrgState
    from wxcc_desk.teams.model import TeamsSession, TeamsStatus, TeamsTarget

CONNECTOR_FIX = (
    "Control Hub > Contact Center > Tenant Settings > Integrations > Connectors > Microsoft "
    "Teams (an Entra admin authorises it), and enable presence sync or user details in the "
    "user's Desktop Profile"
)
PROFILE_FIX = (
    "add `teams.tenant` and `teams.client_id` to the profile (`wxcc-desk schema profile` "
    "describes them)"
)


async def _org_ms(ctx: CheckContext) -> tuple[OrgState, dict[str, Any]]:
    from wxcc_desk.api.wxcc_teams import get_microsoft_config

    me = await ctx.get(ME)
    return await get_microsoft_config(authed(ctx), api_url(ctx), me.org_id)


# The org's `microsoftConfig` (desktop-login aggregate), read once per run.
ORG_MS: Resource[tuple[OrgState, dict[str, Any]]] = Resource(
    "teams-org-config", _org_ms, Scope.RUN, host_role="api"
)


def _target(ctx: CheckContext) -> TeamsTarget:
    from wxcc_desk.teams.model import target_of

    return target_of(ctx.state.known_profile)


@check(
    "teams.connector",
    Layer.TEAMS,
    "Teams connector configured",
    requires=("config.user",),  # the user's record names the Desktop Profile it reads
    scope=Scope.USER,
    host_role="api",
    prefetch=(AGENT_CONFIG, ORG_MS),  # both start at once: one round trip, not two
)
async def connector(ctx: CheckContext) -> Outcome:
    from wxcc_desk.teams.connector import decide

    cfg = await ctx.get(AGENT_CONFIG)
    org, ms = await ctx.get(ORG_MS)
    verdict = decide(org, ms, dict(cfg.raw.get("agentProfile") or {}))
    facts = verdict.as_dict()
    wanted = _target(ctx).configured
    if verdict.configured:
        return Outcome.ok(verdict.detail, **facts)
    if verdict.configured is None:
        return Outcome.warn(verdict.detail, CONNECTOR_FIX, **facts)
    if not wanted:
        return Outcome.skip(f"Teams not used: {verdict.detail}", **facts)
    return Outcome.fail(verdict.detail, CONNECTOR_FIX, **facts)


@check(
    "teams.graph",
    Layer.TEAMS,
    "Microsoft sign-in and Graph reachable",
    requires=("local.profile",),
    host_role="teams",
)
async def graph_reachable(ctx: CheckContext) -> Outcome:
    """No token needed: the tenant's OpenID configuration proves the tenant and authority;
    Graph answering (401 without a token) proves Graph is reachable."""
    from wxcc_desk.api import entra
    from wxcc_desk.api.graph import probe_reachable

    target = _target(ctx)
    if not target.configured:
        return Outcome.skip(f"the profile has no {target.missing()}")
    session = _session(ctx)
    ctx.waiting_on(target.authority_url, "OpenID configuration")
    async with session.http() as http:
        doc = await entra.get_openid_configuration(http, target.endpoints)
        ctx.waiting_on(target.graph_url, "Graph")
        status = await probe_reachable(http, target.graph_url)
    return Outcome.ok(
        f"tenant {target.tenant} answers at {target.authority_url}; Graph answers "
        f"(HTTP {status} without a token)",
        issuer=doc.get("issuer"),
    )


@check(
    "teams.auth",
    Layer.TEAMS,
    "Teams user authenticated",
    requires=("teams.graph",),
    scope=Scope.USER,
    host_role="teams",
)
async def user_authenticated(ctx: CheckContext) -> Outcome:
    from wxcc_desk.teams.flows import status

    subject = ctx.subject
    if subject is not None and subject.admin:
        return Outcome.skip("only the profile's own user's Microsoft sign-in can be checked")
    st = await status(_session(ctx))
    ctx.add_tracking(*st.tracking_ids)
    facts: dict[str, Any] = {"state": st.state, "token_source": st.token_source or None}
    if st.state == "succeeded":
        assert st.probe is not None
        return Outcome.ok(
            f"signed in as {st.probe.account}; presence {st.probe.availability}", **facts
        )
    return _not_signed_in(st, facts)


# Fixed by an admin, not by the user signing in again: the app registration lacks a permission.
ADMIN_CODES = frozenset({"GRAPH_FORBIDDEN"})
DESKTOP_NOTE = (
    "station login is not affected; Supervisor Desktop shows Collaboration tools - Microsoft "
    "Teams with Retry until the user signs in"
)


def _not_signed_in(st: TeamsStatus, facts: dict[str, Any]) -> Outcome:
    """The verdict table of docs/teams.md: a Teams sign-in never blocks a station login, so what
    the user's own sign-in (or Desktop's Retry) fixes is a warning; what needs an admin (app
    registration, tenant, permission) or is Microsoft failing stays a failure."""
    summary = f"Microsoft sign-in {st.state}: {st.reason}"
    if st.code == "KEYRING_UNAVAILABLE":
        return Outcome.skip(
            f"Microsoft sign-in not checked: {st.reason}",
            f"{st.hint}; {DESKTOP_NOTE}",
            **facts,
        )
    retry_fixes = st.state in ("not_authenticated", "pending", "expired") or (
        st.state == "failed" and st.exit_code == ExitCode.AUTH and st.code not in ADMIN_CODES
    )
    if retry_fixes:
        return Outcome.warn(summary, f"{st.hint} ({DESKTOP_NOTE})", **facts)
    return Outcome.fail(summary, st.hint, **facts)


def _session(ctx: CheckContext) -> TeamsSession:
    """A Teams session on the run's keystore, state dir, tracker and trace."""
    from wxcc_desk.http.factory import tls_for
    from wxcc_desk.teams.model import make_session
    from wxcc_desk.teams.store import KeystoreVault

    st = ctx.state
    profile = st.known_profile
    tls = tls_for(profile)
    keystore = st.need(st.keystore, "the keystore")
    vault = KeystoreVault(keystore, profile.name, profile.timeouts.keyring)
    return make_session(
        profile,
        vault,
        state_dir=st.need(st.state_dir, "the state folder"),
        tracker=st.tracker,
        trace=st.trace,
        tls=tls,
        env=ctx.env,
    )
