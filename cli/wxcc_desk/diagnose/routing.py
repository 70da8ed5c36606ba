"""The transport under both clients of a diagnose run: direct, or through the proxy the run's
environment names for each URL (HTTPS_PROXY, ALL_PROXY, NO_PROXY; plain http never).

httpx ignores proxy variables as soon as a client is given its own transport (diagnose needs
one for the token bucket), so the routing is `wxcc_desk.http.proxy.routed_transport`: the same
rules every client, `local.proxy` and the network probes follow.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


def routed_transport(context: ssl.SSLContext, env: Mapping[str, str]) -> httpx.AsyncBaseTransport:
    from wxcc_desk.http.proxy import routed_transport as routed

    return routed(context, env)
