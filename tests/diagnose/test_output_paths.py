"""Where the report files go: a bad --junit/--markdown/--bundle path fails before any check runs,
a write that fails after the checks leaves stdout with only the error document, files are
replaced whole, and an unwritable $GITHUB_STEP_SUMMARY is a warning, never the result."""

from __future__ import annotations

import io
import json
import os
import pty
import stat
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.diagnose.helpers import Run, run_cli, write_profile
from wxcc_desk.sandbox import run_sandbox

FLOOR = Path(__file__).parent / "tenants" / "floor.yaml"


@pytest.fixture(scope="module")
def sbx() -> Iterator[Any]:
    with run_sandbox() as handle:
        yield handle


def _diag(sbx: Any, tmp: Path, *args: str, env: dict[str, str] | None = None) -> Run:
    prof = write_profile(tmp, api=sbx.url)
    env = {"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com"), **(env or {})}
    return run_cli(["diagnose", "-p", str(prof), "--json", *args], env=env)


def _one_doc(stdout: str) -> dict[str, Any]:
    """stdout must be exactly one JSON document (json.loads refuses 'Extra data')."""
    doc = json.loads(stdout)
    assert isinstance(doc, dict)
    return doc


# Each bad path with the option it is given to; another option's existing file must be untouched.
BAD = {
    "junit-missing-folder": ("--junit", "missing/x.xml", "does not exist"),
    "markdown-missing-folder": ("--markdown", "missing/r.md", "does not exist"),
    "bundle-missing-folder": ("--bundle", "missing/b.zip", "does not exist"),
    "junit-is-a-folder": ("--junit", ".", "is a folder"),
    "bundle-under-a-file": ("--bundle", "plain.txt/b.zip", "is not a folder"),
}


@pytest.mark.parametrize("case", BAD.values(), ids=list(BAD))
def test_bad_output_path_fails_before_any_check(
    sbx: Any, tmp_path: Path, case: tuple[str, str, str]
) -> None:
    option, rel, why = case
    (tmp_path / "plain.txt").write_text("a file, not a folder\n")
    keep = tmp_path / "keep.out"
    keep.write_text("the previous report\n")
    other = "--markdown" if option != "--markdown" else "--junit"
    sbx.clear_requests()
    run = _diag(sbx, tmp_path, other, str(keep), option, str(tmp_path / rel))
    assert run.code == 3
    doc = _one_doc(run.stdout)
    assert doc["schema"] == "wxcc-desk/error/v1"
    assert doc["error"]["code"] == "CONFIG"
    assert why in doc["error"]["message"] and option in doc["error"]["message"]
    assert option in doc["error"]["hint"]
    assert list(sbx.requests) == []  # no check reached the service
    assert keep.read_text() == "the previous report\n"  # no other report was written either
    assert "fix:" in run.stderr and "\n" not in run.stderr.split("fix:")[0].strip()


def test_bad_output_path_in_the_table_mode_is_one_error_line(sbx: Any, tmp_path: Path) -> None:
    prof = write_profile(tmp_path, api=sbx.url)
    run = run_cli(["diagnose", "-p", str(prof), "--markdown", str(tmp_path / "no" / "r.md")])
    assert run.code == 3
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0].startswith("error: cannot write --markdown ")
    assert lines[1].strip().startswith("fix: create the folder first")


class _OnLine(io.StringIO):
    """stderr that runs `action` once, when a line containing `marker` is written."""

    def __init__(self, marker: str, action: Any) -> None:
        super().__init__()
        self.marker, self.action, self.fired = marker, action, False

    def write(self, text: str) -> int:
        if self.marker in text and not self.fired:
            self.fired = True
            self.action()
        return super().write(text)


