"""`login --hold`: keep the station's socket alive and pass its events on.

Keepalives go out every 4 s (the socket does that). When the service drops the socket, the hold
does what the Desktop does: subscribe again, reconnect and ask for the session (reload); it goes
on while the station is still signed in and ends with a clear error when it is not, when another
sign-in takes the session over, or when reconnecting keeps failing.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time

from wxcc_desk.api import notifications
from wxcc_desk.api.notifications import Envelope, NotificationSocket
from wxcc_desk.core.errors import NetworkError, NotLoggedInError, WxccError
from wxcc_desk.station.model import Station, StationEvent
from wxcc_desk.station.preflight import LoginPlan
from wxcc_desk.station.socket import connect, learn_session, logged_in

RECONNECT_TRIES = 4
RECONNECT_DELAY = 2.0  # seconds between tries after the first (the SDK waits 5 s)


def _event(st: Station, kind: str, text: str) -> None:
    st.on_event(StationEvent(kind, text, {}, time.time()))


async def hold_session(
    st: Station,
    sock: NotificationSocket,
    duration: float,
    recovery: float | None = None,
    plan: LoginPlan | None = None,
) -> None:
    """Relay events until the duration ends (0 = until cancelled); Ctrl-C ends it cleanly."""
    stop_on_sigterm()  # first, so a signal sent once the step line shows is handled
    st.step("holding the session (keepalives every 4 s); interrupt to stop")
    try:
        await asyncio.wait_for(_hold(st, sock), duration if duration > 0 else None)
    except TimeoutError:
        _event(st, "closed", f"hold ended after {duration:g} s")
    except asyncio.CancelledError:
        # Ctrl-C during --hold is the normal way to stop: close the socket and finish cleanly.
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()
        _event(st, "closed", "hold interrupted; closing")


def stop_on_sigterm() -> None:
    """SIGTERM (a service manager stopping the hold) ends it like Ctrl-C: cleanly."""
    task = asyncio.current_task()
    if task is None:
        return
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # Windows, threads
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)


async def _hold(st: Station, first: NotificationSocket) -> None:
    sock, opened = first, []
    try:
        while True:
            await relay(st, sock)
            _event(st, "reconnect", f"notification WebSocket lost ({sock.closed}); reconnecting")
            sock = await reconnect(st)
            opened.append(sock)
    finally:
        for extra in opened:
            await extra.close()


async def relay(st: Station, sock: NotificationSocket) -> None:
    """Pass on every frame until the socket closes; a multi-login close raises TakenOver and a
    logout (by anyone: another run, a supervisor, the service) ends the hold."""
    async for env in sock.events(sock.cursor):
        st.on_event(describe(env))
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


async def reconnect(st: Station) -> NotificationSocket:
    last: WxccError | None = None
    for attempt in range(RECONNECT_TRIES):
        if attempt:
            await asyncio.sleep(RECONNECT_DELAY)
        try:
            # force, as the SDK subscribes: after a client-side loss the service may still count
            # our half-open socket (until its keepalive limit) and refuse a plain subscribe. A real
            # takeover by another desktop arrives as AgentMultiLoginCloseSession instead.
            sock = await connect(st, allow_multi_login=False, force=True)
        except NetworkError as err:
            last = err
            continue
        env = await _session_or_close(st, sock)
        if logged_in(env):
            _event(st, "reconnected", "reconnected; the station is still signed in")
            return sock
        raise NotLoggedInError(
            "the station was signed out while the notification socket was down",
            hint="run `wxcc-desk login` again",
            code=env.reason or "AGENT_NOT_FOUND",
            tracking_ids=[env.tracking_id],
        )
    raise NetworkError(
        f"the notification WebSocket was lost while holding and {RECONNECT_TRIES} reconnects "
        f"failed ({last.message if last else 'unknown'})",
        hint="the station stays signed in; run `wxcc-desk status`, then `login --hold` again",
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


def describe(env: Envelope) -> StationEvent:
    """One frame as an event line for `--hold`."""
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
    payload = {
        "type": env.type,
        "kind": env.kind,
        "tracking_id": env.tracking_id,
        "data": {k: v for k, v in data.items() if k != "eventType"},
    }
    return StationEvent(kind, text, payload, env.received)
