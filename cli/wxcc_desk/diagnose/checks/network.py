"""Network checks, per host the flow needs: DNS, TCP, TLS, HTTP with per-phase timings.

Ids: `network.<role>.<phase>` for role in api, identity, status (the WebSocket host is checked
by `network.websocket.upgrade`, in `diagnose/checks/websocket.py`). Probes are shared resources
keyed by host, so when roles share a host (the sandbox) each phase runs once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

from wxcc_desk.core.errors import NetworkError
from wxcc_desk.diagnose import netprobe
from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, Resource, Scope, check

ROLES = {"api": "WxCC API", "identity": "Webex identity", "status": "Webex status page"}
_PATHS = {"api": "/", "identity": "/v1/people/me", "status": "/api/v2/status.json"}
TRUST_HINT = (
    "set the profile key `tls.trust: os` when the corporate CA is in the system store, or "
    "`tls.ca_bundle: /path/corporate-ca.pem` (env WXCC_CA_BUNDLE) with the CA your proxy uses"
)


def url_of(ctx: CheckContext, role: str) -> str:
    url: str = ctx.state.hosts.get(role, "")
    return url


def _target(ctx: CheckContext, role: str) -> netprobe.Target:
    return netprobe.target_of(url_of(ctx, role), ctx.env)


# --------------------------------------------------------------------------- shared probes


def dns_probe(target: netprobe.Target) -> Resource[tuple[list[str], float]]:
    host, port = target.connect_host, target.connect_port

    async def load(ctx: CheckContext) -> tuple[list[str], float]:
        return await netprobe.resolve(host, port, ctx.state.connect_timeout)

    return Resource(f"dns:{host}:{port}", load)


def tcp_probe(target: netprobe.Target) -> Resource[float]:
    async def load(ctx: CheckContext) -> float:
        _, writer, took = await netprobe.open_tcp(target, ctx.state.connect_timeout)
        writer.close()
        return took

    return Resource(f"tcp:{target.label}", load)


def tls_probe(target: netprobe.Target) -> Resource[tuple[netprobe.CertInfo, float]]:
    async def load(ctx: CheckContext) -> tuple[netprobe.CertInfo, float]:
        context = ctx.state.known_profile.tls.ssl_context()
        return await netprobe.tls_handshake(target, context, ctx.state.connect_timeout)

    return Resource(f"tls:{target.label}", load)


@dataclass(frozen=True)
class HttpProbe:
    status: int
    took_ms: float
    date: str
    received_at: float  # time.time() when the answer arrived


def http_probe(role: str, url: str) -> Resource[HttpProbe]:
    async def load(ctx: CheckContext) -> HttpProbe:
        import httpx

        http = ctx.state.need(ctx.state.http, "the run's client")
        start = time.perf_counter()
        try:
            resp = await http.client.get(url)
        except httpx.HTTPError as err:
            raise NetworkError(
                f"HTTP GET {url} failed: {type(err).__name__}: {err}",
                hint="check the profile's URL and the proxy (HTTPS_PROXY)",
                code="HTTP",
            ) from None
        took = round((time.perf_counter() - start) * 1000, 1)
        return HttpProbe(resp.status_code, took, resp.headers.get("date", ""), time.time())

    return Resource(f"http:{url}", load, Scope.RUN, host_role=role)


def http_resource(ctx: CheckContext, role: str) -> Resource[HttpProbe]:
    return http_probe(role, url_of(ctx, role).rstrip("/") + _PATHS[role])


def server_date(probe: HttpProbe) -> float | None:
    """The server's clock (epoch seconds) from its Date header, or None."""
    try:
        return parsedate_to_datetime(probe.date).timestamp() if probe.date else None
    except (TypeError, ValueError):
        return None


# --------------------------------------------------------------------------- checks


def _register(role: str, name: str) -> None:
    prefix = f"network.{role}"

    @check(f"{prefix}.dns", Layer.NETWORK, f"{name}: DNS", requires=("local.profile",))
    async def dns(ctx: CheckContext) -> Outcome:
        target = _target(ctx, role)
        ctx.waiting_on(target.connect_host, "DNS")
        addrs, took = await ctx.get(dns_probe(target))
        via = " (the proxy's name: the proxy resolves the host)" if target.proxy else ""
        shown = ", ".join(addrs[:3])
        return Outcome.ok(f"{target.connect_host}{via} -> {shown} in {took:.0f} ms", dns_ms=took)

    @check(f"{prefix}.tcp", Layer.NETWORK, f"{name}: TCP", requires=(f"{prefix}.dns",))
    async def tcp(ctx: CheckContext) -> Outcome:
        target = _target(ctx, role)
        ctx.waiting_on(target.label, "TCP connect")
        took = await ctx.get(tcp_probe(target))
        return Outcome.ok(f"connected to {target.label} in {took:.0f} ms", tcp_ms=took)

    @check(f"{prefix}.tls", Layer.NETWORK, f"{name}: TLS", requires=(f"{prefix}.tcp",))
    async def tls(ctx: CheckContext) -> Outcome:
        target = _target(ctx, role)
        if not target.tls:
            return Outcome.not_applicable(f"{url_of(ctx, role)} is plain HTTP (loopback): no TLS")
        ctx.waiting_on(target.label, "TLS handshake")
        cert, took = await ctx.get(tls_probe(target))
        return tls_outcome(target, cert, took)

    @check(f"{prefix}.http", Layer.NETWORK, f"{name}: HTTP", requires=(f"{prefix}.tls",))
    async def http(ctx: CheckContext) -> Outcome:
        probe = await ctx.get(http_resource(ctx, role))
        url = url_of(ctx, role)
        if probe.status >= 500:
            return Outcome.fail(
                f"{url} answered HTTP {probe.status} in {probe.took_ms:.0f} ms",
                "the service or a proxy in between is failing; see service.status, retry later",
                http_ms=probe.took_ms,
            )
        return Outcome.ok(
            f"{url} answered HTTP {probe.status} in {probe.took_ms:.0f} ms",
            http_ms=probe.took_ms,
        )


def tls_outcome(target: netprobe.Target, cert: netprobe.CertInfo, took: float) -> Outcome:
    facts: dict[str, Any] = {
        "tls_ms": took,
        "issuer": cert.issuer,
        "subject": cert.subject,
        "not_after": cert.not_after.isoformat(),
    }
    expiry = f"expires {cert.not_after:%Y-%m-%d}"
    if not cert.verified and cert.days_left < 0:
        return Outcome.fail(
            f"certificate of {target.host} expired {cert.not_after:%Y-%m-%d} "
            f"(issuer {cert.issuer})",
            "the server (or the TLS-inspecting proxy) presents an expired certificate: ask its "
            "admin to renew it",
            **facts,
        )
    if not cert.verified:
        return Outcome.fail(
            f"certificate of {target.host} is not from a public root: issuer {cert.issuer} "
            "(likely TLS inspection)",
            TRUST_HINT,
            detail=f"verification failed: {cert.error}; {expiry}",
            tls_inspection=True,
            **facts,
        )
    if cert.days_left < 14:
        return Outcome.warn(
            f"certificate of {target.host} {expiry} ({cert.days_left:.0f} days left)",
            "ask the server's admin to renew the certificate",
            **facts,
        )
    return Outcome.ok(f"issuer {cert.issuer}, {expiry}, handshake {took:.0f} ms", **facts)


for _role, _name in ROLES.items():
    _register(_role, _name)
