"""The notification socket of a station flow: subscribe + connect, and learning the session.

Shared by login, `--hold` (reconnects), status and logout.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from wxcc_desk.api import agents, notifications
from wxcc_desk.api.notifications import RELOGIN, RELOGIN_SUCCESS, Envelope, NotificationSocket
from wxcc_desk.core.errors import AuthError, RejectedError, WxccError
from wxcc_desk.http.proxy import checked_proxy
from wxcc_desk.station.model import Station

# allowMultiLogin: up to 10 connections of a user per clientType (the notification API spec,
# subscribe); the sandbox enforces the same limit.
MULTI_LOGIN_LIMIT = 10


async def connect(
    st: Station, *, allow_multi_login: bool, force: bool, probe: bool = False
) -> NotificationSocket:
    """Subscribe and open the socket (Welcome received); a refused multi-login becomes an
    admin-facing error. The caller closes the socket. A `probe` (status, logout) subscribes
    under its own clientType so that it never blocks a login."""
    client_type = notifications.PROBE_CLIENT_TYPE if probe else notifications.CLIENT_TYPE
    try:
        sub = await notifications.subscribe(
            st.http,
            st.api_url,
            allow_multi_login=allow_multi_login,
            force=force,
            client_type=client_type,
        )
    except AuthError as err:
        if "AGENT_MULTI_LOGIN" not in err.message:
            raise
        if probe:  # status, logout: the service's limit of connections per clientType
            raise RejectedError(
                f"the service refused another notification connection of this user "
                f"({MULTI_LOGIN_LIMIT} at most for wxcc-desk's status and logout runs): other "
                "runs hold them, and a killed run's connection stays until the service drops "
                "it (16 s without a keepalive)",
                hint="wait for the other runs to end (or 20 s), then run it again",
                code="TOO_MANY_CONNECTIONS",
                tracking_ids=err.tracking_ids,
            ) from None
        raise RejectedError(
            "the user already has a wxcc-desk session open elsewhere (another run or --hold)",
            hint="end the other run, or pass `--takeover` to close it and take the station over",
            code="ALREADY_LOGGED_IN",
            tracking_ids=err.tracking_ids,
        ) from None
    sock = NotificationSocket(
        sub.url,
        trace=st.trace,
        ssl_context=_ssl(st),
        tracking_id=st.tracker.next_id(),
        proxy=checked_proxy(sub.url, st.http.env) or None,
    )
    sock.owner = st.owner  # Welcome names the agent when the identity is not known yet
    try:
        await sock.open(st.outcome_timeout)
    except BaseException:
        await sock.close()
        raise
    return sock


@asynccontextmanager
async def open_socket(
    st: Station, *, allow_multi_login: bool, force: bool, probe: bool = False
) -> AsyncIterator[NotificationSocket]:
    sock = await connect(st, allow_multi_login=allow_multi_login, force=force, probe=probe)
    try:
        yield sock
    finally:
        await sock.close()


def _ssl(st: Station) -> ssl.SSLContext | None:
    verify = st.tls.verify
    return verify if isinstance(verify, ssl.SSLContext) else None


async def learn_session(st: Station, sock: NotificationSocket) -> Envelope:
    """POST reload (body `{}`) and wait for its outcome: AgentReloginSuccess or
    AgentChannelReloginSuccess (signed in), AgentReloginFailed (not) (protocol §3)."""
    since = sock.cursor
    ids = await agents.reload(st.http, st.api_url)
    try:
        return await sock.outcome(RELOGIN, st.outcome_timeout, since, "session (reload)", ids)
    except WxccError as err:
        raise err.with_tracking(*ids) from None


def logged_in(env: Envelope) -> bool:
    """Signed in: a reload answered with either success the SDK accepts (RELOGIN_SUCCESS)."""
    return env.kind in RELOGIN_SUCCESS
