"""The remaining failure classes: invalid profile, expired stored token, missing scope, no
licence, inactive site, no idle codes (tests/diagnose/tenants/broken.yaml)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from tests.diagnose.conftest import BROKEN
from tests.diagnose.helpers import Run, run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox


def _as(sbx: Any, tmp: Path, email: str, number: str) -> Run:
    prof = write_profile(tmp, api=sbx.url, user=email, role="agent", number=number)
    prof.write_text(prof.read_text().replace("team: Support", "team: Floor"))
    env = {"WXCC_ACCESS_TOKEN": sbx.token(email)}
    return run_cli(["diagnose", "-p", str(prof), "--json"], env=env)


def test_invalid_profile_is_a_failing_check(tmp_path: Path) -> None:
    prof = write_profile(tmp_path)
    prof.write_text(prof.read_text().replace("role: supervisor_agent", "role: boss"))
    run = run_cli(["diagnose", "-p", str(prof), "--json"])
    check = run.check("local.profile")
    assert check["status"] == "fail"
    assert "role" in check["summary"]
    assert check["remediation"]
    assert run.status("network.api.dns") == "skip"
    assert run.code == 1


def test_missing_profile_is_a_usage_error(tmp_path: Path) -> None:
    run = run_cli(["diagnose", "-p", str(tmp_path / "nope.yaml")])
    assert run.code == 3
    assert "not found" in run.stderr


def test_expired_stored_token(tmp_path: Path, isolated_keyring: Any) -> None:
    stale = {"access_token": "stale-token-0123456789", "expires_at": time.time() - 3600}
    isolated_keyring.set_password("wxcc-desk", "diag:tokens", json.dumps(stale))
    run = run_cli(["diagnose", "-p", str(write_profile(tmp_path)), "--json"])
    token = run.check("identity.token")
    assert token["status"] == "fail"
    assert "expired" in token["summary"]
    assert "wxcc-desk auth login" in token["remediation"]
    assert "stale-token-0123456789" not in run.stdout


def test_missing_scope_is_named(broken: Any, tmp_path: Path) -> None:
    run = _as(broken, tmp_path, "narrow@broken.example", "+14085552003")
    scopes = run.check("identity.scopes")
    assert scopes["status"] == "fail"
    assert scopes["facts"]["missing"] == ["spark:people_read"]
    assert "oauth.scopes" in scopes["remediation"]


def test_no_licence(tmp_path: Path) -> None:
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@example.com")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@example.com")}
        run = run_cli(
            ["diagnose", "-p", str(prof), "--json", "--check", "identity.licence"], env=env
        )
    lic = run.check("identity.licence")
    assert lic["status"] == "fail"
    assert "Licenses" in lic["remediation"]


def test_inactive_site(broken: Any, tmp_path: Path) -> None:
    run = _as(broken, tmp_path, "closed@broken.example", "+14085552001")
    site = run.check("config.site")
    assert site["status"] == "fail"
    assert "Closed Site is not active" in site["summary"]
    assert run.status("config.team") == "pass"


def test_no_idle_codes(broken: Any, tmp_path: Path) -> None:
    run = _as(broken, tmp_path, "noidle@broken.example", "+14085552002")
    idle = run.check("config.idle_codes")
    assert idle["status"] == "fail"
    assert "no idle codes" in idle["summary"]


def test_unknown_idle_code_in_profile(broken: Any, tmp_path: Path) -> None:
    prof = write_profile(tmp_path, api=broken.url, user="closed@broken.example", role="agent",
                         number="+14085552001")  # fmt: skip
    text = prof.read_text().replace("team: Support", "team: Floor")
    prof.write_text(text + "after_login: {state: idle, idle_code: Lunch}\n")
    env = {"WXCC_ACCESS_TOKEN": broken.token("closed@broken.example")}
    run = run_cli(["diagnose", "-p", str(prof), "--json", "--check", "config.idle_codes"], env=env)
    idle = run.check("config.idle_codes")
    assert idle["status"] == "fail"
    assert "'Lunch'" in idle["summary"]


def test_org_without_contact_center_tenant(tmp_path: Path) -> None:
    with run_sandbox(faults=["error=404,path=/organization/*"]) as sbx:
        prof = write_profile(tmp_path, api=sbx.url)
        env = {"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")}
        run = run_cli(["diagnose", "-p", str(prof), "--json", "--check", "identity.org"], env=env)
    org = run.check("identity.org")
    assert org["status"] == "fail"
    assert "404" in org["summary"]
    assert org["remediation"]
    assert org["tracking_ids"]


def test_multimedia_profile_without_voice(broken: Any, tmp_path: Path) -> None:
    run = _as(broken, tmp_path, "chatty@broken.example", "+14085552004")
    mm = run.check("config.profiles")
    assert mm["status"] == "warn"
    assert "Chat Only allows no telephony" in mm["summary"]


def test_multimedia_and_skill_profiles_present(broken: Any, tmp_path: Path) -> None:
    run = _as(broken, tmp_path, "closed@broken.example", "+14085552001")
    mm = run.check("config.profiles")
    assert mm["status"] == "pass"
    assert "Voice" in mm["summary"]


def test_missing_skill_profile(tmp_path: Path) -> None:
    with run_sandbox(BROKEN, faults=["error=404,path=/organization/*/skill-profile/*"]) as sbx:
        run = _as(sbx, tmp_path, "chatty@broken.example", "+14085552004")
    mm = run.check("config.profiles")
    assert mm["status"] == "fail"
    assert "skill profile" in mm["summary"]
    assert "skill profile" in mm["remediation"]
