"""Station login.

Critical path (each arrow is a round trip that must wait for the one before):
people/me -> [user by CI id (org reads in parallel) -> Desktop Profile, site, teams, dial plans
(in parallel) -> preflight (local)] beside [subscribe -> WebSocket + Welcome -> reload -> its
outcome] (`station/adopt.py`) -> login -> outcome -> state change -> outcome. The reload is the
SDK's `register()` relogin: a station already signed in as asked is adopted, not logged in
again. A login POST is never repeated blindly: after an ambiguous failure the flow first waits
out the attempt's outcome window on the open socket, then asks the service for the session
(reload); a second login goes out only when the service says not logged in. A session the flow
finds rather than creates is compared with the plan and reported as it is."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from wxcc_desk.api import agents
from wxcc_desk.api.config import AgentConfig, Team, load_agent_config
from wxcc_desk.api.identity import Identity, get_me
from wxcc_desk.api.notifications import (
    STATE_CHANGE,
    STATION_LOGIN,
    Envelope,
    NotificationSocket,
)
from wxcc_desk.auth.credentials import StationCredentials
from wxcc_desk.core.errors import AuthError, NetworkError, RejectedError, WxccError
from wxcc_desk.core.hints import name_profile
from wxcc_desk.core.statefile import HeldLock, session_file
from wxcc_desk.http.client import UncertainOutcome
from wxcc_desk.station.adopt import adopt, from_request, open_for_login
from wxcc_desk.station.errors import login_failure, state_failure
from wxcc_desk.station.hold import hold_session
from wxcc_desk.station.match import mismatches, team_name, used_station
from wxcc_desk.station.model import SessionInfo, Station, StationEvent, StationSpec, session_from
from wxcc_desk.station.preflight import LoginPlan, check_identity, check_token_org
from wxcc_desk.station.record import save
from wxcc_desk.station.socket import learn_session, logged_in

# Failures after which the login may or may not have been processed.
_AMBIGUOUS = frozenset({"UNCERTAIN_OUTCOME", "OUTCOME_TIMEOUT"})


@dataclass
class LoginResult:
    identity: Identity
    session: SessionInfo
    plan: LoginPlan
    adopted: bool = False  # an existing session was taken over (--takeover)
    already: bool = False  # the station was already signed in as asked: no login was sent
    warnings: list[str] = field(default_factory=list)


async def whoami(st: Station, spec: StationSpec) -> Identity:
    """people/me, and the checks that the token is the profile user's, of the right org."""
    st.step("checking who the token belongs to")
    me = await get_me(st.http, st.identity_url)
    check_identity(spec, me, st.token_source)
    check_token_org(st.token_org, me)
    st.claim(me.ci_user_id, me.org_id)  # from now on only this agent's events are the user's
    return me


async def gather_config(st: Station, spec: StationSpec) -> tuple[Identity, AgentConfig]:
    me = await whoami(st, spec)
    st.step(f"token is {me.email}; loading the agent configuration")
    config = await load_agent_config(st.http, st.api_url, me.org_id, me.ci_user_id)
    return me, config


async def login(
    st: Station,
    spec: StationSpec,
    *,
    hold: float | None = None,
    remember: Callable[[StationCredentials], None] | None = None,
    ready: Callable[[LoginResult], None] | None = None,
) -> LoginResult:
    """Preflight and the session probe, log in unless the station is already signed in as
    asked, apply the state, record the session; with `hold` keep it until the duration ends
    (0 = until interrupted), delivering events to `st.on_event`. `remember` stores the station
    credentials the session really uses; its failure is a warning, not a failed login. `ready`
    gets the result as soon as the login succeeded, before any hold: `login --hold` shows it
    first, whatever ends the hold later."""
    # Before anything changes the station: the record's folder must take a file and its lock
    # is ours, so a run never signs in and then fails to say so (docs/station.md).
    store = session_file(st.state_dir, st.name)
    store.check_writable()
    held = await store.acquire()
    try:
        return await _login_locked(st, spec, held, hold=hold, remember=remember, ready=ready)
    finally:
        held.release()


