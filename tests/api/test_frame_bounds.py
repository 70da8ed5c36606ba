"""A flood of frames and an oversized one, from a real WebSocket server on loopback: the socket
drops the large frame with a warning in its place and keeps a bounded history."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from aiohttp import web

from wxcc_desk.api import framelog
from wxcc_desk.api.notifications import (
    FRAME_TOO_LARGE,
    MAX_FRAME_BYTES,
    NotificationSocket,
    parse_frame,
)
from wxcc_desk.station.hold import describe

FLOOD = 20_000


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


async def _serve(ws_handler: Handler) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_get("/ws", ws_handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"ws://127.0.0.1:{port}/ws"


def test_flood_and_oversized_frame_stay_bounded() -> None:
    big = json.dumps({"type": "AgentStateChange", "data": {"pad": "x" * (2 * MAX_FRAME_BYTES)}})

    seen_drop = asyncio.Event()  # the server floods once the client has seen the warning

    async def handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"type": "Welcome", "data": {"agentId": "me"}}))
        await ws.send_str(big)
        await seen_drop.wait()
        for n in range(FLOOD):
            frame = {"type": "AgentStateChange", "data": {"type": "X", "n": n, "pad": "y" * 200}}
            await ws.send_str(json.dumps(frame))
        await ws.close()
        return ws

    async def go() -> NotificationSocket:
        runner, url = await _serve(handler)
        sock = NotificationSocket(url, trace=lambda _: None, ssl_context=None)
        try:
            assert (await sock.open(5)) == "me"
            dropped = await sock.wait(lambda e: e.kind == FRAME_TOO_LARGE, 5, 0, "drop")
            seen_drop.set()
            async for _ in sock.events(sock.cursor):  # until the server closes
                pass
            await sock.close()
        finally:
            await runner.cleanup()
        assert dropped.data["bytes"] > MAX_FRAME_BYTES
        line = describe(dropped)
        assert line.kind == "warning" and "dropped a notification frame" in line.text
        return sock

    sock = asyncio.run(go())
    assert sock.cursor == FLOOD + 2  # Welcome, the warning and the flood were all seen
    frames, kept_bytes = sock.frames.kept
    assert frames == framelog.KEPT_FRAMES and kept_bytes < framelog.KEPT_BYTES
    assert sock.frames.at(0)[0] == FLOOD + 2 - framelog.KEPT_FRAMES  # older ones let go


def test_welcome_is_kept_aside_from_a_flood_behind_it() -> None:
    """A flood right behind Welcome may push it out of the kept frames before `open` looks."""

    async def go() -> str:
        sock = NotificationSocket("ws://127.0.0.1:9/x", trace=lambda _: None, ssl_context=None)
        welcome = parse_frame(json.dumps({"type": "Welcome", "data": {"agentId": "me"}}))
        assert welcome is not None
        await sock._push(welcome)
        for n in range(2 * framelog.KEPT_FRAMES):
            frame = parse_frame(json.dumps({"type": "AgentStateChange", "data": {"n": n}}))
            assert frame is not None
            await sock._push(frame)
        assert sock.frames.at(0)[1] is not welcome  # pushed out of the history
        greeting = await sock._welcome(1)
        return str(greeting.data["agentId"])

    assert asyncio.run(go()) == "me"
