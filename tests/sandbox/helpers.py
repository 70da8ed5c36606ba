"""Test helpers for the sandbox: a desk (HTTP + notification socket) and spec assertions."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import websockets

from tests.support.spec_validation import validate_recorded, validate_response
from wxcc_desk.sandbox import SandboxHandle

EVENT_TIMEOUT = 5.0


def client(sb: SandboxHandle, email: str | None = None, **headers: str) -> httpx.Client:
    auth = {"Authorization": f"Bearer {sb.token(email)}"} if email else {}
    return httpx.Client(base_url=sb.url, headers={**auth, **headers}, timeout=10, trust_env=False)


def assert_spec(response: httpx.Response) -> None:
    """The response must be described by a spec and match it."""
    check = validate_response(
        response.request.method,
        response.request.url.path,
        response.status_code,
        dict(response.headers),
        response.content,
    )
    check.raise_for_problems()


def assert_log_valid(sb: SandboxHandle) -> int:
    """Every logged request/response that a spec covers matches it; returns how many."""
    checked = 0
    for record in sb.requests:
        req, resp = validate_recorded(record)
        if resp.in_spec:
            resp.raise_for_problems()
            if record.status < 400:
                req.raise_for_problems()
            checked += 1
    return checked


class Desk:
    """One user's async HTTP client and notification WebSocket."""

    def __init__(self, sb: SandboxHandle, email: str, **subscribe: Any) -> None:
        self.sb = sb
        self.email = email
        self.user = sb.user(email)
        self.subscribe_body = {"clientType": "WxccDesk", "force": True, **subscribe}
        self.http = httpx.AsyncClient(
            base_url=sb.url,
            headers={"Authorization": f"Bearer {sb.token(email)}"},
            timeout=10,
            trust_env=False,
        )
        self.ws: Any = None
        self.welcome: dict[str, Any] | None = None

    async def __aenter__(self) -> Desk:
        await self.connect()
        return self

    async def connect(self, expect_welcome: bool = True) -> None:
        r = await self.http.post("/v1/notification/subscribe", json=self.subscribe_body)
        assert r.status_code == 200, r.text
        self.ws = await websockets.connect(r.json()["webSocketUrl"])
        if expect_welcome:
            self.welcome = await self.event()
            assert self.welcome["type"] == "Welcome"

    async def __aexit__(self, *exc: object) -> None:
        if self.ws is not None:
            await self.ws.close()
        await self.http.aclose()

    async def event(self, timeout: float = EVENT_TIMEOUT) -> dict[str, Any]:
        """The next frame that is not a keepalive, within `timeout` seconds overall."""
        async with asyncio.timeout(timeout):
            while True:
                frame = json.loads(await self.ws.recv())
                if frame != {"keepalive": "true"}:
                    return frame  # type: ignore[no-any-return]

    async def call(self, method: str, path: str, body: Any = None, **kw: Any) -> httpx.Response:
        return await self.http.request(method, path, json=body, **kw)

    def team(self, index: int = 0) -> str:
        return self.sb.tenant.users[self.email].team_ids[index]

    async def login(
        self, dial: str | None = None, device: str = "AGENT_DN", **extra: Any
    ) -> dict[str, Any]:
        body = {
            "dialNumber": dial or self.user.default_dn or self.user.ci_user_id,
            "teamId": self.team(),
            "roles": ["agent"],
            "deviceType": device,
            "isExtension": device == "EXTENSION",
            **extra,
        }
        r = await self.call("POST", "/v1/agents/login", body)
        assert r.status_code == 202, r.text
        return await self.event()
