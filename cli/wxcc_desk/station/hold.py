"""`login --hold`: keep the station's socket alive and pass its events on.

Keepalives go out every 4 s (the socket does that). A socket is lost when it closes or when no
frame at all (keepalives included) came for 8 s, as the SDK's connection service decides; the
hold then does what the Desktop does (`station/reconnect.py`): subscribe again, reconnect and
ask for the session, at least 5 s apart, backing off after repeated failures, until the
tenant's `lostConnectionRecoveryTimeout`. It goes on while the station is still signed in and
ends with a clear error when it is not, when another sign-in takes the session over, or when
recovery fails. `--duration` bounds all of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

from wxcc_desk.api import notifications
from wxcc_desk.api.notifications import Envelope, NotificationSocket
from wxcc_desk.api.ownership import agent_of, orgs_of
from wxcc_desk.core.errors import NotLoggedInError
from wxcc_desk.station.liveness import Backoff
from wxcc_desk.station.model import Station, StationEvent
from wxcc_desk.station.preflight import LoginPlan
from wxcc_desk.station.reconnect import event, reconnect, restore


async def hold_session(
    st: Station,
    sock: NotificationSocket,
    duration: float,
    recovery: float | None = None,
    plan: LoginPlan | None = None,
) -> None:
    """Relay events until the duration ends (0 = until cancelled); Ctrl-C ends it cleanly.
    `recovery` is the tenant's lostConnectionRecoveryTimeout in seconds (None: the SDK's
    default); `plan` is the state to put back after an `agent-wss-disconnect`."""
    by_sigterm = stop_on_sigterm()  # first, so a signal sent once the step line shows is handled
    st.step("holding the session (keepalives every 4 s); interrupt to stop")
    try:
        await asyncio.wait_for(_hold(st, sock, recovery, plan), duration if duration > 0 else None)
    except TimeoutError:
        event(st, "closed", f"hold ended after {duration:g} s")
    except asyncio.CancelledError:
        # Ctrl-C during --hold is the normal way to stop: close the socket and finish cleanly.
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        # the way a hold is asked to end, not a failure: the event names who asked
        event(st, "closed", f"hold ended by {'SIGTERM' if by_sigterm else 'Ctrl-C'}; closing")


def stop_on_sigterm() -> list[bool]:
    """SIGTERM (a service manager stopping the hold) ends it like Ctrl-C: cleanly. The list
    returned becomes non-empty once SIGTERM has arrived."""
    seen: list[bool] = []
    task = asyncio.current_task()
    if task is None:
        return seen

    def on_sigterm() -> None:
        seen.append(True)
        task.cancel()

    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # Windows, threads
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, on_sigterm)
    return seen


async def _hold(
    st: Station, first: NotificationSocket, recovery: float | None, plan: LoginPlan | None
) -> None:
    t = st.hold_timings
    limit = recovery or t.recovery
    backoff = Backoff(t)
    sock, opened = first, time.monotonic()
    try:
        while True:
            await _relay_while_alive(st, sock, t.liveness)
            backoff.socket_ended(opened, time.monotonic())
            event(
                st,
                "lost",
                f"notification WebSocket lost ({sock.closed}); reconnecting at least "
                f"{t.retry:g} s apart for up to {limit:g} s",
            )
            deadline = sock.last_inbound + limit  # the SDK's restore timer runs from there
            await sock.close()  # closing twice is harmless: login closes the first one again
            sock, env = await reconnect(st, backoff, deadline=deadline, limit=limit)
            opened = time.monotonic()
            if plan is not None:
                await restore(st, sock, env, plan)
    finally:
        if sock is not first:  # only the current one is open: no list grows with reconnects
            await sock.close()


async def _relay_while_alive(st: Station, sock: NotificationSocket, silence: float) -> None:
    watchdog = asyncio.create_task(sock.expire_when_silent(silence))
    try:
        await relay(st, sock)
    finally:
        watchdog.cancel()
        await asyncio.wait([watchdog])


async def relay(st: Station, sock: NotificationSocket) -> None:
    """Pass on every frame until the socket closes; a multi-login close raises TakenOver and a
    logout ends the hold, when they are the user's own (`api/ownership.py`). Another agent's
    events (a supervisor's actions on them) are shown as that agent's and change nothing."""
    async for env in sock.events(sock.relay_from):
        own = sock.owns(env)
        st.on_event(describe(env, own=own))
        if not own:
            continue
        if env.kind == notifications.MULTI_LOGIN_CLOSE:
            raise notifications.taken_over(env)
        if env.kind == "AgentLogoutSuccess":
            by = env.data.get("loggedOutBy")  # the service's word for who: SELF, ...
            raise NotLoggedInError(
                "the station was signed out while holding"
                + (f" (loggedOutBy: {by})" if by else " (by the service)"),
                hint="run `wxcc-desk login` to sign in again",
                code="LOGGED_OUT",
                tracking_ids=[env.tracking_id] if env.tracking_id else [],
            )


def describe(env: Envelope, *, own: bool = True) -> StationEvent:
    """One frame as an event line for `--hold`; another agent's as `other_agent`, never as the
    user's state."""
    if env.kind == notifications.FRAME_TOO_LARGE:
        size, limit = env.data.get("bytes"), env.data.get("limit")
        text = f"dropped a notification frame of {size} bytes (larger than {limit} bytes)"
        return StationEvent("warning", text, dict(env.data), env.received)
    kind, text = _what(env)
    if not own:
        orgs = ", ".join(orgs_of(env))
        who = f"agent {agent_of(env) or '(none named)'}" + (f" of org {orgs}" if orgs else "")
        kind, text = "other_agent", f"{who}: {text}"
    payload = {
        "type": env.type,
        "kind": env.kind,
        "tracking_id": env.tracking_id,
        "own": own,
        "data": {k: v for k, v in env.data.items() if k != "eventType"},
    }
    return StationEvent(kind, text, payload, env.received)


def _what(env: Envelope) -> tuple[str, str]:
    data = env.data
    kind = "event"
    text = f"{env.type}/{env.kind}"
    if env.kind.startswith("AgentStateChange") or env.type == "AgentStateChange":
        kind, text = "state", f"state -> {data.get('subStatus') or data.get('status')}"
    elif "Rona" in env.kind or data.get("subStatus") == "RONA":
        kind, text = "rona", f"RONA: a contact rang without answer ({data.get('reason', '')})"
    elif env.kind == notifications.MULTI_LOGIN_CLOSE:
        kind, text = "multi_login", "session taken over by another sign-in of this user"
    elif env.kind == "AgentLogoutSuccess":
        by = data.get("loggedOutBy")
        kind, text = "state", f"logged out ({f'loggedOutBy: {by}' if by else 'by the service'})"
    return kind, text
