"""The device-code poll at the flow level (real loopback sandbox, a sleep that only records), and
the canary rule for every Microsoft secret: keyring only, never output, trace, files or errors."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from tests.teams.conftest import Cli, MsSandbox, keyring_values
from wxcc_desk.core.context import AppContext
from wxcc_desk.core.errors import AuthError
from wxcc_desk.teams import login as teams_login
from wxcc_desk.teams import session as teams_cli
from wxcc_desk.teams.model import TeamsSession, TeamsStatus
from wxcc_desk.teams.store import PendingCode


def _session(profile: Path) -> TeamsSession:
    _, session = teams_cli.load(AppContext(), str(profile))
    return session


def _login(profile: Path, sleeps: list[float]) -> TeamsStatus:
    async def record(seconds: float) -> None:
        sleeps.append(seconds)

    shown: list[PendingCode] = []
    result = asyncio.run(teams_login.login(_session(profile), on_code=shown.append, sleep=record))
    assert len(shown) == 1
    return result


def test_slow_down_adds_five_seconds_for_good(ms: MsSandbox, profile: Path) -> None:
    ms.control("faults", {"token": ["slow_down", "authorization_pending", "slow_down"]})
    ms.auto("approve")
    sleeps: list[float] = []
    result = _login(profile, sleeps)
    assert result.state == "succeeded"
    assert sleeps == [0, 5, 5, 10]


def test_sign_in_service_outage_keeps_the_code(ms: MsSandbox, profile: Path) -> None:
    ms.control("faults", {"token": ["authorization_pending", "temporarily_unavailable"]})
    with pytest.raises(Exception, match="unavailable") as failure:
        _login(profile, [])
    assert getattr(failure.value, "code", "") == "MS_UNAVAILABLE"
    assert _session(profile).store.pending() is not None  # `status` can still finish it


def test_declined_raises_access_denied(ms: MsSandbox, profile: Path) -> None:
    ms.auto("deny", after=2)
    with pytest.raises(AuthError) as failure:
        _login(profile, [])
    assert failure.value.code == "ACCESS_DENIED"
    assert any(t.startswith("trace_id=") for t in failure.value.tracking_ids)
    assert _session(profile).store.pending() is None


def _secrets(keyring_file: Path) -> list[str]:
    found: list[str] = []
    for key, value in keyring_values(keyring_file).items():
        if key.endswith(":teams_refresh_token"):
            found.append(value)
        elif key.endswith(":teams_access_token"):
            found.append(json.loads(value)["token"])
        elif key.endswith(":teams_device_code"):
            found.append(json.loads(value)["device_code"])
    return found


def test_canary_microsoft_secrets_stay_in_the_keyring(
    cli: Cli, ms: MsSandbox, profile: Path, isolated_keyring: object, isolated_home: Path
) -> None:
    keyring_file: Path = isolated_keyring.path  # type: ignore[attr-defined]
    seen: set[str] = set()
    texts: list[str] = []

    def run(*args: str, env: dict[str, str] | None = None) -> None:
        result = cli("-v", *args, env=env)
        texts.extend([result.out, result.err, *result.trace])
        files = [f for f in isolated_home.rglob("*") if f.is_file()]  # state files, bundles
        texts.extend(f.read_text(errors="replace") for f in files)
        seen.update(_secrets(keyring_file))

    p = str(profile)
    run("teams-auth", "login", "-p", p, "--no-wait", "--json")
    run("teams-auth", "status", "-p", p, "--json")
    user_code = ms.summary()["pending_user_codes"][0]
    ms.control(f"devicecodes/{user_code}/approve", {"user": "sam@example.com"})
    run("teams-auth", "status", "-p", p, "--json")
    ms.control("clock", {"advance": 3700})  # forces a refresh inside the Graph auth flow
    run("teams-auth", "status", "-p", p)
    run("teams-auth", "retry", "-p", p, "--json")
    canary = "CANARY-teams-" + "x" * 40
    run("teams-auth", "status", "-p", p, "--json", env={"WXCC_TEAMS_ACCESS_TOKEN": canary})
    run("diagnose", "-p", p, "--json", "--check", "teams.auth")
    run("teams-auth", "logout", "-p", p)
    seen.add(canary)

    assert len(seen) >= 5  # device code, two access and refresh generations, the canary
    for secret in seen:
        leaks = [t[:200] for t in texts if secret in t]
        assert not leaks, f"a Microsoft secret leaked: {leaks}"
