"""Which proxy a request goes through, decided by wxcc-desk, never by the HTTP library alone.

Rules (README "Proxies"; the same for station commands, Teams, diagnose and the WebSocket):
- plain `http`/`ws` (allowed on loopback only) never goes through a proxy: `HTTP_PROXY` and
  `ALL_PROXY` are not consulted for it, so a bearer token for the sandbox never reaches one;
- `https`/`wss` goes through `HTTPS_PROXY` (or `https_proxy`), else `ALL_PROXY`, unless the host
  is listed in `NO_PROXY` (`*`, a host, or a domain suffix with or without a leading dot);
- a proxy URL must be `http://` or `https://` (no scheme reads as `http://`); another scheme
  (`socks5://`...) is one `error:` line (exit 3, code `PROXY`) when a request would use it.
httpx reads the variables itself when a client has no transport of its own; every client here
gets a `routed_transport`, so these rules are the only ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from wxcc_desk.core.errors import ConfigError

if TYPE_CHECKING:
    import ssl

    import httpx

SCHEMES = ("http", "https")


def proxy_source(url: str, env: Mapping[str, str]) -> tuple[str, str]:
    """The variable that names the proxy for `url` and its value; ("", "") for none."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "wss"):
        return "", ""
    if _bypassed((parts.hostname or "").lower(), _env(env, "NO_PROXY")[1]):
        return "", ""
    name, value = _env(env, "HTTPS_PROXY")
    if not value:
        name, value = _env(env, "ALL_PROXY")
    return (name, value) if value else ("", "")


def proxy_for(url: str, env: Mapping[str, str], *, with_credentials: bool = False) -> str:
    """The proxy URL the environment applies to `url` ("" for none); credentials removed
    unless asked for (only to connect, never to show)."""
    proxy = proxy_source(url, env)[1]
    if not proxy or with_credentials:
        return proxy
    return strip_credentials(proxy)


def checked_proxy(url: str, env: Mapping[str, str]) -> str:
    """`proxy_for` with credentials, refusing a scheme wxcc-desk cannot use (ConfigError)."""
    name, proxy = proxy_source(url, env)
    if not proxy:
        return ""
    full = proxy if "://" in proxy else f"http://{proxy}"
    scheme = urlsplit(full).scheme.lower()
    if scheme not in SCHEMES or not urlsplit(full).hostname:
        shown = strip_credentials(proxy)
        what = f"uses the {scheme}:// scheme" if scheme not in SCHEMES else "names no host"
        raise ConfigError(
            f"the proxy {name}={shown} {what}, which wxcc-desk cannot use",
            hint=f"set {name} to an http:// or https:// proxy URL (http://HOST:PORT), add the "
            "host to NO_PROXY, or unset it",
            code="PROXY",
        )
    return full


def _env(env: Mapping[str, str], name: str) -> tuple[str, str]:
    for key in (name, name.lower()):
        if env.get(key):
            return key, env[key]
    return name, ""


def _bypassed(host: str, no_proxy: str) -> bool:
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if entry == "*" or (entry and (host == entry.lstrip(".") or host.endswith("." + entry))):
            return True
    return False


def strip_credentials(url: str) -> str:
    """`http://user:pw@proxy:8080` -> `http://proxy:8080`: proxy passwords never get shown."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc}"


def routed_transport(
    verify: ssl.SSLContext | bool, env: Mapping[str, str]
) -> httpx.AsyncBaseTransport:
    """A transport that sends each request direct or through its proxy, by the rules above."""
    import httpx

    direct = httpx.AsyncHTTPTransport(verify=verify)
    proxied: dict[str, httpx.AsyncBaseTransport] = {}

    def pick(url: str) -> httpx.AsyncBaseTransport:
        proxy = checked_proxy(url, env)
        if not proxy:
            return direct
        if proxy not in proxied:
            proxied[proxy] = httpx.AsyncHTTPTransport(verify=verify, proxy=proxy)
        return proxied[proxy]

    class _Routed(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return await pick(str(request.url)).handle_async_request(request)

        async def aclose(self) -> None:
            for transport in (direct, *proxied.values()):
                await transport.aclose()

    return _Routed()
