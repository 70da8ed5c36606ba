"""The one client factory: a profile in, an `Http` out.

Every HTTP client of the tool is built here, so what a profile means for a connection is decided
once: the TLS choice (`http/tls.py`, the profile's `tls` keys and where they came from), the
https rule (plain http on loopback only; checked for the profile's URLs when the client is built
and for every request it sends), the profile's `timeouts`, the proxies the run's environment
names (`http/proxy.py`), `TrackingId` on each request, the redacted trace, and the caller's auth.
Nothing else calls `choose_tls` or `require_secure`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from wxcc_desk.http.client import Http, make_http
from wxcc_desk.http.tls import TlsChoice, choose_tls, require_secure

if TYPE_CHECKING:
    import httpx

    from wxcc_desk.core.tracking import Tracker
    from wxcc_desk.profiles.schema import Profile, Timeouts

# The profile keys whose URLs the WxCC clients call, and those the Microsoft clients call.
WXCC_URLS = ("api_url", "identity_url", "status_url")
TEAMS_URLS = ("teams.authority_url", "teams.graph_url")


def tls_for(profile: Profile) -> TlsChoice:
    """What verifies server certificates for this profile (and a sentence for `-v`)."""
    tls = profile.tls
    return choose_tls(tls.trust, tls.ca_bundle, profile.sources.get("tls.ca_bundle", ""))


def tls_line(profile: Profile, tls: TlsChoice, keys: Iterable[str] = WXCC_URLS) -> str:
    """`-v`'s line on TLS for the profile's URLs under `keys`: what verifies certificates for
    the https ones, and, for plain http (loopback only), plainly that there is no TLS and so
    nothing to verify."""
    from urllib.parse import urlsplit

    keys = tuple(keys)
    plain = [k for k in keys if urlsplit(profile_url(profile, k)).scheme.lower() == "http"]
    if not plain:
        return tls.description
    none = f"none: plain http on loopback ({', '.join(plain)}), so no certificate is verified"
    secure = [k for k in keys if k not in plain]
    if not secure:
        return f"TLS: {none}"
    return f"{tls.description} for {', '.join(secure)}; {none}"


def profile_url(profile: Profile, key: str) -> str:
    """The URL a dotted profile key names (`api_url`, `teams.graph_url`)."""
    if key.startswith("teams."):
        return str(getattr(profile.teams, key.removeprefix("teams.")))
    return str(getattr(profile, key))


def check_urls(profile: Profile, keys: Iterable[str]) -> None:
    """The https rule for the profile's URLs under `keys`, before anything is sent."""
    for key in keys:
        require_secure(profile_url(profile, key), key)


def client_for(
    profile: Profile,
    *,
    tracker: Tracker,
    trace: Callable[[str], None],
    env: Mapping[str, str],
    auth: httpx.Auth | None = None,
    urls: Iterable[str] = WXCC_URLS,
    tls: TlsChoice | None = None,
    timeouts: Timeouts | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> Http:
    """A client for the profile's `urls` (checked now, and each request when sent).

    `tls` reuses a choice already made for this profile (one bundle read, one trace line);
    `transport` is for in-process tests and diagnose's paced transport."""
    keys = tuple(urls)
    check_urls(profile, keys)
    names = {profile_url(profile, key).rstrip("/"): key for key in keys}

    def guard(url: str) -> None:
        require_secure(url, _key_of(url, names))

    return make_http(
        tracker=tracker,
        trace=trace,
        tls=tls or tls_for(profile),
        timeouts=timeouts or profile.timeouts,
        auth=auth,
        transport=transport,
        env=env,
        guard=guard,
    )


def sibling(
    http: Http, tls: TlsChoice, *, auth: httpx.Auth | None = None, timeouts: Timeouts | None = None
) -> Http:
    """A second client like `http` (tracker, trace, proxies, https rule) with its own auth and
    timeouts: e.g. a public page fetched without the token."""
    return make_http(
        tracker=http.tracker,
        trace=http.trace,
        tls=tls,
        timeouts=timeouts or http.timeouts,
        auth=auth,
        env=http.env,
        guard=http.guard,
    )


def _key_of(url: str, names: Mapping[str, str]) -> str:
    for root, key in names.items():
        if url.startswith(root):
            return key
    return "the request URL"
