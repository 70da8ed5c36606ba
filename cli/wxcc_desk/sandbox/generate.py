"""Generated agents: `generate: {agents: N, ...}` in a tenant file adds N agents.

Used for scale runs (diagnose `--all-agents` over thousands of agents); each generated agent
gets a unique default dial number so only deliberate collisions collide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wxcc_desk.sandbox import model as m
from wxcc_desk.sandbox.fields import Fields

Resolve = Callable[..., Any]


def generate_agents(f: Fields, resolve: Resolve, existing: dict[str, m.User]) -> dict[str, m.User]:
    count = int(f.number("agents", lo=0, hi=100_000))
    pattern = str(f.text("email", "agent{n:05d}@example.com"))
    first_dn = int(f.number("first_dn", 14085550000, 0, 10**15))
    team = resolve(f, "team", "teams", ...)
    desktop = resolve(f, "desktop_profile", "desktop_profiles", ...)
    site = resolve(f, "site", "sites", ...)
    f.done()
    try:
        pattern.format(n=1)
    except (KeyError, IndexError, ValueError):
        raise f.fail(
            "email", "must be a pattern using {n}, e.g. agent{n:05d}@example.com"
        ) from None
    out: dict[str, m.User] = {}
    for n in range(1, count + 1):
        email = pattern.format(n=n)
        if email.lower() in existing or email.lower() in out:
            raise f.fail("email", f"generated address {email} clashes with another user")
        out[email.lower()] = _agent(email, n, team, desktop, site, first_dn + n)
    return out


def _agent(email: str, n: int, team: str, desktop: str, site: str, dn: int) -> m.User:  # noqa: PLR0917
    key = email.lower()
    return m.User(
        email=email,
        first_name="Agent",
        last_name=f"{n:05d}",
        roles=["agent"],
        admin=False,
        scopes=list(m.AGENT_SCOPES),
        token=None,
        token_lifetime=43200,
        ci_user_id=m.stable_id("ci", key),
        id=m.stable_id("user", key),
        db_id=m.stable_id("db", key)[:20],
        site_id=site,
        team_ids=[team],
        desktop_profile_id=desktop,
        multimedia_profile_id=None,
        skill_profile_id=None,
        default_dn=f"+{dn}",
        contact_center_enabled=True,
        active=True,
        user_profile_type="PREMIUM_AGENT",
    )
