"""`diagnose --json` documents match the published schema (render/schemas/diagnose.json) on
real runs: one user against the sandbox (every check, some failing), a many-user team run,
a failing check against an HTTPS server, `--list-checks --json`, and the error document of a
diagnose that cannot start."""

from __future__ import annotations

from pathlib import Path

from tests.diagnose.helpers import run_cli, write_profile
from tests.diagnose.servers import Behaviour, serve_https
from tests.support.documents import check_output
from wxcc_desk.sandbox import SandboxHandle, run_sandbox

FLOOR = Path(__file__).parent / "tenants" / "floor.yaml"


def test_one_user_every_check(sandbox: SandboxHandle, tmp_path: Path) -> None:
    prof = write_profile(tmp_path, api=sandbox.url)
    env = {"WXCC_ACCESS_TOKEN": sandbox.token("sam@example.com")}
    run = run_cli(["diagnose", "-p", str(prof), "--json"], env=env)
    assert check_output(run.out) == ["diagnose"], run.err
    doc = run.doc
    assert doc["mode"] == "self" and len(doc["checks"]) > 20 and doc["users"] == []
    assert doc["exit_code"] == run.code


def test_a_failing_check_and_its_remediation(tmp_path: Path) -> None:
    with serve_https(None, Behaviour(status=503)) as url:
        prof = write_profile(tmp_path, api=url)
        run = run_cli(["diagnose", "-p", str(prof), "--json", "--check", "network.api.http"])
    assert check_output(run.out) == ["diagnose"]
    assert run.doc["ok"] is False and run.doc["exit_code"] == 1 == run.code
    failed = next(c for c in run.doc["checks"] if c["status"] == "fail")
    assert failed["remediation"]


def test_many_users_with_causes(tmp_path: Path) -> None:
    with run_sandbox(FLOOR) as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@floor.example")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@floor.example")}
        run = run_cli(["diagnose", "-p", str(prof), "--json", "--all-agents"], env=env)
    assert run.code == 1 and check_output(run.out) == ["diagnose"]
    doc = run.doc
    assert doc["mode"] == "all-agents" and doc["causes"]
    assert any(u["problems"] for u in doc["users"])
    assert set(doc["tracking"]) == {"run_id", "sent_count"}


def test_list_checks_and_an_error(tmp_path: Path) -> None:
    listing = run_cli(["diagnose", "--list-checks", "--json"])
    assert listing.code == 0 and check_output(listing.out) == ["diagnose-checks"]
    missing = run_cli(["diagnose", "-p", str(tmp_path / "absent.yaml"), "--json"])
    assert missing.code == 3 and check_output(missing.out) == ["error"]
