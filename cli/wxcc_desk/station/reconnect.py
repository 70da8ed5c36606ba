"""`--hold` after its socket is lost: reconnect as the SDK's connection service does, then ask
for the session (its silent relogin) and put back the asked-for state after an
`agent-wss-disconnect`, as `cc.ts` `silentRelogin` does.

Timings and the backoff are in `station/liveness.py`. Every step is an event (a line, or a
`wxcc-desk/event/v1` document with `--json`): `reconnect`, `reconnect_failed`, `reconnected`,
`restored`. A recovery that cannot finish within the tenant's `lostConnectionRecoveryTimeout`
(measured, as the SDK does, from the last frame received) ends the hold with exit 5.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from wxcc_desk.api import agents
from wxcc_desk.api.notifications import STATE_CHANGE, Envelope, NotificationSocket
from wxcc_desk.core.errors import NetworkError, NotLoggedInError
from wxcc_desk.station.liveness import Backoff
from wxcc_desk.station.model import Station, StationEvent
from wxcc_desk.station.preflight import LoginPlan
from wxcc_desk.station.socket import connect, learn_session, logged_in

WSS_DISCONNECT = "agent-wss-disconnect"  # `cc.ts` silentRelogin looks for this reason


def event(st: Station, kind: str, text: str, **data: Any) -> None:
    st.on_event(StationEvent(kind, text, data, time.time()))


async def reconnect(
    st: Station, backoff: Backoff, *, deadline: float, limit: float
) -> tuple[NotificationSocket, Envelope]:
    """Subscribe, connect and reload, attempt after attempt as `backoff` allows, until the
    station's session is back (returned with the reload's answer) or `deadline` (monotonic)."""
    t = backoff.t
    attempt, last = 0, ""
    while True:
        wait = backoff.wait()
        now = time.monotonic()
        if now + wait > deadline:
            raise _gave_up(limit, attempt, last)
        if backoff.over_cap(now + wait):
            raise NetworkError(
                f"the notification WebSocket keeps dropping: {t.window_cap:g} reconnects "
                f"within {t.window:g} s while holding",
                hint="the station stays signed in; check the network or proxy (WebSockets to "
                "the service), run `wxcc-desk status`, then `login --hold` again",
                code="RECONNECT_LIMIT",
            )
        await asyncio.sleep(wait)
        attempt += 1
        backoff.start(time.monotonic())
        event(st, "reconnect", f"reconnecting (attempt {attempt}): subscribe and WebSocket")
        try:
            # force, as the SDK subscribes: after a client-side loss the service may still count
            # our half-open socket (until its keepalive limit) and refuse a plain subscribe. A
            # real takeover by another desktop arrives as AgentMultiLoginCloseSession instead.
            sock = await connect(st, allow_multi_login=False, force=True)
            env = await _session_or_close(st, sock)
        except NetworkError as err:
            last = err.message
            backoff.attempt_failed()
            event(st, "reconnect_failed", f"attempt {attempt} failed: {err.message}")
            continue
        if logged_in(env):
            sock.mark_session()  # the relay resumes from the reload's answer, nothing after lost
            event(st, "reconnected", "reconnected; the station is still signed in")
            return sock, env
        raise NotLoggedInError(
            "the station was signed out while the notification socket was down",
            hint="run `wxcc-desk login` again",
            code=env.reason or "AGENT_NOT_FOUND",
            tracking_ids=[env.tracking_id],
        )


def _gave_up(limit: float, attempts: int, last: str) -> NetworkError:
    tried = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    return NetworkError(
        f"the notification WebSocket was lost while holding and could not be recovered within "
        f"{limit:g} s (the tenant's lostConnectionRecoveryTimeout; {tried}"
        + (f", last: {last})" if last else ")"),
        hint="the station stays signed in (Idle while no socket listens); check the network, "
        "run `wxcc-desk status`, then `login --hold` again",
        code="WEBSOCKET_LOST",
    )


async def _session_or_close(st: Station, sock: NotificationSocket) -> Envelope:
    try:
        env = await learn_session(st, sock)
    except BaseException:
        await sock.close()
        raise
    if not logged_in(env):
        with contextlib.suppress(Exception):
            await sock.close()
    return env


async def restore(st: Station, sock: NotificationSocket, env: Envelope, plan: LoginPlan) -> None:
    """After a relogin whose last reason is `agent-wss-disconnect` (the service set the agent
    Idle while no socket listened), ask for the state the profile or flags asked for again.
    The SDK asks for Available (`cc.ts` silentRelogin); we ask for what this run asked for, so
    a desktop login without --available is never made Available here either."""
    data = env.data
    if not plan.after_state or data.get("lastStateChangeReason") != WSS_DISCONNECT:
        return
    want = plan.aux_code.id if plan.aux_code else agents.AVAILABLE_AUX_CODE
    if plan.after_state == "Idle" and plan.aux_code is None:
        want = str(data.get("auxCodeId") or "")
    if data.get("subStatus") == plan.after_state and str(data.get("auxCodeId") or "") == want:
        return
    since = sock.cursor
    try:
        ids = await agents.set_state(
            st.http,
            st.api_url,
            plan.after_state,
            want,
            reason=WSS_DISCONNECT,  # as the SDK's state change after a relogin carries it
            agent_id=str(data.get("agentId") or ""),
        )
        out = await sock.outcome(STATE_CHANGE, st.outcome_timeout, since, "state change", ids)
    except NetworkError as err:
        event(st, "warning", f"could not put back {plan.after_state}: {err.message}")
        return
    if out.kind in STATE_CHANGE.failure:
        event(st, "warning", f"could not put back {plan.after_state}: {out.reason or 'refused'}")
        return
    event(
        st,
        "restored",
        f"state {plan.after_state} put back: the service had set {data.get('subStatus')} "
        f"({WSS_DISCONNECT}) while no socket listened",
        state=plan.after_state,
    )
