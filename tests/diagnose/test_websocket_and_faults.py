"""The notification WebSocket checks, and failure classes the sandbox reproduces with faults:
a withheld Welcome, a degraded status page, a revoked token, a slow host past the deadline."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.diagnose.helpers import Run, run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox


def _sam(sbx: Any, tmp: Path, *args: str) -> Run:
    prof = write_profile(tmp, api=sbx.url)
    prof.write_text(prof.read_text().replace("outcome: 3", "outcome: 1"))
    env = {"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")}
    return run_cli(["diagnose", "-p", str(prof), "--json", *args], env=env)


def test_websocket_upgrade_passes_and_names_host(tmp_path: Path) -> None:
    with run_sandbox() as sbx:
        run = _sam(sbx, tmp_path, "--check", "network.websocket.upgrade", "--check",
                   "identity.scopes")  # fmt: skip
        sessions = sbx.sessions()["sessions"]
    up = run.check("network.websocket.upgrade")
    assert up["status"] == "pass", up
    assert "welcomed" in up["summary"]
    assert up["tracking_ids"]  # the subscribe request's
    assert run.status("network.websocket.tls") == "skip"  # ws:// on loopback
    assert run.status("network.websocket.dns") == "pass"
    assert run.check("identity.scopes")["facts"]["granted"] == [
        "spark:people_read", "cjp:config_read", "cjp:user"
    ]  # fmt: skip
    assert sessions == []  # diagnose logged nobody in


def test_websocket_without_welcome_fails(tmp_path: Path) -> None:
    with run_sandbox(faults=["ws-withhold=Welcome"]) as sbx:
        run = _sam(sbx, tmp_path, "--check", "network.websocket.upgrade")
    up = run.check("network.websocket.upgrade")
    assert up["status"] == "fail"
    assert "Welcome" in up["summary"] or "Welcome" in up["remediation"]


def test_degraded_status_page_is_the_banner(tmp_path: Path) -> None:
    with run_sandbox(faults=["status=degraded:Contact Center"]) as sbx:
        run = _sam(sbx, tmp_path, "--check", "service.status")
    status = run.check("service.status")
    assert status["status"] == "warn", status
    assert "degraded performance" in status["summary"]
    assert run.code == 0


def test_revoked_token_fails_the_token_check_and_skips_what_uses_it(tmp_path: Path) -> None:
    with run_sandbox() as sbx:
        sbx.revoke_token(email="sam@example.com")
        run = _sam(sbx, tmp_path)
    token = run.check("identity.token")
    assert token["status"] == "fail"
    assert "401" in token["summary"]
    assert token["tracking_ids"]
    # The checks that need an accepted token are skipped, not failed with the same 401: the
    # WebSocket's URL comes from a subscribe made with it.
    for cid in ("identity.user", "identity.org", "config.user", "network.websocket.dns"):
        check = run.check(cid)
        assert check["status"] == "skip", check
    assert "identity.token" in run.check("network.websocket.dns")["summary"]
    assert [c["id"] for c in run.doc["checks"] if c["status"] == "fail"] == ["identity.token"]
    assert run.code == 1


def test_slow_host_is_named_at_the_deadline(tmp_path: Path) -> None:
    with run_sandbox(faults=["latency=1500,path=/v1/people/me"]) as sbx:
        run = _sam(sbx, tmp_path, "--check", "identity.user", "--timeout", "1")
    user = run.check("identity.token")  # the first to ask people/me
    assert user["status"] == "fail"
    assert user["summary"].startswith("slow: no answer within 1 s, waiting on 127.0.0.1:")
    assert user["facts"]["slow"] is True
