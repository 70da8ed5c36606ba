"""Ctrl-C and SIGTERM at each step of login and logout: one line saying what may have happened
and to run `status`, and the documented exit code (130, 143; 0 for SIGTERM to `login --hold`).

Deterministic on a loaded machine: each step is held open by the sandbox (a latency fault of a
minute on its request, or a withheld outcome), and the signal is sent only once the sandbox has
that request in hand (or has answered it, for an outcome), so the run is provably inside the
step; clearing the faults afterwards lets the held request finish at once. The signal goes to
this process, whose main thread runs the real CLI: the handlers under test are the ones a
terminal or a service manager reaches.
"""

from __future__ import annotations

import fcntl
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.station.conftest import PROFILE, Result, run_cli
from tests.support.sandbox_fixtures import MakeSandbox
from wxcc_desk.sandbox import SandboxHandle

HOLD = "latency=60000,path={}"
SLOW_OUTCOME = {"WXCC_TIMEOUT_OUTCOME": "60"}
NOTHING = "nothing was sent that changes the station"
LOGIN_SENT = "the station login was sent and its outcome is unknown: it may be signed in"
LOGOUT_SENT = "the station logout was sent and its outcome is unknown: it may be signed out"


@dataclass(frozen=True)
class Step:
    name: str
    faults: tuple[str, ...]
    path: str  # the request that marks the step
    answered: bool  # wait until the sandbox answered it (the run then waits for an outcome)
    text: str  # what the one line must say

    def __str__(self) -> str:
        return self.name


LOGIN_STEPS = [
    Step("people-me", (HOLD.format("/v1/people/me"),), "/v1/people/me", False, NOTHING),
    Step(
        "config",
        (HOLD.format("/organization/*/v2/organization-setting"),),
        "/organization/*/v2/organization-setting",
        False,
        NOTHING,
    ),
    Step(
        "subscribe",
        (HOLD.format("/v1/notification/subscribe"),),
        "/v1/notification/subscribe",
        False,
        NOTHING,
    ),
    Step(
        "login-request", (HOLD.format("/v1/agents/login"),), "/v1/agents/login", False, LOGIN_SENT
    ),
    Step(
        "login-outcome",
        ("ws-withhold=AgentStationLoginSuccess",),
        "/v1/agents/login",
        True,
        LOGIN_SENT,
    ),
    Step(
        "state-change",
        (HOLD.format("/v1/agents/session/state"),),
        "/v1/agents/session/state",
        False,
        "the station is signed in; its change to Available may not be applied",
    ),
]
LOGOUT_STEPS = [
    Step("people-me", (HOLD.format("/v1/people/me"),), "/v1/people/me", False, NOTHING),
    Step("reload", (HOLD.format("/v1/agents/reload"),), "/v1/agents/reload", False, NOTHING),
    Step(
        "idle",
        (HOLD.format("/v1/agents/session/state"),),
        "/v1/agents/session/state",
        False,
        "the station is still signed in; its change to Idle may be applied",
    ),
    Step(
        "logout-request",
        (HOLD.format("/v1/agents/logout"),),
        "/v1/agents/logout",
        False,
        LOGOUT_SENT,
    ),
    Step(
        "logout-outcome",
        ("ws-withhold=AgentLogoutSuccess",),
        "/v1/agents/logout",
        True,
        LOGOUT_SENT,
    ),
]
WORDS = {signal.SIGINT: "interrupted (Ctrl-C): ", signal.SIGTERM: "terminated (SIGTERM): "}
CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}


def _matches(path: str, pattern: str) -> bool:
    import fnmatch

    return fnmatch.fnmatchcase(path, pattern)


def _signal_when(
    sb: SandboxHandle, step: Step, sig: signal.Signals, sent: list[bool], done: threading.Event
) -> None:
    """Send `sig` to this process once the sandbox holds (or answered) the step's request."""
    while not done.is_set():
        hits = [r for r in sb.requests if _matches(r.path, step.path)]
        if hits and (not step.answered or hits[-1].status):
            os.kill(os.getpid(), sig)
            sent.append(True)
            return
        time.sleep(0.01)