def test_write_failing_after_the_checks_prints_only_the_error(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    junit = out / "j.xml"
    # The folder is fine at the start; once the run is under way (the many-user progress line)
    # the target becomes a folder, so the final rename fails after every check has run.
    stderr = _OnLine("diagnosing 3 users", junit.mkdir)
    with run_sandbox(FLOOR) as floor:
        prof = write_profile(tmp_path, api=floor.url, user="admin@floor.example")
        env = {"WXCC_ACCESS_TOKEN": floor.token("admin@floor.example")}
        args = ["diagnose", "-p", str(prof), "--team", "Back Office", "--json", "--junit"]
        run = run_cli([*args, str(junit)], env=env, stderr=stderr)
        asked = len(floor.requests)
    assert stderr.fired
    assert asked > 0  # the checks did run
    assert run.code == 3
    doc = _one_doc(run.stdout)  # the diagnose document was not printed before the error
    assert doc["schema"] == "wxcc-desk/error/v1"
    assert str(junit) in doc["error"]["message"]
    assert os.listdir(out) == ["j.xml"]  # the temp file was removed
    assert junit.is_dir()


def test_reports_replace_files_whole_and_keep_links_and_modes(sbx: Any, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    real = out / "real.xml"
    real.write_text("old")
    real.chmod(0o640)
    link = out / "link.xml"
    link.symlink_to(real)
    md = out / "r.md"
    run = _diag(sbx, tmp_path, "--junit", str(link), "--markdown", str(md), "--bundle",
                str(out / "b.zip"))  # fmt: skip
    assert run.code == 0, run.stderr
    assert _one_doc(run.stdout)["schema"] == "wxcc-desk/diagnose/v1"
    assert link.is_symlink()  # written through the link, not replaced by a file
    assert real.read_text().startswith("<?xml")
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert md.read_text().startswith("## wxcc-desk diagnose")
    assert sorted(os.listdir(out)) == ["b.zip", "link.xml", "r.md", "real.xml"]  # no temp file


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null on this platform")
@pytest.mark.parametrize("option", ["--junit", "--markdown", "--bundle"])
def test_a_device_or_fifo_is_refused_before_any_check(
    sbx: Any, tmp_path: Path, option: str
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    for target in ("/dev/null", str(fifo)):
        run = _diag(sbx, tmp_path, option, target)
        assert run.code == 3, run.stderr
        assert "not a file" in run.stderr and "internal error" not in run.stderr
        assert _one_doc(run.stdout)["error"]["code"] == "UNSAFE_PATH"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode) and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_fifo_step_summary_is_a_warning_not_a_hang(sbx: Any, tmp_path: Path) -> None:
    fifo = tmp_path / "summary"
    os.mkfifo(fifo)  # nobody reads it: opening it for writing would block forever
    run = _diag(sbx, tmp_path, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(fifo)})
    assert run.code == 0, run.stderr
    assert "GITHUB_STEP_SUMMARY" in run.stderr and "not a file" in run.stderr


@pytest.mark.skipif(not hasattr(os, "lchown") or os.geteuid() != 0, reason="needs root to chown")
@pytest.mark.parametrize("option", ["--junit", "--bundle", "GITHUB_STEP_SUMMARY"])
def test_a_symlink_of_another_user_in_a_sticky_folder_is_not_followed(
    sbx: Any, tmp_path: Path, option: str
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    victim = tmp_path / "victim"
    victim.write_text("precious")
    victim.chmod(0o600)
    link = shared / "report.xml"
    link.symlink_to(victim)
    os.lchown(link, 65534, 65534)  # planted by another user
    if option == "GITHUB_STEP_SUMMARY":
        run = _diag(sbx, tmp_path, env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(link)})
        assert run.code == 0 and "refusing to follow the symbolic link" in run.stderr
    else:
        run = _diag(sbx, tmp_path, option, str(link))
        assert run.code == 3, run.stderr
        assert "refusing to follow the symbolic link" in run.stderr and "uid 65534" in run.stderr
    assert victim.read_text() == "precious" and link.is_symlink()
    # The same link is followed when it is the user's own, or the folder is not shared.
    os.lchown(link, os.geteuid(), os.getegid())
    assert _diag(sbx, tmp_path, "--junit", str(link)).code == 0
    assert victim.read_text().startswith("<?xml")
    os.lchown(link, 65534, 65534)
    shared.chmod(0o755)
    assert _diag(sbx, tmp_path, "--junit", str(link)).code == 0


@pytest.mark.parametrize("where", ["missing-folder", "a-folder"])
def test_unwritable_step_summary_is_a_warning_only(sbx: Any, tmp_path: Path, where: str) -> None:
    summary = tmp_path / "missing" / "s.md" if where == "missing-folder" else tmp_path
    md = tmp_path / "r.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    run = _diag(sbx, tmp_path, "--markdown", str(md), env=env)
    plain = _diag(sbx, tmp_path, env={"GITHUB_ACTIONS": "true"})
    assert run.code == plain.code == 0
    doc = _one_doc(run.stdout)
    assert doc["schema"] == "wxcc-desk/diagnose/v1"
    assert (doc["ok"], doc["counts"]) == (True, plain.doc["counts"])
    warning = [line for line in run.stderr.splitlines() if "GITHUB_STEP_SUMMARY" in line]
    assert len(warning) == 1 and warning[0].startswith("warning:")
    assert str(summary) in warning[0]
    assert "error" not in run.stderr
    assert md.read_text().startswith("## wxcc-desk diagnose")  # --markdown itself still written


def test_one_path_for_two_reports_is_refused_before_any_check(sbx: Any, tmp_path: Path) -> None:
    """The later report would silently replace the earlier one (same file, two spellings)."""
    sbx.clear_requests()
    target = tmp_path / "out.txt"
    run = _diag(sbx, tmp_path, "--junit", str(target), "--markdown", f"{tmp_path}/./out.txt")
    assert run.code == 3
    doc = _one_doc(run.stdout)
    assert "--junit and --markdown both write" in doc["error"]["message"]
    assert list(sbx.requests) == []
    assert not target.exists()


@pytest.mark.parametrize(("option", "start"), [("--junit", "<?xml"), ("--markdown", "## ")])
def test_dash_writes_that_report_to_stdout(
    sbx: Any, tmp_path: Path, option: str, start: str
) -> None:
    run = _run_plain(sbx, tmp_path, option, "-")
    assert run.code == 0, run.stderr
    assert run.stdout.startswith(start)
    assert not (tmp_path / "-").exists() and not Path("-").exists()


@pytest.mark.parametrize(
    "args",
    [["--junit", "-", "--markdown", "-"], ["--junit", "-", "--json"], ["--bundle", "-", "--json"]],
)
def test_stdout_is_given_to_one_output_only(sbx: Any, tmp_path: Path, args: list[str]) -> None:
    run = _run_plain(sbx, tmp_path, *args)
    assert run.code == 2, run.stderr
    assert " both write stdout" in run.stderr  # two of them: "both", not "all"


def test_three_outputs_on_stdout_all_write_it(sbx: Any, tmp_path: Path) -> None:
    run = _run_plain(sbx, tmp_path, "--junit", "-", "--markdown", "-", "--json")
    assert run.code == 2 and "--junit - and --markdown - and --json all write stdout" in run.stderr
    assert "keep --json on stdout and give --junit FILE and --markdown FILE" in run.stderr


def _run_plain(sbx: Any, tmp: Path, *args: str) -> Run:
    prof = write_profile(tmp, api=sbx.url)
    env = {"WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")}
    return run_cli(["diagnose", "-p", str(prof), "--check", "local.profile", *args], env=env)


