"""Many-user runs over a generated floor (tests/diagnose/tenants/floor.yaml): every agent is
diagnosed once, tenant-wide data is read once, failures are ranked by cause, and 429s never
fail a check."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from tests.diagnose.helpers import run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox

FLOOR = Path(__file__).parent / "tenants" / "floor.yaml"


def _run(sbx: Any, tmp: Path, *args: str) -> Any:
    prof = write_profile(tmp, api=sbx.url, user="admin@floor.example")
    env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@floor.example")}
    return run_cli(["diagnose", "-p", str(prof), "--json", "--rate-limit", "60000", *args], env=env)


def test_all_agents_ranks_causes_and_reads_tenant_data_once(tmp_path: Path) -> None:
    with run_sandbox(FLOOR) as sbx:
        run = _run(sbx, tmp_path, "--all-agents")
        paths = Counter(r.path for r in sbx.requests)
        listing = [r for r in sbx.requests if r.path.endswith("/v2/user")]
    doc = run.doc
    assert run.code == 1
    assert doc["mode"] == "all-agents"
    # Contact Center users from the paged listing: 100 generated, retired, webrtc and loner
    # (in no team); off1/off2 (not enabled) and the admin are not agents.
    emails = {u["email"] for u in doc["users"]}
    assert len(emails) == len(doc["users"]) == 103
    assert "loner@floor.example" in emails
    assert not emails & {"off1@floor.example", "off2@floor.example", "admin@floor.example"}
    causes = {c["check"]: c for c in doc["causes"]}
    assert causes["config.team"]["users"] == ["loner@floor.example"]
    assert causes["config.desktop_profile"]["users"] == ["retired@floor.example"]
    assert causes["config.webrtc"]["users"] == ["webrtc@floor.example"]
    healthy = next(u for u in doc["users"] if u["email"] == "agent001@floor.example")
    assert healthy["counts"]["fail"] == 0
    # the listing is the record: two pages for 103 users, no per-user read
    assert [r.query["page"] for r in listing] == ["0", "1"]
    assert listing[0].query["filter"] == "contactCenterEnabled==true"
    assert not [p for p in paths if "/user/" in p]
    # tenant-wide reads happen once, not once per agent
    org = next(p for p in paths if p.endswith("/v2/organization-setting"))
    assert paths[org] == 1
    assert sum(n for p, n in paths.items() if "/agent-profile/" in p) == 3
    assert paths["/v1/agents/activities"] == 1
    # the progress lines go to stderr (not a TTY here: plain lines, no bar)
    assert "diagnosed 103/103 users" in run.stderr


def test_team_run_and_table(tmp_path: Path) -> None:
    with run_sandbox(FLOOR) as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@floor.example")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@floor.example")}
        run = run_cli(["diagnose", "-p", str(prof), "--team", "Back Office"], env=env)
        bad = run_cli(["diagnose", "-p", str(prof), "--team", "Nope", "--json"], env=env)
    assert run.code == 1
    assert "retired@floor.example" in run.stdout
    assert "off2@floor.example" in run.stdout  # a team run keeps team membership
    assert "over 3 users" in run.stdout
    assert bad.code == 3
    assert "no agent team named 'Nope'" in bad.stderr


def test_429_is_retried_and_never_fails_a_check(tmp_path: Path) -> None:
    faults = ["error=429,path=/organization/*/user/*,times=2"]
    with run_sandbox(FLOOR, faults=faults) as sbx:
        run = _run(sbx, tmp_path, "--team", "Back Office")
        statuses = Counter(r.status for r in sbx.requests)
    assert statuses[429] == 2
    for user in run.doc["users"]:
        for problem in user["problems"]:
            assert "429" not in problem["summary"], problem


def test_exclusive_selectors(tmp_path: Path) -> None:
    run = run_cli(["diagnose", "-p", str(write_profile(tmp_path)), "--team", "x", "--all-agents"])
    assert run.code == 2
    assert "exclude each other" in run.stderr


def test_many_user_bundle_streams_the_trace(tmp_path: Path) -> None:
    import zipfile

    bundle = tmp_path / "many.zip"
    with run_sandbox(FLOOR) as sbx:
        run = _run(sbx, tmp_path, "--team", "Back Office", "--bundle", str(bundle))
        token = sbx.token("admin@floor.example")
    assert len(run.actx.trace) > 5  # spooled to a file, still countable
    with zipfile.ZipFile(bundle) as zf:
        trace = zf.read("trace.txt").decode()
        blob = b"".join(zf.read(n) for n in zf.namelist())
    assert trace.count("http: GET") >= 5
    assert token.encode() not in blob


def test_team_member_whose_record_cannot_be_read(tmp_path: Path) -> None:
    with run_sandbox(FLOOR, faults=["error=404,path=/organization/*/user/*,times=1"]) as sbx:
        run = _run(sbx, tmp_path, "--team", "Back Office")
    users = run.doc["users"]
    assert len(users) == 3
    unread = [u for u in users if "@" not in u["email"]]  # named by WxCC id: no record, no e-mail
    (user,) = unread
    (problem,) = user["problems"]
    assert (problem["id"], problem["status"]) == ("config.user", "fail")
    assert "404" in problem["summary"] and problem["remediation"]


def test_429_on_the_user_listing_is_waited_out(tmp_path: Path) -> None:
    faults = ["error=429,path=/organization/*/v2/user,times=1,retry-after=0"]
    with run_sandbox(FLOOR, faults=faults) as sbx:
        run = _run(sbx, tmp_path, "--all-agents")
        pages = [r.status for r in sbx.requests if r.path.endswith("/v2/user")]
    assert pages == [429, 200, 200]
    assert len(run.doc["users"]) == 103
