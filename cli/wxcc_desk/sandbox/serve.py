"""Serve the sandbox in the foreground until SIGINT/SIGTERM (what `wxcc-desk sandbox` runs)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable

from wxcc_desk.sandbox.server import create_app, start
from wxcc_desk.sandbox.world import World


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 and `localhost`: where the sandbox may listen without --allow-remote.

    The sandbox's own rule (it imports nothing from the client); `--host` may carry IPv6
    brackets."""
    import ipaddress

    bare = host.strip("[]")
    if bare.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(bare).is_loopback
    except ValueError:
        return False


def url_for(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


async def serve_until_signal(
    world: World, host: str, port: int, ready: Callable[[str], None]
) -> None:
    """Bind, call `ready(url)`, serve until SIGINT/SIGTERM, then close sockets and stop."""
    runner, bound = await start(create_app(world), host, port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # Windows has no handlers
            loop.add_signal_handler(sig, stop.set)
    try:
        ready(url_for(host, bound))
        await stop.wait()
    finally:
        await runner.cleanup()
