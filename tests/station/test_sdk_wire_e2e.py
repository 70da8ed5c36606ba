"""The station flows send what the official JS SDK sends and accept every shape its types allow
(issue 11): POST logout (PUT only after 404/405), the `{}` reload and its channel variant, the
BROWSER device id, supervisor-only logins, SDK-shaped success events, unknown reasons."""

from __future__ import annotations

from pathlib import Path

from tests.station.conftest import PROFILE, run_cli
from tests.support.sandbox_fixtures import MakeSandbox
from wxcc_desk.sandbox import SandboxHandle

LOGOUT = "/v1/agents/logout"


def _sent(sb: SandboxHandle, method: str, path: str) -> list[object]:
    return [r.body for r in sb.requests if r.method == method and r.path == path]


def test_logout_falls_back_to_put_only_after_405_or_404(make_sandbox: MakeSandbox) -> None:
    for status in (405, 404):
        sb = make_sandbox(faults=[f"error={status},path={LOGOUT},method=POST"])
        assert run_cli(sb, "login", "-p", PROFILE).code == 0
        res = run_cli(sb, "-v", "logout", "-p", PROFILE)
        assert res.code == 0, res.err
        assert len(_sent(sb, "POST", LOGOUT)) == 1 and len(_sent(sb, "PUT", LOGOUT)) == 1
        assert "trying PUT once" in res.err
        assert sb.sessions()["sessions"] == []


def test_logout_does_not_fall_back_on_other_errors(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=[f"error=400,path={LOGOUT},method=POST"])
    assert run_cli(sb, "login", "-p", PROFILE).code == 0
    res = run_cli(sb, "logout", "-p", PROFILE)
    assert res.code == 1
    assert _sent(sb, "PUT", LOGOUT) == []
    assert len(sb.sessions()["sessions"]) == 1


def test_channel_relogin_counts_as_signed_in_everywhere(sandbox: SandboxHandle) -> None:
    sandbox.websocket(relogin_event="AgentChannelReloginSuccess")
    assert run_cli(sandbox, "login", "-p", PROFILE).code == 0
    again = run_cli(sandbox, "login", "-p", PROFILE, "--json")  # the probe finds it
    assert again.code == 0 and again.json()["already_signed_in"] is True, again.err
    status = run_cli(sandbox, "status", "-p", PROFILE, "--json")
    assert status.code == 0 and status.json()["logged_in"] is True
    took = run_cli(sandbox, "login", "-p", PROFILE, "--takeover", "--json")
    assert took.code == 0 and took.json()["adopted"] is True
    assert run_cli(sandbox, "logout", "-p", PROFILE).code == 0
    assert len(_sent(sandbox, "POST", "/v1/agents/login")) == 1
    assert all(b == {} for b in _sent(sandbox, "POST", "/v1/agents/reload"))


def test_desktop_login_sends_the_webrtc_device_and_warns_of_no_audio(
    sandbox: SandboxHandle,
) -> None:
    env = {"WXCC_TELEPHONY": "desktop", "WXCC_AFTER_LOGIN": "available"}
    res = run_cli(sandbox, "login", "-p", PROFILE, "--json", env=env)
    assert res.code == 0, res.err
    ci = sandbox.user("sam@example.com").ci_user_id
    (body,) = _sent(sandbox, "POST", "/v1/agents/login")
    assert isinstance(body, dict)
    assert body["deviceType"] == "BROWSER"
    assert body["deviceId"] == f"webrtc-{ci}" and body["dialNumber"] == ci
    (warning,) = [w for w in res.json()["warnings"] if "no audio path" in w]
    assert "RONA" in warning and "--available" in warning
    # the profile asked for Available; without --available in this run it stays Idle
    assert res.json()["session"]["state"].startswith("Idle")
    assert _sent(sandbox, "PUT", "/v1/agents/session/state") == []


def test_desktop_login_is_available_only_with_the_flag(sandbox: SandboxHandle) -> None:
    env = {"WXCC_TELEPHONY": "desktop"}
    res = run_cli(sandbox, "login", "-p", PROFILE, "--available", "--json", env=env)
    assert res.code == 0, res.err
    assert res.json()["session"]["state"] == "Available"
    assert any("because --available was given" in w for w in res.json()["warnings"])
    (state,) = _sent(sandbox, "PUT", "/v1/agents/session/state")
    assert isinstance(state, dict)
    assert state["agentId"] == sandbox.user("sam@example.com").ci_user_id  # as the SDK sends


