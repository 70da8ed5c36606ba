"""What `run_sandbox` yields: the URL, the users and their tokens, the request log, and
helpers over the control API (plain urllib, so tests need no event loop to drive it)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from wxcc_desk.sandbox.model import Tenant
from wxcc_desk.sandbox.world import RecordedRequest, World

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass(frozen=True)
class SandboxUser:
    email: str
    roles: tuple[str, ...]
    admin: bool
    scopes: tuple[str, ...]
    token: str
    ci_user_id: str
    id: str
    org_id: str
    display_name: str
    default_dn: str | None


class ControlError(RuntimeError):
    """A control call answered an error status; `status` and `body` say which."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"sandbox control call failed with {status}: {body}")
        self.status = status
        self.body = body


class SandboxHandle:
    def __init__(self, world: World, host: str, port: int) -> None:
        self._world = world
        self.host = host
        self.port = port
        self.url = f"http://{host}:{port}"
        self.ws_base = f"ws://{host}:{port}"
        self.control_url = f"{self.url}/_sandbox"
        self.tenant: Tenant = world.tenant
        self.org_id = world.tenant.org.id
        self.users = [
            SandboxUser(
                u.email,
                tuple(u.roles),
                u.admin,
                tuple(u.scopes),
                world.user_tokens[u.email.lower()],
                u.ci_user_id,
                u.id,
                self.org_id,
                u.display_name,
                u.default_dn,
            )
            for u in world.tenant.users.values()
        ]
        self._by_email = {u.email.lower(): u for u in self.users}

    def user(self, email: str) -> SandboxUser:
        try:
            return self._by_email[email.lower()]
        except KeyError:
            raise KeyError(f"no sandbox user {email}") from None

    def token(self, email: str) -> str:
        """The initial access token of a tenant user (valid until expired/revoked via control)."""
        return self.user(email).token

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received so far (control calls excluded), oldest first."""
        return list(self._world.requests.copy())

    def clear_requests(self) -> None:
        self._world.requests.clear()

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Call `/_sandbox/<path>`; returns the JSON answer or raises `ControlError`."""
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(  # noqa: S310 - always our own http:// control URL
            f"{self.control_url}/{path.lstrip('/')}",
            data=data,
            method=method.upper(),
            headers={"Content-Type": "application/json"},
        )
        try:
            with _OPENER.open(req, timeout=10) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as err:
            raw = err.read()
            raise ControlError(err.code, json.loads(raw) if raw else None) from None

    # Convenience wrappers over the control API (docs/sandbox.md lists the endpoints).
    def reset(self) -> None:
        self.control("POST", "reset")

    def sessions(self) -> dict[str, Any]:
        result: dict[str, Any] = self.control("GET", "sessions")
        return result

    def rona(self, email: str, interaction_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"email": email}
        if interaction_id:
            body["interactionId"] = interaction_id
        result: dict[str, Any] = self.control("POST", "rona", body)
        return result

    def add_interaction(self, email: str, *, monitoring: bool = False) -> str:
        return str(
            self.control("POST", "interactions", {"email": email, "monitoring": monitoring})["id"]
        )

    def end_interaction(self, interaction_id: str) -> None:
        self.control("DELETE", f"interactions/{interaction_id}")

    def add_fault(self, *specs: str) -> None:
        self.control("POST", "faults", {"specs": list(specs)})

    def clear_faults(self) -> None:
        self.control("DELETE", "faults")

    def expire_token(self, *, email: str | None = None, token: str | None = None) -> None:
        self.control("POST", "tokens/expire", {"email": email, "token": token})

    def revoke_token(self, *, email: str | None = None, token: str | None = None) -> None:
        self.control("POST", "tokens/revoke", {"email": email, "token": token})

    def mint_token(self, email: str, *, org_id: str | None = None) -> str:
        """A new access token of `email`; `org_id` puts another org in its last part."""
        body: dict[str, Any] = {"email": email, "org_id": org_id}
        token: str = self.control("POST", "tokens/mint", body)["token"]
        return token

    def websocket(self, **knobs: float | bool | str) -> dict[str, Any]:
        """Set WebSocket knobs: welcome, keepalive_timeout_s, server_keepalive_s, url_base, ..."""
        result: dict[str, Any] = self.control("POST", "websocket", knobs)
        return result
