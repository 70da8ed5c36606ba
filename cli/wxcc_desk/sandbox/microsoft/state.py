"""Sandbox state of the Microsoft identity platform and Graph: tenant, accounts, codes, tokens.

Pure logic with no HTTP: `microsoft.py` maps requests onto these methods and their
`MsError`s onto Microsoft's error bodies. The clock can be moved forward (`advance`) so tests
and dry runs reach expiry without sleeping.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

SANDBOX_TENANT_ID = "5a4d2b1e-0c9f-4b7e-9d3a-7f1e2c3b4a50"
SANDBOX_TENANT_DOMAIN = "sandbox.onmicrosoft.com"
# The client id a profile uses against the sandbox (Entra app registration of the Desktop).
SANDBOX_CLIENT_ID = "9e5f94bc-e8a4-4e73-b8be-63364c29d753"
DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
GRAPH_SCOPES = ("User.Read", "Presence.Read")
AVAILABILITY = (
    "Available",
    "AvailableIdle",
    "Away",
    "BeRightBack",
    "Busy",
    "BusyIdle",
    "DoNotDisturb",
    "Offline",
    "PresenceUnknown",
)
# Error names the token endpoint can be told to answer next (`faults`), with their AADSTS codes
# and statuses. The texts follow what the Microsoft identity platform sends.
TOKEN_ERRORS: dict[str, tuple[int, int, str]] = {
    "authorization_pending": (
        400,
        70016,
        "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    ),
    "slow_down": (
        400,
        70016,
        "OAuth 2.0 device flow error. Polling too fast: wait the interval "
        "plus 5 seconds before the next request.",
    ),
    "expired_token": (
        400,
        70020,
        "The provided value for the input parameter 'device_code' is "
        "not valid. This device code has expired.",
    ),
    "access_denied": (400, 65004, "User declined to consent to access the app."),
    "bad_verification_code": (400, 70019, "The device_code was not recognized."),
    "invalid_grant": (400, 700082, "The refresh token has expired due to inactivity."),
    "invalid_client": (401, 7000215, "Invalid client secret provided."),
    "temporarily_unavailable": (503, 90033, "A transient error has occurred. Please try again."),
    "server_error": (500, 90100, "An unexpected error occurred on the server."),
}


DEFAULT_CONNECTOR: dict[str, Any] = {
    "active": True,
    "showUserDetails": True,
    "stateSynchronization": True,
    "idleCodes": {},
}


class MsError(Exception):
    """An identity-platform error: the OAuth `error` name, AADSTS code, text and HTTP status."""

    def __init__(self, error: str, code: int, text: str, status: int = 400) -> None:
        super().__init__(f"{error}: AADSTS{code}")
        self.error, self.code, self.text, self.status = error, code, text, status

    @classmethod
    def named(cls, error: str) -> MsError:
        status, code, text = TOKEN_ERRORS[error]
        return cls(error, code, text, status)


@dataclass
class MsUser:
    upn: str
    display_name: str
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    availability: str = "Available"
    activity: str = "Available"


@dataclass
class DeviceCode:
    device_code: str
    user_code: str
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    interval: float
    polls: int = 0
    last_poll: float | None = None
    decision: str = ""  # "", "approve" or "deny"
    upn: str = ""


@dataclass
class Issued:
    kind: str  # "access" or "refresh"
    upn: str
    client_id: str
    scopes: tuple[str, ...]
    expires_at: float
    revoked: bool = False


@dataclass
class AutoDecision:
    """Decide the next issued device code after `after_polls` polls (tests, unattended demos)."""

    action: str
    upn: str
    after_polls: int = 1


def _b64(obj: dict[str, Any]) -> str:
    raw = json.dumps(obj, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass
class MicrosoftState:
    """Everything the Microsoft side of one sandbox knows. Thread-safe: tests call it directly."""

    tenant_id: str = SANDBOX_TENANT_ID
    tenant_domain: str = SANDBOX_TENANT_DOMAIN
    client_ids: set[str] = field(default_factory=lambda: {SANDBOX_CLIENT_ID})
    users: dict[str, MsUser] = field(default_factory=dict)
    device_codes: dict[str, DeviceCode] = field(default_factory=dict)
    issued: dict[str, Issued] = field(default_factory=dict)
    token_faults: list[str] = field(default_factory=list)
    graph_faults: list[int] = field(default_factory=list)
    auto: AutoDecision | None = None
    # The org's Teams connector as WxCC serves it (`microsoftConfig`); None = not configured.
    connector: dict[str, Any] | None = field(default_factory=lambda: dict(DEFAULT_CONNECTOR))
    device_code_lifetime: float = 900.0
    interval: float = 5.0
    access_lifetime: float = 3600.0
    refresh_lifetime: float = 90 * 86400.0
    offset: float = 0.0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def now(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        """Move the Microsoft clock forward: codes and tokens expire without waiting."""
        with self.lock:
            self.offset += seconds

    def knows_tenant(self, tenant: str) -> bool:
        names = {self.tenant_id, self.tenant_domain, "organizations", "common"}
        return tenant.lower() in {n.lower() for n in names}

    def user(self, upn: str = "") -> MsUser:
        """The account `upn` (created on first use: the sandbox is lenient), or the first one."""
        with self.lock:
            if not upn:
                upn = next(iter(self.users), f"user@{self.tenant_domain}")
            key = upn.lower()
            if key not in self.users:
                name = upn.split("@")[0].replace(".", " ").title()
                self.users[key] = MsUser(upn=upn, display_name=name)
            return self.users[key]

    # -- device authorization (RFC 8628 section 3.1/3.2) -------------------------------------

    def new_device_code(self, client_id: str, scope: str) -> DeviceCode:
        self.check_client(client_id)
        letters = "BCDFGHJKLMNPQRSTVWXZ"
        user_code = "".join(secrets.choice(letters) for _ in range(9))
        code = DeviceCode(
            device_code="DAQABAAEAAAD" + secrets.token_urlsafe(48),
            user_code=user_code,
            client_id=client_id,
            scopes=tuple(scope.split()),
            expires_at=self.now() + self.device_code_lifetime,
            interval=self.interval,
        )
        with self.lock:
            self.device_codes[code.device_code] = code
        return code

    def decide(self, user_code: str, action: str, upn: str = "") -> DeviceCode:
        """Approve, deny or expire a pending code, as the person at the verification page would."""
        with self.lock:
            code = self._by_user_code(user_code)
            if action == "expire":
                code.expires_at = self.now() - 1
            else:
                code.decision, code.upn = action, self.user(upn).upn
            return code

    def pending(self) -> list[DeviceCode]:
        with self.lock:
            return [c for c in self.device_codes.values() if c.expires_at > self.now()]

    def _by_user_code(self, user_code: str) -> DeviceCode:
        wanted = user_code.replace("-", "").upper()
        for code in self.device_codes.values():
            if code.user_code == wanted:
                return code
        raise KeyError(user_code)

    def check_client(self, client_id: str) -> None:
        if client_id not in self.client_ids:
            raise MsError(
                "unauthorized_client",
                700016,
                f"Application with identifier '{client_id}' was not found in the directory "
                f"'{self.tenant_domain}'. This can happen if the application has not been "
                "installed by the administrator of the tenant.",
            )

    # -- token endpoint -----------------------------------------------------------------------

    def redeem_device_code(self, client_id: str, device_code: str) -> dict[str, Any]:
        with self.lock:
            self._injected_fault()
            self.check_client(client_id)
            code = self.device_codes.get(device_code)
            if code is None or code.client_id != client_id:
                raise MsError.named("bad_verification_code")
            return self._poll(code)

    def _poll(self, code: DeviceCode) -> dict[str, Any]:
        now = self.now()
        code.polls += 1
        too_fast = code.last_poll is not None and now - code.last_poll < code.interval
        code.last_poll = now
        if now >= code.expires_at:
            del self.device_codes[code.device_code]
            raise MsError.named("expired_token")
        self._apply_auto(code)
        if code.decision == "deny":
            del self.device_codes[code.device_code]
            raise MsError.named("access_denied")
        if code.decision == "approve":
            del self.device_codes[code.device_code]
            return self._issue(code.upn, code.client_id, code.scopes)
        if too_fast:
            code.interval += 5  # RFC 8628 3.5: the client must add 5 s from now on
            raise MsError.named("slow_down")
        raise MsError.named("authorization_pending")

    def _apply_auto(self, code: DeviceCode) -> None:
        if self.auto and not code.decision and code.polls >= self.auto.after_polls:
            code.decision, code.upn = self.auto.action, self.user(self.auto.upn).upn
            if code.decision == "expire":
                del self.device_codes[code.device_code]
                raise MsError.named("expired_token")

    def redeem_refresh_token(
        self, client_id: str, refresh_token: str, scope: str
    ) -> dict[str, Any]:
        with self.lock:
            self._injected_fault()
            self.check_client(client_id)
            grant = self.issued.get(refresh_token)
            if grant is None or grant.kind != "refresh" or grant.client_id != client_id:
                raise MsError(
                    "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid."
                )
            if grant.revoked:
                raise MsError(
                    "invalid_grant",
                    50173,
                    "The provided grant has expired due to it "
                    "being revoked, a fresh auth token is needed. The user might have "
                    "changed or reset their password.",
                )
            if self.now() >= grant.expires_at:
                raise MsError.named("invalid_grant")
            scopes = tuple(scope.split()) or grant.scopes
            return self._issue(grant.upn, client_id, scopes)

    def _injected_fault(self) -> None:
        if self.token_faults:
            raise MsError.named(self.token_faults.pop(0))

    def _issue(self, upn: str, client_id: str, scopes: tuple[str, ...]) -> dict[str, Any]:
        user = self.user(upn)
        now = self.now()
        graph = tuple(s for s in scopes if s in GRAPH_SCOPES) or ("User.Read",)
        claims = {
            "aud": "00000003-0000-0000-c000-000000000000",
            "tid": self.tenant_id,
            "oid": user.id,
            "upn": user.upn,
            "scp": " ".join(graph),
            "exp": int(now),
        }
        access = ".".join(
            (_b64({"typ": "JWT", "alg": "RS256"}), _b64(claims), secrets.token_urlsafe(32))
        )
        self.issued[access] = Issued(
            "access", user.upn, client_id, graph, now + self.access_lifetime
        )
        body: dict[str, Any] = {
            "token_type": "Bearer",
            "scope": " ".join(graph),
            "expires_in": int(self.access_lifetime),
            "ext_expires_in": int(self.access_lifetime),
            "access_token": access,
        }
        if "offline_access" in scopes:  # as Microsoft: no refresh token without offline_access
            refresh = "1.AXkA" + secrets.token_urlsafe(64)
            self.issued[refresh] = Issued(
                "refresh", user.upn, client_id, scopes, now + self.refresh_lifetime
            )
            body["refresh_token"] = refresh
        return body

    def revoke(self, upn: str = "") -> int:
        """Revoke every token of `upn` (all accounts when empty), as a password reset would."""
        with self.lock:
            hits = [g for g in self.issued.values() if not upn or g.upn.lower() == upn.lower()]
            for grant in hits:
                grant.revoked = True
            return len(hits)

    # -- Graph --------------------------------------------------------------------------------

    def bearer(self, token: str) -> tuple[Issued | None, str]:
        """The grant behind an access token, or None and why Graph refuses it."""
        with self.lock:
            grant = self.issued.get(token)
            if not token:
                return None, "Access token is empty."
            if grant is None or grant.kind != "access":
                return None, "IDX14100: JWT is not well formed, there are no dots (.)."
            if grant.revoked:
                return None, "Access token has been revoked."
            if self.now() >= grant.expires_at:
                return None, "Lifetime validation failed, the token is expired."
            return grant, ""

    def next_graph_fault(self) -> int | None:
        with self.lock:
            return self.graph_faults.pop(0) if self.graph_faults else None

    def reset(self) -> None:
        with self.lock:
            users = {k: MsUser(u.upn, u.display_name, u.id) for k, u in self.users.items()}
            fresh = MicrosoftState(users=users)
            for name in (
                "connector",
                "device_codes",
                "issued",
                "token_faults",
                "graph_faults",
                "auto",
                "device_code_lifetime",
                "interval",
                "access_lifetime",
                "refresh_lifetime",
                "offset",
            ):
                setattr(self, name, getattr(fresh, name))


# Where the sandbox app keeps this state: `app[MICROSOFT]`.
MICROSOFT = web.AppKey("microsoft", MicrosoftState)


def state_of(request: web.Request) -> MicrosoftState:
    return request.app[MICROSOFT]
