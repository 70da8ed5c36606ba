"""The HTTP clients of a diagnose run, made by the one factory, `wxcc_desk.http.factory.client_for`.

`state.http` carries no token (network probes, status page); `state.authed` carries
the profile's token (identity, configuration, activities); a token bucket in its transport
keeps the run within the tenant's rate limit.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from wxcc_desk.diagnose.state import RunState

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.core.sources import RunSources
    from wxcc_desk.diagnose.options import DiagnoseOptions
    from wxcc_desk.http.client import Http
    from wxcc_desk.http.tls import TlsChoice


@contextlib.asynccontextmanager
async def open_clients(
    run: RunSources, state: RunState, opts: DiagnoseOptions
) -> AsyncIterator[RunState]:
    if state.profile is None:
        yield state
        return
    from wxcc_desk.diagnose.ratelimit import bucket_for, limited_transport
    from wxcc_desk.http.factory import client_for, tls_for
    from wxcc_desk.http.proxy import routed_transport

    tls = tls_for(state.profile)
    # Both clients route through the proxies the run's environment names (http/proxy.py);
    # the token bucket paces only the token-bearing requests (what the tenant's limit counts).
    bucket = bucket_for(opts.rate_per_minute)
    state.bucket = bucket
    state.paused_s = bucket.paused_seconds
    state.trace = run.trace_line
    state.tls, state.tracker, state.state_dir = tls, run.tracker, run.state_dir
    transport = limited_transport(routed_transport(tls.verify, run.env), bucket)
    state.http = client_for(
        state.profile, tracker=run.tracker, trace=run.trace_line, env=run.env, tls=tls
    )
    authed = _authed_client(run, state, tls, transport)
    try:
        yield state
    finally:
        await state.http.aclose()
        if authed is not None:
            await authed.client.aclose()


def _authed_client(
    run: RunSources, state: RunState, tls: TlsChoice, transport: httpx.AsyncBaseTransport
) -> Http | None:
    """The token-bearing client (credentials' source order, refresh on 401), paced by the
    run's token bucket."""
    from wxcc_desk.auth.credentials import resolve_tokens
    from wxcc_desk.auth.refresh import RefreshingAuth
    from wxcc_desk.core.errors import WxccError
    from wxcc_desk.http.factory import client_for

    profile = state.profile
    assert profile is not None
    try:
        tokens = resolve_tokens(profile, run, None)
    except WxccError as err:
        state.token_error = err
        return None
    state.tokens = tokens
    client = client_for(
        profile,
        tracker=run.tracker,
        trace=run.trace_line,
        env=run.env,
        tls=tls,
        auth=RefreshingAuth(profile, run, tokens),
        transport=transport,
    )
    state.authed = client
    return client
