"""login / status / logout end to end: the real CLI, the sandbox over loopback."""

from __future__ import annotations

import re

from tests.station.conftest import Cli
from tests.station.profiles import PROFILE_ALICE, PROFILE_BOB
from tests.support.sandbox_fixtures import MakeSandbox
from tests.support.spec_validation import validate_request
from wxcc_desk.sandbox import SandboxHandle


def _paths(sandbox: SandboxHandle, method: str, path: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == method and r.path == path)


def test_login_status_logout_round_trip(cli: Cli, sandbox: SandboxHandle) -> None:
    login = cli("login", "--json")
    assert login.code == 0, login.err
    doc = login.json()
    assert doc["schema"] == "wxcc-desk/login/v1" and doc["ok"] is True
    assert doc["session"]["team"] == "Support"
    assert doc["session"]["dial_number"] == "+14085550100"
    assert doc["session"]["state"] == "Idle" and doc["session"]["idle_code"] == "Break"
    run_id = doc["run_id"]
    assert doc["tracking_ids"]["sent"][0] == f"WXCCDESK_{run_id}_1"
    sent = [r.headers.get("TrackingId") for r in sandbox.requests]
    assert all(t and t.startswith(f"WXCCDESK_{run_id}_") for t in sent)
    assert len(set(sent)) == len(sent)  # one id per request
    assert sandbox.sessions()  # the service has the session

    status = cli("status", "--json")
    assert status.code == 0, status.err
    st = status.json()
    assert st["logged_in"] is True and st["station"]["state"] == "Idle"
    assert st["station"]["idle_code"] == "Break" and st["station"]["team"] == "Support"
    assert st["token"]["source"] == "env" and st["token"]["user"] == "sam@example.com"
    assert st["local_record"]["session_id"] == doc["session"]["session_id"]

    logout = cli("logout", "--json")
    assert logout.code == 0, logout.err
    assert logout.json()["session"]["session_id"] == doc["session"]["session_id"]
    after = cli("status", "--json")
    assert after.code == 6
    assert after.json()["logged_in"] is False
    assert after.json()["not_logged_in_reason"] == "AGENT_NOT_FOUND"
    again = cli("logout")
    assert again.code == 6 and "not signed in" in again.err
    assert cli("login").code == 0
    sandbox.control("POST", "reset")  # the service forgets the session; the record stays
    stale = cli("status")
    assert stale.code == 6 and "is stale" in stale.err


def test_every_request_matches_the_published_specs(cli: Cli, sandbox: SandboxHandle) -> None:
    assert cli("login", "--team", "Sales").code == 0
    assert cli("status").code == 0
    assert cli("logout").code == 0
    checked = 0
    for rec in sandbox.requests:
        check = validate_request(rec.method, rec.path, rec.query, rec.headers, rec.raw_body)
        if check.in_spec:
            check.raise_for_problems()
            checked += 1
    assert checked >= 10
    sockets = [r for r in sandbox.requests if r.path.startswith("/v1/notification/subscription/")]
    assert len(sockets) == 3  # login, status, logout: one socket each
    assert all("authorization" not in {k.lower() for k in r.headers} for r in sockets)
    assert _paths(sandbox, "POST", "/v1/agents/login") == 1
    # As the SDK sends them (issue: POST logout, `{}` reload); PUT only after a 404/405.
    assert _paths(sandbox, "POST", "/v1/agents/logout") == 1
    assert _paths(sandbox, "PUT", "/v1/agents/logout") == 0
    reloads = [r for r in sandbox.requests if r.path == "/v1/agents/reload"]
    assert len(reloads) == 3 and all(r.raw_body == b"{}" for r in reloads)
    (login,) = [r for r in sandbox.requests if r.path == "/v1/agents/login"]
    assert login.body["deviceId"] == login.body["dialNumber"] == "+14085550100"
    assert {"teamName": "", "siteId": "", "auxCodeId": "", "usesOtherDN": False}.items() <= (
        login.body.items()
    )
    subscribes = [r.body for r in sandbox.requests if r.path == "/v1/notification/subscribe"]
    assert len(subscribes) == 3
    # as the SDK's config.ts sends it: keepalives go out anyway, but never asked to be enforced
    assert all(b["isKeepAliveEnabled"] is False for b in subscribes)


def test_table_output_and_after_login_state(cli: Cli, sandbox: SandboxHandle) -> None:
    res = cli("login", env={"WXCC_AFTER_LOGIN": "available"})
    assert res.code == 0, res.err
    assert "state        Available" in res.out
    assert "signing the station in" in res.err  # progress on stderr, data on stdout
    assert "goes Idle when this command exits" in res.err and "--hold" in res.err
    # Without --hold the socket closes when the command exits: the service keeps the station
    # signed in and puts it Idle (the README's "When wxcc-desk exits").
    (session,) = sandbox.sessions()["sessions"]
    assert session["sub_status"] == "Idle"
    assert session["state_reason"] == "agent-wss-disconnect"


