"""Local servers for diagnose tests: HTTPS with a test CA made by `cryptography`, and a
CONNECT proxy. All on loopback, in a background thread."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NOW = dt.datetime.now(dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Corp"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


@dataclass
class TestCA:
    dir: Path
    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )

    def __post_init__(self) -> None:
        self.cert = (
            x509.CertificateBuilder()
            .subject_name(_name("wxcc-desk test CA"))
            .issuer_name(_name("wxcc-desk test CA"))
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(NOW - dt.timedelta(days=1))
            .not_valid_after(NOW + dt.timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(self.key, hashes.SHA256())
        )
        self.pem = self.dir / "ca.pem"
        self.pem.write_bytes(self.cert.public_bytes(serialization.Encoding.PEM))

    def server_context(self, days_valid: float = 90, expired: bool = False) -> ssl.SSLContext:
        key = ec.generate_private_key(ec.SECP256R1())
        start = NOW - dt.timedelta(days=30 if expired else 1)
        end = NOW - dt.timedelta(days=1) if expired else NOW + dt.timedelta(days=days_valid)
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name("localhost"))
            .issuer_name(self.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .sign(self.key, hashes.SHA256())
        )
        cert_file = self.dir / f"leaf-{x509.random_serial_number()}.pem"
        key_file = cert_file.with_suffix(".key")
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert_file, key_file)
        return ctx


@dataclass
class Behaviour:
    status: int = 200
    skew_s: float = 0.0


@contextmanager
def serve_https(ctx: ssl.SSLContext | None, behaviour: Behaviour | None = None) -> Iterator[str]:
    """An HTTP(S) server answering every path with `behaviour`; yields its base URL."""
    how = behaviour or Behaviour()

    async def handler(request: web.Request) -> web.Response:
        date = format_datetime(
            dt.datetime.now(dt.UTC) + dt.timedelta(seconds=how.skew_s), usegmt=True
        )
        return web.json_response({}, status=how.status, headers={"Date": date})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    with _in_thread(lambda: _start_app(app, ctx)) as port:
        yield f"{'https' if ctx else 'http'}://127.0.0.1:{port}"


async def _start_app(app: web.Application, ctx: ssl.SSLContext | None) -> tuple[int, object]:
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ctx)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return port, runner.cleanup


@dataclass
class Proxy:
    url: str
    seen: list[str] = field(default_factory=list)  # "CONNECT host:port" or "GET http://..."


@contextmanager
def connect_proxy(refuse: bool = False) -> Iterator[Proxy]:
    """An HTTP proxy: CONNECT tunnels and absolute-form plain HTTP requests; `refuse` answers
    403 to everything. Records each request line it handled."""
    proxy = Proxy("")

    async def pipe(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            while data := await r.read(65536):
                w.write(data)
                await w.drain()
        except OSError:
            pass
        finally:
            w.close()

    async def client(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        head = await r.readuntil(b"\r\n\r\n")
        line = head.split(b"\r\n", 1)[0].decode()
        method, target, _ = line.split(" ", 2)
        proxy.seen.append(f"{method} {target}")
        if refuse:
            w.write(b"HTTP/1.1 403 Forbidden\r\n\r\n")
            w.close()
            return
        if method == "CONNECT":
            host, port = target.rsplit(":", 1)
            ur, uw = await asyncio.open_connection(host, int(port))
            w.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        else:  # absolute-form: forward in origin-form
            parts = urlsplit(target)
            ur, uw = await asyncio.open_connection(parts.hostname, parts.port or 80)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            uw.write(head.replace(target.encode(), path.encode(), 1))
        await asyncio.gather(pipe(r, uw), pipe(ur, w))

    async def start() -> tuple[int, object]:
        server = await asyncio.start_server(client, "127.0.0.1", 0)

        async def stop() -> None:
            server.close()

        return server.sockets[0].getsockname()[1], stop

    with _in_thread(start) as port:
        proxy.url = f"http://127.0.0.1:{port}"
        yield proxy


@contextmanager
def _in_thread(starter: object) -> Iterator[int]:
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    port, stop = asyncio.run_coroutine_threadsafe(starter(), loop).result(10)  # type: ignore[operator]
    try:
        yield port
    finally:
        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
