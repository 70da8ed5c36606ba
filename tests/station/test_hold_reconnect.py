"""`--hold` reconnects even while the service still counts our lost, half-open socket."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
from websockets.sync.client import connect as ws_connect

from tests.station.conftest import PROFILE, run_cli
from tests.station.helpers import run_flow
from wxcc_desk.api.notifications import CLIENT_TYPE
from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.station.liveness import Backoff, HoldTimings
from wxcc_desk.station.reconnect import reconnect


def _subscribe_raw(sandbox: SandboxHandle, email: str) -> str:
    body = {"force": False, "isKeepAliveEnabled": False, "clientType": CLIENT_TYPE,
            "allowMultiLogin": True}  # fmt: skip
    resp = httpx.post(
        f"{sandbox.url}/v1/notification/subscribe",
        json=body,
        headers={"Authorization": f"Bearer {sandbox.token(email)}"},
    )
    resp.raise_for_status()
    return str(resp.json()["webSocketUrl"])


def test_reconnect_takes_the_place_of_a_half_open_socket(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    assert run_cli(sandbox, "login", "-p", PROFILE).code == 0
    # The ghost: a socket of our clientType that the service still believes in.
    with ws_connect(_subscribe_raw(sandbox, "sam@example.com")) as ghost:
        assert json.loads(ghost.recv(timeout=5))["type"] == "Welcome"

        async def flow(st):  # type: ignore[no-untyped-def]
            backoff = Backoff(HoldTimings(retry=0.01))
            sock, _ = await reconnect(st, backoff, deadline=time.monotonic() + 30, limit=30)
            await sock.close()
            return "reconnected"

        assert run_flow(sandbox, tmp_path, flow) == "reconnected"
        frames = []
        try:
            while True:
                frames.append(json.loads(ghost.recv(timeout=2)))
        except Exception:  # closed by the service, or nothing more to read
            pass
    kinds = [f.get("data", {}).get("type") for f in frames if "data" in f]
    assert "AgentMultiLoginCloseSession" in kinds
