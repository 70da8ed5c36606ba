"""The sandbox app factory and `run_sandbox`, which serves it on loopback in a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from aiohttp import WSCloseCode, web

from wxcc_desk.sandbox import (
    agents,
    config,
    control,
    identity,
    notifications,
    status_page,
    users,
)
from wxcc_desk.sandbox.faults import Fault, as_faults
from wxcc_desk.sandbox.handle import SandboxHandle
from wxcc_desk.sandbox.microsoft import routes as microsoft
from wxcc_desk.sandbox.middleware import sandbox_middleware, scrub_logs
from wxcc_desk.sandbox.model import Tenant
from wxcc_desk.sandbox.tenant import default_tenant, load_tenant
from wxcc_desk.sandbox.world import WORLD, World

TenantArg = Tenant | str | Path | None
START_TIMEOUT_S = 15.0


def resolve_tenant(tenant: TenantArg) -> Tenant:
    if tenant is None:
        return default_tenant()
    if isinstance(tenant, Tenant):
        return tenant
    return load_tenant(tenant)


def create_app(world: World) -> web.Application:
    """One aiohttp app with every area's routes; the Microsoft module adds its own."""
    scrub_logs()  # no token in a logged traceback or parser error
    app = web.Application(middlewares=[sandbox_middleware], client_max_size=1024**2)
    app[WORLD] = world
    identity.register(app)
    config.register(app)
    users.register(app)
    agents.register(app)
    notifications.register(app)
    status_page.register(app)
    control.register(app)
    microsoft.register(app)
    app.on_shutdown.append(_close_sockets)
    return app


async def _close_sockets(app: web.Application) -> None:
    world = app[WORLD]
    for sub in list(world.subscriptions.values()):
        sub.taken_over = True  # shutting down, not a lost agent connection
        if sub.ws is not None and not sub.ws.closed:
            await sub.ws.close(code=WSCloseCode.GOING_AWAY, message=b"sandbox shutting down")


def make_world(
    tenant: TenantArg = None,
    *,
    latency_ms: int = 0,
    rate_limit: int | None = None,
    faults: Iterable[str | Fault] = (),
) -> World:
    return World(
        resolve_tenant(tenant),
        faults=as_faults(faults),
        latency_ms=latency_ms,
        rate_limit=rate_limit,
    )


async def start(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    await site.start()
    server = site._server  # aiohttp keeps the asyncio server private; the port lives there
    sockets = getattr(server, "sockets", None) or []
    return runner, int(sockets[0].getsockname()[1]) if sockets else port


@contextlib.contextmanager
def run_sandbox(
    tenant: TenantArg = None,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    latency_ms: int = 0,
    rate_limit: int | None = None,
    faults: Iterable[str | Fault] = (),
) -> Iterator[SandboxHandle]:
    """Serve a sandbox on `host:port` (0 = a free port) in a background thread until exit."""
    world = make_world(tenant, latency_ms=latency_ms, rate_limit=rate_limit, faults=faults)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, object] = {}

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            runner, bound = loop.run_until_complete(start(create_app(world), host, port))
        except BaseException as err:  # reported to the caller's thread below
            box["error"] = err
            ready.set()
            return
        box["runner"], box["port"] = runner, bound
        ready.set()
        loop.run_forever()
        loop.run_until_complete(runner.cleanup())
        loop.close()

    thread = threading.Thread(target=serve, name="wxcc-sandbox", daemon=True)
    thread.start()
    if not ready.wait(START_TIMEOUT_S):
        raise RuntimeError("the sandbox did not start within 15 s")
    if "error" in box:
        thread.join()
        raise box["error"]  # type: ignore[misc]
    try:
        yield SandboxHandle(world, host, int(box["port"]))  # type: ignore[call-overload]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