def _run_with_signal(sb: SandboxHandle, step: Step, sig: signal.Signals, *argv: str) -> Result:
    sb.clear_requests()  # only this run's requests mark its steps
    sb.add_fault(*step.faults)
    sent: list[bool] = []
    done = threading.Event()
    watcher = threading.Thread(target=_signal_when, args=(sb, step, sig, sent, done), daemon=True)
    watcher.start()
    try:
        res = run_cli(sb, *argv, "-p", PROFILE, env=SLOW_OUTCOME)
    finally:
        done.set()
        watcher.join(10)
        sb.clear_faults()
    assert sent, f"the run never reached step {step.name}: {res.err}"
    return res


def _assert_one_line(res: Result, sig: signal.Signals, text: str, code: int) -> None:
    assert res.code == code, res.err
    lines = [line for line in res.err.splitlines() if line.startswith(tuple(WORDS.values()))]
    assert len(lines) == 1, res.err
    (line,) = lines
    assert line.startswith(WORDS[sig]), line
    assert text in line and f"run `wxcc-desk status -p {PROFILE}`" in line, line
    assert "Traceback" not in res.err and "internal error" not in res.err


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("step", LOGIN_STEPS, ids=str)
def test_login_interrupted_at_each_step(
    make_sandbox: MakeSandbox, step: Step, sig: signal.Signals
) -> None:
    sb = make_sandbox()
    res = _run_with_signal(sb, step, sig, "login", "--available")
    _assert_one_line(res, sig, step.text, CODES[sig])


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("step", LOGOUT_STEPS, ids=str)
def test_logout_interrupted_at_each_step(
    make_sandbox: MakeSandbox, step: Step, sig: signal.Signals
) -> None:
    sb = make_sandbox()
    assert run_cli(sb, "login", "-p", PROFILE).code == 0
    # Available again (the login's socket closing made it Idle), so logout sets Idle first.
    sb.control(
        "POST", "state", {"email": "sam@example.com", "subStatus": "Available", "auxCodeId": "0"}
    )
    res = _run_with_signal(sb, step, sig, "logout")
    _assert_one_line(res, sig, step.text, CODES[sig])


@pytest.mark.parametrize("step", [LOGIN_STEPS[0], LOGIN_STEPS[3], LOGIN_STEPS[5]], ids=str)
def test_sigterm_to_login_hold_before_the_hold_ends_it_with_0(
    make_sandbox: MakeSandbox, step: Step
) -> None:
    sb = make_sandbox()
    res = _run_with_signal(sb, step, signal.SIGTERM, "login", "--hold", "--available")
    _assert_one_line(res, signal.SIGTERM, step.text, 0)


def test_sigterm_to_login_hold_json_ends_the_json_lines_with_a_closed_event(
    make_sandbox: MakeSandbox,
) -> None:
    import json

    sb = make_sandbox()
    res = _run_with_signal(sb, LOGIN_STEPS[3], signal.SIGTERM, "login", "--hold", "--json")
    assert res.code == 0, res.err
    (doc,) = [json.loads(line) for line in res.out.splitlines()]
    assert doc["schema"] == "wxcc-desk/event/v1" and doc["kind"] == "closed"
    assert LOGIN_SENT in doc["text"]
    assert doc["run_id"] and doc["tracking_ids"]["sent"]  # the login it interrupted was sent


def test_login_waiting_for_another_runs_lock_says_nothing_changed(
    make_sandbox: MakeSandbox, isolated_home: Path
) -> None:
    # Another run holds the record's lock: login waits before anything changes the station.
    sb = make_sandbox()
    folder = isolated_home / "state" / "sessions"
    folder.mkdir(parents=True)
    with (folder / "sandbox.json.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        sent: list[bool] = []

        def later() -> None:
            time.sleep(0.5)  # login polls the lock every 50 ms; any moment in its wait will do
            os.kill(os.getpid(), signal.SIGINT)
            sent.append(True)

        threading.Thread(target=later, daemon=True).start()
        res = run_cli(sb, "login", "-p", PROFILE)
    assert sent
    _assert_one_line(res, signal.SIGINT, NOTHING, 130)
    assert not [r for r in sb.requests if r.path == "/v1/agents/login"]
