"""The HTTP clients of a diagnose run, made by the one factory in `wxcc_desk.http`.

`state.http` carries no token (network probes, status page); the token-bearing client for
identity and configuration reads is added by the identity layer.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from wxcc_desk.checks.runner import RunState

if TYPE_CHECKING:
    from wxcc_desk.checks.orchestrate import DiagnoseOptions
    from wxcc_desk.context import AppContext
    from wxcc_desk.http import Timeouts


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
    try:
        yield state
    finally:
        await state.http.aclose()
