"""Only the user's own events count: other agents' and orgs' events, and other requests'
outcomes, never fill a session record, decide `status`, block `logout` or end a hold.

The sandbox's `ws-foreign=WHO` fault precedes every outcome with a decoy that would mislead a
client taking it (another session on login, an interaction on reload, a failure on logout and
state change), and a supervisor's own actions on another agent reach the supervisor's socket as
the service delivers them."""

from __future__ import annotations

import json
import threading

import httpx
import pytest

from tests.station.conftest import PROFILE, Cli, Result, run_cli
from tests.station.profiles import PROFILE_ALICE
from tests.support.waiting import in_thread, until
from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.sandbox.decoys import DECOY_INTERACTION

WHO = ("agent", "org", "request")


def _session_of(sandbox: SandboxHandle, email: str) -> dict[str, object] | None:
    rows = sandbox.sessions()["sessions"]
    return next((s for s in rows if s["email"] == email), None)


@pytest.mark.parametrize("who", WHO)
def test_login_records_its_own_session_among_decoys(
    who: str, cli: Cli, sandbox: SandboxHandle
) -> None:
    sandbox.add_fault(f"ws-foreign={who}")
    res = cli("login", "--json", "--available")
    assert res.code == 0, res.err
    doc = res.json()
    real = _session_of(sandbox, "sam@example.com")
    assert real is not None
    session = doc["session"]
    assert session["session_id"] == real["session_id"]  # not the decoy's session
    assert session["agent_id"] == sandbox.user("sam@example.com").ci_user_id
    assert session["interaction_ids"] == [] and session["state"] == "Available"
    assert doc["already_signed_in"] is False  # the decoy reload did not pass for a session
    status = cli("status", "--json")
    assert status.json()["local_record"]["session_id"] == real["session_id"]


@pytest.mark.parametrize("who", WHO)
def test_status_reports_only_the_users_session(who: str, cli: Cli, sandbox: SandboxHandle) -> None:
    sandbox.add_fault(f"ws-foreign={who}")
    out = cli("status", "--json")
    assert out.code in (0, 6), out.err
    assert out.json()["logged_in"] is False  # another's relogin success is not sam's session
    assert cli("login").code == 0
    doc = cli("status", "--json").json()
    real = _session_of(sandbox, "sam@example.com")
    assert real is not None and doc["logged_in"] is True
    assert doc["station"]["session_id"] == real["session_id"]
    assert DECOY_INTERACTION not in doc["station"]["interaction_ids"]


@pytest.mark.parametrize("who", WHO)
def test_logout_is_not_blocked_by_another_agents_activity(
    who: str, cli: Cli, sandbox: SandboxHandle
) -> None:
    assert cli("login", "--available").code == 0
    sandbox.add_fault(f"ws-foreign={who}")
    res = cli("logout")
    assert res.code == 0, res.err  # no decoy interaction refused it, no decoy failure failed it
    assert _session_of(sandbox, "sam@example.com") is None


def test_logout_still_refused_for_the_users_own_interaction(
    cli: Cli, sandbox: SandboxHandle
) -> None:
    assert cli("login").code == 0
    sandbox.add_fault("ws-foreign=agent")
    call = sandbox.add_interaction("sam@example.com")
    res = cli("logout")
    assert res.code != 0 and call in res.err
    assert DECOY_INTERACTION not in res.err


def _agents_call(sandbox: SandboxHandle, method: str, path: str, body: dict[str, object]) -> None:
    """A supervisor's action through the agents API, as a supervisor's desktop sends it."""
    resp = httpx.request(
        method,
        f"{sandbox.url}{path}",
        json=body,
        headers={"Authorization": f"Bearer {sandbox.token('sam@example.com')}"},
        timeout=5,
    )
    assert resp.status_code == 202, resp.text


def _hold(sandbox: SandboxHandle, seconds: str) -> tuple[threading.Thread, list[Result]]:
    argv = ("login", "-p", PROFILE, "--hold", "--duration", seconds, "--json")
    return in_thread(lambda: run_cli(sandbox, *argv))


def test_supervisor_acting_on_another_agent_keeps_the_hold(sandbox: SandboxHandle) -> None:
    alice = run_cli(sandbox, "login", "-p", PROFILE_ALICE, email="alice@example.com")
    assert alice.code == 0, alice.err
    alice_id = sandbox.user("alice@example.com").ci_user_id
    thread, box = _hold(sandbox, "3")
    until(lambda: (_session_of(sandbox, "sam@example.com") or {}).get("sockets") == 1)
    # sam, holding his own session, sets alice Available and then logs her out
    state = {"state": "Available", "auxCodeId": "0", "agentId": alice_id}
    _agents_call(sandbox, "PUT", "/v1/agents/session/state", state)
    logout = {"logoutReason": "supervisor signed the agent out", "agentId": alice_id}
    _agents_call(sandbox, "PUT", "/v1/agents/logout", logout)
    until(lambda: _session_of(sandbox, "alice@example.com") is None)
    thread.join(20)
    (res,) = box
    assert res.code == 0, res.err  # not exit 6 "signed out while holding"
    events = [json.loads(line) for line in res.out.splitlines()[1:]]
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "logged_in" and kinds[-1] == "closed"
    others = [e for e in events if e["kind"] == "other_agent"]
    assert {e["data"]["kind"] for e in others} >= {"AgentStateChangeSuccess", "AgentLogoutSuccess"}
    assert all(alice_id in e["text"] and e["data"]["own"] is False for e in others)
    assert not any(e["kind"] == "state" for e in events)  # alice's Available is not sam's state
    assert _session_of(sandbox, "sam@example.com") is not None  # still signed in


def test_own_logout_still_ends_the_hold(sandbox: SandboxHandle) -> None:
    thread, box = _hold(sandbox, "20")
    until(lambda: (_session_of(sandbox, "sam@example.com") or {}).get("sockets") == 1)
    _agents_call(sandbox, "PUT", "/v1/agents/logout", {"logoutReason": "done"})
    thread.join(20)
    (res,) = box
    assert res.code == 6, res.err
    assert "signed out while holding" in res.out + res.err
