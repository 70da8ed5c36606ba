"""The HTTP clients of a diagnose run, made by the one factory in `wxcc_desk.http.client`.

`state.http` carries no token (network probes, status page); `state.extras["authed"]` carries
the profile's token (identity, configuration, activities); a token bucket in its transport
keeps the run within the tenant's rate limit.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from wxcc_desk.diagnose.runner import RunState

if TYPE_CHECKING:
    from wxcc_desk.core.context import AppContext
    from wxcc_desk.diagnose.options import DiagnoseOptions
    from wxcc_desk.http.client import Http, Timeouts
    from wxcc_desk.http.tls import TlsChoice


def _timeouts(state: RunState) -> Timeouts:
    from wxcc_desk.http.client import Timeouts

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
    from wxcc_desk.diagnose.ratelimit import bucket_for, limited_transport
    from wxcc_desk.diagnose.routing import routed_transport
    from wxcc_desk.http.client import make_http
    from wxcc_desk.http.tls import TlsChoice

    context = state.profile.tls.ssl_context()
    tls = TlsChoice(context, f"TLS: {state.profile.tls.trust}")
    # Both clients route through the proxies the run's environment names (diagnose/routing.py);
    # the token bucket paces only the token-bearing requests (what the tenant's limit counts).
    bucket = bucket_for(opts.rate_per_minute)
    state.extras["bucket"] = bucket
    state.paused_s = bucket.paused_seconds
    state.extras["trace"] = actx.trace_line
    state.extras.update(tls=tls, tracker=actx.tracker, state_dir=actx.state_dir)
    transport = limited_transport(routed_transport(context, actx.env), bucket)
    state.http = make_http(
        tracker=actx.tracker,
        trace=actx.trace_line,
        tls=tls,
        timeouts=_timeouts(state),
        transport=routed_transport(context, actx.env),
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
    """The token-bearing client (credentials' source order, refresh on 401), paced by the
    run's token bucket."""
    from wxcc_desk.auth.credentials import resolve_tokens
    from wxcc_desk.auth.refresh import RefreshingAuth
    from wxcc_desk.core.errors import WxccError
    from wxcc_desk.http.client import make_http

    profile = state.profile
    assert profile is not None
    try:
        tokens = resolve_tokens(profile, actx, None)
    except WxccError as err:
        state.extras["token_error"] = err
        return None
    state.extras["tokens"] = tokens
    client = make_http(
        tracker=actx.tracker,
        trace=actx.trace_line,
        tls=tls,
        timeouts=_timeouts(state),
        auth=RefreshingAuth(profile, actx, tokens),
        transport=transport,
    )
    state.extras["authed"] = client
    return client
