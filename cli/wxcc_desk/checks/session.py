"""Session checks from agent activities (read once per run, shared by every user): already
logged in elsewhere, RONA, interactions or monitoring that block logout, and whether the dial
number is held by another agent's active session.

Nobody is logged in or out: activities are a read. They need an administrator token (or
`cjp:config_read`); with an agent token these checks are skipped and say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from wxcc_desk.checks.base import CheckContext, Layer, Outcome, Resource, Scope, check
from wxcc_desk.checks.config import subject_spec
from wxcc_desk.checks.data import ACTIVITIES, AGENT_CONFIG
from wxcc_desk.errors import AuthError

Json = dict[str, Any]
U = Scope.USER


@dataclass
class Sessions:
    """Logged-in activity rows indexed once per run: by agent and by dial number (digits), so
    each of 2,000 users costs two lookups, not a scan."""

    by_agent: dict[str, list[Json]] = field(default_factory=dict)
    by_dn: dict[str, list[Json]] = field(default_factory=dict)


async def _index(ctx: CheckContext) -> Sessions:
    index = Sessions()
    for row in await ctx.get(ACTIVITIES):
        if not row.get("isLogin", 1):
            continue
        index.by_agent.setdefault(str(row.get("agentId")), []).append(row)
        dn = _digits(str(row.get("agentDn") or ""))
        if dn:
            index.by_dn.setdefault(dn, []).append(row)
    return index


SESSIONS = Resource("sessions-index", _index, Scope.RUN, host_role="api")
# Activities are tenant-wide and independent of the user's configuration: start reading them
# at once rather than after config.user passes (keeps the critical path to the config chain).
PRE: tuple[Resource[Any], ...] = (SESSIONS, AGENT_CONFIG)
BUSY_STATES = {"engaged", "connected", "hold", "consulting", "conferencing", "wrapup", "monitoring"}
RONA_CAUSES = (
    "usual causes: Desktop (WebRTC) telephony without microphone/notification permission in the "
    "browser; the E911 emergency-address prompt not accepted; the agent away from the desk "
    "while Available; a phone (dial number) that does not answer or rings elsewhere"
)


async def _rows(ctx: CheckContext) -> Sessions | Outcome:
    """The sessions index, or the skip outcome when the token may not read activities."""
    try:
        return await ctx.get(SESSIONS)
    except AuthError as err:
        if err.code != "FORBIDDEN":
            raise
        return Outcome.skip(
            "agent activities need an administrator token (or cjp:config_read)",
            detail=err.message,
        )


def _logged_in(rows: Sessions, ci: str) -> list[Json]:
    return rows.by_agent.get(ci, [])


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number or "")


@check(
    "session.active",
    Layer.SESSION,
    "Existing session",
    requires=("config.user",),
    scope=U,
    prefetch=PRE,
)
async def active(ctx: CheckContext) -> Outcome:
    rows, cfg = await _rows(ctx), await ctx.get(AGENT_CONFIG)
    if isinstance(rows, Outcome):
        return rows
    mine = _logged_in(rows, cfg.ci_user_id)
    if not mine:
        return Outcome.ok("not logged in anywhere")
    row = mine[0]
    spec = subject_spec(ctx, cfg)
    same = _digits(str(row.get("agentDn"))) == _digits(spec.number)
    where = "this dial number" if same else f"another device ({row.get('agentDn') or 'browser'})"
    takeover = ctx.state.profile.multi_login == "takeover"
    if ctx.subject is not None and ctx.subject.admin:
        fix = (
            "if that session is stale, sign it out from Supervisor Desktop (or the agent runs "
            "`wxcc-desk logout`); a new login with `multi_login: takeover` replaces it"
        )
    elif takeover:
        fix = "login will take it over (multi_login: takeover)"
    else:
        fix = (
            f"run `wxcc-desk logout -p {ctx.state.profile.name}` first, or set the profile "
            "key `multi_login: takeover`"
        )
    return Outcome.warn(
        f"already logged in on {where}, team {row.get('teamName') or row.get('teamId')}, "
        f"state {row.get('currentState')}",
        fix,
        session_id=row.get("agentSessionId"),
    )


@check("session.rona", Layer.SESSION, "RONA", requires=("config.user",), scope=U, prefetch=PRE)
async def rona(ctx: CheckContext) -> Outcome:
    rows, cfg = await _rows(ctx), await ctx.get(AGENT_CONFIG)
    if isinstance(rows, Outcome):
        return rows
    hit = [
        r
        for r in _logged_in(rows, cfg.ci_user_id)
        if "rona" in (str(r.get("currentState")).lower(), str(r.get("idleCodeName")).lower())
    ]
    if not hit:
        return Outcome.ok("not in RONA")
    return Outcome.warn(
        "the agent is in RONA (a contact rang with no answer, so routing stopped)",
        "fix the cause, then set the agent Available; share the tracking IDs below with "
        "support if it repeats",
        detail=RONA_CAUSES,
        reason=hit[0].get("reason"),
    )


@check("session.interactions", Layer.SESSION, "Interactions blocking logout",
       requires=("config.user",), scope=U, prefetch=PRE)  # fmt: skip
async def interactions(ctx: CheckContext) -> Outcome:
    rows, cfg = await _rows(ctx), await ctx.get(AGENT_CONFIG)
    if isinstance(rows, Outcome):
        return rows
    busy = [
        r
        for r in _logged_in(rows, cfg.ci_user_id)
        if r.get("taskId") or str(r.get("currentState")).lower() in BUSY_STATES
    ]
    if not busy:
        return Outcome.ok("no active interactions or monitoring")
    kinds = sorted({str(r.get("channelType") or r.get("currentState")) for r in busy})
    return Outcome.warn(
        f"{len(busy)} active interactions or monitoring ({', '.join(kinds)}): logout is refused "
        "until they end",
        "finish or transfer the interactions and stop monitoring, then log out",
    )


@check("dial_number.unique", Layer.DIAL_NUMBER, "Dial number not in use",
       requires=("dial_number.rules",), scope=U, prefetch=PRE)  # fmt: skip
async def unique(ctx: CheckContext) -> Outcome:
    rows, cfg = await _rows(ctx), await ctx.get(AGENT_CONFIG)
    if isinstance(rows, Outcome):
        return rows
    spec = subject_spec(ctx, cfg)
    if spec.telephony == "desktop" or not spec.number:
        return Outcome.not_applicable("no dial number to compare (desktop / WebRTC login)")
    holders = rows.by_dn.get(_digits(spec.number), [])
    others = [r for r in holders if r.get("agentId") != cfg.ci_user_id]
    if not others:
        return Outcome.ok(f"{spec.number} is not used by another active session")
    who = others[0].get("agentLogin") or others[0].get("agentName") or others[0].get("agentId")
    return Outcome.fail(
        f"{spec.number} is in use by {who}'s active session: login would fail with "
        "DUPLICATE_LOCATION",
        "use another dial number (profile key `telephony.number`), or have that agent (or a "
        "supervisor) log that station out",
        holder=str(who),
    )
