"""The live state of one sandbox: tenant, tokens, agent sessions, subscriptions, faults, log.

Handlers reach it through the aiohttp app key `WORLD` (`request.app[WORLD]`); the Microsoft
module keeps its own state under its own key and looks users and tokens up here. All mutation
happens on the sandbox's event loop; every lookup a request needs is a dict access.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from wxcc_desk.sandbox.faults import Fault
from wxcc_desk.sandbox.model import Tenant, User

REQUEST_LOG_LIMIT = 50_000


@dataclass
class TokenInfo:
    token: str
    email: str
    scopes: list[str]
    expires_at: float
    revoked: bool = False

    def valid(self, now: float) -> bool:
        return not self.revoked and now < self.expires_at


@dataclass
class RefreshInfo:
    token: str
    email: str
    scopes: list[str]
    expires_at: float
    client_id: str


@dataclass
class AuthCode:
    code: str
    email: str
    client_id: str
    redirect_uri: str
    challenge: str
    scopes: list[str]
    expires_at: float


@dataclass
class AgentSession:
    """A logged-in station; keyed by the agent's ciUserId."""

    ci_user_id: str
    session_id: str
    team_id: str
    dial_number: str
    dn_key: str | None  # the key in `World.dn_index`, None for BROWSER
    device_type: str
    device_id: str
    is_extension: bool
    roles: list[str]
    sub_status: str
    aux_code_id: str
    login_ts: int
    state_ts: int
    idle_ts: int
    state_reason: str = ""
    supervisor_session_id: str | None = None


@dataclass
class Interaction:
    id: str
    ci_user_id: str
    media: str = "telephony"
    monitoring: bool = False


@dataclass
class Subscription:
    id: str
    ci_user_id: str
    client_type: str
    keepalive: bool
    created: float
    ws: web.WebSocketResponse | None = None
    connected: bool = False
    frames_sent: int = 0
    half_open: bool = False  # a ws-half-open fault fired: the socket stays up, sends nothing
    taken_over: bool = False  # closed by a newer subscription: the agent does not go Idle
    transport: Any = None


