"""Session and dial-number uniqueness checks, and admin mode (--agent), against a sandbox where
a real station login (the `login` command) holds a session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.helpers import Run, run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox

ALICE_DN = "+14085550101"


@pytest.fixture
def sbx(tmp_path: Path) -> Iterator[Any]:
    """A sandbox where alice is logged in on her dial number."""
    with run_sandbox() as handle:
        prof = write_profile(tmp_path, name="alice", api=handle.url, user="alice@example.com",
                             role="agent", number=ALICE_DN)  # fmt: skip
        env = {"WXCC_ACCESS_TOKEN": handle.token("alice@example.com")}
        login = run_cli(["login", "-p", str(prof)], env=env)
        assert login.code == 0, login.stderr
        yield handle


def _admin(sbx: Any, tmp: Path, *args: str) -> Run:
    prof = write_profile(tmp, name="admin", api=sbx.url, user="admin@example.com")
    env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@example.com")}
    return run_cli(["diagnose", "-p", str(prof), "--json", *args], env=env)


def test_admin_diagnoses_logged_in_agent(sbx: Any, tmp_path: Path) -> None:
    run = _admin(sbx, tmp_path, "--agent", "alice@example.com")
    assert run.doc["mode"] == "agent"
    assert run.status("identity.user") == "pass"
    assert "admin token" in run.check("identity.user")["summary"]
    active = run.check("session.active")
    assert active["status"] == "warn"
    assert "already logged in" in active["summary"]
    assert active["subject"] == "alice@example.com"
    assert run.status("session.rona") == "pass"
    assert run.status("dial_number.unique") == "pass"  # her own session holds it
    # diagnose logged nobody in or out: alice's is still the only session
    sessions = sbx.sessions()["sessions"]
    assert [x["email"] for x in sessions] == ["alice@example.com"]


def test_rona_reported_with_causes_and_tracking(sbx: Any, tmp_path: Path) -> None:
    sbx.rona("alice@example.com")
    run = _admin(sbx, tmp_path, "--agent", "alice@example.com")
    rona = run.check("session.rona")
    assert rona["status"] == "warn"
    assert "E911" in rona["detail"]
    assert "browser" in rona["detail"]
    assert rona["tracking_ids"]


def test_dial_number_in_use_by_another_agent(sbx: Any, tmp_path: Path) -> None:
    # bob's default dial number is alice's: the sandbox tenant makes them collide
    run = _admin(sbx, tmp_path, "--agent", "bob@example.com")
    dup = run.check("dial_number.unique")
    assert dup["status"] == "fail"
    assert "alice@example.com" in dup["summary"]
    assert "DUPLICATE_LOCATION" in dup["summary"]
    assert run.code == 1


def test_unknown_agent(sbx: Any, tmp_path: Path) -> None:
    run = _admin(sbx, tmp_path, "--agent", "nobody@example.com")
    licence = run.check("identity.licence")  # the first to look the agent up
    assert licence["status"] == "fail"
    assert "no Webex user with e-mail nobody@example.com" in licence["summary"]
    # ...and the only one to fail for it: the checks of the record it lacks are skipped.
    assert run.status("config.user") == "skip" and run.status("teams.connector") == "skip"
    assert "nobody@example.com" not in " ".join(
        c["summary"]
        for c in run.doc["checks"]
        if c["status"] == "fail" and c["id"] != "identity.licence"
    )


def test_agent_token_probes_own_session_and_skips_uniqueness(sbx: Any, tmp_path: Path) -> None:
    prof = write_profile(tmp_path, name="carol", api=sbx.url, user="carol@example.com",
                         role="agent", number="+14085550103")  # fmt: skip
    prof.write_text(prof.read_text().replace("team: Support", "team: Sales"))
    env = {"WXCC_ACCESS_TOKEN": sbx.token("carol@example.com")}
    run = run_cli(["diagnose", "-p", str(prof), "--json"], env=env)
    assert run.check("session.active")["summary"] == "not logged in anywhere"
    unique = run.check("dial_number.unique")
    assert unique["status"] == "skip"
    assert "administrator token" in unique["summary"]
    sessions = sbx.sessions()["sessions"]
    assert [x["email"] for x in sessions] == ["alice@example.com"]  # the probe logged no one in


def test_another_agents_relogin_is_not_the_users_session(sbx: Any, tmp_path: Path) -> None:
    """carol is not signed in; a decoy relogin success of another agent precedes her answer."""
    sbx.add_fault("ws-foreign=agent")
    prof = write_profile(tmp_path, name="carol", api=sbx.url, user="carol@example.com",
                         role="agent", number="+14085550103")  # fmt: skip
    prof.write_text(prof.read_text().replace("team: Support", "team: Sales"))
    env = {"WXCC_ACCESS_TOKEN": sbx.token("carol@example.com")}
    run = run_cli(["diagnose", "-p", str(prof), "--json"], env=env)
    assert run.check("session.active")["summary"] == "not logged in anywhere"
    assert run.status("session.interactions") != "warn"


def _alice_self(sbx: Any, tmp: Path) -> Run:
    prof = write_profile(tmp, name="alice", api=sbx.url, user="alice@example.com",
                         role="agent", number=ALICE_DN)  # fmt: skip
    env = {"WXCC_ACCESS_TOKEN": sbx.token("alice@example.com")}
    return run_cli(["diagnose", "-p", str(prof), "--json"], env=env)


def test_own_session_interactions_and_rona_with_an_agent_token(sbx: Any, tmp_path: Path) -> None:
    run = _alice_self(sbx, tmp_path)
    active = run.check("session.active")
    assert active["status"] == "warn"
    assert "already logged in on this dial number" in active["summary"]
    assert "wxcc-desk logout -p " in active["remediation"] and "alice.yaml" in active["remediation"]
    assert run.status("session.interactions") == "pass"
    call = sbx.add_interaction("alice@example.com")
    sbx.rona("alice@example.com")
    run = _alice_self(sbx, tmp_path)
    busy = run.check("session.interactions")
    assert busy["status"] == "warn"
    assert call in busy["facts"]["interactions"]
    assert run.status("session.rona") == "warn"


def test_admin_sees_interactions_and_monitoring_in_activities(sbx: Any, tmp_path: Path) -> None:
    calm = _admin(sbx, tmp_path, "--agent", "alice@example.com")
    assert calm.status("session.interactions") == "pass"
    call = sbx.add_interaction("alice@example.com")
    watch = sbx.add_interaction("alice@example.com", monitoring=True)
    sbx.clear_requests()
    run = _admin(sbx, tmp_path, "--agent", "alice@example.com")
    busy = run.check("session.interactions")
    assert busy["status"] == "warn"
    assert sorted(busy["facts"]["interactions"]) == sorted(
        [f"{call} (telephony)", f"{watch} (monitoring)"]
    )
    assert "logout is refused" in busy["summary"]
    assert "stop monitoring" in busy["remediation"]
    # the rows come from agent activities (admin token), not from a reload probe
    paths = [r.path for r in sbx.requests]
    assert paths.count("/v1/agents/activities") == 1
    assert "/v1/agents/reload" not in paths
    sbx.end_interaction(call)
    sbx.end_interaction(watch)
    after = _admin(sbx, tmp_path, "--agent", "alice@example.com")
    assert after.status("session.interactions") == "pass"
    assert after.status("session.active") == "warn"  # still logged in: tasks are not sessions


def test_channel_relogin_answer_counts_as_logged_in(sbx: Any, tmp_path: Path) -> None:
    # The SDK binds reload success on AgentReloginSuccess or AgentChannelReloginSuccess.
    sbx.add_fault("ws-relogin-channel")
    active = _alice_self(sbx, tmp_path).check("session.active")
    assert active["status"] == "warn"
    assert "already logged in on this dial number" in active["summary"]


def test_a_fix_names_the_profile_as_given_not_its_path(sbx: Any) -> None:
    """`-p alice` found in the config folder: the suggested logout says `-p alice`, as the
    station commands' fixes do, not the file's path."""
    folder = Path(os.environ["WXCC_DESK_HOME"]) / "config" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    write_profile(folder, name="alice", api=sbx.url, user="alice@example.com",
                         role="agent", number=ALICE_DN)  # fmt: skip
    env = {"WXCC_ACCESS_TOKEN": sbx.token("alice@example.com")}
    run = run_cli(["diagnose", "-p", "alice", "--json"], env=env)
    active = run.check("session.active")
    assert active["status"] == "warn", active
    assert "`wxcc-desk logout -p alice`" in active["remediation"]
