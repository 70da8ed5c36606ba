"""`diagnose` Teams checks against the sandbox: connector configured, Graph reachable, user
authenticated; skipped (not failed) for orgs and profiles without Teams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.teams.conftest import Cli, MsSandbox, write_profile

TEAMS_CHECKS = ("teams.connector", "teams.graph", "teams.auth")


def _diagnose(cli: Cli, profile: Path) -> tuple[int, dict[str, dict[str, Any]]]:
    args = ["diagnose", "-p", str(profile), "--json"]
    for check_id in TEAMS_CHECKS:
        args += ["--check", check_id]
    result = cli(*args)
    doc = result.json()
    return result.code, {r["id"]: r for r in doc["checks"] if r["id"].startswith("teams.")}


def test_all_teams_checks_pass_once_signed_in(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    ms.auto("approve")
    assert cli("teams-auth", "login", "-p", str(profile)).code == 0
    code, results = _diagnose(cli, profile)
    assert code == 0, results
    assert {k: v["status"] for k, v in results.items()} == dict.fromkeys(TEAMS_CHECKS, "pass")
    assert "sam@example.com" in results["teams.auth"]["summary"]
    assert results["teams.connector"]["facts"]["org_connector"] == "active"


def test_not_signed_in_warns_with_the_login_command(cli: Cli, ms: MsSandbox, profile: Path) -> None:
    code, results = _diagnose(cli, profile)
    assert code == 0, results  # a Teams sign-in never blocks a station login
    auth = results["teams.auth"]
    assert auth["status"] == "warn" and "not_authenticated" in auth["summary"]
    assert f"teams-auth login -p {profile}`" in auth["remediation"]  # as -p was given
    assert "Collaboration tools - Microsoft Teams with Retry" in auth["remediation"]
    assert "station login is not affected" in auth["remediation"]
    assert results["teams.graph"]["status"] == "pass"


def test_connector_missing_fails_when_the_profile_wants_teams(
    cli: Cli, ms: MsSandbox, profile: Path
) -> None:
    ms.control("connector", {"microsoftConfig": None})
    _, results = _diagnose(cli, profile)
    connector = results["teams.connector"]
    assert connector["status"] == "fail"
    assert "not configured" in connector["summary"]
    assert "Control Hub" in connector["remediation"]


def test_org_and_profile_without_teams_skip(cli: Cli, ms: MsSandbox, tmp_path: Path) -> None:
    ms.control("connector", {"microsoftConfig": None})
    bare = write_profile(tmp_path, "bare", ms.url, None)
    code, results = _diagnose(cli, bare)
    assert code == 0, results
    assert {k: v["status"] for k, v in results.items()} == dict.fromkeys(TEAMS_CHECKS, "skip")


def test_unreachable_microsoft_fails_graph_and_skips_auth(
    cli: Cli, ms: MsSandbox, tmp_path: Path
) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    teams = {
        "tenant": "sandbox.onmicrosoft.com",
        "client_id": "x",
        "authority_url": dead,
        "graph_url": dead,
    }
    broken = write_profile(tmp_path, "broken", ms.url, teams)
    code, results = _diagnose(cli, broken)
    assert code == 1
    assert results["teams.graph"]["status"] == "fail"
    assert results["teams.auth"]["status"] == "skip"
