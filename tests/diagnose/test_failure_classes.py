"""Failure classes the first sandbox could not reproduce: a token naming another org, a role
the user profile type does not grant, no multimedia profile anywhere, and the cases around
them that must still pass (tests/diagnose/tenants/broken.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.diagnose.helpers import Run, run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox

OTHER_ORG = "0f0e0d0c-0b0a-4909-8807-060504030201"


def _diag(sbx: Any, tmp: Path, email: str, number: str, *args: str, **keys: str) -> Run:
    prof = write_profile(
        tmp, api=sbx.url, user=email, role=keys.get("role", "agent"), number=number
    )
    prof.write_text(prof.read_text().replace("team: Support", "team: Floor"))
    token = keys.get("token") or sbx.token(email)
    return run_cli(["diagnose", "-p", str(prof), "--json", *args], env={"WXCC_ACCESS_TOKEN": token})


def test_token_of_another_org_fails_identity_org(broken: Any, tmp_path: Path) -> None:
    token = broken.mint_token("closed@broken.example", org_id=OTHER_ORG)
    assert token.endswith(f"_{OTHER_ORG}")
    run = _diag(broken, tmp_path, "closed@broken.example", "+14085552001", token=token)
    org = run.check("identity.org")
    assert org["status"] == "fail"
    assert OTHER_ORG in org["summary"] and broken.org_id in org["summary"]
    assert org["remediation"]
    assert token not in run.stdout
    assert run.code == 1
    # the same user's token of the right org passes
    fine = _diag(broken, tmp_path, "closed@broken.example", "+14085552001")
    assert fine.status("identity.org") == "pass"


def test_role_not_granted_by_the_user_profile_type(broken: Any, tmp_path: Path) -> None:
    number = "+14085552006"
    run = _diag(broken, tmp_path, "agentonly@broken.example", number, role="supervisor_agent")
    prof = run.check("config.desktop_profile")
    assert prof["status"] == "fail"
    assert "not a supervisor" in prof["summary"]
    assert "role" in prof["remediation"]
    as_agent = _diag(broken, tmp_path, "agentonly@broken.example", number)
    assert as_agent.status("config.desktop_profile") == "pass"


def test_admin_run_infers_the_role_from_the_profile_type(tmp_path: Path) -> None:
    # sam is SUPERVISOR (agent and supervisor); alice PREMIUM_AGENT (agent only).
    with run_sandbox() as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@example.com")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@example.com")}
        args = ["diagnose", "-p", str(prof), "--json", "--check", "config.desktop_profile"]
        sam = run_cli([*args, "--agent", "sam@example.com"], env=env)
        alice = run_cli([*args, "--agent", "alice@example.com"], env=env)
    assert " allows supervisor_agent with " in sam.check("config.desktop_profile")["summary"]
    assert " allows agent with " in alice.check("config.desktop_profile")["summary"]


def test_no_multimedia_profile_on_user_team_or_site(broken: Any, tmp_path: Path) -> None:
    run = _diag(broken, tmp_path, "nomedia@broken.example", "+14085552005")
    mm = run.check("config.profiles")
    assert mm["status"] == "fail"
    assert "no multimedia profile" in mm["summary"]
    assert "Multimedia Profiles" in mm["remediation"]
    assert run.status("config.site") == "pass"  # the site itself is fine
