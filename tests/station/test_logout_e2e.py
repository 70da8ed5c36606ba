"""logout: refusal during interactions and monitoring, Idle first, --forget, --reason."""

from __future__ import annotations

import time

import pytest

from tests.station.conftest import Cli
from tests.station.profiles import PROFILE_ALICE
from wxcc_desk.sandbox import SandboxHandle


@pytest.mark.parametrize("monitoring", [False, True])
def test_refuses_with_the_interaction_ids(
    cli: Cli, sandbox: SandboxHandle, monitoring: bool
) -> None:
    assert cli("login").code == 0
    iid = sandbox.add_interaction("sam@example.com", monitoring=monitoring)
    res = cli("logout", "--json")
    assert res.code == 1
    err = res.json()["error"]
    assert err["code"] == "ACTIVE_INTERACTION" and iid in err["message"]
    assert len(sandbox.sessions()["sessions"]) == 1  # still signed in
    sandbox.end_interaction(iid)
    assert cli("logout").code == 0


def test_sets_idle_before_logging_out(sandbox: SandboxHandle) -> None:
    from tests.station.conftest import PROFILE, run_cli
    from tests.support.waiting import holding, in_thread, until

    thread, box = in_thread(
        lambda: run_cli(
            sandbox,
            "login",
            "-p",
            PROFILE,
            "--hold",
            "--duration",
            "2",
            env={"WXCC_AFTER_LOGIN": "available"},
        )
    )
    until(lambda: holding(sandbox), "the held session never appeared")
    for _ in range(100):
        if sandbox.sessions()["sessions"][0]["sub_status"] == "Available":
            break
        time.sleep(0.02)
    sandbox.clear_requests()
    out = run_cli(sandbox, "logout", "-p", PROFILE, "--reason", "end of shift")
    assert out.code == 0, out.err
    agent_calls = [
        (r.method, r.path, r.body)
        for r in sandbox.requests
        if r.path in ("/v1/agents/session/state", "/v1/agents/logout")
    ]
    assert [c[1] for c in agent_calls] == ["/v1/agents/session/state", "/v1/agents/logout"]
    assert agent_calls[0][2]["state"] == "Idle"
    assert agent_calls[1][2] == {"logoutReason": "end of shift"}
    thread.join(15)
    (held,) = box
    assert "logged out" in held.out  # the held run saw the logout as an event...
    assert held.code == 6 and "signed out while holding" in held.err  # ...and ended
    assert "(loggedOutBy: SELF)" in held.err  # the service's field, named as such


def test_reason_is_validated(cli: Cli) -> None:
    res = cli("logout", "--reason", "x" * 129)
    assert res.code == 2 and "128" in res.err


def test_forget_deletes_stored_tokens(cli: Cli, sandbox: SandboxHandle) -> None:
    from wxcc_desk.core.keystore import Keystore

    store = Keystore()
    store.set("sandbox", "tokens", '{"access_token": "x"}')
    assert cli("login").code == 0
    res = cli("logout", "--forget", "--json")
    assert res.code == 0, res.err
    assert res.json()["forgotten"] == ["tokens"]  # no station credentials were stored
    assert store.get("sandbox", "tokens") is None
    assert cli("login").code == 0
    again = cli("logout", "--forget", "--json")
    assert again.json()["forgotten"] == ["nothing: no tokens or station credentials were stored"]


def test_local_record_is_written_and_cleared(cli: Cli) -> None:
    login = cli("login")
    assert login.code == 0
    record = login.actx.state_dir / "sessions" / "sandbox.json"
    text = record.read_text()
    assert '"session_id"' in text and '"run_id"' in text
    assert cli("logout").code == 0
    assert not record.exists()


def test_logout_with_another_users_token_refuses(cli: Cli, sandbox: SandboxHandle) -> None:
    assert cli("login").code == 0
    status = cli("status", email="alice@example.com")
    assert status.code == 4 and "not to the profile's user sam@example.com" in status.err
    res = cli("logout", email="alice@example.com")
    assert res.code == 4 and "nothing was logged out" in res.err
    assert len(sandbox.sessions()["sessions"]) == 1


def test_status_with_another_signed_in_users_token_is_not_this_profiles_status(
    cli: Cli, sandbox: SandboxHandle
) -> None:
    """alice is signed in, the profile names sam (signed out): exit 0 would tell a CI job that
    sam's station is up. status refuses as login and logout do."""
    alice = cli("login", "-p", PROFILE_ALICE, email="alice@example.com")
    assert alice.code == 0, alice.err
    res = cli("status", "--json", email="alice@example.com")
    assert res.code == 4
    doc = res.json()
    assert doc["error"]["code"] == "WRONG_USER"
    assert "its station is not shown" in doc["error"]["message"]


def test_status_notes_a_local_record_of_a_replaced_session(cli: Cli) -> None:
    """Signed out and in again from elsewhere: the service's session is not the recorded one."""
    import json

    login = cli("login")
    assert login.code == 0
    record = login.actx.state_dir / "sessions" / "sandbox.json"
    doc = json.loads(record.read_text())
    doc["session_id"] = "a-session-this-run-replaced"
    record.write_text(json.dumps(doc))
    res = cli("status", "--json")
    assert res.code == 0
    (note,) = res.json()["notes"]
    assert "stale" in note and "another session" in note
    assert cli("status", "--json").json()["notes"] == [note]  # the record is reported, not changed
