"""The `teams.auth` verdict table (docs/teams.md): what the user's own sign-in fixes warns, what
needs an admin or is Microsoft failing fails, no usable keyring skips with the reason. Each row
is produced for real against the sandbox over loopback."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.teams.conftest import Cli, MsSandbox, mint_tokens

ROOT = Path(__file__).resolve().parents[2]


def _auth(cli: Cli, profile: Path, env: dict[str, str] | None = None) -> tuple[int, Any]:
    args = ["diagnose", "-p", str(profile), "--json", "--check", "teams.auth"]
    result = cli(*args, env=env)
    auth = next(r for r in result.json()["checks"] if r["id"] == "teams.auth")
    return result.code, auth


def _signed_in(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.auto("approve")
    assert cli("teams-auth", "login", "-p", str(profile)).code == 0
    ms.auto(None)


def test_pending_code_warns(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    assert cli("teams-auth", "login", "-p", str(profile), "--no-wait").code == 0
    code, auth = _auth(cli, profile)
    assert (code, auth["status"], auth["facts"]["state"]) == (0, "warn", "pending")


def test_expired_refresh_token_warns(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("clock", {"advance": 91 * 86400})
    code, auth = _auth(cli, profile)
    assert (code, auth["status"], auth["facts"]["state"]) == (0, "warn", "expired")
    assert "teams-auth login" in auth["remediation"]


def test_declined_sign_in_warns(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.auto("deny")
    assert cli("teams-auth", "login", "-p", str(profile)).code == 4
    code, auth = _auth(cli, profile)
    assert (code, auth["status"], auth["facts"]["state"]) == (0, "warn", "failed")
    assert "declined" in auth["summary"]


def test_revoked_token_warns(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("revoke", {"user": "sam@example.com"})
    code, auth = _auth(cli, profile)
    assert (code, auth["status"], auth["facts"]["state"]) == (0, "warn", "failed")


def test_missing_graph_permission_fails(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    # The first 403 answers teams.graph's token-less probe (still "Graph answers"), the second
    # the signed-in /me of teams.auth: the app registration lacks a permission, an admin's fix.
    ms.control("faults", {"graph": [403, 403]})
    code, auth = _auth(cli, profile)
    assert (code, auth["status"]) == (1, "fail")
    assert "Entra admin must grant it" in auth["remediation"]
    assert any(t.startswith("request-id=") for t in auth["tracking_ids"])


def test_microsoft_unavailable_fails(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    _signed_in(cli, ms, profile)
    ms.control("clock", {"advance": 3700})  # the access token must be renewed...
    ms.control("faults", {"token": ["temporarily_unavailable"]})  # ...and sign-in is down
    code, auth = _auth(cli, profile)
    assert (code, auth["status"]) == (1, "fail")
    assert "unavailable" in auth["summary"]


@pytest.mark.usefixtures("failing_keyring")
def test_no_keyring_skips_with_the_reason(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    code, auth = _auth(cli, profile)
    assert (code, auth["status"]) == (0, "skip")
    assert "no usable keyring" in auth["summary"] and "keyring.backends.fail" in auth["summary"]
    assert "WXCC_TEAMS_REFRESH_TOKEN" in auth["detail"]


@pytest.mark.usefixtures("failing_keyring")
def test_no_keyring_with_a_token_in_the_environment_passes(
    cli: Cli, ms: MsSandbox, profile: Path
) -> None:
    env = {"WXCC_TEAMS_ACCESS_TOKEN": mint_tokens(ms)["access_token"]}
    code, auth = _auth(cli, profile, env)
    assert (code, auth["status"]) == (0, "pass")
    assert auth["facts"]["token_source"] == "environment WXCC_TEAMS_ACCESS_TOKEN"


@pytest.mark.usefixtures("failing_keyring")
def test_readme_diagnose_on_a_machine_without_keyring_exits_0(
    cli: Cli, ms: MsSandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reviewer's run: `wxcc-desk diagnose -p sandbox` with WXCC_ACCESS_TOKEN, no keyring."""
    monkeypatch.chdir(ROOT)  # `-p sandbox` is ./profiles/sandbox.yaml
    result = cli("diagnose", "-p", "sandbox", "--json", env={"WXCC_BASE_URL": ms.url})
    checks = {r["id"]: r["status"] for r in result.json()["checks"]}
    assert result.code == 0, {k: v for k, v in checks.items() if v == "fail"}
    assert checks["teams.auth"] == "skip" and checks["teams.connector"] == "pass"