@dataclass
class RecordedRequest:
    """One request as received (Authorization redacted), for spec checks in tests."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    raw_body: bytes
    status: int = 0
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: Any = None
    # time.perf_counter() when the request arrived and when its answer was ready (benchmarks
    # derive the client's sequential round trips from these)
    received: float = 0.0
    answered: float = 0.0


@dataclass
class WsKnobs:
    welcome: bool = True
    keepalive_timeout_s: float = 16.0
    server_keepalive_s: float = 4.0
    pending_subscription_ttl_s: float = 60.0
    # Where subscribe points the socket (`ws[s]://host:port`); "" = this server. Live WxCC
    # answers with a host other than the API's, so its DNS/TCP/TLS can fail on their own.
    url_base: str = ""
    # What a successful reload is answered with: AgentReloginSuccess, or the channel variant
    # the SDK also accepts (`services/agent/index.ts`), AgentChannelReloginSuccess.
    relogin_event: str = "AgentReloginSuccess"
    # Send success events with only the fields of the SDK's types (`services/agent/types.ts`):
    # StationLoginSuccess then has no deviceType, deviceId, dn or isExtension.
    sdk_shaped_events: bool = False
    # Refuse every login with this reason ("" = the real rules), e.g. one no client knows.
    login_failure_reason: str = ""


@dataclass
class World:
    tenant: Tenant
    faults: list[Fault] = field(default_factory=list)
    latency_ms: int = 0
    rate_limit: int | None = None
    tokens: dict[str, TokenInfo] = field(default_factory=dict)
    user_tokens: dict[str, str] = field(default_factory=dict)  # email -> initial token
    refresh: dict[str, RefreshInfo] = field(default_factory=dict)
    codes: dict[str, AuthCode] = field(default_factory=dict)
    sessions: dict[str, AgentSession] = field(default_factory=dict)
    dn_index: dict[str, str] = field(default_factory=dict)  # normalised DN -> ciUserId
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    user_subs: dict[str, dict[str, Subscription]] = field(default_factory=dict)
    interactions: dict[str, Interaction] = field(default_factory=dict)
    knobs: WsKnobs = field(default_factory=WsKnobs)
    requests: deque[RecordedRequest] = field(
        default_factory=lambda: deque(maxlen=REQUEST_LOG_LIMIT)
    )
    rate_windows: dict[str, tuple[int, int]] = field(default_factory=dict)
    pauses: Any = None  # an asyncio.Event of the sandbox's loop while latency faults wait
    initial_faults: list[Fault] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.initial_faults = list(self.faults)
        for user in self.tenant.users.values():
            token = user.token or mint_token(self.tenant)
            self.user_tokens[user.email.lower()] = token
            self.tokens[token] = TokenInfo(
                token, user.email, list(user.scopes), time.time() + user.token_lifetime
            )

    def user_by_email(self, email: str) -> User | None:
        return self.tenant.users.get(email.lower())

    def user_for_token(self, token: str) -> tuple[User, TokenInfo] | None:
        info = self.tokens.get(token)
        if info is None:
            return None
        user = self.tenant.users.get(info.email.lower())
        return (user, info) if user else None

    def issue_token(self, user: User, scopes: list[str], lifetime: int | None = None) -> TokenInfo:
        info = TokenInfo(
            mint_token(self.tenant),
            user.email,
            scopes,
            time.time() + (lifetime or user.token_lifetime),
        )
        self.tokens[info.token] = info
        return info

    def interactions_of(self, ci_user_id: str) -> list[Interaction]:
        # Interactions are few (tests add them); a scan here is fine and keeps one index.
        return [i for i in self.interactions.values() if i.ci_user_id == ci_user_id]

    def open_subs(self, ci_user_id: str) -> list[Subscription]:
        return [s for s in self.user_subs.get(ci_user_id, {}).values() if s.connected]

    def add_sub(self, sub: Subscription) -> None:
        self.subscriptions[sub.id] = sub
        self.user_subs.setdefault(sub.ci_user_id, {})[sub.id] = sub

    def drop_sub(self, sub: Subscription) -> None:
        self.subscriptions.pop(sub.id, None)
        self.user_subs.get(sub.ci_user_id, {}).pop(sub.id, None)

    def end_session(self, ci_user_id: str) -> AgentSession | None:
        session = self.sessions.pop(ci_user_id, None)
        if session and session.dn_key:
            self.dn_index.pop(session.dn_key, None)
        return session

    async def pause(self, seconds: float) -> None:
        """A request's latency: `seconds`, or less when the faults are cleared meanwhile."""
        import asyncio
        import contextlib

        if self.pauses is None:
            self.pauses = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.pauses.wait(), seconds)

    def end_pauses(self) -> None:
        if self.pauses is not None:
            self.pauses.set()
            self.pauses = None

    def reset(self) -> None:
        """Back to the state after start-up: same users and initial tokens, no sessions."""
        self.sessions.clear()
        self.dn_index.clear()
        self.interactions.clear()
        self.codes.clear()
        self.refresh.clear()
        self.rate_windows.clear()
        self.faults = list(self.initial_faults)
        self.knobs = WsKnobs()
        self.requests.clear()
        keep = set(self.user_tokens.values())
        for token in list(self.tokens):
            if token not in keep:
                del self.tokens[token]
        for user in self.tenant.users.values():
            info = self.tokens[self.user_tokens[user.email.lower()]]
            info.revoked = False
            info.expires_at = time.time() + user.token_lifetime


def mint_token(tenant: Tenant) -> str:
    """`<opaque>_<ciCluster>_<orgUuid>`, the shape of a real WxCC user token."""
    return f"{secrets.token_hex(32)}_{tenant.org.ci_cluster}_{tenant.org.id}"


def now_ms() -> int:
    return int(time.time() * 1000)


def new_id() -> str:
    return str(uuid.uuid4())


WORLD = web.AppKey("wxcc_sandbox_world", World)
