"""Notification subscribe and the WebSocket that carries every agent outcome.

The WebSocket URL comes from the service, so it is checked before anything connects: `wss` on
the service's own domains, or the API's own loopback host for the sandbox. The socket is never
sent the token (the subscription id in the URL is the credential). Keepalives go out at once
and every 4 s; frames are kept in order so a flow can wait for one outcome while `--hold`
prints the rest. Which frames are the user's own is `api/ownership.py`'s rule.

Bounds: a frame larger than `MAX_FRAME_BYTES` is dropped (a `FrameTooLarge` warning takes its
place in the stream); one larger than `MAX_MESSAGE_BYTES` is refused by the WebSocket library,
which closes the socket. The frames kept are bounded too (`api/framelog.py`).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from wxcc_desk.api.framelog import FrameLog
from wxcc_desk.api.ownership import Owner, answers, owns
from wxcc_desk.core.errors import ConfigError, NetworkError, RejectedError, WxccError
from wxcc_desk.core.redact import register_secret
from wxcc_desk.http.client import Http, UncertainOutcome, server_tracking_ids
from wxcc_desk.http.limits import loads
from wxcc_desk.http.tls import is_loopback

if TYPE_CHECKING:
    import httpx
    from websockets.asyncio.client import ClientConnection

CLIENT_TYPE = "WxccDesk"
# status, logout and diagnose only look: their short-lived sockets get a clientType of their own
# so that they never count against a login's multi-login group (subscribe groups by clientType).
PROBE_CLIENT_TYPE = "WxccDeskProbe"
ALLOWED_DOMAINS = ("cisco.com", "ciscoccservice.com")
KEEPALIVE = json.dumps({"keepalive": "true"})
MULTI_LOGIN_CLOSE = "AgentMultiLoginCloseSession"
FRAME_TOO_LARGE = "FrameTooLarge"  # our own warning in the stream, never a service event
MAX_FRAME_BYTES = 1024 * 1024  # larger frames are dropped with a warning
MAX_MESSAGE_BYTES = 4 * MAX_FRAME_BYTES  # the library refuses larger ones (closes the socket)
ANSWERED_KEPT = 16  # outcomes remembered so --hold does not relay them again (a run asks few)


def keepalive_seconds() -> float:
    """4 s, as Desktop sends them. The hidden `WXCC_KEEPALIVE_SECONDS` (0.001 to 4; anything
    else is ignored) shortens it so bench/ can run ten minutes of keepalives in seconds."""
    import os

    try:
        value = float(os.environ.get("WXCC_KEEPALIVE_SECONDS", ""))
    except ValueError:
        return 4.0
    return value if 0.001 <= value <= 4.0 else 4.0


@dataclass(frozen=True)
class Subscription:
    url: str
    subscription_id: str
    tracking_ids: tuple[str, ...] = ()


async def subscribe(
    http: Http,
    api_url: str,
    *,
    allow_multi_login: bool,
    force: bool,
    client_type: str = CLIENT_TYPE,
) -> Subscription:
    """`POST /v1/notification/subscribe` with our own clientType, then vet the returned URL."""
    # As the SDK sends it (`contact-center/src/config.ts`: isKeepAliveEnabled false), though we
    # still send `{"keepalive":"true"}` every 4 s as its WebSocketManager does. The spec's true
    # asks the service to drop the socket after 16 s without one; the SDK never asks for that,
    # so neither do we. clientType is our own on purpose (see CLIENT_TYPE above).
    body = {
        "force": force,
        "isKeepAliveEnabled": False,
        "clientType": client_type,
        "allowMultiLogin": allow_multi_login,
    }
    try:
        resp = await _post_subscribe(http, api_url, body)
    except UncertainOutcome as err:
        # The first subscription may exist: with allowMultiLogin false it would refuse a plain
        # second one (AGENT_MULTI_LOGIN) until it expires. Force closes only sessions of our own
        # clientType (the SDK's default); with multi-login an orphan merely takes one slot.
        http.trace(f"subscribe: outcome unknown ({err.message}); subscribing once more")
        resp = await _resubscribe(http, api_url, {**body, "force": force or not allow_multi_login})
    ids = tuple(server_tracking_ids(resp))
    try:
        data = loads(resp.content) if resp.content else {}
    except ValueError:  # not JSON: no URL, refused below with the fix (a proxy answering?)
        data = {}
    data = data if isinstance(data, dict) else {}
    url = str(data.get("webSocketUrl") or "")
    check_ws_url(url, api_url)
    sub_id = str(data.get("subscriptionId") or "")
    # Whoever holds the subscription id can read the agent's events: treat it as a secret.
    register_secret(sub_id)
    register_secret(url.rsplit("/", 1)[-1])
    return Subscription(url, sub_id, ids)


async def _post_subscribe(http: Http, api_url: str, body: dict[str, Any]) -> httpx.Response:
    # Not idempotent: a repeated subscribe is a second subscription, so never retried blindly.
    return await http.send(
        "POST",
        f"{api_url}/v1/notification/subscribe",
        what="subscribe to agent notifications",
        json=body,
        scope="cjp:user",
        not_found=ConfigError,
        not_found_hint="check the profile's api_url and region",
        idempotent=False,
    )


async def _resubscribe(http: Http, api_url: str, body: dict[str, Any]) -> httpx.Response:
    try:
        return await _post_subscribe(http, api_url, body)
    except UncertainOutcome as err:
        err.hint = (
            "the service did not answer two subscribes, and one may exist now; check the "
            "network, then run `wxcc-desk login --takeover` (it closes wxcc-desk's other "
            "notification sessions of the user) or wait a minute before trying again"
        )
        raise


def check_ws_url(ws_url: str, api_url: str) -> None:
    """Accept only the service's domains over wss, or the API's own loopback host."""
    parts = urlsplit(ws_url)
    host = (parts.hostname or "").lower()
    api_host = (urlsplit(api_url).hostname or "").lower()
    if is_loopback(api_url) and host == api_host and parts.scheme in ("ws", "wss"):
        return
    on_service = any(host == d or host.endswith("." + d) for d in ALLOWED_DOMAINS)
    if parts.scheme == "wss" and on_service:
        return
    raise ConfigError(
        f"refused the notification WebSocket URL `{ws_url or '(empty)'}`: only wss:// on "
        f"{' or '.join(ALLOWED_DOMAINS)} (or the sandbox's own loopback host) is trusted",
        hint="check the profile's api_url; a proxy or a wrong host may be answering subscribe",
        code="UNTRUSTED_WEBSOCKET_URL",
    )


@dataclass(frozen=True)
class Envelope:
    """One notification: outer `type`, inner `data.type`, the data, and the service's id."""

    type: str
    kind: str
    data: dict[str, Any]
    tracking_id: str = ""
    received: float = field(default_factory=time.time)
    org_id: str = ""  # the envelope's own `orgId` (data may carry one too)
    size: int = 0  # bytes of the frame as received

    @property
    def reason(self) -> str:
        return str(self.data.get("reason") or "")


