"""The notification WebSocket host: DNS, TCP, TLS, and the upgrade itself (through any proxy).

The URL comes from a real `POST /v1/notification/subscribe` with the profile's token
(`allowMultiLogin: true`, `force: false`, so no open Desktop connection is dropped); the socket
is opened until the service's Welcome frame, timed, and closed. Nobody is logged in.
"""

from __future__ import annotations

import ssl
import time
from typing import TYPE_CHECKING

from wxcc_desk.diagnose import netprobe
from wxcc_desk.diagnose.base import CheckContext, Layer, Outcome, Resource, Scope, check
from wxcc_desk.diagnose.checks.network import dns_probe, tcp_probe, tls_outcome, tls_probe
from wxcc_desk.diagnose.data import api_url, authed

if TYPE_CHECKING:
    from wxcc_desk.api.notifications import Subscription

P = "network.websocket"


async def _subscribe(ctx: CheckContext) -> Subscription:
    from wxcc_desk.api.notifications import PROBE_CLIENT_TYPE, subscribe

    return await subscribe(
        authed(ctx),
        api_url(ctx),
        allow_multi_login=True,
        force=False,
        client_type=PROBE_CLIENT_TYPE,
    )


SUBSCRIPTION = Resource("notification-subscription", _subscribe, Scope.RUN, host_role="api")


async def _target(ctx: CheckContext) -> netprobe.Target:
    sub = await ctx.get(SUBSCRIPTION)
    return netprobe.target_of(sub.url, ctx.env)


@check(f"{P}.dns", Layer.NETWORK, "Notification WebSocket: DNS", requires=("identity.token",))
async def ws_dns(ctx: CheckContext) -> Outcome:
    target = await _target(ctx)
    ctx.waiting_on(target.connect_host, "DNS")
    addrs, took = await ctx.get(dns_probe(target))
    return Outcome.ok(f"{target.connect_host} -> {', '.join(addrs[:3])} in {took:.0f} ms")


@check(f"{P}.tcp", Layer.NETWORK, "Notification WebSocket: TCP", requires=(f"{P}.dns",))
async def ws_tcp(ctx: CheckContext) -> Outcome:
    target = await _target(ctx)
    ctx.waiting_on(target.label, "TCP connect")
    took = await ctx.get(tcp_probe(target))
    return Outcome.ok(f"connected to {target.label} in {took:.0f} ms", tcp_ms=took)


@check(f"{P}.tls", Layer.NETWORK, "Notification WebSocket: TLS", requires=(f"{P}.tcp",))
async def ws_tls(ctx: CheckContext) -> Outcome:
    target = await _target(ctx)
    if not target.tls:
        return Outcome.not_applicable("ws:// on loopback (sandbox): no TLS")
    ctx.waiting_on(target.label, "TLS handshake")
    cert, took = await ctx.get(tls_probe(target))
    return tls_outcome(target, cert, took)


@check(f"{P}.upgrade", Layer.NETWORK, "Notification WebSocket: upgrade", requires=(f"{P}.tls",))
async def ws_upgrade(ctx: CheckContext) -> Outcome:
    from wxcc_desk.api.notifications import NotificationSocket

    sub = await ctx.get(SUBSCRIPTION)
    target = netprobe.target_of(sub.url, ctx.env)
    ctx.add_tracking(*sub.tracking_ids)
    ctx.waiting_on(target.label, "WebSocket upgrade and Welcome")
    profile = ctx.state.known_profile
    from wxcc_desk.http.proxy import checked_proxy

    sock = NotificationSocket(
        sub.url,
        trace=ctx.state.trace,
        ssl_context=_ssl(ctx),
        proxy=checked_proxy(sub.url, ctx.env) or None,
    )
    start = time.perf_counter()
    try:
        await sock.open(profile.timeouts.connect + profile.timeouts.outcome / 2)
    finally:
        await sock.close()
    took = (time.perf_counter() - start) * 1000
    via = f" via proxy {target.connect_host}" if target.proxy else ""
    return Outcome.ok(f"upgraded{via} and welcomed in {took:.0f} ms", upgrade_ms=round(took, 1))


def _ssl(ctx: CheckContext) -> ssl.SSLContext:
    context: ssl.SSLContext = ctx.state.known_profile.tls.ssl_context()
    return context