def _tool(sbx: Any, tmp: Path, *args: str, stdout: Any) -> subprocess.CompletedProcess[bytes]:
    """The installed entry point in a child process: its stdout is a real byte stream."""
    prof = write_profile(tmp, api=sbx.url)
    env = {**os.environ, "WXCC_ACCESS_TOKEN": sbx.token("sam@example.com")}
    cmd = [sys.executable, "-m", "wxcc_desk", "diagnose", "-p", str(prof), *args]
    return subprocess.run(
        cmd, env=env, stdout=stdout, stderr=subprocess.PIPE, timeout=60, check=False
    )


def test_bundle_dash_streams_the_zip_to_stdout(sbx: Any, tmp_path: Path) -> None:
    run = _tool(sbx, tmp_path, "--check", "identity.token", "--bundle", "-", stdout=subprocess.PIPE)
    assert run.returncode == 0, run.stderr
    with zipfile.ZipFile(io.BytesIO(run.stdout)) as zf:  # stdout is the zip and nothing else
        names = set(zf.namelist())
        assert {"report.json", "trace.txt", "tracking-ids.txt"} <= names
        body = b"".join(zf.read(n) for n in names)
        report = json.loads(zf.read("report.json"))
    assert report["schema"] == "wxcc-desk/diagnose/v1"
    assert sbx.token("sam@example.com").encode() not in body
    assert b"bundle written to stdout" in run.stderr
    assert not (tmp_path / "-").exists()


def test_bundle_dash_refuses_a_terminal(sbx: Any, tmp_path: Path) -> None:
    leader, follower = pty.openpty()
    try:
        run = _tool(sbx, tmp_path, "--bundle", "-", stdout=follower)
    finally:
        os.close(follower)
        os.close(leader)
    assert run.returncode == 2, run.stderr
    assert b"terminal" in run.stderr and b"--bundle - > support.zip" in run.stderr