@dataclass(frozen=True)
class Expect:
    """An outcome to wait for: outer type(s) and which inner types mean success or failure."""

    types: frozenset[str]
    success: frozenset[str]
    failure: frozenset[str]

    @staticmethod
    def of(types: str | tuple[str, ...], success: str, failure: str) -> Expect:
        names = (types,) if isinstance(types, str) else types
        return Expect(frozenset(names), frozenset({success}), frozenset({failure}))

    def matches(self, env: Envelope) -> bool:
        return env.type in self.types and env.kind in (self.success | self.failure)


STATION_LOGIN = Expect.of("StationLogin", "AgentStationLoginSuccess", "AgentStationLoginFailed")
LOGOUT = Expect.of("Logout", "AgentLogoutSuccess", "AgentLogoutFailed")
STATE_CHANGE = Expect.of("AgentStateChange", "AgentStateChangeSuccess", "AgentStateChangeFailed")
# `services/agent/index.ts` reload binds success on outer and inner type each being either
# `AgentReloginSuccess` or `AgentChannelReloginSuccess`; failure on `AgentReloginFailed`.
RELOGIN_SUCCESS = frozenset({"AgentReloginSuccess", "AgentChannelReloginSuccess"})
RELOGIN = Expect(
    RELOGIN_SUCCESS | {"AgentReloginFailed"}, RELOGIN_SUCCESS, frozenset({"AgentReloginFailed"})
)


