"""Session checks from agent activities (read once per run, shared by every user): already
logged in elsewhere, RONA, interactions or monitoring that block logout, and whether the dial
number is held by another agent's active session.

Nobody is logged in or out. For other users (admin runs) the source is agent activities, read
once per run; they need an administrator token (or `cjp:config_read`). For the profile's own
user it is login's reload probe (subscribe without force, POST reload, read the answer), which
works with an agent token. Number uniqueness always needs activities; without them it is
skipped and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from wxcc_desk.core.errors import AuthError
from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, Resource, Scope, check
from wxcc_desk.diagnose.checks.config import subject_spec
from wxcc_desk.diagnose.data import ACTIVITIES, AGENT_CONFIG, ME, authed

Json = dict[str, Any]
U = Scope.USER


@dataclass
class Sessions:
    """Logged-in activity rows indexed once per run: by agent and by dial number (digits), so
    each of 2,000 users costs two lookups, not a scan."""

    by_agent: dict[str, list[Json]] = field(default_factory=dict)
    by_dn: dict[str, list[Json]] = field(default_factory=dict)
    tasks: dict[str, list[Json]] = field(default_factory=dict)  # in-progress task rows


async def _index(ctx: CheckContext) -> Sessions:
    index = Sessions()
    for row in await ctx.get(ACTIVITIES):
        if not row.get("isLogin", 1):
            # A task row (interaction or monitoring) still in progress blocks logout.
            if row.get("active", True) and not row.get("endTime") and row.get("taskId"):
                index.tasks.setdefault(str(row.get("agentId")), []).append(row)
            continue
        index.by_agent.setdefault(str(row.get("agentId")), []).append(row)
        dn = _digits(str(row.get("agentDn") or ""))
        if dn:
            index.by_dn.setdefault(dn, []).append(row)
    return index


SESSIONS = Resource("sessions-index", _index, Scope.RUN, host_role="api")


async def _live(ctx: CheckContext) -> object:
    # Admin runs read activities; a run for the profile's own user probes its session.
    if ctx.state.admin_mode:
        return await ctx.get(SESSIONS)
    return await ctx.get(RELOAD)


LIVE = Resource("live-sessions", _live, Scope.RUN, host_role="api")
# Sessions are independent of the user's configuration: start learning them at once rather
# than after config.user passes (keeps the critical path to the configuration chain).
PRE: tuple[Resource[Any], ...] = (LIVE, AGENT_CONFIG)
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


def _digits(number: str) -> str:
    return re.sub(r"\D", "", number or "")


@dataclass(frozen=True)
class View:
    """One live session of the diagnosed user, from activities or from the reload probe."""

    dn: str
    team: str
    state: str
    busy: tuple[str, ...]  # interaction ids or busy channel states
    rona: bool
    session_id: str = ""


def _from_activity(row: Json) -> View:
    state = str(row.get("currentState") or "")
    busy = row.get("taskId") or (state.lower() in BUSY_STATES and state)
    rona = "rona" in (state.lower(), str(row.get("idleCodeName")).lower())
    team = str(row.get("teamName") or row.get("teamId") or "")
    dn, sid = str(row.get("agentDn") or ""), str(row.get("agentSessionId") or "")
    return View(dn, team, state, (str(busy),) if busy else (), rona, sid)


def _from_reload(data: Json, teams: dict[str, str]) -> View:
    state = str(data.get("subStatus") or data.get("status") or "")
    reason = str(data.get("lastStateChangeReason") or "")
    team_id = str(data.get("teamId") or "")
    return View(
        dn=str(data.get("dn") or data.get("dialNumber") or ""),
        team=teams.get(team_id, team_id),
        state=state,
        busy=tuple(str(i) for i in data.get("interactionIds") or ()),
        rona="RONA" in (state.upper(), reason.upper()),
        session_id=str(data.get("agentSessionId") or ""),
    )


async def _probe(ctx: CheckContext) -> Json | None:
    """The profile's own station session through login's reload probe (no login, works with
    an agent token): subscribe without force, open the socket, POST reload, read the answer."""
    from wxcc_desk.station.model import Station
    from wxcc_desk.station.status import probe

    st, p = ctx.state, ctx.state.known_profile
    station = Station(
        name=p.name, api_url=p.api_url, identity_url=p.identity_url, status_url=p.status_url,
        region=p.region, http=authed(ctx), tls=st.need(st.tls, "the TLS choice"),
        tracker=st.tracker, trace=st.trace, state_dir=st.need(st.state_dir, "the state folder"),
        outcome_timeout=p.timeouts.outcome, user=p.user,
    )  # fmt: skip
    # Only the user's own answer is their session (api/ownership.py): people/me is read beside
    # the socket's setup, as `status` does, so the probe starts as early as before. A task, not
    # a bare coroutine: when the subscribe fails first, nothing is left unawaited, and the
    # probe's error still comes first.
    import asyncio

    from wxcc_desk.api import settle

    me = asyncio.ensure_future(ctx.get(ME))
    (data, _reason), _ = await settle(probe(station, me), me)
    session: Json | None = data
    return session


RELOAD: Resource[Json | None] = Resource("reload-probe", _probe, Scope.RUN, host_role="api")


async def _views(ctx: CheckContext) -> list[View] | Outcome:
    """The diagnosed user's live sessions: activities for other users (admin token), the
    reload probe for the profile's own user."""
    cfg = await ctx.get(AGENT_CONFIG)
    if ctx.subject is None or not ctx.subject.admin:
        data = await ctx.get(RELOAD)
        teams = {t.id: t.name for t in cfg.teams}
        return [_from_reload(data, teams)] if data else []
    rows = await _rows(ctx)
    if isinstance(rows, Outcome):
        return rows
    views = [_from_activity(r) for r in rows.by_agent.get(cfg.ci_user_id, [])]
    tasks = tuple(_task(r) for r in rows.tasks.get(cfg.ci_user_id, []))
    if views and tasks:  # the session's tasks: what keeps its logout from going through
        views[0] = replace(views[0], busy=tuple(dict.fromkeys((*views[0].busy, *tasks))))
    return views