async def _login_locked(
    st: Station,
    spec: StationSpec,
    held: HeldLock,
    *,
    hold: float | None,
    remember: Callable[[StationCredentials], None] | None,
    ready: Callable[[LoginResult], None] | None,
) -> LoginResult:
    me = await whoami(st, spec)
    st.step(f"token is {me.email}; loading the agent configuration and the station session")
    opening = await open_for_login(st, me, spec)
    config, plan, sock = opening.config, opening.plan, opening.sock
    try:
        warnings = list(plan.warnings)
        if opening.signed_in:
            warnings += adopt(st, spec, opening)
            data, adopted = dict(opening.existing.data), True
        else:
            sent = await _send_login(st, sock, plan, config.teams)
            data, adopted = from_request(plan, sent), False
        sock.mark_session()  # --hold relays from here: nothing that comes meanwhile is lost
        found = session_from(data, team_name(found_team(data), config.teams))
        # Recorded before the state change: if that fails, the station is still signed in.
        warnings += _record(st, me, found)
        held.release()  # the record is written: status and logout may use it from here on
        session = await _apply_state(st, sock, plan, data, config)
        result = LoginResult(
            me, session, plan, adopted=adopted and spec.takeover, warnings=warnings,
            already=adopted and not spec.takeover,
        )  # fmt: skip
        if remember is not None:
            _remember(remember, result)
        if ready is not None:
            ready(result)
        if hold is not None:
            st.on_event(
                StationEvent(
                    "logged_in",
                    f"signed in ({result.session.state_label}); holding the session",
                    {
                        "session_id": result.session.session_id,
                        "state": result.session.sub_status,
                        "adopted": result.adopted,
                    },
                    time.time(),
                )
            )
            await hold_session(st, sock, hold, _recovery(config), plan)
    finally:
        await sock.close()
    return result


def _recovery(config: AgentConfig) -> float | None:
    """The tenant's `lostConnectionRecoveryTimeout` in seconds, None when it has none."""
    ms = config.lost_connection_recovery_ms
    return ms / 1000 if ms > 0 else None


def found_team(data: dict[str, object]) -> str:
    return str(data.get("teamId") or "")


def _remember(remember: Callable[[StationCredentials], None], result: LoginResult) -> None:
    if not result.session.device_type and not result.plan.request.device_type:
        return  # a supervisor without telephony: no station credentials to remember
    used = used_station(result.session)
    if used is None:
        result.warnings.append(
            "the station credentials were not saved: the session's device type "
            f"{result.session.device_type or '(none)'} is not one wxcc-desk knows"
        )
        return
    try:
        remember(used)
    except WxccError as err:
        result.warnings.append(f"the station credentials were not saved: {err.message}")


def _record(st: Station, me: Identity, session: SessionInfo) -> list[str]:
    """Write the local record; after the service signed the station in, a failure is a
    warning that says so (status reads the truth from the service), never a failed login."""
    st.risk("the station is signed in, but its local record may not be written")
    try:
        _save(st, me, session)
    except (WxccError, OSError) as err:
        why = err.message if isinstance(err, WxccError) else (err.strerror or str(err))
        return [
            name_profile(
                f"the station is signed in, but its local session record could not be written "
                f"({why}); `wxcc-desk status` reads the session from the service",
                st.cli_ref,
            )
        ]
    finally:
        st.risk("the station is signed in")
    return []


def _save(st: Station, me: Identity, session: SessionInfo) -> None:
    save(
        st.state_dir,
        st.name,
        user=me.email,
        session=session,
        run_id=st.tracker.run_id,
        tracking_ids=st.tracker.received,
    )


async def _send_login(
    st: Station, sock: NotificationSocket, plan: LoginPlan, teams: Sequence[Team]
) -> dict[str, object]:
    """One login. After an ambiguous failure the first attempt settles first (its outcome, else
    the session); a second login only when the service says the station is not signed in."""
    for attempt in (1, 2):
        st.step("signing the station in" + (" (retry)" if attempt > 1 else ""))
        since = sock.cursor
        ids: list[str] = []
        try:
            st.risk("the station login was sent and its outcome is unknown: it may be signed in")
            ids = await agents.login(st.http, st.api_url, plan.request)
            env = await sock.outcome(STATION_LOGIN, st.outcome_timeout, since, "station login", ids)
        except AuthError as err:
            raise _role_hint(err, plan) from None
        except NetworkError as err:
            if err.code not in _AMBIGUOUS:
                raise  # not sent, rate limited or the socket lost: nothing to settle here
            settled = await _settle(st, sock, plan, teams, since=since, err=err)
            if settled is None:
                if attempt > 1:
                    raise
                continue
            env = settled
        if env.kind in STATION_LOGIN.failure:
            error = login_failure(env, plan).with_tracking(*ids)
            if error.code == "ALREADY_LOGGED_IN":
                await _describe_existing(st, sock, error)
            raise error
        return env.data
    raise AssertionError("unreachable")  # pragma: no cover