class TakenOver(RejectedError):
    default_code = "TAKEN_OVER"


class NotificationSocket:
    """The client side of the notification WebSocket."""

    def __init__(
        self,
        url: str,
        *,
        trace: Callable[[str], None],
        ssl_context: ssl.SSLContext | None,
        keepalive_every: float | None = None,
        tracking_id: str = "",
        proxy: str | None = None,
    ) -> None:
        self.url = url
        self.agent_id = ""
        self._trace = trace
        secure = urlsplit(url).scheme == "wss"  # urlsplit lowers the scheme: `WSS://` too
        self._ssl = (ssl_context or ssl.create_default_context()) if secure else None
        self._proxy = proxy  # wxcc-desk's proxy rules (http/proxy.py), never the library's
        self._every = keepalive_every if keepalive_every is not None else keepalive_seconds()
        self._tracking_id = tracking_id
        self._ws: ClientConnection | None = None
        # Whose events count as the user's (api/ownership.py); Welcome names the agent when
        # no identity has claimed the socket yet.
        self.owner = Owner()
        self.frames: FrameLog[Envelope] = FrameLog()
        self._greeting: Envelope | None = None  # the first Welcome
        self._cond = asyncio.Condition()
        self._closed_why = ""
        self._tasks: list[asyncio.Task[None]] = []
        # time.monotonic() of the last frame of any kind, keepalives included (liveness)
        self.last_inbound = time.monotonic()
        # Positions of the frames `wait` returned (the outcomes this run's own requests asked
        # for), so `--hold` relays what came around them but not them; and where it starts.
        self._answered: deque[int] = deque(maxlen=ANSWERED_KEPT)
        self._relay_from: int | None = None

    async def open(self, timeout: float) -> str:
        """Connect, start keepalives, and wait for Welcome; returns the agent id it names."""
        from websockets.asyncio.client import connect

        headers = {"TrackingId": self._tracking_id} if self._tracking_id else {}
        shown = self.url.rsplit("/", 1)[0] + "/…"  # the subscription id is a credential
        self._trace(f"ws: connecting to {shown}")
        try:
            self._ws = await asyncio.wait_for(
                connect(
                    self.url,
                    ssl=self._ssl,
                    additional_headers=headers,
                    open_timeout=timeout,
                    ping_interval=None,
                    max_size=MAX_MESSAGE_BYTES,
                    user_agent_header="wxcc-desk",
                    proxy=self._proxy,
                ),
                timeout,
            )
        except Exception as err:  # refused, TLS, HTTP status, timeout: all one message
            raise _connect_error(err) from None
        self._tasks = [asyncio.create_task(self._keepalive()), asyncio.create_task(self._read())]
        welcome = await self._welcome(timeout)
        self.agent_id = str(welcome.data.get("agentId") or "")
        self._trace(f"ws: Welcome for agent {self.agent_id}")
        if not self.owner.agent_id:
            self.owner = self.owner.claim(agent_id=self.agent_id)
        return self.agent_id

    def claim(self, agent_id: str = "", org_id: str = "") -> None:
        """The socket's events must be this agent's, of this org (the identity's word)."""
        self.owner = self.owner.claim(agent_id, org_id)

    def owns(self, env: Envelope) -> bool:
        return owns(self.owner, env)

    async def _welcome(self, timeout: float) -> Envelope:
        # The greeting is kept aside: a flood right behind it may push it out of the history
        # before this task looks (api/framelog.py keeps at least the newest frame to look at).
        try:
            await self.wait(lambda _: self._greeting is not None, timeout, 0, "Welcome")
        except NetworkError as err:
            err.hint = "the notification service did not greet the socket; try again later"
            raise
        assert self._greeting is not None
        return self._greeting

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            # asyncio.wait keeps the tasks' own outcomes to itself but not a cancellation of
            # the caller: a `--duration` deadline that arrives during a close still ends it.
            await asyncio.wait(self._tasks)
            for task in self._tasks:  # retrieved, so none is reported as never retrieved
                if not task.cancelled():
                    task.exception()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._ws.close(), 2.0)
        self._closed_why = self._closed_why or "closed by wxcc-desk"

    async def __aenter__(self) -> NotificationSocket:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def cursor(self) -> int:
        """Position after the frames seen so far: wait from here for what a request causes."""
        return self.frames.end

    def mark_session(self) -> None:
        """The station's session is settled (signed in, adopted or reloaded): `--hold` relays
        from just after the frame that settled it, so an event that came while the run was
        still busy (writing its record, changing the state) is relayed, never lost."""
        self._relay_from = self._answered[-1] + 1 if self._answered else self.cursor

    @property
    def relay_from(self) -> int:
        """Where `--hold` starts: the mark, else everything from now on."""
        return self.cursor if self._relay_from is None else self._relay_from

    @property
    def closed(self) -> str:
        return self._closed_why

    async def _keepalive(self) -> None:
        assert self._ws is not None
        while True:
            await self._ws.send(KEEPALIVE)
            await asyncio.sleep(self._every)

    async def _read(self) -> None:
        assert self._ws is not None
        from websockets.exceptions import ConnectionClosed

        try:
            async for message in self._ws:
                self.last_inbound = time.monotonic()
                env = parse_frame(message) if len(message) <= MAX_FRAME_BYTES else _dropped(message)
                if env is not None:
                    self._trace(_frame_line(env))
                    await self._push(env)
        except ConnectionClosed as closed:
            frame = closed.rcvd
            detail = f"code {frame.code} {frame.reason}".strip() if frame else "no close frame"
            self._closed_why = self._closed_why or f"closed by the service ({detail})"
        finally:
            if not self._closed_why:
                self._closed_why = "closed by the service"
            self._trace(f"ws: {self._closed_why}")
            async with self._cond:
                self._cond.notify_all()

    async def expire_when_silent(self, seconds: float) -> None:
        """Treat the socket as lost once no frame of any kind came for `seconds`, even while it
        stays open (the SDK's WS_DISCONNECT_ALLOWED, `connection-service.ts`): the connection
        is dropped without a close handshake and every waiter learns why. Runs until then."""
        while not self._closed_why:
            left = self.last_inbound + seconds - time.monotonic()
            if left > 0:
                await asyncio.sleep(left)
                continue
            self._closed_why = (
                f"no frame from the service for {seconds:g} s, keepalives included: "
                "treated as lost though it did not close"
            )
            self._trace(f"ws: {self._closed_why}")
            if self._ws is not None:
                self._ws.transport.abort()
            async with self._cond:
                self._cond.notify_all()

    async def _push(self, env: Envelope) -> None:
        async with self._cond:
            if env.type == "Welcome" and self._greeting is None:
                self._greeting = env
            self.frames.append(env)
            self._cond.notify_all()

    async def wait(
        self, match: Callable[[Envelope], bool], timeout: float, since: int, what: str
    ) -> Envelope:
        """The first frame from `since` that matches; a multi-login close or a lost socket
        raises, and so does the deadline."""
        deadline = time.monotonic() + timeout
        index = since
        while True:
            async with self._cond:
                while index >= self.cursor and not self._closed_why:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise _timeout(what, timeout)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._cond.wait(), left)
                index, env = self.frames.at(index)
                if env is None:
                    raise _lost(what, self._closed_why)
            index += 1
            if env.kind == MULTI_LOGIN_CLOSE and self.owns(env):
                raise taken_over(env)
            if match(env):
                self._answered.append(index - 1)
                return env

    async def outcome(
        self,
        expect: Expect,
        timeout: float,
        since: int,
        what: str,
        request_ids: Iterable[str] = (),
    ) -> Envelope:
        """The outcome of the request sent after `since`: of the expected types, the user's own
        and, by its echoed trackingId, that request's (`api/ownership.py`)."""
        ids = tuple(request_ids)
        return await self.wait(
            lambda env: expect.matches(env) and answers(self.owner, env, ids), timeout, since, what
        )

    async def events(self, since: int) -> AsyncIterator[Envelope]:
        """Every frame from `since` until the socket closes (for --hold), but the outcomes
        `wait` already returned: those were answers to this run's requests, told already."""
        index = since
        while True:
            async with self._cond:
                while index >= self.cursor and not self._closed_why:
                    await self._cond.wait()
                index, env = self.frames.at(index)
                if env is None:
                    return
            index += 1
            if index - 1 not in self._answered:
                yield env