def _task(row: Json) -> str:
    media = str(row.get("channelType") or "task")
    state = str(row.get("currentState") or "")
    what = "monitoring" if state.lower() == "monitoring" else media
    return f"{row.get('taskId')} ({what})"


@check("session.active", Layer.SESSION, "Existing session", requires=("config.user",),
       scope=U, prefetch=PRE)  # fmt: skip
async def active(ctx: CheckContext) -> Outcome:
    views, cfg = await _views(ctx), await ctx.get(AGENT_CONFIG)
    if isinstance(views, Outcome):
        return views
    if not views:
        return Outcome.ok("not logged in anywhere")
    view = views[0]
    same = _digits(view.dn) == _digits(subject_spec(ctx, cfg).number)
    where = "this dial number" if same else f"another device ({view.dn or 'browser'})"
    return Outcome.warn(
        f"already logged in on {where}, team {view.team}, state {view.state}",
        _active_fix(ctx),
        session_id=view.session_id,
    )


def _active_fix(ctx: CheckContext) -> str:
    if ctx.subject is not None and ctx.subject.admin:
        return (
            "if that session is stale, sign it out from Supervisor Desktop (or the agent runs "
            "`wxcc-desk logout`); a new login with `multi_login: takeover` replaces it"
        )
    profile = ctx.state.known_profile
    if profile.multi_login == "takeover":
        return "login will take it over (multi_login: takeover)"
    return (
        f"run `wxcc-desk logout -p {profile.cli_ref}` first, or set the profile key "
        "`multi_login: takeover`"
    )


@check("session.rona", Layer.SESSION, "RONA", requires=("config.user",), scope=U, prefetch=PRE)
async def rona(ctx: CheckContext) -> Outcome:
    views = await _views(ctx)
    if isinstance(views, Outcome):
        return views
    if not any(v.rona for v in views):
        return Outcome.ok("not in RONA")
    return Outcome.warn(
        "the agent is in RONA (a contact rang with no answer, so routing stopped)",
        "fix the cause, then set the agent Available; share the tracking IDs below with "
        "support if it repeats",
        detail=RONA_CAUSES,
    )


@check("session.interactions", Layer.SESSION, "Interactions blocking logout",
       requires=("config.user",), scope=U, prefetch=PRE)  # fmt: skip
async def interactions(ctx: CheckContext) -> Outcome:
    views = await _views(ctx)
    if isinstance(views, Outcome):
        return views
    busy = [b for v in views for b in v.busy]
    if not busy:
        return Outcome.ok("no active interactions or monitoring")
    return Outcome.warn(
        f"{len(busy)} active interactions or monitoring ({', '.join(busy[:3])}): logout is "
        "refused until they end",
        "finish or transfer the interactions and stop monitoring, then log out",
        interactions=busy,
    )


@check("dial_number.unique", Layer.DIAL_NUMBER, "Dial number not in use",
       requires=("dial_number.rules",), scope=U, prefetch=(SESSIONS, AGENT_CONFIG))  # fmt: skip
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
