"""CI outputs at scale: the JUnit file of a many-user run validates against the JUnit schema CI
servers read, its counts match what each suite holds and no testcase identity repeats; GitHub
annotations stay one per cause and at most ten."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from xml.etree import ElementTree as ET

import xmlschema

from tests.diagnose.helpers import run_cli, write_profile
from wxcc_desk.diagnose.base import CheckResult, Layer, Status
from wxcc_desk.diagnose.report import Report
from wxcc_desk.render import reports
from wxcc_desk.sandbox import run_sandbox

FLOOR = Path(__file__).parent / "tenants" / "floor.yaml"
XSD = xmlschema.XMLSchema(Path(__file__).parent / "schemas" / "junit.xsd")


def _assert_consistent(root: ET.Element) -> None:
    totals: Counter[str] = Counter()
    for suite in root.iter("testsuite"):
        cases = suite.findall("testcase")
        held = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        for key, n in held.items():
            assert suite.get(key) == str(n), (suite.get("name"), key, suite.get(key), n)
            totals[key] += n
        assert suite.get("hostname")
        assert suite.get("timestamp")
    for key, n in totals.items():
        assert root.get(key) == str(n)
    pairs = Counter((c.get("classname"), c.get("name")) for c in root.iter("testcase"))
    assert [p for p, n in pairs.items() if n > 1] == []


def test_many_user_junit_and_annotations(tmp_path: Path) -> None:
    junit, summary = tmp_path / "j.xml", tmp_path / "summary.md"
    env_ci = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    with run_sandbox(FLOOR) as sbx:
        prof = write_profile(tmp_path, api=sbx.url, user="admin@floor.example")
        env = {"WXCC_ACCESS_TOKEN": sbx.token("admin@floor.example"), **env_ci}
        args = ["diagnose", "-p", str(prof), "--rate-limit", "60000", "--all-agents"]
        run = run_cli([*args, "--junit", str(junit)], env=env)
    assert run.code == 1
    XSD.validate(str(junit))  # raises with the offending element if not
    root = ET.parse(junit).getroot()
    _assert_consistent(root)
    users = [s for s in root.iter("testsuite") if s.get("name", "").startswith("user ")]
    assert len(users) == 103
    loner = next(s for s in users if s.get("name") == "user loner@floor.example")
    # a testcase per check run for the user, not only the failing ones
    assert int(loner.get("tests", "0")) > int(loner.get("failures", "0")) >= 1
    assert {c.get("classname", "").split(".")[1] for c in loner.iter("testcase")} == {"loner@floor"}
    notes = [line for line in run.stderr.splitlines() if line.startswith(("::error", "::warning"))]
    assert 1 <= len(notes) <= 10
    config_team = [n for n in notes if "title=config.team (1 user)" in n]
    assert len(config_team) == 1 and "loner@floor.example" in config_team[0]
    assert "| ❌ | 1 | `config.team` |" in summary.read_text()


def _result(cid: str, status: Status = Status.FAIL) -> CheckResult:
    return CheckResult(cid, Layer.CONFIG, cid, status, f"{cid} is wrong", remediation="fix it")


def test_annotations_cap_at_ten_with_a_last_one_counting_the_rest() -> None:
    report = Report("p", "run", "all-agents")
    for n in range(40):  # user n fails checks c00..c(n % 15): 15 distinct causes
        report.add_user(f"u{n:02}@x.example", [_result(f"c{k:02}") for k in range(n % 15 + 1)])
    report.add_user("w@x.example", [_result("warned", Status.WARN)])
    notes = reports.gh_annotations(report)
    assert len(notes) == 10
    assert all(n.startswith("::error title=c") for n in notes[:9])
    assert notes[0].startswith("::error title=c00 (40 users)::")  # most common first
    assert notes[-1].startswith("::warning title=7 more causes::")
    md = reports.markdown(report)
    for k in range(15):
        assert f"`c{k:02}`" in md
    assert "`warned`" in md  # the step summary lists every cause the annotations left out


def test_few_causes_are_all_shown_and_junit_counts_hold() -> None:
    report = Report("p", "run", "team")
    report.add_user("a@x.example", [_result("c1"), _result("ok", Status.PASS)])
    report.add_user("b@x.example", [_result("c1"), _result("ok", Status.PASS)])
    notes = reports.gh_annotations(report)
    text = "c1 is wrong -- a@x.example, b@x.example -- fix: fix it"
    assert notes == [f"::error title=c1 (2 users)::{text}"]
    text = reports.junit(report)
    XSD.validate(text)
    root = ET.fromstring(text)
    _assert_consistent(root)
    assert root.get("tests") == "4" and root.get("failures") == "2"
