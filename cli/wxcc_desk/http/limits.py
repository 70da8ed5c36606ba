"""Bounds on every answer: a total deadline per attempt, a size cap on the body, safe JSON.

The read timeout of an HTTP library restarts with each byte, so a server that trickles one byte
a second never trips it. Each attempt therefore runs under one deadline, `timeouts.connect +
timeouts.request` seconds, for everything: connecting, sending, the headers and the whole body
(a token refresh inside the attempt included). Bodies are read in chunks and refused once they
pass `MAX_BODY_BYTES` (16 MiB after decoding; a declared `Content-Length` above it is refused
before any of the body is read). JSON is parsed by `loads`, for which a document nested too deep
for the parser is just not JSON (a `ValueError`, like any other bad body).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from wxcc_desk.core.errors import NetworkError

if TYPE_CHECKING:
    import httpx

MAX_BODY_BYTES = 16 * 1024 * 1024


class ResponseTooLarge(NetworkError):
    default_code = "RESPONSE_TOO_LARGE"


class DeadlineExceeded(NetworkError):
    default_code = "DEADLINE"


MAX_TEXT = 300  # characters of a service's error description shown in a message


def cut_text(text: str, limit: int = MAX_TEXT) -> str:
    """`text`, or its first `limit` characters and how many more there were."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def loads(data: str | bytes | bytearray) -> Any:
    """`json.loads`, but nesting too deep to parse is a ValueError, not a RecursionError."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("JSON nested too deep") from None


def response_json(resp: httpx.Response) -> Any:
    """The body of a response read by `read_bounded`, parsed with `loads`."""
    return loads(resp.content)


async def send_bounded(
    client: httpx.AsyncClient, request: httpx.Request, *, what: str, deadline: float
) -> httpx.Response:
    """Send `request` and read its whole body (at most MAX_BODY_BYTES), all within `deadline`
    seconds; a later end raises DeadlineExceeded. httpx errors pass through for the caller."""
    import asyncio

    try:
        async with asyncio.timeout(deadline):
            resp = await client.send(request, stream=True)
            await read_bounded(resp, what)
    except TimeoutError:
        url = request.url
        port = url.port or (443 if url.scheme == "https" else 80)
        raise DeadlineExceeded(
            f"could not {what}: no complete answer from {url.host}:{port} within {deadline:g} s "
            "(timeouts.connect + timeouts.request)",
            hint="the service (or a proxy) answers too slowly: check the network, or raise "
            "`timeouts.request` in the profile (WXCC_TIMEOUT_REQUEST)",
        ) from None
    return resp


def too_large(resp: httpx.Response, what: str, size: str) -> ResponseTooLarge:
    return ResponseTooLarge(
        f"could not {what}: the answer from {resp.url.host} is larger than "
        f"{MAX_BODY_BYTES // (1024 * 1024)} MiB ({size}); refused before reading it whole",
        hint="check the profile's URLs: no WxCC or Webex answer is this large, so something "
        "else (a proxy, a wrong host) is answering",
    )


async def read_bounded(resp: httpx.Response, what: str, limit: int = MAX_BODY_BYTES) -> bytes:
    """Read a streamed response's body, at most `limit` bytes; the body stays on `resp` (so
    `resp.content` and `resp.json()` work after), and a larger one raises ResponseTooLarge."""
    if hasattr(resp, "_content"):
        return resp.content
    declared = resp.headers.get("content-length", "").strip()
    if declared.isascii() and declared.isdigit() and int(declared) > limit:
        await resp.aclose()
        raise too_large(resp, what, f"Content-Length {declared}")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_large(resp, what, f"more than {limit} bytes sent")
            chunks.append(chunk)
    finally:
        await resp.aclose()
    body = b"".join(chunks)
    resp._content = body  # what httpx's own `aread` keeps: the body is read, once
    return body
