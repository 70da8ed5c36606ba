"""Identity, configuration and dial-number checks against the sandbox's default tenant."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.helpers import Run, run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox

CFG = [
    "--check", "identity.user", "--check", "identity.org", "--check", "config.team",
    "--check", "config.webrtc", "--check", "config.idle_codes", "--check", "dial_number.rules",
]  # fmt: skip


@pytest.fixture(scope="module")
def sbx() -> Iterator[Any]:
    with run_sandbox() as handle:
        yield handle


def _diag(sbx: Any, tmp: Path, token_of: str | None, **prof: str) -> Run:
    path = write_profile(tmp, api=sbx.url, **prof)
    env = {"WXCC_ACCESS_TOKEN": sbx.token(token_of)} if token_of else {}
    return run_cli(["diagnose", "-p", str(path), "--json", *CFG], env=env)


def test_configured_supervisor_agent_passes(sbx: Any, tmp_path: Path) -> None:
    run = _diag(sbx, tmp_path, "sam@example.com")
    assert run.code == 0, run.stdout + run.stderr
    for cid in ("identity.token", "identity.user", "identity.org", "config.user",
                "config.desktop_profile", "config.team", "config.idle_codes",
                "dial_number.rules"):  # fmt: skip
        assert run.status(cid) == "pass", run.check(cid)
    assert run.status("config.webrtc") == "skip"  # not applicable to a dial-number login
    # the configuration is read once and shared: its tracking IDs show on every config check
    assert (
        run.check("config.team")["tracking_ids"] == run.check("config.idle_codes")["tracking_ids"]
    )
    assert sbx.token("sam@example.com") not in run.stdout


def test_no_token(sbx: Any, tmp_path: Path) -> None:
    run = _diag(sbx, tmp_path, None)
    assert run.status("identity.token") == "fail"
    assert "WXCC_ACCESS_TOKEN" in run.check("identity.token")["remediation"]
    assert run.status("config.team") == "skip"
    assert run.code == 1


def test_token_of_another_user(sbx: Any, tmp_path: Path) -> None:
    run = _diag(sbx, tmp_path, "alice@example.com")
    user = run.check("identity.user")
    assert user["status"] == "fail"
    assert "alice@example.com" in user["summary"]


def test_team_not_in_service_and_not_assigned(sbx: Any, tmp_path: Path) -> None:
    prof = write_profile(tmp_path, api=sbx.url, user="bob@example.com", role="agent",
                         number="+14085550101")  # fmt: skip
    text = prof.read_text().replace("team: Support", "team: Night Shift")
    prof.write_text(text)
    env = {"WXCC_ACCESS_TOKEN": sbx.token("bob@example.com")}
    run = run_cli(["diagnose", "-p", str(prof), "--json", *CFG], env=env)
    team = run.check("config.team")
    assert team["status"] == "fail"
    assert "Night Shift' is inactive or not available" in team["summary"]  # login's own rule
    prof.write_text(text.replace("team: Night Shift", "team: Sales"))
    run = run_cli(["diagnose", "-p", str(prof), "--json", *CFG], env=env)
    assert "is not one of the user's teams" in run.check("config.team")["summary"]


def test_telephony_option_not_allowed(sbx: Any, tmp_path: Path) -> None:
    prof = write_profile(tmp_path, api=sbx.url, user="bob@example.com", role="agent")
    prof.write_text(prof.read_text().replace("option: dial_number", "option: desktop"))
    env = {"WXCC_ACCESS_TOKEN": sbx.token("bob@example.com")}
    run = run_cli(["diagnose", "-p", str(prof), "--json", *CFG], env=env)
    dp = run.check("config.desktop_profile")
    assert dp["status"] == "fail"
    assert "BROWSER" in dp["summary"]
    assert "Desktop Profile" in dp["remediation"]


def test_dial_number_rule_is_named(sbx: Any, tmp_path: Path) -> None:
    run = _diag(sbx, tmp_path, "sam@example.com", number="12345")
    dn = run.check("dial_number.rules")
    assert dn["status"] == "fail"
    assert dn["facts"]["rule"] != "ok"
    assert dn["summary"].startswith(f"rule {dn['facts']['rule']}")


def test_provisioned_value_rule(sbx: Any, tmp_path: Path) -> None:
    prof = write_profile(tmp_path, api=sbx.url, user="carol@example.com", role="agent",
                         number="+14085550199")  # fmt: skip
    prof.write_text(prof.read_text().replace("team: Support", "team: Sales"))
    env = {"WXCC_ACCESS_TOKEN": sbx.token("carol@example.com")}
    run = run_cli(["diagnose", "-p", str(prof), "--json", *CFG], env=env)
    dn = run.check("dial_number.rules")
    assert dn["status"] == "fail"
    assert dn["facts"]["rule"] == "provisioned_value"


def test_user_not_contact_center_enabled(sbx: Any, tmp_path: Path) -> None:
    run = _diag(sbx, tmp_path, "admin@example.com", user="admin@example.com")
    # One cause, one failure: the licence check says it, the user record's check is skipped.
    assert run.status("identity.licence") == "fail", run.check("identity.licence")
    assert "has no Contact Center licence" in run.check("identity.licence")["summary"]
    assert run.status("config.user") == "skip", run.check("config.user")


def test_status_page_operational(sbx: Any, tmp_path: Path) -> None:
    path = write_profile(tmp_path, api=sbx.url)
    run = run_cli(["diagnose", "-p", str(path), "--json", "--check", "service.status"])
    assert run.status("service.status") == "pass", run.check("service.status")


def test_status_page_unreadable(tmp_path: Path) -> None:
    from tests.diagnose.servers import Behaviour, serve_https

    with serve_https(None, Behaviour(status=404)) as url:
        run = run_cli(["diagnose", "-p", str(write_profile(tmp_path, api=url)), "--json",
                       "--check", "service.status"])  # fmt: skip
    assert run.status("service.status") == "warn"


def test_supervisor_without_telephony_has_no_dial_number_to_check(
    sbx: Any, tmp_path: Path
) -> None:
    # login signs such a profile in with no device (roles ["supervisor"]); diagnose must agree
    path = tmp_path / "sup.yaml"
    path.write_text(
        f"api_url: {sbx.url}\nidentity_url: {sbx.url}\nstatus_url: {sbx.url}\n"
        "user: sue@example.com\nrole: supervisor\n"
        "timeouts: {connect: 2, request: 3, outcome: 3, keyring: 3}\n"
    )
    env = {"WXCC_ACCESS_TOKEN": sbx.token("sue@example.com")}
    run = run_cli(["diagnose", "-p", str(path), "--json", *CFG], env=env)
    assert run.status("dial_number.rules") == "skip", run.check("dial_number.rules")
    assert "without telephony" in run.check("dial_number.rules")["summary"]
    assert run.code == 0, run.stdout + run.stderr