async def _settle(
    st: Station,
    sock: NotificationSocket,
    plan: LoginPlan,
    teams: Sequence[Team],
    *,
    since: int,
    err: NetworkError,
) -> Envelope | None:
    """After an ambiguous login: its StationLogin outcome, else the session when it is the one
    planned; None when the service says not logged in. Anything else raises."""
    if err.code != "OUTCOME_TIMEOUT":
        # The request may still be processed: its outcome can come for a whole outcome window.
        st.step(f"outcome unknown ({err.code}); waiting for the first attempt's outcome")
        try:
            return await sock.outcome(STATION_LOGIN, st.outcome_timeout, since, "station login")
        except NetworkError as late:
            if late.code != "OUTCOME_TIMEOUT":
                raise
    st.step("no station login outcome; asking the service for the session")
    try:
        probe = await learn_session(st, sock)
    except NetworkError as lost:
        raise _uncertain(err, lost) from None
    if not logged_in(probe):
        return None
    diff = mismatches(session_from(probe.data), plan, teams)
    if diff:
        raise RejectedError(
            "the station login's outcome was lost, and the service shows a station session "
            f"other than the one asked for: it uses {', '.join(diff)}; another sign-in holds "
            "the station",
            hint="run `wxcc-desk logout` and log in again, or `wxcc-desk login --takeover` to "
            "adopt that session as it is",
            code="ALREADY_LOGGED_IN",
            tracking_ids=[*err.tracking_ids, *filter(None, [probe.tracking_id])],
        )
    return probe


def _uncertain(err: NetworkError, lost: NetworkError) -> UncertainOutcome:
    return UncertainOutcome(
        f"the station login may or may not have worked ({err.message}), and the session could "
        f"not be learned ({lost.message})",
        hint="run `wxcc-desk status` to see whether the station is signed in before logging in "
        "again (another login now could sign in twice)",
        tracking_ids=[*err.tracking_ids, *lost.tracking_ids],
    )


def _role_hint(err: AuthError, plan: LoginPlan) -> AuthError:
    """A 403 that names a role is about the user's roles, not the token's scopes."""
    if err.code == "FORBIDDEN" and "role" in err.message.lower():
        err.code = "ROLE_NOT_ALLOWED"
        err.hint = (
            f"the login asks for roles {', '.join(plan.request.roles)}: set `role` in the "
            "profile to one the user has, or ask an admin to grant it (Control Hub > Contact "
            "Center > Users > the user > User Profile)"
        )
    return err


async def _describe_existing(st: Station, sock: NotificationSocket, error: WxccError) -> None:
    """Say which session is in the way (team, number, since when): worth one more round trip."""
    try:
        env = await learn_session(st, sock)
    except WxccError:
        return
    if logged_in(env):
        s = session_from(env.data)
        since = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(s.since_ms / 1000))
        error.message += (
            f"; that session uses {s.device_type} {s.dial_number}, team id "
            f"{s.team_id}, {s.state_label} since {since}"
        )


async def _apply_state(
    st: Station,
    sock: NotificationSocket,
    plan: LoginPlan,
    data: dict[str, object],
    config: AgentConfig,
) -> SessionInfo:
    want_aux = plan.aux_code.id if plan.aux_code else agents.AVAILABLE_AUX_CODE
    if plan.after_state == "Idle" and plan.aux_code is None:
        want_aux = str(data.get("auxCodeId") or "")
    already = data.get("subStatus") == plan.after_state and data.get("auxCodeId") == want_aux
    if plan.after_state and not already and want_aux:  # "": supervisor only, no agent state
        st.step(f"setting the state to {plan.after_state}")
        st.risk(f"the station is signed in; its change to {plan.after_state} may not be applied")
        since = sock.cursor
        ids = await agents.set_state(
            st.http, st.api_url, plan.after_state, want_aux, agent_id=config.ci_user_id
        )
        env = await sock.outcome(STATE_CHANGE, st.outcome_timeout, since, "state change", ids)
        if env.kind in STATE_CHANGE.failure:
            raise state_failure(env).with_tracking(*ids)
        data = {**data, **{k: v for k, v in env.data.items() if v not in (None, "")}}
        st.risk("the station is signed in")
    idle = config.idle_code(str(data.get("auxCodeId") or "")) if data.get("auxCodeId") else None
    team = team_name(found_team(data), config.teams)
    return session_from(dict(data), team, idle.name if idle else "")