def _sue(tmp_path: Path, number: str | None = None) -> str:
    lines = [
        "api_url: http://127.0.0.1:8642",
        "identity_url: http://127.0.0.1:8642",
        "status_url: http://127.0.0.1:8642",
        "user: sue@example.com",
        "role: supervisor",
        "timeouts: {connect: 2, request: 5, outcome: 3}",
    ]
    if number:
        lines.append(f'telephony: {{option: dial_number, number: "{number}"}}')
    path = tmp_path / "sue.yaml"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_supervisor_only_signs_in_without_telephony_or_team(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    profile = _sue(tmp_path)
    Path(profile).write_text(Path(profile).read_text() + "remember: true\n")
    res = run_cli(sandbox, "login", "-p", profile, "--json", email="sue@example.com")
    assert res.code == 0, res.err
    assert not any("credentials were not saved" in w for w in res.json()["warnings"])
    (body,) = _sent(sandbox, "POST", "/v1/agents/login")
    assert isinstance(body, dict)
    assert body["roles"] == ["supervisor"] and body["teamId"] == ""
    assert "deviceType" not in body and "deviceId" not in body
    assert _sent(sandbox, "PUT", "/v1/agents/session/state") == []
    status = run_cli(sandbox, "status", "-p", profile, "--json", email="sue@example.com")
    assert status.code == 0 and status.json()["logged_in"] is True, status.err
    again = run_cli(sandbox, "login", "-p", profile, "--json", email="sue@example.com")
    assert again.code == 0 and again.json()["already_signed_in"] is True, again.err
    out = run_cli(sandbox, "logout", "-p", profile, email="sue@example.com")
    assert out.code == 0, out.err
    assert sandbox.sessions()["sessions"] == []


def test_supervisor_number_is_checked_and_sent_as_an_agents(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    bad = run_cli(sandbox, "login", "-p", _sue(tmp_path, "+1 408 555"), email="sue@example.com")
    assert bad.code == 3 and "e164" in bad.err
    assert _sent(sandbox, "POST", "/v1/agents/login") == []
    good = run_cli(
        sandbox, "login", "-p", _sue(tmp_path, "+14085550150"), "--json", email="sue@example.com"
    )
    assert good.code == 0, good.err
    (body,) = _sent(sandbox, "POST", "/v1/agents/login")
    assert isinstance(body, dict)
    assert body["deviceType"] == "AGENT_DN" and body["deviceId"] == "+14085550150"


def test_sdk_shaped_success_events_are_enough(sandbox: SandboxHandle) -> None:
    sandbox.websocket(sdk_shaped_events=True)
    res = run_cli(sandbox, "login", "-p", PROFILE, "--json", env={"WXCC_AFTER_LOGIN": "available"})
    assert res.code == 0, res.err
    session = res.json()["session"]
    assert session["state"] == "Available"  # from a state-change success of the SDK's shape
    assert session["device_type"] == "AGENT_DN" and session["dial_number"] == "+14085550100"
    record = (res.actx.state_dir / "sessions" / "sandbox.json").read_text()
    assert '"device_type": "AGENT_DN"' in record
    assert run_cli(sandbox, "status", "-p", PROFILE).code == 0
    assert run_cli(sandbox, "logout", "-p", PROFILE).code == 0


def test_an_unknown_failure_reason_is_shown_as_sent(sandbox: SandboxHandle) -> None:
    sandbox.websocket(login_failure_reason="SOMETHING_NEW_42")
    res = run_cli(sandbox, "login", "-p", PROFILE, "--json")
    assert res.code == 1
    err = res.json()["error"]
    assert err["message"] == "station login failed: SOMETHING_NEW_42"
    assert err["code"] == "SOMETHING_NEW_42"
    assert "error occurred while logging in" in err["hint"]


def test_hold_reconnect_accepts_the_channel_relogin(make_sandbox: MakeSandbox) -> None:
    # The login's socket dies after its outcome; the reconnect's reload is the channel variant.
    sb = make_sandbox(faults=["ws-drop-after=3,times=1", "ws-relogin-channel"])
    env = {"WXCC_HOLD_TIMINGS": "retry=0.05"}
    res = run_cli(sb, "login", "-p", PROFILE, "--hold", "--duration", "1.5", env=env)
    assert res.code == 0, res.err
    assert "reconnected; the station is still signed in" in res.out
    assert "hold ended after 1.5 s" in res.out


def test_sdk_shaped_and_channel_faults_parse() -> None:
    from wxcc_desk.sandbox.faults import FaultError, parse_fault

    assert parse_fault("ws-sdk-shaped,times=1").kind == "ws-sdk-shaped"
    assert parse_fault("ws-relogin-channel").kind == "ws-relogin-channel"
    try:
        parse_fault("ws-sdk-shaped=1")
    except FaultError as err:
        assert "takes no value" in str(err)
    else:
        raise AssertionError("a value was accepted")


def test_sdk_shaped_fault_shapes_the_login_success(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["ws-sdk-shaped"])
    res = run_cli(sb, "login", "-p", PROFILE, "--json")
    assert res.code == 0, res.err
    assert res.json()["session"]["device_type"] == "AGENT_DN"
