"""A hostile HTTP server on loopback: it answers every request the way a test asks (a body
that trickles, a huge or endless body, deeply nested JSON), over a real socket."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Write = Callable[[asyncio.StreamWriter], Awaitable[None]]
MIB = 1024 * 1024


@dataclass
class Hostile:
    url: str = ""
    requests: list[str] = field(default_factory=list)  # request lines seen


def head(length: int | None = None, extra: str = "") -> bytes:
    size = f"Content-Length: {length}\r\n" if length is not None else ""
    chunked = "" if length is not None else "Transfer-Encoding: chunked\r\n"
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{size}{chunked}{extra}\r\n"
    ).encode()


def trickle(seconds: float = 60.0, every: float = 0.1) -> Write:
    """A valid JSON body, one byte per `every` seconds, for `seconds` in all."""

    async def write(w: asyncio.StreamWriter) -> None:
        count = int(seconds / every)
        body = b'"' + b"x" * max(0, count - 2) + b'"'
        w.write(head(len(body)))
        for byte in body:
            w.write(bytes([byte]))
            await w.drain()
            await asyncio.sleep(every)

    return write


def declared(size: int) -> Write:
    """Headers declaring `size` bytes, then a little of the body and a long wait."""

    async def write(w: asyncio.StreamWriter) -> None:
        w.write(head(size) + b"[")
        await w.drain()
        await asyncio.sleep(30)

    return write


def endless(total: int = 40 * MIB, chunk: int = MIB) -> Write:
    """A chunked body of `total` bytes (no Content-Length), sent as fast as it is read."""

    async def write(w: asyncio.StreamWriter) -> None:
        w.write(head(None))
        piece = b" " * chunk
        sent = 0
        while sent < total:
            w.write(f"{chunk:x}\r\n".encode() + piece + b"\r\n")
            await w.drain()
            sent += chunk
        w.write(b"0\r\n\r\n")
        await w.drain()

    return write


def body(data: bytes, status: int = 200) -> Write:
    async def write(w: asyncio.StreamWriter) -> None:
        w.write(
            f"HTTP/1.1 {status} X\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n".encode()
            + data
        )
        await w.drain()

    return write


@contextmanager
def serve(answer: Write) -> Iterator[Hostile]:
    """Serve `answer` to every request on a free loopback port, in a background thread."""
    state = Hostile()
    loop = asyncio.new_event_loop()

    async def client(r: asyncio.StreamReader, w: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await r.readuntil(b"\r\n\r\n")
                state.requests.append(request.split(b"\r\n", 1)[0].decode())
                await answer(w)
        except (
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            asyncio.CancelledError,
            ConnectionError,
        ):
            pass
        finally:
            w.close()

    async def start() -> asyncio.Server:
        return await asyncio.start_server(client, "127.0.0.1", 0)

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    state.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    try:
        yield state
    finally:

        async def stop() -> None:
            server.close()
            for task in asyncio.all_tasks():
                if task is not asyncio.current_task():
                    task.cancel()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
