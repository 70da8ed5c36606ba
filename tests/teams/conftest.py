"""Fixtures of the Teams tests: a Microsoft sandbox on loopback, a profile pointing at it, and a
runner of the real CLI entry point (`app.main`) with captured streams."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from wxcc_desk.app import main
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.output import Output
from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.sandbox.microsoft.state import SANDBOX_CLIENT_ID, SANDBOX_TENANT_DOMAIN


@dataclass
class MsSandbox:
    """The Microsoft side of a sandbox, driven through its HTTP controls as a user would."""

    url: str
    handle: SandboxHandle

    def control(self, path: str, body: dict[str, Any] | None = None, method: str = "POST") -> Any:
        resp = httpx.request(method, f"{self.url}/_sandbox/microsoft/{path}", json=body or {})
        resp.raise_for_status()
        return resp.json()

    def summary(self) -> Any:
        return httpx.get(f"{self.url}/_sandbox/microsoft").json()

    def auto(self, action: str | None, user: str = "sam@example.com", after: int = 1) -> None:
        self.control("auto", {"action": action, "user": user, "after_polls": after})


@pytest.fixture
def ms(sandbox: SandboxHandle) -> Iterator[MsSandbox]:
    """The test's sandbox; device codes poll with no interval so tests never wait."""
    box = MsSandbox(sandbox.url, sandbox)
    box.control("settings", {"interval": 0})
    yield box


@dataclass
class Result:
    code: int
    out: str
    err: str
    trace: list[str]

    def json(self) -> Any:
        import json

        return json.loads(self.out)


@dataclass
class Cli:
    home: Path
    env: dict[str, str]

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        actx = AppContext(out=Output(out, err), env={**self.env, **(env or {})})
        actx.config_dir, actx.state_dir = self.home / "config", self.home / "state"
        try:
            main(list(args), actx)
            code = 0
        except SystemExit as done:
            code = int(done.code or 0)
        return Result(code, out.getvalue(), err.getvalue(), actx.trace)


def write_profile(folder: Path, name: str, url: str, teams: dict[str, str] | None) -> Path:
    lines = [
        f"api_url: {url}",
        f"identity_url: {url}",
        f"status_url: {url}",
        "user: sam@example.com",
        "role: supervisor_agent",
        "team: Support",
        "telephony:",
        "  option: dial_number",
        '  number: "+14085550100"',
    ]
    if teams is not None:
        lines.append("teams:")
        lines += [f"  {k}: {v}" for k, v in teams.items()]
    path = folder / f"{name}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def profile(ms: MsSandbox, tmp_path: Path) -> Path:
    teams = {
        "tenant": SANDBOX_TENANT_DOMAIN,
        "client_id": SANDBOX_CLIENT_ID,
        "authority_url": ms.url,
        "graph_url": ms.url,
    }
    return write_profile(tmp_path, "teams", ms.url, teams)


@pytest.fixture
def cli(isolated_home: Path, ms: MsSandbox) -> Cli:
    """The CLI with the Webex token of sam@example.com, so the WxCC side can be read."""
    import os

    env = {**os.environ, "WXCC_ACCESS_TOKEN": ms.handle.token("sam@example.com")}
    return Cli(isolated_home, env)


def keyring_values(keyring_file: Path) -> dict[str, str]:
    """The test keyring's entries, `wxcc-desk|<profile>:<key>` -> value."""
    import json

    if not keyring_file.exists():
        return {}
    return dict(json.loads(keyring_file.read_text()))


def mint_tokens(ms: MsSandbox) -> dict[str, str]:
    """Sign sam in straight against the sandbox's endpoints (as another machine would)."""
    import httpx

    from wxcc_desk.sandbox.microsoft.state import SANDBOX_CLIENT_ID, SANDBOX_TENANT_ID

    ms.auto("approve")
    root = f"{ms.url}/{SANDBOX_TENANT_ID}/oauth2/v2.0"
    code = httpx.post(
        f"{root}/devicecode",
        data={"client_id": SANDBOX_CLIENT_ID, "scope": "offline_access User.Read Presence.Read"},
    ).json()
    form = {
        "grant_type": "urn:ietf:params:oauth:grant-type:device_code",
        "client_id": SANDBOX_CLIENT_ID,
        "device_code": code["device_code"],
    }
    tokens: dict[str, str] = httpx.post(f"{root}/token", data=form).json()
    return tokens
