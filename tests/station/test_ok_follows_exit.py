"""A station document's `ok` and the command's exit code never disagree: a CI step may read
either. Each outcome the sandbox can provoke is run through the real command, and every
document printed (with `--hold`, every line that carries `ok`) is held to `ok == (exit == 0)`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

from tests.station.conftest import PROFILE, Cli, Result, run_cli
from tests.support.documents import check_output
from wxcc_desk.core.errors import ExitCode
from wxcc_desk.sandbox import SandboxHandle


def _docs(run: Result) -> list[dict[str, object]]:
    """Every JSON document on stdout (one, or one per line with `--hold`)."""
    text = run.out.strip()
    if "\n{" not in text:
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines()]


def _agrees(run: Result, code: int) -> None:
    assert run.code == code, (code, run.err)
    docs = [d for d in _docs(run) if "ok" in d]
    assert docs, run.out
    assert docs[-1]["ok"] is (run.code == 0), (run.code, docs[-1])
    if len(docs) == 1:
        return
    assert docs[0]["schema"] == "wxcc-desk/login/v1" and docs[0]["ok"] is True  # the sign-in


def test_status_ok_is_false_when_it_exits_6(cli: Cli) -> None:
    """The reviewer's case: not signed in printed `"ok": true` and exited 6."""
    out = cli("status", "--json")
    _agrees(out, ExitCode.NOT_LOGGED_IN)
    assert out.doc["logged_in"] is False and out.doc["not_logged_in_reason"]


def test_every_station_outcome_agrees(cli: Cli) -> None:
    _agrees(cli("login", "--json"), ExitCode.OK)
    _agrees(cli("login", "--json"), ExitCode.OK)  # already signed in: adopted
    _agrees(cli("status", "--json"), ExitCode.OK)
    _agrees(cli("status", "--json", email="alice@example.com"), ExitCode.AUTH)  # not her station
    _agrees(cli("logout", "--json"), ExitCode.OK)
    _agrees(cli("status", "--json"), ExitCode.NOT_LOGGED_IN)  # signed out
    _agrees(cli("logout", "--json"), ExitCode.NOT_LOGGED_IN)  # nothing to log out
    down = {"WXCC_BASE_URL": "http://127.0.0.1:9"}
    for command in ("login", "status", "logout"):
        _agrees(cli(command, "--json", env=down), ExitCode.NETWORK)
    _agrees(cli("login", "--json", "--team", "Nope"), ExitCode.CONFIG)  # preflight
    assert cli("login").code == 0
    other = {"WXCC_DIAL_NUMBER": "+14085550199"}  # signed in with another station: refused
    _agrees(cli("login", "--json", env=other), ExitCode.FAILED)


def test_status_with_a_stale_record_agrees(cli: Cli, sandbox: SandboxHandle) -> None:
    assert cli("login").code == 0  # writes the local record
    sandbox.reset()  # the service forgets the session: the record is stale
    stale = cli("status", "--json")
    _agrees(stale, ExitCode.NOT_LOGGED_IN)
    assert stale.doc["local_record"] and any("stale" in n for n in stale.doc["notes"])


def test_a_hold_ended_by_a_takeover_ends_its_stream_with_ok_false(
    sandbox: SandboxHandle,
) -> None:
    box: list[Result] = []
    argv = ("login", "-p", PROFILE, "--hold", "--duration", "20", "--json")
    thread = threading.Thread(target=lambda: box.append(run_cli(sandbox, *argv)), daemon=True)
    thread.start()
    while not any(s["sockets"] for s in sandbox.sessions()["sessions"]):
        assert thread.is_alive(), box
        time.sleep(0.05)
    assert run_cli(sandbox, "login", "-p", PROFILE, "--takeover").code == 0
    thread.join(15)
    (held,) = box
    _agrees(held, ExitCode.FAILED)
    assert _docs(held)[-1]["schema"] == "wxcc-desk/error/v1"


def test_the_process_exit_code_agrees(sandbox: SandboxHandle) -> None:
    """Through a real process, as CI runs it: exit status and `ok` of a signed-out status."""
    env = {
        **os.environ,
        "WXCC_BASE_URL": sandbox.url,
        "WXCC_ACCESS_TOKEN": sandbox.token("sam@example.com"),
    }
    argv = [sys.executable, "-m", "wxcc_desk", "status", "-p", PROFILE, "--json"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == ExitCode.NOT_LOGGED_IN, done.stderr
    assert check_output(done.stdout) == ["status"]
    assert json.loads(done.stdout)["ok"] is False
