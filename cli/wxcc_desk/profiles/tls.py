"""What the profile's `tls` keys mean as an `ssl.SSLContext`: a PEM bundle, the OS store, or
certifi's bundle.

The HTTP layer (`wxcc_desk.http.tls.choose_tls`) wraps this for every client it builds; the
profile's `TlsSettings.ssl_context()` uses it too, so one place decides what `trust: os` means.
"""

from __future__ import annotations

import functools
import os
import ssl
from pathlib import Path

from wxcc_desk.core.errors import ConfigError


def verifier(
    trust: str, ca_bundle: str | Path | None, source: str = ""
) -> tuple[ssl.SSLContext, str]:
    """The context that verifies server certificates, and a sentence saying which it is."""
    if ca_bundle is not None and (trust == "bundle" or trust not in ("os", "certifi")):
        where = f" ({source})" if source else ""
        try:
            ctx = _bundle_context(str(ca_bundle))
        except (OSError, ssl.SSLError) as err:
            raise ConfigError(
                f"cannot read the CA bundle {ca_bundle}{where}: {err}",
                hint="point `tls.ca_bundle` (or WXCC_CA_BUNDLE) at a readable PEM file",
                code="CA_BUNDLE",
            ) from None
        return ctx, f"TLS: verifying with the CA bundle {ca_bundle}{where}"
    if trust == "os":
        import truststore  # the platform verifier (Keychain, Windows store, OpenSSL dirs)

        return truststore.SSLContext(
            ssl.PROTOCOL_TLS_CLIENT
        ), "TLS: verifying with the OS trust store"
    return _certifi_context(), "TLS: verifying with the certifi CA bundle (tls.trust: certifi)"


# Parsing a CA bundle blocks the event loop ~15 ms and diagnose builds several clients at once,
# so each bundle is parsed once per process (a context is safe to share; nobody alters it). The
# key has the file's size and mtime: a rewritten bundle is read again.


def _certifi_context() -> ssl.SSLContext:
    import certifi

    return _bundle_context(certifi.where())


def _bundle_context(path: str) -> ssl.SSLContext:
    info = os.stat(path)
    return _parsed_bundle(path, info.st_mtime_ns, info.st_size)


@functools.lru_cache(maxsize=8)
def _parsed_bundle(path: str, _mtime_ns: int, _size: int) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=path)
