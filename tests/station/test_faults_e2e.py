"""The sandbox's faults: every failure is bounded in time, clear, and never logs in twice."""

from __future__ import annotations

from tests.station.conftest import PROFILE, run_cli
from tests.support.sandbox_fixtures import MakeSandbox
from wxcc_desk.sandbox import SandboxHandle


def _count(sandbox: SandboxHandle, method: str, path: str) -> int:
    return sum(1 for r in sandbox.requests if r.method == method and r.path == path)


def test_latency_is_tolerated(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(latency_ms=150)
    res = run_cli(sb, "login", "-p", PROFILE)
    assert res.code == 0, res.err


def test_5xx_on_login_learns_the_session_then_retries_once(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["error=503,path=/v1/agents/login,times=1"])
    # the first attempt's outcome window passes (no outcome), then reload says not logged in
    res = run_cli(sb, "login", "-p", PROFILE, "--json", env={"WXCC_TIMEOUT_OUTCOME": "0.5"})
    assert res.code == 0, res.err
    assert "outcome unknown" in res.err
    assert _count(sb, "POST", "/v1/agents/login") == 2
    assert _count(sb, "POST", "/v1/agents/reload") == 2  # the probe, and asked before the retry
    assert len(sb.sessions()["sessions"]) == 1


def test_withheld_login_outcome_adopts_the_session_without_a_second_login(
    make_sandbox: MakeSandbox,
) -> None:
    sb = make_sandbox(faults=["ws-withhold=AgentStationLoginSuccess"])
    res = run_cli(sb, "login", "-p", PROFILE, env={"WXCC_TIMEOUT_OUTCOME": "0.5"})
    assert res.code == 0, res.err
    assert _count(sb, "POST", "/v1/agents/login") == 1
    assert "no station login outcome" in res.err or "outcome unknown" in res.err


def test_withheld_welcome_times_out_clearly(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["ws-withhold=Welcome"])
    res = run_cli(sb, "login", "-p", PROFILE, env={"WXCC_TIMEOUT_OUTCOME": "0.5"})
    assert res.code == 5
    assert "no Welcome outcome" in res.err and "fix:" in res.err
    assert _count(sb, "POST", "/v1/agents/login") == 0


def test_config_5xx_is_retried(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["error=503,path=/organization/*/agent-profile/*,times=2"])
    res = run_cli(sb, "login", "-p", PROFILE)
    assert res.code == 0, res.err
    assert sum(1 for r in sb.requests if "/agent-profile/" in r.path) == 3


def test_persistent_5xx_is_a_network_error_with_tracking_ids(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["error=503,path=/v1/people/me"])
    res = run_cli(sb, "status", "-p", PROFILE, "--json")
    assert res.code == 5
    doc = res.json()
    assert doc["error"]["code"] == "HTTP_503"
    assert doc["error"]["tracking_ids"]  # the sandbox's TrackingID header
    assert doc["run_id"] in res.err


def test_429_is_retried_then_succeeds(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["error=429,path=/v1/notification/subscribe,times=2"])
    res = run_cli(sb, "login", "-p", PROFILE)
    assert res.code == 0, res.err
    assert _count(sb, "POST", "/v1/notification/subscribe") == 3


def test_dropped_websocket_is_reported(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["ws-drop-after=1"])  # Welcome, then the connection dies
    res = run_cli(sb, "login", "-p", PROFILE)
    assert res.code == 5
    assert "WebSocket was lost" in res.err
    assert _count(sb, "POST", "/v1/agents/login") <= 1


def test_connection_refused_is_a_network_error(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "status", "-p", PROFILE, env={"WXCC_BASE_URL": "http://127.0.0.1:9"})
    assert res.code == 5
    assert "ConnectError from 127.0.0.1:9" in res.err
    assert "is the sandbox running (`wxcc-desk sandbox --port 9`)" in res.err


def test_lost_state_outcome_still_records_the_signed_in_station(
    make_sandbox: MakeSandbox,
) -> None:
    sb = make_sandbox(faults=["ws-withhold=AgentStateChangeSuccess"])
    res = run_cli(
        sb,
        "login",
        "-p",
        PROFILE,
        "--json",
        env={"WXCC_AFTER_LOGIN": "available", "WXCC_TIMEOUT_OUTCOME": "0.5"},
    )
    assert res.code == 5
    assert res.json()["error"]["code"] == "OUTCOME_TIMEOUT"
    assert "wxcc-desk status" in res.json()["error"]["hint"]
    record = res.actx.state_dir / "sessions" / "sandbox.json"
    (session,) = sb.sessions()["sessions"]
    assert session["session_id"] in record.read_text()


def test_dropped_login_connection_is_learned_then_retried(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["drop,path=/v1/agents/login,times=1"])
    res = run_cli(sb, "login", "-p", PROFILE, env={"WXCC_TIMEOUT_OUTCOME": "0.5"})
    assert res.code == 0, res.err
    assert _count(sb, "POST", "/v1/agents/reload") == 2  # the probe, then learning the session
    assert len(sb.sessions()["sessions"]) == 1


def test_slow_service_hits_the_request_timeout(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["latency=1500,path=/v1/people/me"])
    res = run_cli(sb, "status", "-p", PROFILE, env={"WXCC_TIMEOUT_REQUEST": "0.3"})
    assert res.code == 5
    assert "ReadTimeout" in res.err and "fix:" in res.err


def test_429_on_login_waits_retry_after_and_logs_in_once(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(faults=["error=429,path=/v1/agents/login,times=1,retry-after=1"])
    res = run_cli(sb, "-v", "login", "-p", PROFILE, "--json")
    assert res.code == 0, res.err
    logins = [r for r in sb.requests if r.method == "POST" and r.path == "/v1/agents/login"]
    assert [r.status for r in logins] == [429, 202]
    assert logins[0].response_headers["Retry-After"] == "1"
    assert "retrying after 1.0s" in res.err  # the wait the header asked for
    # a 429 was never processed, so nothing more is learned than the probe before the login
    assert _count(sb, "POST", "/v1/agents/reload") == 1
    (session,) = sb.sessions()["sessions"]
    assert res.json()["session"]["session_id"] == session["session_id"]
    assert res.json()["adopted"] is False


def test_a_slow_status_page_does_not_hold_status(make_sandbox: MakeSandbox) -> None:
    """The banner is advice: a status page that does not answer costs `status` at most
    BANNER_SECONDS, with the request timeouts at their defaults (15 s read, 3 attempts)."""
    import time

    from wxcc_desk.station.status import BANNER_SECONDS

    sb = make_sandbox(
        faults=["latency=20000,path=/api/v2/summary.json", "latency=20000,path=/components.json"]
    )
    assert run_cli(sb, "login", "-p", PROFILE).code == 0
    start = time.monotonic()
    res = run_cli(sb, "status", "-p", PROFILE, "--json")
    elapsed = time.monotonic() - start
    assert res.code == 0, res.err  # the station is logged in; the banner only says why it is empty
    doc = res.json()
    assert doc["logged_in"] is True
    assert "did not answer within 4 s" in doc["service_status"]["error"]
    assert elapsed < BANNER_SECONDS + 2
