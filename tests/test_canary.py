"""The canary test across every command: no token reaches stdout, stderr, traces, state files,
reports or bundles, whether the service accepts the token or rejects it.

Each area has its own secret tests; this one runs the commands side by side, as a CI job would,
and greps everything they wrote (the keyring file, where tokens belong, excepted).
"""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

import pytest

from tests.station.conftest import PROFILE, Result, run_cli
from wxcc_desk.sandbox import SandboxHandle


def _everything_written(results: list[Result], *roots: Path) -> str:
    texts = [r.out + r.err for r in results]
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file() or path.name == "keyring.json":
                continue
            if path.suffix == ".zip":
                with zipfile.ZipFile(path) as zf:
                    texts += [zf.read(n).decode(errors="replace") for n in zf.namelist()]
            else:
                texts.append(path.read_text(errors="replace"))
    return "\n".join(texts)


class _Stdin(io.StringIO):
    """stdin for `--with-token` (text without bytes beneath: read as it is)."""


def _every_command(
    sandbox: SandboxHandle, out: Path, env: dict[str, str], mp: pytest.MonkeyPatch
) -> list[Result]:
    """Each command once; those with `--with-token` read the environment's token on stdin."""
    reports = [
        "--junit", str(out / "d.xml"), "--markdown", str(out / "d.md"),
        "--bundle", str(out / "d.zip"),
    ]  # fmt: skip
    runs = [
        ("-v", "login", "-p", PROFILE, "--json"),
        ("-v", "status", "-p", PROFILE),
        ("-v", "diagnose", "-p", PROFILE, "--json", *reports),
        ("-v", "teams-auth", "status", "-p", PROFILE, "--json"),
        ("-v", "auth", "login", "-p", PROFILE, "--with-token", "--json"),
        ("-v", "auth", "login", "-p", PROFILE, "--with-token"),
        ("-v", "auth", "status", "-p", PROFILE, "--json"),
        ("-v", "auth", "status", "-p", PROFILE),
        ("-v", "status", "-p", PROFILE, "--with-token", "--json"),
        ("-v", "logout", "-p", PROFILE, "--json"),
        ("-v", "auth", "logout", "-p", PROFILE, "--json"),
    ]
    results = []
    for argv in runs:
        mp.setattr("sys.stdin", _Stdin(env["WXCC_ACCESS_TOKEN"] + "\n"))
        results.append(run_cli(sandbox, *argv, email=None, env=env))
    return results


def test_an_accepted_token_is_never_written(
    sandbox: SandboxHandle, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = sandbox.token("sam@example.com")
    teams_canary = "msft-" + secrets.token_urlsafe(24)
    env = {"WXCC_ACCESS_TOKEN": token, "WXCC_TEAMS_ACCESS_TOKEN": teams_canary}
    results = _every_command(sandbox, tmp_path, env, monkeypatch)
    codes = [r.code for r in results]
    assert codes == [0, 0, 0, 4, *[0] * 7], [r.err for r in results]  # Teams: not signed in
    assert (tmp_path / "d.zip").is_file() and (tmp_path / "d.xml").is_file()
    written = _everything_written(results, isolated_home, tmp_path)
    assert "WXCCDESK_" in written  # the grep sees real output, not nothing
    assert token not in written
    assert teams_canary not in written


def test_a_rejected_token_is_never_written(
    sandbox: SandboxHandle, isolated_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "canary" + secrets.token_urlsafe(32) + "_P0A1_" + sandbox.org_id
    results = _every_command(sandbox, tmp_path, {"WXCC_ACCESS_TOKEN": canary}, monkeypatch)
    assert results[0].code == 4, results[0].err  # refused, with the error path's output
    assert results[4].code == 4, results[4].err  # `auth login` refused it too
    written = _everything_written(results, isolated_home, tmp_path)
    assert "error:" in written
    assert canary not in written
    assert canary[:24] not in written  # not even a prefix long enough to be useful
