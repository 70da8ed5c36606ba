"""A loopback server with the sandbox's Microsoft routes, for the Teams tests.

Real sockets on 127.0.0.1 in a background thread; tests drive it through its HTTP controls
(`/_sandbox/microsoft/...`) exactly as a user of `wxcc-desk sandbox` would.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from aiohttp import web

from wxcc_desk.sandbox import microsoft


@dataclass
class MsSandbox:
    url: str

    def control(self, path: str, body: dict[str, Any] | None = None, method: str = "POST") -> Any:
        resp = httpx.request(method, f"{self.url}/_sandbox/microsoft/{path}", json=body or {})
        resp.raise_for_status()
        return resp.json()

    def summary(self) -> Any:
        return httpx.get(f"{self.url}/_sandbox/microsoft").json()

    def auto(self, action: str | None, user: str = "sam@example.com", after: int = 1) -> None:
        self.control("auto", {"action": action, "user": user, "after_polls": after})


@contextmanager
def serve() -> Iterator[MsSandbox]:
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    box: dict[str, Any] = {}

    async def start() -> None:
        app = web.Application()
        microsoft.register(app)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        box["runner"] = runner
        box["port"] = runner.addresses[0][1]

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield MsSandbox(f"http://127.0.0.1:{box['port']}")
    finally:
        asyncio.run_coroutine_threadsafe(box["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()
