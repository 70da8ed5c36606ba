"""TLS choice and the https rule, applied by the client factory (`wxcc_desk.http.factory`) to
every client and WebSocket it builds: nothing else decides either."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from wxcc_desk.core.errors import ConfigError
from wxcc_desk.profiles.schema import is_loopback_host


@dataclass(frozen=True)
class TlsChoice:
    """What verifies server certificates, and a sentence saying so for `-v`."""

    verify: ssl.SSLContext | bool
    description: str


def is_loopback(url: str) -> bool:
    return is_loopback_host(urlsplit(url).hostname)


def require_secure(url: str, what: str) -> None:
    """Refuse plain `http`/`ws` anywhere but loopback, so TLS verification is always on."""
    scheme = urlsplit(url).scheme
    if scheme in ("https", "wss") or is_loopback(url):
        return
    raise ConfigError(
        f"{what} `{url}` is not HTTPS; only loopback addresses may use plain {scheme or 'text'}",
        hint=f"use an https:// URL for {what} in the profile",
        code="INSECURE_URL",
    )


def choose_tls(trust: str, ca_bundle: str | Path | None, source: str = "") -> TlsChoice:
    """The profile's `tls` settings as a verifier: a PEM bundle, the OS store, or certifi
    (`wxcc_desk.profiles.tls` says what each setting means)."""
    from wxcc_desk.profiles.tls import verifier

    return TlsChoice(*verifier(trust, ca_bundle, source))