def parse_frame(message: str | bytes) -> Envelope | None:
    """A frame as an Envelope; keepalives and unreadable frames are None."""
    try:
        doc = loads(message)
    except ValueError:
        return None
    if not isinstance(doc, dict) or "keepalive" in doc:
        return None
    data = doc.get("data") if isinstance(doc.get("data"), dict) else {}
    assert isinstance(data, dict)
    return Envelope(
        type=str(doc.get("type") or ""),
        kind=str(data.get("type") or doc.get("type") or ""),
        data=data,
        tracking_id=str(doc.get("trackingId") or data.get("trackingId") or ""),
        org_id=str(doc.get("orgId") or ""),
        size=len(message),
    )


def _dropped(message: str | bytes) -> Envelope:
    """What stands in the stream for a frame too large to read: a warning, never an event."""
    return Envelope(
        type=FRAME_TOO_LARGE,
        kind=FRAME_TOO_LARGE,
        data={"bytes": len(message), "limit": MAX_FRAME_BYTES},
    )


def taken_over(env: Envelope) -> TakenOver:
    return TakenOver(
        "this session was closed because the same user signed in elsewhere (multi-login takeover)",
        hint="sign in once only; run `wxcc-desk login --takeover` to take the session back",
        tracking_ids=[env.tracking_id] if env.tracking_id else [],
    )


