"""Report formats and the bundle: table, JUnit, Markdown, GitHub summary and annotations,
--list-checks, and a canary secret that must reach no file."""

from __future__ import annotations

import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from tests.diagnose.helpers import run_cli, write_profile
from tests.diagnose.servers import Behaviour, serve_https
from tests.support.documents import check_output
from wxcc_desk.core.redact import register_secret

CANARY = "canary_SECRET_token_0123456789_us_org"


def _failing_run(tmp: Path, *extra: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    with serve_https(None, Behaviour(status=503)) as url:
        prof = write_profile(tmp, api=url)
        return run_cli(
            ["diagnose", "-p", str(prof), "--check", "network.api.http", *extra], env=env
        )


def test_table_junit_markdown_and_github(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    junit, md = tmp_path / "j.xml", tmp_path / "r.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    run = _failing_run(tmp_path, "--junit", str(junit), "--markdown", str(md), env=env)
    assert run.code == 1
    assert "FAIL  network.api.http" in run.stdout
    assert "fix: the service or a proxy" in run.stdout
    root = ET.parse(junit).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["network.api.http"].find("failure") is not None
    assert cases["network.api.tls"].find("skipped") is not None
    assert cases["network.api.dns"].find("failure") is None
    text = md.read_text()
    assert "| ❌ | `network.api.http` |" in text
    assert summary.read_text() == text
    assert "::error title=network.api.http::" in run.stderr


def test_exit_zero_and_no_annotations_outside_actions(tmp_path: Path) -> None:
    with serve_https(None) as url:
        run = run_cli(["diagnose", "-p", str(write_profile(tmp_path, api=url)),
                       "--check", "network.api.http"])  # fmt: skip
    assert run.code == 0
    assert "::" not in run.stderr


def test_list_checks(tmp_path: Path) -> None:
    run = run_cli(["diagnose", "--list-checks"])
    assert run.code == 0
    for cid in ("local.profile", "network.api.tls", "identity.user", "dial_number.rules"):
        assert cid in run.stdout
    doc = run_cli(["diagnose", "--list-checks", "--json"]).doc
    assert doc["schema"] == "wxcc-desk/diagnose-checks/v1" and doc["run_id"]
    assert doc["tracking_ids"] == {"sent": [], "server": []}  # nothing was sent
    assert {"id", "layer", "title", "requires"} == set(doc["checks"][0])
    bad = run_cli(["diagnose", "-p", str(write_profile(tmp_path)), "--check", "nope"])
    assert bad.code == 2
    assert "--list-checks" in bad.stderr


def test_bundle_has_everything_and_no_secret(tmp_path: Path) -> None:
    register_secret(CANARY)
    bundle = tmp_path / "b.zip"
    # The canary rides in the Authorization header of every authenticated request and in the
    # environment; it must appear in no member of the bundle.
    with serve_https(None, Behaviour(status=503)) as url:
        prof = write_profile(tmp_path, api=url)
        run = run_cli(
            ["-v", "diagnose", "-p", str(prof), "--bundle", str(bundle), "--check",
             "network.api.http", "--check", "identity.user"],
            env={"WXCC_ACCESS_TOKEN": CANARY},
        )  # fmt: skip
    assert bundle.is_file(), run.stderr
    with zipfile.ZipFile(bundle) as zf:
        names = set(zf.namelist())
        blob = b"".join(zf.read(n) for n in names)
    assert names == {"report.json", "report.md", "junit.xml", "trace.txt", "versions.json",
                     "tracking-ids.txt"}  # fmt: skip
    assert b"WXCCDESK_" in blob  # tracking IDs are there
    assert b"http: GET" in blob  # the trace is there
    assert CANARY.encode() not in blob
    assert b"Bearer" not in blob
    assert CANARY not in run.stdout + run.stderr


def test_json_tracking_ids_are_the_runs(tmp_path: Path) -> None:
    """Keys and types are the schema's (tests/diagnose/test_json_schema.py); here the values."""
    with serve_https(None) as url:
        run = run_cli(["diagnose", "-p", str(write_profile(tmp_path, api=url)), "--json",
                       "--check", "network.api.http"])  # fmt: skip
    assert check_output(run.out) == ["diagnose"]
    doc = run.doc
    sent = doc["tracking_ids"]["sent"]
    assert sent == doc["tracking"]["sent"]
    assert sent and all(t.startswith(f"WXCCDESK_{doc['run_id']}_") for t in sent)
    assert doc["ok"] is True
    assert doc["exit_code"] == 0
