"""Failures that need a tenant other than the default: missing scope, service-side rules."""

from __future__ import annotations

from pathlib import Path

from tests.station.conftest import run_cli
from tests.station.profiles import PROFILE_ALICE, PROFILE_BOB
from tests.support.sandbox_fixtures import MakeSandbox
from wxcc_desk.sandbox import SandboxHandle, parse_tenant

DEFAULT = (
    Path(__file__).resolve().parents[2] / "cli" / "wxcc_desk" / "sandbox" / "default_tenant.yaml"
).read_text()


def _tenant(old: str, new: str) -> object:
    assert old in DEFAULT
    return parse_tenant(DEFAULT.replace(old, new, 1), "test tenant")


def test_missing_cjp_user_scope_names_the_scope(make_sandbox: MakeSandbox) -> None:
    tenant = _tenant(
        "    name: Alice Agent\n",
        "    name: Alice Agent\n    scopes: [cjp:config_read, spark:people_read]\n",
    )
    sb = make_sandbox(tenant)  # type: ignore[arg-type]
    res = run_cli(sb, "login", "-p", PROFILE_ALICE, "--json", email="alice@example.com")
    assert res.code == 4
    err = res.json()["error"]
    assert err["code"] == "FORBIDDEN" and "`cjp:user`" in err["hint"]
    assert err["tracking_ids"]


def test_service_side_dial_number_rule_is_reported(make_sandbox: MakeSandbox) -> None:
    # Validation criteria (SPECIFIC) are the service's to apply: preflight passes, login fails.
    tenant = _tenant(
        "    name: Phone Only\n    login_voice_options: [AGENT_DN, EXTENSION]\n"
        "    dn_validation: ALL\n",
        "    name: Phone Only\n    login_voice_options: [AGENT_DN, EXTENSION]\n"
        "    dn_validation: SPECIFIC\n    dn_validation_criteria: ['\\+44[0-9]+']\n",
    )
    sb = make_sandbox(tenant)  # type: ignore[arg-type]
    res = run_cli(sb, "login", "-p", PROFILE_BOB, "--json", email="bob@example.com")
    assert res.code == 1, res.err
    err = res.json()["error"]
    assert err["code"] == "INVALID_DIAL_NUMBER" and "Dial Number Validation" in err["hint"]
    assert any(t.startswith("notifs_") for t in err["tracking_ids"])


def test_role_the_user_lacks_is_named(sandbox: SandboxHandle) -> None:
    res = run_cli(
        sandbox,
        "login",
        "-p",
        PROFILE_ALICE,
        "--json",
        email="alice@example.com",
        env={"WXCC_ROLE": "supervisor_agent"},
    )
    # Preflight knows from alice's user profile type (PREMIUM_AGENT): nothing is sent.
    assert res.code == 3
    err = res.json()["error"]
    assert err["code"] == "ROLE_NOT_ALLOWED" and "supervisor" in err["message"]
    assert "`role`" in err["hint"]
    assert not [r for r in sandbox.requests if r.path == "/v1/agents/login"]
