"""Station status and logout.

Both learn the session the way the Desktop does after a reconnect: subscribe, open the socket,
POST reload, and read AgentReloginSuccess (signed in) or AgentReloginFailed (not). The probe
subscribes with allowMultiLogin true and force false, so it never closes another run's `--hold`
socket.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from wxcc_desk.api import agents, settle
from wxcc_desk.api.config import aux_code, list_aux_codes, list_teams
from wxcc_desk.api.identity import Identity, get_me
from wxcc_desk.api.notifications import LOGOUT, STATE_CHANGE, NotificationSocket
from wxcc_desk.api.status_page import StatusBanner, fetch_banner
from wxcc_desk.core.errors import ExitCode, NotLoggedInError, WxccError
from wxcc_desk.core.hints import name_profile
from wxcc_desk.core.statefile import session_file
from wxcc_desk.station.errors import active_interactions, logout_failure, state_failure
from wxcc_desk.station.model import SessionInfo, Station, check_token_user, session_from
from wxcc_desk.station.record import clear, load
from wxcc_desk.station.socket import learn_session, logged_in, open_socket

# The status page is advice: `status` never waits on it longer than this, whatever the request
# timeouts (one attempt per URL; a slow page would otherwise hold the answer for minutes).
BANNER_SECONDS = 4.0


@dataclass(frozen=True)
class TokenView:
    """What status may show of a token: never the token itself."""

    source: str
    masked: str
    expires_at: float | None = None


@dataclass
class StatusReport:
    identity: Identity
    session: SessionInfo | None
    banner: StatusBanner
    record: dict[str, Any] | None
    reason: str = ""  # why the service says not logged in (AGENT_NOT_FOUND)
    notes: list[str] = field(default_factory=list)

    @property
    def logged_in(self) -> bool:
        return self.session is not None

    @property
    def exit_code(self) -> ExitCode:
        """The one verdict of `status`: its exit code and its document's `ok` both read it."""
        return ExitCode.OK if self.logged_in else ExitCode.NOT_LOGGED_IN


@dataclass
class LogoutReport:
    identity: Identity
    session: SessionInfo
    reason: str
    forgotten: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


async def probe(
    st: Station, identity: Awaitable[Identity] | None = None
) -> tuple[dict[str, Any] | None, str]:
    """The session data when signed in, else None and the service's reason. With `identity`
    (people/me, running beside the socket's setup) only that user's answer counts."""
    async with open_socket(st, allow_multi_login=True, force=False, probe=True) as sock:
        if identity is not None:
            me = await identity
            st.claim(me.ci_user_id, me.org_id)
            sock.claim(me.ci_user_id, me.org_id)
        env = await learn_session(st, sock)
    return (env.data, "") if logged_in(env) else (None, env.reason or "AGENT_NOT_FOUND")


async def _banner(st: Station) -> StatusBanner:
    """The status page is public: fetched without the WxCC token, which must never reach the
    status host (the profile may point `status_url` anywhere)."""
    from dataclasses import replace

    from wxcc_desk.http.factory import sibling

    t = st.http.timeouts
    quick = replace(
        t, connect=min(t.connect, BANNER_SECONDS), read=min(t.read, BANNER_SECONDS), attempts=1
    )
    public = sibling(st.http, st.tls, timeouts=quick)  # no auth: the token stays off this host
    async with public:
        try:
            return await asyncio.wait_for(
                fetch_banner(public, st.status_url, st.region), BANNER_SECONDS
            )
        except TimeoutError:
            return StatusBanner(
                error=f"the Webex status page ({st.status_url}) did not answer within "
                f"{BANNER_SECONDS:g} s"
            )


async def status(st: Station) -> StatusReport:
    st.step("learning the token's user, the station session and the service status")
    who = asyncio.ensure_future(get_me(st.http, st.identity_url))
    me, banner, (data, reason) = await settle(who, _banner(st), probe(st, who))
    record, unreadable = _record_or_note(st)
    report = StatusReport(me, None, banner, record, reason, notes=unreadable)
    if st.user:  # another user's station is not this profile's status
        check_token_user(st.user, me, "its station is not shown", st.token_source)
    if data is not None:
        team, idle = await _names(st, me.org_id, data, report.notes)
        report.session = session_from(data, team, idle)
        record = report.record or {}
        if record.get("session_id") and record["session_id"] != report.session.session_id:
            report.notes.append(
                f"the local record of a login at {record.get('logged_in_at')} is stale: the "
                "service has another session now (signed in again elsewhere)"
            )
    elif report.record:
        report.notes.append(
            f"the local record of a login at {report.record.get('logged_in_at')} is stale: the "
            "service has no session (signed out elsewhere or by an admin)"
        )
    return report


def _record_or_note(st: Station) -> tuple[dict[str, Any] | None, list[str]]:
    """The local record; one that cannot be read is a note (the service has the truth)."""
    try:
        return load(st.state_dir, st.name), []
    except WxccError as err:
        return None, [f"{err.message}; {err.hint}" if err.hint else err.message]


