"""The bench runner's pieces that are logic, not timing: no timing is asserted here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from bench.paths import critical_path

from wxcc_desk.api.notifications import keepalive_seconds
from wxcc_desk.sandbox import SandboxHandle
from wxcc_desk.sandbox.world import RecordedRequest

ROOT = Path(__file__).resolve().parents[2]


def _req(method: str, path: str, start: float, end: float, status: int = 200) -> RecordedRequest:
    return RecordedRequest(method, path, {}, {}, None, b"", status, received=start, answered=end)


def test_run_help_lists_the_options() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "--quick" in done.stdout and "--only" in done.stdout


def test_parallel_requests_count_once_and_agents_calls_add_their_outcome() -> None:
    log = [
        _req("GET", "/v1/people/me", 0.000, 0.050),
        _req("GET", "/organization/o/user/by-ci-user-id/u", 0.051, 0.101),
        _req("GET", "/organization/o/v2/organization-setting", 0.052, 0.102),  # beside the user
        _req("POST", "/v1/notification/subscribe", 0.103, 0.153),
        _req("GET", "/v1/notification/subscription/secret-id", 0.154, 9.0, status=101),
        _req("POST", "/v1/agents/login", 0.205, 0.255),
    ]
    path = critical_path(log, latency_s=0.05)
    assert path.requests == 5
    assert path.events == 1
    assert path.round_trips == 6
    assert path.steps[-1] == "login outcome event"
    assert "secret-id" not in path.describe()  # the subscription id is a credential


def test_an_empty_log_has_no_path() -> None:
    assert critical_path([], 0.05).round_trips == 0


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 4.0), ("0.01", 0.01), ("4", 4.0), ("0", 4.0), ("9", 4.0), ("soon", 4.0)],
)
def test_keepalive_interval_knob(
    monkeypatch: pytest.MonkeyPatch, value: str | None, expected: float
) -> None:
    if value is None:
        monkeypatch.delenv("WXCC_KEEPALIVE_SECONDS", raising=False)
    else:
        monkeypatch.setenv("WXCC_KEEPALIVE_SECONDS", value)
    assert keepalive_seconds() == expected


_DUMP_MODULES = """
import sys
from wxcc_desk.app import main
code = 0
try:
    main(sys.argv[2:])
except SystemExit as done:
    code = done.code
with open(sys.argv[1], "w") as out:
    out.write(f"exit={code}\\n" + "\\n".join(sorted(sys.modules)))
"""


def test_the_status_floor_lists_only_libraries_status_imports(
    sandbox: SandboxHandle, tmp_path: Path
) -> None:
    """Figure 1b's floor must not be inflated: `status --json` in a fresh process (signed in,
    against the sandbox) imports every module of `STATUS_FLOOR`."""
    import os

    from bench.startup import STATUS_FLOOR

    env = {
        **os.environ,
        "WXCC_BASE_URL": sandbox.url,
        "WXCC_ACCESS_TOKEN": sandbox.token("sam@example.com"),
        "WXCC_DESK_NONINTERACTIVE": "1",
    }
    profile = str(ROOT / "profiles" / "sandbox.yaml")
    dump = tmp_path / "modules.txt"
    for argv in (["login", "-p", profile], ["status", "--json", "-p", profile]):
        done = subprocess.run(
            [sys.executable, "-c", _DUMP_MODULES, str(dump), *argv],
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
    first, *modules = dump.read_text().splitlines()
    assert first == "exit=0"  # the status run found the session
    assert set(STATUS_FLOOR) <= set(modules), set(STATUS_FLOOR) - set(modules)
    # ...and lists only packages status cannot do without: each entry must be justified here.
    needed = {
        "typer": "the CLI (a core library of the brief)",
        "httpx": "HTTP (a core library of the brief)",
        "httpcore": "httpx's transport",
        "anyio": "httpcore's asyncio backend",
        "yaml": "the profile (PyYAML, a core library of the brief)",
        "asyncio": "parallel requests and the socket",
        "websockets": "the session is only learned as an event on the notification socket",
    }
    assert {m.split(".")[0] for m in STATUS_FLOOR} <= set(needed)
    # Typer is held below 0.29 because 0.29 loads pydantic on every command run (+37 ms).
    assert "pydantic" not in modules
