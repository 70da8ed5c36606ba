"""Build a `Station` for a sandbox user without the CLI: a bearer token and the real client."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Generator
from pathlib import Path
from typing import Any, TypeVar

import httpx

from wxcc_desk.core.tracking import Tracker
from wxcc_desk.http.client import make_http
from wxcc_desk.http.tls import TlsChoice
from wxcc_desk.profiles.schema import Timeouts
from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.station.model import Station, StationEvent, StationSpec

T = TypeVar("T")


class Bearer(httpx.Auth):
    def __init__(self, token: str) -> None:
        self.token = token

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.token}"
        yield request


def sam_spec(**kw: Any) -> StationSpec:
    base: dict[str, Any] = {
        "user": "sam@example.com",
        "role": "supervisor_agent",
        "telephony": "dial_number",
        "number": "+14085550100",
        "team": "Support",
    }
    return StationSpec(**{**base, **kw})


def run_flow(
    sandbox: SandboxHandle,
    state_dir: Path,
    flow: Callable[[Station], Awaitable[T]],
    *,
    email: str = "sam@example.com",
    events: list[StationEvent] | None = None,
    outcome: float = 3.0,
    attempts: int = 3,
    tracker: Tracker | None = None,
) -> T:
    trace: list[str] = []

    async def go() -> T:
        http = make_http(
            tracker=tracker or Tracker(),
            trace=trace.append,
            tls=TlsChoice(True, "loopback"),
            timeouts=Timeouts(connect=2, read=5, attempts=attempts),
            auth=Bearer(sandbox.token(email)),
        )
        async with http:
            st = Station(
                name="sandbox",
                api_url=sandbox.url,
                identity_url=sandbox.url,
                status_url=sandbox.url,
                region="us1",
                http=http,
                tls=TlsChoice(True, "loopback"),
                tracker=http.tracker,
                trace=trace.append,
                state_dir=state_dir,
                outcome_timeout=outcome,
                on_event=(events if events is not None else []).append,
            )
            return await flow(st)

    return asyncio.run(go())
