"""Fixtures of the Teams tests: a Microsoft sandbox on loopback, a profile pointing at it, and a
runner of the real CLI entry point (`app.main`) with captured streams."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support import profiles as support_profiles
from tests.support.cli import CliRun, invoke
from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.sandbox.microsoft.state import SANDBOX_CLIENT_ID


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


Result = CliRun


@dataclass
class Cli:
    home: Path
    env: dict[str, str]

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Result:
        return invoke(list(args), {**self.env, **(env or {})}, home=self.home)


def write_profile(folder: Path, name: str, url: str, teams: dict[str, str] | None) -> Path:
    """A profile whose every URL is `url`, with the default timeouts and a `teams:` block."""
    return support_profiles.write_profile(folder, name, api=url, teams=teams, timeouts=None)


@pytest.fixture
def profile(ms: MsSandbox, tmp_path: Path) -> Path:
    return write_profile(tmp_path, "teams", ms.url, support_profiles.sandbox_teams(ms.url))


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

    from wxcc_desk.sandbox.microsoft.state import SANDBOX_TENANT_ID

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
