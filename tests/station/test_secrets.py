"""Tokens never appear in output, traces, state files or error text (the canary test)."""

from __future__ import annotations

import secrets
from pathlib import Path

from tests.station.conftest import PROFILE, Result, run_cli
from wxcc_desk.sandbox import SandboxHandle


def _written(results: list[Result], home: Path) -> str:
    files = [p.read_text(errors="replace") for p in home.rglob("*") if p.is_file()]
    return "\n".join([r.text for r in results] + files)


def test_real_token_never_written(sandbox: SandboxHandle, isolated_home: Path) -> None:
    token = sandbox.token("sam@example.com")
    runs = [
        run_cli(sandbox, "-v", "login", "-p", PROFILE, "--json"),
        run_cli(  # signed in with another station: an error path
            sandbox, "-v", "login", "-p", PROFILE, env={"WXCC_DIAL_NUMBER": "+14085550199"}
        ),
        run_cli(sandbox, "-v", "status", "-p", PROFILE, "--json"),
        run_cli(sandbox, "-v", "status", "-p", PROFILE),
        run_cli(
            sandbox,
            "-v",
            "login",
            "-p",
            PROFILE,
            "--takeover",
            "--hold",
            "--duration",
            "0.2",
            "--json",
        ),
        run_cli(sandbox, "-v", "logout", "-p", PROFILE, "--json"),
        run_cli(sandbox, "-v", "logout", "-p", PROFILE),
        run_cli(sandbox, "-v", "demo"),
        run_cli(sandbox, "-v", "demo", "--json"),
    ]
    assert [r.code for r in runs] == [0, 1, 0, 0, 0, 0, 6, 0, 0]
    written = _written(runs, isolated_home)
    assert "http: POST" in written  # the trace was on
    assert token not in written
    assert token.split("_")[0] not in written  # not even the opaque part


def test_rejected_canary_token_never_written(sandbox: SandboxHandle, isolated_home: Path) -> None:
    canary = f"CANARY{secrets.token_hex(16)}_P0A1_{sandbox.org_id}"
    env = {"WXCC_ACCESS_TOKEN": canary}
    runs = [
        run_cli(sandbox, "-v", cmd, "-p", PROFILE, "--json", email=None, env=env)
        for cmd in ("login", "status", "logout")
    ]
    assert all(r.code == 4 for r in runs), [r.err for r in runs]
    written = _written(runs, isolated_home)
    assert canary not in written and canary[:20] not in written
