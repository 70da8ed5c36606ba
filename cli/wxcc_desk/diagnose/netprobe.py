"""Low-level network probes for diagnose: DNS, TCP (direct or via an HTTP proxy), TLS.

These are socket probes with per-phase timings, not an HTTP client: HTTP requests go through
`wxcc_desk.http.client`. A failure raises `NetworkError` with the fix an admin can act on.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from wxcc_desk.core.errors import NetworkError
from wxcc_desk.http.proxy import proxy_for, strip_credentials

__all__ = ["proxy_for", "strip_credentials"]  # the proxy rules live in http/proxy.py

_PROXY_HINT = "check HTTPS_PROXY/NO_PROXY, the proxy's address, and that it allows CONNECT"


@dataclass(frozen=True)
class Target:
    """Where a URL's connection goes: the host itself, or the proxy that tunnels to it."""

    host: str
    port: int
    tls: bool
    proxy: str = ""  # proxy URL (credentials removed) when one applies

    @property
    def connect_host(self) -> str:
        return urlsplit(self.proxy).hostname or "" if self.proxy else self.host

    @property
    def connect_port(self) -> int:
        return (urlsplit(self.proxy).port or 3128) if self.proxy else self.port

    @property
    def label(self) -> str:
        via = f" via proxy {self.connect_host}:{self.connect_port}" if self.proxy else ""
        return f"{self.host}:{self.port}{via}"


def target_of(url: str, env: Mapping[str, str]) -> Target:
    parts = urlsplit(url)
    secure = parts.scheme in ("https", "wss")
    port = parts.port or (443 if secure else 80)
    return Target(parts.hostname or "", port, secure, proxy_for(url, env))


async def resolve(host: str, port: int, timeout: float) -> tuple[list[str], float]:
    """Addresses of `host` and how long the lookup took (ms)."""
    start = time.perf_counter()
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(host, port, type=socket.SOCK_STREAM), timeout
        )
    except (TimeoutError, OSError) as err:
        raise NetworkError(
            f"DNS lookup of {host} failed: {_why(err)}",
            hint=f"check the DNS server and the host name {host}; on a VPN check its DNS "
            "split; corporate networks may need the proxy (HTTPS_PROXY)",
            code="DNS",
        ) from None
    addrs = list(dict.fromkeys(str(i[4][0]) for i in infos))
    return addrs, _ms(start)


async def open_tcp(
    target: Target, timeout: float
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, float]:
    """A TCP connection to the host, or a CONNECT tunnel through the proxy; and its time (ms)."""
    start = time.perf_counter()
    host, port = target.connect_host, target.connect_port
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (TimeoutError, OSError) as err:
        what = "proxy " if target.proxy else ""
        hint = _PROXY_HINT if target.proxy else _tcp_hint(err, host, port)
        raise NetworkError(
            f"TCP connection to {what}{host}:{port} failed: {_why(err)}", hint=hint, code="TCP"
        ) from None
    if target.proxy:
        await _connect_tunnel(reader, writer, target, timeout)
    return reader, writer, _ms(start)


def _tcp_hint(err: BaseException, host: str, port: int) -> str:
    """Refused means the host answered that nothing listens there: the address or port is
    wrong, or the service is down; no answer at all points at a firewall or VPN."""
    if isinstance(err, ConnectionRefusedError):
        return (
            f"nothing listens on {host}:{port} (the connection was refused): check the URL's "
            "host and port, and that the service is running"
        )
    return "a firewall or VPN may block the port (no answer from the host)"


async def _connect_tunnel(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: Target, timeout: float
) -> None:
    dest = f"{target.host}:{target.port}"
    writer.write(f"CONNECT {dest} HTTP/1.1\r\nHost: {dest}\r\n\r\n".encode())
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    except (TimeoutError, OSError, asyncio.IncompleteReadError) as err:
        writer.close()
        raise NetworkError(
            f"proxy {target.connect_host} gave no answer to CONNECT {dest}: {_why(err)}",
            hint=_PROXY_HINT,
            code="PROXY",
        ) from None
    status = head.split(b"\r\n", 1)[0].decode("latin-1")
    if " 200" not in status:
        writer.close()
        raise NetworkError(
            f"proxy refused CONNECT {dest}: {status}",
            hint="ask the proxy admin to allow this host (407 means the proxy wants "
            "credentials in HTTPS_PROXY)",
            code="PROXY",
        )


@dataclass(frozen=True)
class CertInfo:
    subject: str
    issuer: str
    not_after: datetime
    verified: bool
    error: str = ""

    @property
    def days_left(self) -> float:
        return (self.not_after - datetime.now(UTC)).total_seconds() / 86400


async def tls_handshake(
    target: Target, context: ssl.SSLContext, timeout: float
) -> tuple[CertInfo, float]:
    """Handshake with verification; on a verify failure, look again without it to name the
    certificate the network presents (TLS inspection shows up here)."""
    _reader, writer, _ = await open_tcp(target, timeout)
    start = time.perf_counter()
    try:
        await asyncio.wait_for(writer.start_tls(context, server_hostname=target.host), timeout)
        der = _peer_der(writer)
        return _cert_info(der, True), _ms(start)
    except ssl.SSLCertVerificationError as err:
        reason = err.verify_message or str(err)
    except (TimeoutError, OSError, ssl.SSLError) as err:
        raise NetworkError(
            f"TLS handshake with {target.label} failed: {_why(err)}",
            hint="a proxy or firewall may interfere with TLS; check HTTPS_PROXY",
            code="TLS",
        ) from None
    finally:
        writer.close()
    der = await _unverified_der(target, timeout)
    return _cert_info(der, False, reason), _ms(start)


async def _unverified_der(target: Target, timeout: float) -> bytes:
    _reader, writer, _ = await open_tcp(target, timeout)
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE  # only to read the presented certificate, never to talk
    try:
        await asyncio.wait_for(writer.start_tls(ctx, server_hostname=target.host), timeout)
        return _peer_der(writer)
    except (TimeoutError, OSError, ssl.SSLError) as err:
        raise NetworkError(
            f"TLS handshake with {target.label} failed: {_why(err)}", hint="", code="TLS"
        ) from None
    finally:
        writer.close()


def _peer_der(writer: asyncio.StreamWriter) -> bytes:
    sslobj = writer.get_extra_info("ssl_object")
    der = sslobj.getpeercert(binary_form=True) if sslobj else None
    return der or b""


def _cert_info(der: bytes, verified: bool, error: str = "") -> CertInfo:
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    return CertInfo(
        subject=cert.subject.rfc4514_string(),
        issuer=cert.issuer.rfc4514_string(),
        not_after=cert.not_valid_after_utc,
        verified=verified,
        error=error,
    )


def _why(err: BaseException) -> str:
    if isinstance(err, TimeoutError):
        return "timed out"
    if isinstance(err, OSError) and err.strerror:
        return err.strerror
    return str(err) or type(err).__name__


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 1)