def test_idle_code_by_name(cli: Cli) -> None:
    res = cli("login", "--json", env={"WXCC_IDLE_CODE": "lunch"})
    assert res.code == 0, res.err
    assert "goes Idle" not in res.err  # already Idle: nothing to warn about
    assert res.json()["session"]["idle_code"] == "Lunch"


def test_unknown_idle_code_fails_before_sending(cli: Cli, sandbox: SandboxHandle) -> None:
    res = cli("login", env={"WXCC_IDLE_CODE": "Nap"})
    assert res.code == 3
    assert "Break" in res.err and "Lunch" in res.err
    assert _paths(sandbox, "POST", "/v1/agents/login") == 0


def test_already_logged_in_then_takeover(cli: Cli, sandbox: SandboxHandle) -> None:
    assert cli("login").code == 0
    # The same station again: adopted as the SDK's register() does, no second login.
    same = cli("login", "--json", env={"WXCC_AFTER_LOGIN": "available"})
    assert same.code == 0, same.err
    assert same.json()["already_signed_in"] is True and same.json()["adopted"] is False
    assert "already signed in" in same.err
    assert same.json()["session"]["state"] == "Available"  # the profile's state, applied
    assert _paths(sandbox, "POST", "/v1/agents/login") == 1
    # Another station: refused before any login, naming both, the fix naming the profile.
    other = cli("login", "--json", env={"WXCC_DIAL_NUMBER": "+14085550199"})
    assert other.code == 1
    err = other.json()["error"]
    assert err["code"] == "ALREADY_LOGGED_IN" and "--takeover -p " in err["hint"]
    assert "+14085550100 (asked: +14085550199)" in err["message"]
    assert other.json()["run_id"] in other.err
    took = cli("login", "--takeover", "--json", env={"WXCC_DIAL_NUMBER": "+14085550199"})
    assert took.code == 0, took.err
    assert took.json()["adopted"] is True
    assert any("differs from the profile" in w for w in took.json()["warnings"])
    assert _paths(sandbox, "POST", "/v1/agents/login") == 1  # adoption and takeover sent none


def test_duplicate_location_names_the_number_and_the_fix(cli: Cli) -> None:
    alice = cli("login", "-p", PROFILE_ALICE, email="alice@example.com")
    assert alice.code == 0, alice.err
    bob = cli("login", "-p", PROFILE_BOB, email="bob@example.com", env={"WXCC_TEAM": "Support"})
    assert bob.code == 1
    assert "+14085550101 is already in use by another signed-in agent" in bob.err
    # the admin's own profile, not bob's: the hint names none of the run's
    assert "`wxcc-desk diagnose -p ADMIN_PROFILE --agent EMAIL`" in bob.err
    assert "tracking:" in bob.err


def test_wrong_user_token_is_refused_before_anything_is_sent(
    cli: Cli, sandbox: SandboxHandle
) -> None:
    res = cli("login", email="alice@example.com")
    assert res.code == 4
    assert "alice@example.com" in res.err and "sam@example.com" in res.err
    assert _paths(sandbox, "POST", "/v1/notification/subscribe") == 0


def test_expired_token_is_an_auth_error(cli: Cli, sandbox: SandboxHandle) -> None:
    sandbox.expire_token(email="sam@example.com")
    res = cli("status")
    assert res.code == 4
    assert "expired or revoked" in res.err


def test_status_shows_degraded_components_for_the_region(make_sandbox: MakeSandbox) -> None:
    from tests.station.conftest import PROFILE, run_cli

    sb = make_sandbox(faults=["status=partial:US1", "status=major:EU1"])
    assert run_cli(sb, "login", "-p", PROFILE).code == 0
    res = run_cli(sb, "status", "-p", PROFILE, "--json", env={"WXCC_REGION": "us1"})
    assert res.code == 0, res.err
    degraded = res.json()["service_status"]["degraded"]
    assert degraded == [{"name": "Webex Contact Center - US1", "status": "partial_outage"}]
    assert "Webex Contact Center - US1 has a partial outage" in res.err
    assert "EU1" not in res.err


def test_status_reports_rona(cli: Cli, sandbox: SandboxHandle) -> None:
    assert cli("login").code == 0
    sandbox.rona("sam@example.com")
    res = cli("status", "--json")
    assert res.code == 0, res.err
    station = res.json()["station"]
    assert station["state"] == "RONA" and station["idle_code"] == "RONA"
    # The probe's socket was the only one: closing it put the agent Idle (README, "When
    # wxcc-desk exits"), so ring again before looking at the table.
    assert cli("status", "--json").json()["station"]["state"] == "Idle"
    sandbox.rona("sam@example.com")
    assert re.search(r"^state\s+RONA\s*$", cli("status").out, re.MULTILINE)
