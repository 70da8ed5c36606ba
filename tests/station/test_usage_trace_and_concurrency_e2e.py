"""demo, usage errors, -v trace, timeouts and concurrent runs on one profile."""

from __future__ import annotations

import json
import threading
from pathlib import Path

from tests.station.conftest import PROFILE, Cli, Result, run_cli
from tests.support.sandbox_fixtures import MakeSandbox
from wxcc_desk.sandbox import SandboxHandle


def test_demo_walks_login_status_logout(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "demo", email=None)
    assert res.code == 0, res.err
    assert "== login ==" in res.out and "== status ==" in res.out and "== logout ==" in res.out
    assert "step 1/3: wxcc-desk login" in res.err and "step 3/3: wxcc-desk logout" in res.err
    assert not (res.actx.state_dir / "sessions").exists()  # nothing real touched
    doc = run_cli(sandbox, "demo", "--json", email=None).json()
    assert doc["schema"] == "wxcc-desk/demo/v1"
    assert doc["status"]["logged_in"] is True and doc["logout"]["ok"] is True


def test_usage_errors(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "login", "-p", PROFILE, "--duration", "5")
    assert res.code == 2 and "--hold" in res.err
    res = run_cli(sandbox, "login", "-p", PROFILE, "--web", "--with-token")
    assert res.code == 2


def test_verbose_trace_shows_tls_choice_and_exchanges(sandbox: SandboxHandle) -> None:
    res = run_cli(sandbox, "-v", "status", "-p", PROFILE)
    assert res.code == 6
    assert "TLS: none: plain http on loopback" in res.err  # the sandbox: no TLS to describe
    assert "TLS: verifying" not in res.err and "CA bundle" not in res.err
    assert "http: POST http://127.0.0.1" in res.err and "TrackingId=WXCCDESK_" in res.err
    assert "ws: Welcome" in res.err
    assert "Authorization" not in res.err
    frames = [line for line in res.err.splitlines() if line.startswith("ws: <- ")]
    # The Welcome frame carries no trackingId: none is printed rather than an empty one.
    assert "ws: <- Welcome" in frames, frames
    assert not [f for f in frames if f.endswith("trackingId=")], frames
    assert any("trackingId=notifs_" in f for f in frames), frames


def test_every_outcome_withheld_is_bounded(make_sandbox: MakeSandbox) -> None:
    sb = make_sandbox(
        faults=[
            "ws-withhold=StationLogin",
            "ws-withhold=AgentReloginSuccess",
            "ws-withhold=AgentReloginFailed,after=1",
        ]
    )
    res = run_cli(sb, "login", "-p", PROFILE, "--json", env={"WXCC_TIMEOUT_OUTCOME": "0.4"})
    assert res.code == 5
    # the login's outcome and the session both unknown: said so, and never a second login
    assert res.json()["error"]["code"] == "UNCERTAIN_OUTCOME"
    assert sum(1 for r in sb.requests if r.path == "/v1/agents/login") == 1


def test_no_answer_to_the_session_probe_sends_no_login(make_sandbox: MakeSandbox) -> None:
    # As the SDK's register() fails when its relogin does: unknown session, no login.
    sb = make_sandbox(faults=["ws-withhold=AgentReloginFailed"])
    res = run_cli(sb, "login", "-p", PROFILE, "--json", env={"WXCC_TIMEOUT_OUTCOME": "0.3"})
    assert res.code == 5
    err = res.json()["error"]
    assert err["code"] == "OUTCOME_TIMEOUT" and "login was not sent" in err["message"]
    assert sum(1 for r in sb.requests if r.path == "/v1/agents/login") == 0


def test_concurrent_runs_keep_the_session_record_whole(sandbox: SandboxHandle) -> None:
    results: list[Result] = []
    threads = [
        threading.Thread(
            target=lambda: results.append(run_cli(sandbox, "login", "-p", PROFILE, "--takeover"))
        )
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 3 and any(r.code == 0 for r in results)
    folder = Path(results[0].actx.state_dir) / "sessions"
    record = json.loads((folder / "sandbox.json").read_text())
    (session,) = sandbox.sessions()["sessions"]
    assert record["session_id"] == session["session_id"]
    assert not [p for p in folder.iterdir() if p.name.startswith(".sandbox.json.")]


def test_status_page_is_fetched_without_the_token(cli: Cli, sandbox: SandboxHandle) -> None:
    assert cli("status").code in (0, 6)
    pages = [r for r in sandbox.requests if r.path.startswith("/api/v2/")]
    assert pages, "status read no status page"
    assert all("authorization" not in {k.lower() for k in r.headers} for r in pages)
    people = [r for r in sandbox.requests if r.path == "/v1/people/me"]
    assert all("authorization" in {k.lower() for k in r.headers} for r in people)


def test_status_past_the_connection_limit_says_so_without_a_takeover_fix(
    sandbox: SandboxHandle,
) -> None:
    import httpx

    from wxcc_desk.api.notifications import PROBE_CLIENT_TYPE
    from wxcc_desk.station.socket import MULTI_LOGIN_LIMIT

    token = sandbox.token("sam@example.com")
    body = {"clientType": PROBE_CLIENT_TYPE, "allowMultiLogin": True, "force": False}
    for _ in range(MULTI_LOGIN_LIMIT):  # ten other status runs, as the service counts them
        httpx.post(
            f"{sandbox.url}/v1/notification/subscribe",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        ).raise_for_status()
    res = run_cli(sandbox, "status", "-p", PROFILE, "--json")
    assert res.code == 1, res.err
    assert res.doc["error"]["code"] == "TOO_MANY_CONNECTIONS"
    assert "10 at most" in res.err and "--takeover" not in res.err  # status has no --takeover