def _timeout(what: str, seconds: float) -> NetworkError:
    return NetworkError(
        f"no {what} outcome from the notification service within {seconds:g} s",
        hint="the service may be slow or degraded; run `wxcc-desk status` to learn whether the "
        "request took effect, or raise `timeouts.outcome` in the profile",
        code="OUTCOME_TIMEOUT",
    )


def _lost(what: str, why: str) -> NetworkError:
    return NetworkError(
        f"the notification WebSocket was lost while waiting for {what} ({why})",
        hint="run `wxcc-desk status` to learn the station state, then try again",
        code="WEBSOCKET_LOST",
    )


def _connect_error(err: BaseException) -> WxccError:
    text = str(err) or type(err).__name__
    if "CERTIFICATE_VERIFY_FAILED" in text:
        return NetworkError(
            f"notification WebSocket TLS verification failed ({text})",
            hint="set `tls.ca_bundle` to your corporate CA (TLS inspection) or `tls.trust: os`",
            code="TLS",
        )
    return NetworkError(
        f"could not open the notification WebSocket: {type(err).__name__}: {text}",
        hint="check that the network or proxy allows WebSockets (wss, port 443) to the service",
        code="WEBSOCKET_CONNECT",
    )


def _frame_line(env: Envelope) -> str:
    """`ws: <- TYPE/KIND trackingId=ID` (`TYPE` alone when the payload has no kind of its own);
    a frame without a trackingId (the Welcome) gets none rather than an empty one."""
    name = env.type if env.kind == env.type else f"{env.type}/{env.kind}"
    return f"ws: <- {name}" + (f" trackingId={env.tracking_id}" if env.tracking_id else "")
