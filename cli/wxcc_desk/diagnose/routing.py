"""The transport under both clients of a diagnose run: direct, or through the proxy the run's
environment names for each URL (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY, NO_PROXY).

httpx ignores proxy variables as soon as a client is given its own transport (diagnose needs
one for the token bucket), so the routing is done here, with the same rules `local.proxy`
reports and the network probes follow.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from typing import TYPE_CHECKING

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.diagnose.netprobe import proxy_for, strip_credentials

if TYPE_CHECKING:
    import httpx


def routed_transport(context: ssl.SSLContext, env: Mapping[str, str]) -> httpx.AsyncBaseTransport:
    import httpx

    direct = httpx.AsyncHTTPTransport(verify=context)
    proxied: dict[str, httpx.AsyncBaseTransport] = {}

    def pick(url: str) -> httpx.AsyncBaseTransport:
        proxy = proxy_for(url, env, with_credentials=True)
        if not proxy:
            return direct
        if proxy not in proxied:
            proxied[proxy] = _proxy_transport(proxy, context)
        return proxied[proxy]

    class _Routed(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return await pick(str(request.url)).handle_async_request(request)

        async def aclose(self) -> None:
            for transport in (direct, *proxied.values()):
                await transport.aclose()

    return _Routed()


def _proxy_transport(proxy: str, context: ssl.SSLContext) -> httpx.AsyncBaseTransport:
    import httpx

    try:
        return httpx.AsyncHTTPTransport(verify=context, proxy=proxy)
    except (ImportError, ValueError) as err:
        raise ConfigError(
            f"cannot use the proxy {strip_credentials(proxy)}: {err}",
            hint="use an http:// proxy in HTTPS_PROXY (SOCKS needs `pip install httpx[socks]`)",
            code="PROXY",
        ) from None
