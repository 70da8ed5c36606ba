"""The HTTP clients of a diagnose run, made by the one factory in `wxcc_desk.http`.

`state.http` carries no token (network probes, status page); the token-bearing client for
identity and configuration reads is added by the identity layer.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Generator
from typing import TYPE_CHECKING, Any

from wxcc_desk.checks.runner import RunState

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.checks.orchestrate import DiagnoseOptions
    from wxcc_desk.context import AppContext
    from wxcc_desk.http import Http, Timeouts, TlsChoice


def _timeouts(state: RunState) -> Timeouts:
    from wxcc_desk.http import Timeouts

    p = state.profile
    assert p is not None
    return Timeouts(connect=p.timeouts.connect, read=p.timeouts.request)


@contextlib.asynccontextmanager
async def open_clients(
    actx: AppContext, state: RunState, opts: DiagnoseOptions
) -> AsyncIterator[RunState]:
    if state.profile is None:
        yield state
        return
    import httpx

    from wxcc_desk.checks.ratelimit import bucket_for, limited_transport
    from wxcc_desk.http import TlsChoice, make_http

    context = state.profile.tls.ssl_context()
    tls = TlsChoice(context, f"TLS: {state.profile.tls.trust}")
    # One token bucket for every request of the run (see checks/ratelimit.py).
    bucket = bucket_for(opts.rate_per_minute)
    state.extras["bucket"] = bucket
    transport = limited_transport(httpx.AsyncHTTPTransport(verify=context), bucket)
    state.http = make_http(
        tracker=actx.tracker,
        trace=actx.trace_line,
        tls=tls,
        timeouts=_timeouts(state),
        transport=transport,
    )
    authed = _authed_client(actx, state, tls, transport)
    try:
        yield state
    finally:
        await state.http.aclose()
        if authed is not None:
            await authed.client.aclose()


def _authed_client(
    actx: AppContext, state: RunState, tls: TlsChoice, transport: Any
) -> Http | None:
    """The token-bearing client; shares the unauthenticated client's transport (and bucket)."""
    from wxcc_desk.checks.identity import TOKEN_ENV, TokenInfo
    from wxcc_desk.http import make_http
    from wxcc_desk.redact import register_secret

    token = actx.env.get(TOKEN_ENV, "").strip()
    if not token:
        return None
    register_secret(token)
    state.extras["token"] = TokenInfo(token, f"environment {TOKEN_ENV}")
    client = make_http(
        tracker=actx.tracker,
        trace=actx.trace_line,
        tls=tls,
        timeouts=_timeouts(state),
        auth=_bearer(token),
        transport=transport,
    )
    state.extras["authed"] = client
    return client


def _bearer(token: str) -> httpx.Auth:
    import httpx

    class Bearer(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, Any, None]:
            request.headers["Authorization"] = f"Bearer {token}"
            yield request

    return Bearer()
