"""Ctrl-C and SIGTERM in the commands that are not login or logout (those have
tests/station/test_signals.py): `status`, `auth status|login`, `teams-auth status|login`, `diagnose`
and `demo` each end with one line saying what the interruption may leave, exit 130 or 143, and,
with `--json`, one error document (code INTERRUPTED or TERMINATED) on stdout; never a traceback
and never a silent death.

Deterministic as the station's signal tests are: each run is held inside a step (a latency
fault of a minute on a request the sandbox then has in hand, or a wait the command announced on
stderr) before the signal goes to this process, whose main thread runs the real CLI.
"""

from __future__ import annotations

import io
import json
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.cli import CliRun, invoke
from tests.support.profiles import sandbox_teams, write_profile
from tests.support.sandbox_fixtures import MakeSandbox
from wxcc_desk.sandbox import SandboxHandle

HOLD_PEOPLE_ME = "latency=60000,path=/v1/people/me"
WORDS = {signal.SIGINT: "interrupted (Ctrl-C): ", signal.SIGTERM: "terminated (SIGTERM): "}
CODES = {signal.SIGINT: (130, "INTERRUPTED"), signal.SIGTERM: (143, "TERMINATED")}
EARLY = "the command stopped before it finished; run it again"


class _Stdin(io.StringIO):
    """A text stdin without bytes beneath (read_stdin_token reads it as it is)."""


@dataclass(frozen=True)
class Case:
    name: str
    argv: tuple[str, ...]
    text: str  # what the one line must say after the signal's words
    fault: str | None = HOLD_PEOPLE_ME  # the held request, or None: the command waits itself
    says: str = ""  # the stderr text that marks the wait, when there is no fault
    stdin: str | None = None  # the token on stdin (auth login --with-token)

    @property
    def token_env(self) -> bool:
        """WXCC_ACCESS_TOKEN set, except where the command gets its own token (auth login)."""
        return self.argv[:2] != ("auth", "login")

    def __str__(self) -> str:
        return self.name


STORED = "the token may or may not be stored; run `wxcc-desk auth status -p {p}` to see"
TEAMS = (
    "the Microsoft sign-in may be unfinished or not stored; "
    "run `wxcc-desk teams-auth status -p {p}` to see"
)
DEMO = "the demo's own sandbox stops with it; nothing else was changed"
CASES = [
    Case("status", ("status",), EARLY),
    Case("auth-status", ("auth", "status"), EARLY),
    Case("auth-login-stdin", ("auth", "login", "--with-token"), STORED, stdin="TOKEN\n"),
    Case("auth-login-web", ("auth", "login", "--web"), STORED, None, "waiting up to"),
    Case("teams-auth-status", ("teams-auth", "status"), EARLY),
    Case("teams-auth-login", ("teams-auth", "login", "--new-code"), TEAMS, None, "enter the code"),
    Case("diagnose", ("diagnose",), EARLY),
    # The demo runs its own sandbox; it says that, not the state of the station in it.
    Case("demo", ("demo",), DEMO, None, "step 1/3"),
]


class _Watched(io.StringIO):
    """stderr that another thread can read while the run writes it."""

    def __init__(self) -> None:
        super().__init__()
        self.lock = threading.Lock()

    def write(self, s: str) -> int:
        with self.lock:
            return super().write(s)

    def seen(self) -> str:
        with self.lock:
            return self.getvalue()


def _signal_when(ready: Callable[[], bool], sig: signal.Signals, sent: list[bool]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if ready():
            os.kill(os.getpid(), sig)
            sent.append(True)
            return
        time.sleep(0.01)


def _profile(sb: SandboxHandle, folder: Path) -> Path:
    return write_profile(folder, "lab", api=sb.url, teams=sandbox_teams(sb.url), timeouts=None)


def _run(
    sb: SandboxHandle,
    case: Case,
    sig: signal.Signals,
    home: Path,
    json_out: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[CliRun, str]:
    path = _profile(sb, home)
    env = {k: v for k, v in os.environ.items() if not k.startswith("WXCC_")}
    env["WXCC_CLIENT_ID"] = "wxcc-desk-sandbox"  # the sandbox's Webex integration (--web)
    if case.token_env:
        env["WXCC_ACCESS_TOKEN"] = sb.token("sam@example.com")
    if case.stdin is not None:
        text = case.stdin.replace("TOKEN", sb.token("sam@example.com"))
        monkeypatch.setattr("sys.stdin", _Stdin(text))
    sb.clear_requests()
    if case.fault:
        sb.add_fault(case.fault)
    err = _Watched()

    def ready() -> bool:
        if case.fault:
            return any(r.path == "/v1/people/me" for r in sb.requests)
        return case.says in err.seen()

    sent: list[bool] = []
    watcher = threading.Thread(target=_signal_when, args=(ready, sig, sent), daemon=True)
    watcher.start()
    where = [] if case.argv == ("demo",) else ["-p", str(path)]
    argv = [*case.argv, *where, *(["--json"] if json_out else [])]
    try:
        res = invoke(argv, env, stderr=err, home=home)
    finally:
        watcher.join(35)
        sb.clear_faults()
    assert sent, f"the run never reached its step: {res.err}"
    return res, str(path)


@pytest.mark.parametrize("json_out", [False, True], ids=["text", "json"])
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_signal_ends_the_command_with_one_line_and_its_code(
    make_sandbox: MakeSandbox,
    isolated_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    case: Case,
    sig: signal.Signals,
    json_out: bool,
) -> None:
    sb = make_sandbox()
    if case.name == "teams-auth-login":
        sb_settings(sb)
    res, profile = _run(sb, case, sig, isolated_home, json_out, monkeypatch)
    code, name = CODES[sig]
    assert res.code == code, res.err
    lines = [line for line in res.err.splitlines() if line.startswith(tuple(WORDS.values()))]
    assert lines == [WORDS[sig] + case.text.format(p=profile)], res.err
    assert "Traceback" not in res.err and "internal error" not in res.err
    if json_out:
        doc = json.loads(res.out)  # one document, checked against its schema by invoke
        assert doc["schema"] == "wxcc-desk/error/v1" and doc["ok"] is False
        assert doc["error"]["code"] == name and doc["error"]["exit_code"] == code
        assert doc["error"]["message"] == lines[0]
    else:
        assert res.out == ""


def sb_settings(sb: SandboxHandle) -> None:
    """Device codes that poll without an interval, so the wait is reached at once."""
    import httpx

    httpx.post(f"{sb.url}/_sandbox/microsoft/settings", json={"interval": 0}).raise_for_status()