async def _names(
    st: Station, org_id: str, data: dict[str, Any], notes: list[str]
) -> tuple[str, str]:
    """Team and idle-code names for the ids the session carries; best effort."""
    team_id, aux_id = str(data.get("teamId") or ""), str(data.get("auxCodeId") or "")
    try:
        teams, codes = await settle(
            list_teams(st.http, st.api_url, org_id, [team_id] if team_id else []),
            list_aux_codes(st.http, st.api_url, org_id),
        )
    except WxccError as err:
        notes.append(f"names of team and idle code unavailable: {err.message}")
        return "", ""
    team = next((str(t.get("name")) for t in teams if str(t.get("id")) == team_id), "")
    idle = next((aux_code(c).name for c in codes if str(c.get("id")) == aux_id), "")
    return team, idle


async def logout(
    st: Station, *, reason: str, forget: Callable[[], list[str]] | None = None
) -> LogoutReport:
    """Refuse during interactions; set Idle; log out; clear the local record; maybe forget.

    The record's folder is checked and its lock taken before anything changes the station; a
    record that cannot be removed after the service logged out is a warning, not a failure."""
    store = session_file(st.state_dir, st.name)
    store.check_writable()
    held = await store.acquire()
    try:
        return await _logout_locked(st, reason=reason, forget=forget)
    finally:
        held.release()


async def _logout_locked(
    st: Station, *, reason: str, forget: Callable[[], list[str]] | None
) -> LogoutReport:
    me = await get_me(st.http, st.identity_url)
    if st.user:  # logging out whoever the token belongs to would sign out the wrong person
        check_token_user(st.user, me, "nothing was logged out", st.token_source)
    st.claim(me.ci_user_id, me.org_id)  # another agent's events never decide this logout
    async with open_socket(st, allow_multi_login=True, force=False, probe=True) as sock:
        env = await learn_session(st, sock)
        if not logged_in(env):
            clear(st.state_dir, st.name)
            raise NotLoggedInError(
                "the station is not signed in (the service has no session for "
                f"{me.email or 'this user'})",
                hint="nothing to log out; `wxcc-desk login` signs in",
                code=env.reason or "AGENT_NOT_FOUND",
                tracking_ids=[env.tracking_id],
            )
        session = session_from(env.data)
        if session.interaction_ids:
            raise active_interactions(list(session.interaction_ids), False, [env.tracking_id])
        await _go_idle(st, sock, me, env.data)
        await _logout(st, sock, reason)
    st.risk("the station is signed out; its local record may remain (status notes it as stale)")
    warnings: list[str] = []
    try:
        clear(st.state_dir, st.name)
    except (WxccError, OSError) as err:
        why = err.message if isinstance(err, WxccError) else (err.strerror or str(err))
        warnings.append(
            name_profile(
                f"the station is signed out, but its local session record could not be removed "
                f"({why}); `wxcc-desk status` reads the truth from the service and notes it as "
                "stale",
                st.cli_ref,
            )
        )
    st.risk("the station is signed out")
    forgotten = forget() if forget else []
    return LogoutReport(me, session, reason, forgotten, warnings)


async def _go_idle(
    st: Station, sock: NotificationSocket, me: Identity, data: dict[str, Any]
) -> None:
    if data.get("subStatus") == "Idle" or "agent" not in (data.get("roles") or ["agent"]):
        return  # a supervisor-only session has no agent state to set
    codes = await list_aux_codes(st.http, st.api_url, me.org_id)
    idle = [aux_code(c) for c in codes]
    chosen = next((c for c in idle if c.kind == "IDLE_CODE" and c.active and c.default), None)
    chosen = chosen or next((c for c in idle if c.kind == "IDLE_CODE" and c.active), None)
    if chosen is None:
        return  # nothing to set; logout itself still works
    st.step(f"setting the state to Idle ({chosen.name}) before logging out")
    st.risk("the station is still signed in; its change to Idle may be applied")
    since = sock.cursor
    ids = await agents.set_state(
        st.http, st.api_url, "Idle", chosen.id, reason="wxcc-desk logout", agent_id=me.ci_user_id
    )
    env = await sock.outcome(STATE_CHANGE, st.outcome_timeout, since, "state change", ids)
    if env.kind in STATE_CHANGE.failure:
        raise state_failure(env).with_tracking(*ids)


async def _logout(st: Station, sock: NotificationSocket, reason: str) -> None:
    st.step("signing the station out")
    since = sock.cursor
    st.risk("the station logout was sent and its outcome is unknown: it may be signed out")
    ids = await agents.logout(st.http, st.api_url, reason)
    env = await sock.outcome(LOGOUT, st.outcome_timeout, since, "logout", ids)
    if env.kind in LOGOUT.failure:
        raise logout_failure(env).with_tracking(*ids)
