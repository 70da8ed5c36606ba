"""What every request goes through: tracking IDs, the request log, latency, faults, rate limit,
and turning errors (including unknown routes) into the spec's error bodies."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiohttp import web

from wxcc_desk.sandbox.respond import (
    TRACKING_KEY,
    ApiError,
    error_response,
    new_tracking,
)
from wxcc_desk.sandbox.world import WORLD, RecordedRequest, World

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
CONTROL_PREFIX = "/_sandbox/"
_log = logging.getLogger("wxcc_desk.sandbox")
_SECRET_FORM_KEYS = {"client_secret", "code", "code_verifier", "refresh_token", "password"}


def is_loopback(request: web.Request) -> bool:
    try:
        return ipaddress.ip_address((request.remote or "").split("%")[0]).is_loopback
    except ValueError:
        return False


@web.middleware
async def sandbox_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    world = request.app[WORLD]
    tracking = request.headers.get("TrackingId") or new_tracking(request.path)
    request[TRACKING_KEY] = tracking
    control = request.path.startswith(CONTROL_PREFIX)
    record = None
    try:
        record = None if control else await _record(request, world)
        response = await (
            _control(request, handler) if control else _guarded(request, handler, world)
        )
    except ApiError as err:
        response = error_response(request, err)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        response = error_response(request, ApiError(exc.status, _route_error(request, exc.status)))
    except (asyncio.CancelledError, ConnectionError):
        raise
    except Exception:  # a sandbox bug: answer 500 in the spec's shape, keep serving, show it
        _log.exception("sandbox bug while handling %s %s", request.method, request.path)
        response = error_response(request, ApiError(500, "Sandbox internal error (see its log)."))
    if not response.prepared:
        response.headers["TrackingID"] = tracking
    if record is not None:
        _finish(record, response)
    return response


def _route_error(request: web.Request, status: int) -> str:
    if status == 404:
        return f"No such resource: {request.method} {request.path}"
    if status == 405:
        return f"Method {request.method} is not allowed on {request.path}"
    if status == 413:
        return "The request body is too large (limit 1 MiB)."
    return f"Request failed with status {status}"


_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# The one control page a person's browser posts a form to (the Microsoft device sign-in).
_FORM_PATHS = ("/_sandbox/microsoft/devicelogin",)


def loopback_name(host: str) -> bool:
    """`Host` (or an origin's host) names this machine: localhost, *.localhost or a loopback
    address. A DNS-rebinding page reaches a loopback port under its own name: refused."""
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    if name in _LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


async def _control(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The control API answers this machine only: loopback clients, a loopback `Host` (DNS
    rebinding), no foreign `Origin` (a web page's request), and JSON bodies only for writes (a
    page can send a cross-origin `text/plain` POST without asking; JSON needs a preflight,
    which the sandbox never grants)."""
    if not is_loopback(request):
        raise ApiError(403, "The sandbox control API answers loopback clients only.")
    if not loopback_name(request.host):
        raise ApiError(403, "The sandbox control API answers only a loopback Host name.")
    origin = request.headers.get("Origin")
    if origin is not None and not loopback_name(urlsplit(origin).netloc or "-"):
        raise ApiError(403, "The sandbox control API refuses cross-origin requests.")
    writes = request.method not in ("GET", "HEAD")
    if writes and request.content_type != "application/json" and request.path not in _FORM_PATHS:
        raise ApiError(415, "Control requests that change the sandbox must be application/json.")
    return await handler(request)


async def _guarded(request: web.Request, handler: Handler, world: World) -> web.StreamResponse:
    delay = world.latency_ms
    for fault in world.faults:
        if fault.kind == "latency" and fault.matches(request.method, request.path) and fault.fire():
            delay += fault.int_value
    if delay:
        await world.pause(delay / 1000)
    for fault in world.faults:
        if fault.kind not in ("error", "drop") or not fault.matches(request.method, request.path):
            continue
        if not fault.fire():
            continue
        if fault.kind == "drop":
            _drop(request)
        raise ApiError(fault.int_value, f"Injected fault {fault.spec!r}.", headers=fault.headers)
    _rate_limit(request, world)
    return await handler(request)


def _drop(request: web.Request) -> None:
    """Close the socket with no answer, as a dead load balancer would."""
    transport = request.transport
    if transport is not None:
        transport.abort()
    raise asyncio.CancelledError


def _rate_limit(request: web.Request, world: World) -> None:
    """Per-token requests per minute, in fixed one-minute windows (O(1) per request)."""
    limit = world.rate_limit
    token = request.headers.get("Authorization", "")
    if not limit or not token:
        return
    now = time.time()
    window = int(now // 60)
    start, count = world.rate_windows.get(token, (window, 0))
    if start != window:
        start, count = window, 0
    count += 1
    world.rate_windows[token] = (start, count)
    if count > limit:
        retry = max(1, int((window + 1) * 60 - now))
        raise ApiError(
            429,
            f"Rate limit of {limit} requests per minute exceeded.",
            headers={"Retry-After": str(retry)},
        )


async def _record(request: web.Request, world: World) -> RecordedRequest:
    raw = await request.read() if request.can_read_body else b""
    headers = dict(request.headers.items())
    for key in list(headers):
        if key.lower() == "authorization":
            scheme = headers[key].split(" ", 1)[0]
            headers[key] = f"{scheme} ***"
    record = RecordedRequest(
        method=request.method,
        path=request.path,
        query=dict(request.query),
        headers=headers,
        body=_body(raw, request.content_type),
        raw_body=raw,
        received=time.perf_counter(),
    )
    world.requests.append(record)
    return record


def _body(raw: bytes, content_type: str) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", "replace")
    if content_type == "application/x-www-form-urlencoded":
        form = dict(parse_qsl(text, keep_blank_values=True))
        return {k: ("***" if k in _SECRET_FORM_KEYS else v) for k, v in form.items()}
    try:
        return json.loads(text)
    except ValueError:
        return text


def _finish(record: RecordedRequest, response: web.StreamResponse) -> None:
    record.status = response.status
    record.answered = time.perf_counter()
    record.response_headers = dict(response.headers)
    if isinstance(response, web.Response) and response.body is not None:
        body = response.body
        if isinstance(body, bytes):
            record.response_body = _body(body, "application/json")


# What a credential looks like in a header, form or JSON body. The sandbox's own rule (it
# imports nothing of the client); the same shapes the client's redaction masks.
_CREDENTIALS = (
    r"(?i)(authorization\s*[:=]\s*\"?)(bearer\s+)?[^\s\",;]+",
    r"(?i)((?:access_token|refresh_token|id_token|client_secret|code_verifier|password|"
    r"device_code)[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+",
    r"(?i)((?<![\w\"])code=)[^\s\"'&,}]+",
    r"(?i)(bearer\s+)[A-Za-z0-9._~+/=-]+",
)


def _scrub(text: str) -> str:
    import re

    for pattern in _CREDENTIALS:
        text = re.sub(pattern, lambda m: m.group(1) + "***", text)
    return text


class _Scrubbed(logging.Filter):
    """Log records of the sandbox and of aiohttp with credentials masked: a parser error or a
    traceback may quote a request's `Authorization` header."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = _scrub(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = _scrub(logging.Formatter().formatException(record.exc_info))
        return True


_LOGGERS: tuple[str, ...] = ("wxcc_desk.sandbox", "aiohttp.server", "aiohttp.web")
_LOGGERS += ("aiohttp.access", "aiohttp.websocket", "aiohttp.internal")


def scrub_logs() -> None:
    """Mask credentials in every record those loggers emit (idempotent)."""
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Scrubbed) for f in logger.filters):
            logger.addFilter(_Scrubbed())
